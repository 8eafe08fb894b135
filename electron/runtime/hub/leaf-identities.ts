import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Result } from '../../../shared/errors';
import type { Disposable } from '../drivers/disposable';
import type { IdentityRecord } from '../../protocol/device-backend';
import type { SecretBox } from '../secrets/secret-box';

/**
 * Downstream (leaf) device identities of the edge hub, as edgeHub's device-scope identities cache keeps them:
 * a leaf is a device of the upstream hub whose `deviceScope` is the edge device's scope
 * (`ms-azure-iot-edge://<edgeId>-<generation>`) or whose `parentScopes` name it (a nested edge device's children).
 *
 * - Source: a `LeafIdentitySource` (the host: the local hub's registry; for a cloud hub it would be IoT Hub's
 *   device-scope API). Each CONNECT of a device other than the edge device asks the source for that device afresh
 *   (edgeHub's `refreshIfNotExists`), so a leaf added a moment ago connects at once and a removed or disabled one is
 *   refused at once; `refresh()` (on the source's change events) re-reads the whole scope and names the devices
 *   whose identity went away or changed, whose live connections the hub then drops.
 * - Cache: the last known identities (keys included) live in one file sealed with the data folder's SecretBox
 *   (AES-256-GCM, mode 0600), so leaf devices authenticate while the upstream hub is unreachable or the host has no
 *   source, as with IoT Edge offline.
 * - Refusals carry a reason for the log (never a key): unknown, out of scope, no credentials.
 */

/** A device in the edge device's scope, with what authenticates it. */
export type LeafIdentity = IdentityRecord & { readonly moduleId?: undefined };

/** What the source says of one device id. */
export type LeafLookup =
  | { readonly kind: 'inScope'; readonly identity: LeafIdentity }
  /** The device exists but is not a child of this edge device. */
  | { readonly kind: 'outOfScope'; readonly reason: string }
  | { readonly kind: 'unknown' };

export interface LeafIdentitySource {
  /** One device, fresh from the registry. */
  lookup(deviceId: string): Promise<Result<LeafLookup>>;
  /** Every device in the edge device's scope. */
  list(): Promise<Result<readonly LeafIdentity[]>>;
  /** Fires when the registry may have changed (cheap, possibly often: the cache debounces). */
  onDidChange?(listener: () => void): Disposable;
}

/** The facts of a registry device that decide whether it is a child of an edge device. */
export interface ScopedDevice {
  readonly deviceId: string;
  readonly deviceScope?: string | undefined;
  readonly parentScopes?: readonly string[] | undefined;
}

/** Whether `device` sits in `edgeScope` (its device scope, or a parent scope for a nested edge device). */
export function inDeviceScope(edgeScope: string | undefined, device: ScopedDevice): boolean {
  if (!edgeScope) return false;
  return device.deviceScope === edgeScope || (device.parentScopes ?? []).includes(edgeScope);
}

export type LeafRefusal = { readonly code: 'UNAUTHORIZED'; readonly message: string } | { readonly code: 'UNAVAILABLE'; readonly message: string };

const Credentials = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sas'), primaryKey: z.string(), secondaryKey: z.string() }),
  z.object({ type: z.literal('selfSigned'), primaryThumbprint: z.string().optional(), secondaryThumbprint: z.string().optional() }),
  z.object({ type: z.literal('certificateAuthority') }),
  z.object({ type: z.literal('none') }),
]);
const LeafRecord = z.object({ deviceId: z.string().min(1).max(128), status: z.enum(['enabled', 'disabled']), credentials: Credentials });
const CacheFile = z.object({ format: z.literal(1), leaves: z.array(LeafRecord) });

export interface LeafIdentitiesOptions {
  /** The sealed cache file; absent = memory only (tests). */
  readonly file?: string;
  /** Seals the file (required with `file`). */
  readonly secrets?: SecretBox;
  readonly log?: (line: string) => void;
  /** How long source change events are gathered before one refresh (ms; default 500). */
  readonly debounceMs?: number;
}

export class LeafIdentities implements Disposable {
  private source: LeafIdentitySource | undefined;
  private sourceEvents: Disposable | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly revokedListeners = new Set<(deviceIds: readonly string[]) => void>();

  private constructor(
    private readonly cache: Map<string, LeafIdentity>,
    private readonly options: LeafIdentitiesOptions,
  ) {}

  static inMemory(options: Omit<LeafIdentitiesOptions, 'file' | 'secrets'> = {}): LeafIdentities {
    return new LeafIdentities(new Map(), options);
  }

  /** Reads the cache (missing = empty). A cache that cannot be opened is logged and started afresh, never fatal. */
  static async open(options: LeafIdentitiesOptions): Promise<LeafIdentities> {
    const cache = new Map<string, LeafIdentity>();
    if (options.file && options.secrets) {
      try {
        const text = await options.secrets.readFile(options.file);
        if (text !== undefined) {
          const parsed = CacheFile.safeParse(JSON.parse(text));
          if (parsed.success) for (const leaf of parsed.data.leaves) cache.set(leaf.deviceId, toIdentity(leaf));
          else options.log?.(`edgehub: the leaf identity cache ${options.file} is not in the expected shape; starting without it`);
        }
      } catch (cause) {
        options.log?.(`edgehub: the leaf identity cache ${options.file} cannot be read (${(cause as Error).message}); starting without it`);
      }
    }
    return new LeafIdentities(cache, options);
  }

  /** Where identities come from while the upstream hub is known (undefined: the cache alone). Refreshes at once. */
  async setSource(source: LeafIdentitySource | undefined): Promise<void> {
    this.sourceEvents?.dispose();
    this.sourceEvents = undefined;
    clearTimeout(this.debounce);
    this.source = source;
    if (!source) return;
    this.sourceEvents = source.onDidChange?.(() => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.refresh(), this.options.debounceMs ?? 500);
      this.debounce.unref?.();
    });
    await this.refresh();
  }

  /** Called with the devices whose cached identity was removed or changed by a refresh (drop their connections). */
  onRevoked(listener: (deviceIds: readonly string[]) => void): Disposable {
    this.revokedListeners.add(listener);
    return { dispose: () => void this.revokedListeners.delete(listener) };
  }

  /** The identity a device authenticates with, or why it may not connect here. */
  async lookup(deviceId: string): Promise<Result<LeafIdentity, LeafRefusal>> {
    const source = this.source;
    if (source) {
      const found = await source.lookup(deviceId).catch((cause: unknown) => ({ ok: false as const, error: { code: 'IO', message: String(cause) } }));
      if (found.ok) {
        const value = found.value;
        switch (value.kind) {
          case 'inScope':
            if (!sameIdentity(this.cache.get(deviceId), value.identity)) {
              this.cache.set(deviceId, value.identity);
              await this.persist();
            }
            return this.usable(value.identity);
          case 'outOfScope':
          case 'unknown':
            if (this.cache.delete(deviceId)) await this.persist();
            return refuse(value.kind === 'unknown' ? `device ${deviceId} is not in the upstream hub's registry` : `device ${deviceId} is not a child of this edge device: ${value.reason}`);
        }
      }
      this.options.log?.(`edgehub: the leaf identity source failed (${found.error.message}); using the cached identities`);
    }
    const cached = this.cache.get(deviceId);
    if (!cached) return refuse(`device ${deviceId} is not a known child of this edge device${source ? '' : ' (no upstream hub: only cached children can connect)'}`);
    return this.usable(cached);
  }

  /** Re-reads the whole scope from the source; devices that went away or changed are told to `onRevoked`. */
  async refresh(): Promise<void> {
    const source = this.source;
    if (!source) return;
    const listed = await source.list().catch((cause: unknown) => ({ ok: false as const, error: { code: 'IO', message: String(cause) } }));
    if (!listed.ok) {
      this.options.log?.(`edgehub: the leaf identities could not be refreshed (${listed.error.message}); the cache stays`);
      return;
    }
    if (source !== this.source) return;
    const fresh = new Map(listed.value.map((leaf) => [leaf.deviceId, leaf]));
    const revoked = [...this.cache].filter(([id, old]) => !sameIdentity(old, fresh.get(id))).map(([id]) => id);
    const changed = revoked.length > 0 || fresh.size !== this.cache.size || [...fresh].some(([id, leaf]) => !sameIdentity(this.cache.get(id), leaf));
    this.cache.clear();
    for (const [id, leaf] of fresh) this.cache.set(id, leaf);
    if (changed) await this.persist();
    if (revoked.length === 0) return;
    this.options.log?.(`edgehub: leaf identities changed or removed: ${revoked.join(', ')}`);
    for (const listener of [...this.revokedListeners]) listener(revoked);
  }

  /** The cached identity (no source call); undefined when not a known child. */
  cached(deviceId: string): LeafIdentity | undefined {
    return this.cache.get(deviceId);
  }

  get size(): number {
    return this.cache.size;
  }

  dispose(): void {
    this.sourceEvents?.dispose();
    clearTimeout(this.debounce);
    this.revokedListeners.clear();
  }

  private usable(identity: LeafIdentity): Result<LeafIdentity, LeafRefusal> {
    // A leaf authenticates here with its keys or its certificate (X.509 goes upstream on behalf of: ./leaf-upstream.ts).
    if (identity.credentials.type === 'none') return refuse(`device ${identity.deviceId} has no credentials to authenticate with`);
    return { ok: true, value: identity };
  }

  /** Writes the whole cache after the previous write (sealed, 0600); a failed write is logged, the memory copy stays. */
  private persist(): Promise<void> {
    const { file, secrets } = this.options;
    if (!file || !secrets) return Promise.resolve();
    const content = JSON.stringify({ format: 1, leaves: [...this.cache.values()].map(toRecord) });
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await secrets.writeFile(file, content);
      } catch (cause) {
        this.options.log?.(`edgehub: the leaf identity cache ${file} was not written: ${String(cause)}`);
      }
    });
    return this.writing;
  }
}

function refuse(message: string): { ok: false; error: LeafRefusal } {
  return { ok: false, error: { code: 'UNAUTHORIZED', message } };
}

function toIdentity(record: z.infer<typeof LeafRecord>): LeafIdentity {
  return { deviceId: record.deviceId, status: record.status, credentials: record.credentials };
}

function toRecord(identity: LeafIdentity): z.infer<typeof LeafRecord> {
  return { deviceId: identity.deviceId, status: identity.status, credentials: identity.credentials };
}

function sameIdentity(a: LeafIdentity | undefined, b: LeafIdentity | undefined): boolean {
  if (!a || !b) return a === b;
  return JSON.stringify(toRecord(a)) === JSON.stringify(toRecord(b));
}
