import { readFile } from 'node:fs/promises';
import type { Result } from '../../../shared/errors';
import type { BackendError, DeviceGateway, IdentityRef, TwinSections } from '../../protocol/device-backend';
import { writeFileAtomic } from '../atomic-file';

/**
 * The twins the edge hub keeps for its device's modules (and the device itself), locally and durably, so modules get
 * their desired properties and can report while the hub is offline (EDGE-CONTRACTS.md §1.4):
 * - desired comes from the deployment's `modulesContent` (`<module>: {"properties.desired": {...}}`); each change
 *   bumps that twin's desired `$version` and the PATCH (only what changed, removed keys as null, with `$version`) is
 *   pushed to the module's live connections through the gateway;
 * - reported patches are merged (null deletes) and bump the reported `$version`;
 * - everything is kept in one JSON file written atomically (write, fsync, rename) before a change is acknowledged.
 * `$edgeAgent` and `$edgeHub` entries of `modulesContent` are not module twins here (the agent and EdgeHubCore own them).
 */

type Json = Record<string, unknown>;

interface TwinRecord {
  desired: Json;
  desiredVersion: number;
  reported: Json;
  reportedVersion: number;
  /** Leaf devices: reported changes not yet in the upstream hub's twin (a merge patch: null = delete). */
  pendingReported?: Json;
}

interface TwinFile {
  readonly format: 1;
  readonly twins: Record<string, TwinRecord>;
}

export interface HubTwinsOptions {
  /** The JSON file the twins live in; absent = memory only (tests). */
  readonly file?: string;
  readonly log?: (line: string) => void;
}

const SYSTEM_TWINS = new Set(['$edgeAgent', '$edgeHub']);
const DESIRED_KEY = 'properties.desired';
/** Twin documents deeper than IoT Hub allows (10 levels) are refused. */
const MAX_DEPTH = 10;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `d` or `d/m`: the key a twin is kept under. */
export function twinKey(ref: IdentityRef): string {
  return ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
}

export class HubTwins {
  private gateway: DeviceGateway | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly twins: Map<string, TwinRecord>,
    private readonly options: HubTwinsOptions,
  ) {}

  /** Twins kept in memory only (tests, or a hub without a data folder). */
  static inMemory(options: Omit<HubTwinsOptions, 'file'> = {}): HubTwins {
    return new HubTwins(new Map(), options);
  }

  /** Loads the file (a missing file is an empty set of twins; an unreadable one is an error, never overwritten). */
  static async open(options: HubTwinsOptions = {}): Promise<Result<HubTwins>> {
    const twins = new Map<string, TwinRecord>();
    if (options.file) {
      let text: string | undefined;
      try {
        text = await readFile(options.file, 'utf8');
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, error: { code: 'IO', message: `cannot read ${options.file}: ${String(cause)}` } };
      }
      if (text !== undefined) {
        const parsed = parseTwinFile(text);
        if (!parsed) return { ok: false, error: { code: 'IO', message: `${options.file} is not a twin file` } };
        for (const [key, record] of Object.entries(parsed.twins)) twins.set(key, record);
      }
    }
    return { ok: true, value: new HubTwins(twins, options) };
  }

  /** The gateway desired patches are pushed through. */
  attach(gateway: DeviceGateway): void {
    this.gateway = gateway;
  }

  get(ref: IdentityRef): TwinSections {
    const record = this.twins.get(twinKey(ref));
    return {
      desired: { ...structuredClone(record?.desired ?? {}), $version: record?.desiredVersion ?? 1 },
      reported: { ...structuredClone(record?.reported ?? {}), $version: record?.reportedVersion ?? 1 },
    };
  }

  /**
   * Applies the module-twin desired properties of a deployment for the modules of `deviceId`: changed twins get a new
   * `$version` (persisted first), then their patch is pushed to connected modules. Resolves with the modules changed.
   */
  async applyModuleTwins(deviceId: string, modulesContent: Readonly<Record<string, unknown>>): Promise<Result<{ readonly changed: readonly string[] }>> {
    const patches: { ref: IdentityRef; patch: Json }[] = [];
    for (const [moduleId, content] of Object.entries(modulesContent)) {
      if (SYSTEM_TWINS.has(moduleId) || !isObject(content)) continue;
      const desired = content[DESIRED_KEY];
      if (!isObject(desired)) continue;
      const wanted = withoutMetadata(desired);
      const ref = { deviceId, moduleId };
      const record = this.record(ref);
      const patch = diff(record.desired, wanted);
      if (patch === undefined) continue;
      record.desired = structuredClone(wanted);
      record.desiredVersion += 1;
      patches.push({ ref, patch: { ...patch, $version: record.desiredVersion } });
    }
    if (patches.length === 0) return { ok: true, value: { changed: [] } };
    const saved = await this.persist();
    if (!saved.ok) return saved;
    for (const { ref, patch } of patches) this.gateway?.pushDesired(ref, patch);
    return { ok: true, value: { changed: patches.map((p) => p.ref.moduleId ?? p.ref.deviceId) } };
  }

  /**
   * Merges a reported patch (null deletes) and resolves with the new reported `$version` once it is on disk.
   * `pending`: the patch is also kept (durably) until `settleReported` says the upstream hub has it (leaf devices).
   */
  async patchReported(ref: IdentityRef, patch: Json, options: { readonly pending?: boolean } = {}): Promise<Result<{ readonly version: number }, BackendError>> {
    if (depth(patch) > MAX_DEPTH) return { ok: false, error: { code: 'BAD_REQUEST', message: `the reported patch is nested deeper than ${MAX_DEPTH} levels` } };
    const record = this.record(ref);
    const before = structuredClone(record.reported);
    const pendingBefore = record.pendingReported === undefined ? undefined : structuredClone(record.pendingReported);
    merge(record.reported, withoutMetadata(patch));
    if (options.pending) {
      record.pendingReported ??= {};
      mergeKeepingNulls(record.pendingReported, withoutMetadata(patch));
    }
    record.reportedVersion += 1;
    const saved = await this.persist();
    if (!saved.ok) {
      record.reported = before;
      record.reportedVersion -= 1;
      if (pendingBefore === undefined) delete record.pendingReported;
      else record.pendingReported = pendingBefore;
      return { ok: false, error: { code: 'UNAVAILABLE', message: saved.error.message } };
    }
    return { ok: true, value: { version: record.reportedVersion } };
  }

  /** Reported changes not yet in the upstream hub (a merge patch), or undefined. */
  pendingReported(ref: IdentityRef): Json | undefined {
    const pending = this.twins.get(twinKey(ref))?.pendingReported;
    return pending === undefined ? undefined : structuredClone(pending);
  }

  /** The upstream hub has `sent`: forgets the pending patch when nothing was added to it since. */
  async settleReported(ref: IdentityRef, sent: Json): Promise<void> {
    const record = this.twins.get(twinKey(ref));
    if (!record?.pendingReported || JSON.stringify(record.pendingReported) !== JSON.stringify(sent)) return;
    delete record.pendingReported;
    await this.persist();
  }

  /**
   * Takes the upstream hub's twin as this twin (leaf devices: the hub is the truth while it is reachable), with the
   * pending reported changes on top. Resolves with the desired patch a connected client has not seen (or undefined).
   */
  async replace(ref: IdentityRef, sections: TwinSections): Promise<Result<Json | undefined>> {
    // A twin never kept before has no client that saw an older desired: nothing to push.
    const known = this.twins.has(twinKey(ref));
    const record = this.record(ref);
    const desired = withoutMetadata(sections.desired);
    const desiredVersion = versionOf(sections.desired) ?? record.desiredVersion;
    const changed = known && desiredVersion !== record.desiredVersion ? diff(record.desired, desired) : undefined;
    record.desired = structuredClone(desired);
    record.desiredVersion = desiredVersion;
    record.reported = withoutMetadata(sections.reported);
    if (record.pendingReported) merge(record.reported, structuredClone(record.pendingReported));
    record.reportedVersion = (versionOf(sections.reported) ?? record.reportedVersion) + (record.pendingReported ? 1 : 0);
    const saved = await this.persist();
    if (!saved.ok) return saved;
    return { ok: true, value: changed === undefined ? undefined : { ...changed, $version: desiredVersion } };
  }

  /** A desired patch from the upstream hub (with its `$version`): merged, kept, and pushed to the twin's live connections. */
  async applyDesiredPatch(ref: IdentityRef, patch: Json): Promise<Result<void>> {
    const record = this.record(ref);
    const version = versionOf(patch);
    if (version !== undefined && version <= record.desiredVersion) return { ok: true, value: undefined };
    merge(record.desired, withoutMetadata(patch));
    record.desiredVersion = version ?? record.desiredVersion + 1;
    const saved = await this.persist();
    if (!saved.ok) return saved;
    this.gateway?.pushDesired(ref, { ...withoutMetadata(patch), $version: record.desiredVersion });
    return { ok: true, value: undefined };
  }

  private record(ref: IdentityRef): TwinRecord {
    const key = twinKey(ref);
    let record = this.twins.get(key);
    if (!record) {
      record = { desired: {}, desiredVersion: 1, reported: {}, reportedVersion: 1 };
      this.twins.set(key, record);
    }
    return record;
  }

  /** Writes the whole set after the previous write (writes never overlap; each sees the state at its turn). */
  private persist(): Promise<Result<void>> {
    const file = this.options.file;
    if (!file) return Promise.resolve({ ok: true, value: undefined });
    const run = this.writing.then(async (): Promise<Result<void>> => {
      try {
        const content: TwinFile = { format: 1, twins: Object.fromEntries(this.twins) };
        await writeFileAtomic(file, JSON.stringify(content));
        return { ok: true, value: undefined };
      } catch (cause) {
        this.options.log?.(`hub twins: cannot write ${file}: ${String(cause)}`);
        return { ok: false, error: { code: 'IO', message: `cannot write the twins: ${String(cause)}` } };
      }
    });
    this.writing = run.then(() => undefined);
    return run;
  }
}

function parseTwinFile(text: string): TwinFile | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value) || value.format !== 1 || !isObject(value.twins)) return undefined;
    for (const record of Object.values(value.twins)) {
      if (!isObject(record) || !isObject(record.desired) || !isObject(record.reported) || typeof record.desiredVersion !== 'number' || typeof record.reportedVersion !== 'number') return undefined;
    }
    return value as unknown as TwinFile;
  } catch {
    return undefined;
  }
}

/** A document without the service's `$version`/`$metadata` members (top level). */
function withoutMetadata(doc: Json): Json {
  const { $version: _v, $metadata: _m, ...rest } = doc;
  return rest;
}

/** The patch turning `from` into `to` (removed keys → null), or undefined when they are equal. */
export function diff(from: Json, to: Json): Json | undefined {
  const patch: Json = {};
  for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    const old = from[key];
    if (isObject(old) && isObject(value)) {
      const inner = diff(old, value);
      if (inner !== undefined) patch[key] = inner;
    } else if (!Object.hasOwn(from, key) || JSON.stringify(old) !== JSON.stringify(value)) {
      patch[key] = structuredClone(value);
    }
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** JSON merge patch as IoT Hub applies twin patches: objects merge, null deletes, anything else replaces. */
export function merge(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isObject(value)) {
      const current = target[key];
      const into: Json = isObject(current) ? current : {};
      merge(into, value);
      target[key] = into;
    } else target[key] = structuredClone(value);
  }
}

/** Merges a patch into a patch: objects merge, null is kept (it deletes when the result is applied). */
function mergeKeepingNulls(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isObject(value) && isObject(current)) mergeKeepingNulls(current, value);
    else target[key] = structuredClone(value);
  }
}

function versionOf(section: Json): number | undefined {
  const version = section.$version;
  return typeof version === 'number' && Number.isInteger(version) ? version : undefined;
}

function depth(value: unknown): number {
  if (!isObject(value)) return 0;
  let max = 0;
  for (const inner of Object.values(value)) max = Math.max(max, depth(inner));
  return max + 1;
}
