import { hubError, isPlainObject, type HubResult, type JsonObject, type MetadataNode, type TwinState } from './hub-model';

/**
 * Twin documents, pure (HUB-CONTRACTS.md §2.6): deep merge with `null` deleting a key, `$version` per section,
 * `version` over the whole twin, `$metadata` mirroring the tree with `$lastUpdated` (and `$lastUpdatedVersion` on
 * desired). Nothing here mutates its inputs: every function returns new state.
 */

export function emptyTwin(now: string): TwinState {
  return {
    tags: {},
    desired: {},
    desiredMetadata: { $lastUpdated: now, $lastUpdatedVersion: 1 },
    desiredVersion: 1,
    reported: {},
    reportedMetadata: { $lastUpdated: now },
    reportedVersion: 1,
    version: 1,
  };
}

/** Rejects what a twin cannot hold: keys starting with `$` (system keys) below the top level, non-JSON numbers. */
export function validateTwinValue(value: unknown, path: string, depth = 0): HubResult<void> {
  if (depth > 10) return hubError('ArgumentInvalid', `${path}: twin documents may nest at most 10 levels`);
  if (typeof value === 'number' && !Number.isFinite(value)) return hubError('ArgumentInvalid', `${path}: not a JSON number`);
  if (!isPlainObject(value)) return { ok: true, value: undefined };
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$')) return hubError('ArgumentInvalid', `${path}.${key}: keys starting with $ are reserved`);
    const checked = validateTwinValue(child, `${path}.${key}`, depth + 1);
    if (!checked.ok) return checked;
  }
  return { ok: true, value: undefined };
}

/** Drops the read-only `$version` / `$metadata` a caller may echo back at the top of a section. */
export function withoutSystemKeys(section: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(section).filter(([key]) => !key.startsWith('$')));
}

/** Deep merge of a patch into a section; `null` deletes. Returns the new section and its new metadata. */
export function mergeSection(section: JsonObject, metadata: MetadataNode, patch: JsonObject, now: string, version?: number): { section: JsonObject; metadata: MetadataNode } {
  const nextSection: JsonObject = { ...section };
  const nextMetadata: MetadataNode = { ...metadata, ...stamp(now, version) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete nextSection[key];
      delete nextMetadata[key];
    } else if (isPlainObject(value)) {
      const current = isPlainObject(section[key]) ? section[key] : {};
      const currentMeta = metadataChild(metadata, key) ?? stamp(now, version);
      const merged = mergeSection(current, currentMeta, value, now, version);
      nextSection[key] = merged.section;
      nextMetadata[key] = merged.metadata;
    } else {
      nextSection[key] = value;
      nextMetadata[key] = stamp(now, version);
    }
  }
  return { section: nextSection, metadata: nextMetadata };
}

/** Metadata for a whole new section (PUT replace, configuration content). */
export function metadataFor(section: JsonObject, now: string, version?: number): MetadataNode {
  const node: MetadataNode = stamp(now, version);
  for (const [key, value] of Object.entries(section)) node[key] = isPlainObject(value) ? metadataFor(value, now, version) : stamp(now, version);
  return node;
}

/** The merge patch that turns `from` into `to` (removed keys as `null`); what a device is pushed. */
export function diffSections(from: JsonObject, to: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    const before = from[key];
    if (isPlainObject(before) && isPlainObject(value)) {
      const inner = diffSections(before, value);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (!jsonEqual(before, value)) {
      patch[key] = value;
    }
  }
  return patch;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** Sets `value` at a dotted path inside `section` (layered deployment keys `properties.desired.routes.r1`). */
export function setAtPath(section: JsonObject, path: readonly string[], value: unknown): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return isPlainObject(value) ? value : section;
  const child = isPlainObject(section[head]) ? section[head] : {};
  return { ...section, [head]: rest.length === 0 ? value : setAtPath(child, rest, value) };
}

/** A section as the wire shows it: its keys, `$metadata` and `$version`. */
export function renderSection(section: JsonObject, metadata: MetadataNode, version: number, includeMetadata = true): JsonObject {
  return includeMetadata ? { ...section, $metadata: metadata, $version: version } : { ...section, $version: version };
}

export interface ServiceTwinPatch {
  readonly tags?: JsonObject | null;
  readonly desired?: JsonObject | null;
}

/** Parses a service PATCH/PUT body's `tags` and `properties.desired`; `properties.reported` is the device's. */
export function parseServiceTwinBody(body: unknown): HubResult<ServiceTwinPatch> {
  if (!isPlainObject(body)) return hubError('ArgumentInvalid', 'the twin patch must be a JSON object');
  const out: { tags?: JsonObject | null; desired?: JsonObject | null } = {};
  if (body.tags !== undefined) {
    if (body.tags !== null && !isPlainObject(body.tags)) return hubError('ArgumentInvalid', 'tags must be an object');
    if (body.tags !== null) {
      const checked = validateTwinValue(body.tags, 'tags');
      if (!checked.ok) return checked;
    }
    out.tags = body.tags;
  }
  const properties = body.properties;
  if (properties !== undefined && properties !== null) {
    if (!isPlainObject(properties)) return hubError('ArgumentInvalid', 'properties must be an object');
    if (properties.reported !== undefined) return hubError('ArgumentInvalid', 'reported properties can only be written by the device');
    const desired = properties.desired;
    if (desired !== undefined) {
      if (desired !== null && !isPlainObject(desired)) return hubError('ArgumentInvalid', 'properties.desired must be an object');
      if (desired !== null) {
        const cleaned = withoutSystemKeys(desired);
        const checked = validateTwinValue(cleaned, 'properties.desired');
        if (!checked.ok) return checked;
        out.desired = cleaned;
      } else {
        out.desired = null;
      }
    }
  }
  return { ok: true, value: out };
}

export interface TwinChange {
  readonly twin: TwinState;
  /** The merge patch for devices (with `$version`) when desired changed, else undefined. */
  readonly desiredPush?: JsonObject;
}

/** PATCH (merge) or PUT (replace) of tags and desired by the service. */
export function applyServiceChange(twin: TwinState, change: ServiceTwinPatch, mode: 'merge' | 'replace', now: string): TwinChange {
  let next: TwinState = { ...twin, version: twin.version + 1 };
  if (change.tags !== undefined || mode === 'replace') {
    const tags = change.tags ?? {};
    next = { ...next, tags: mode === 'replace' || change.tags === null ? tags : mergeSection(twin.tags, { $lastUpdated: now }, tags, now).section };
  }
  if (change.desired === undefined && mode === 'merge') return { twin: next };
  const desiredVersion = twin.desiredVersion + 1;
  const replaced = mode === 'replace' || change.desired === null;
  const incoming = change.desired ?? {};
  const merged = replaced
    ? { section: incoming, metadata: metadataFor(incoming, now, desiredVersion) }
    : mergeSection(twin.desired, twin.desiredMetadata, incoming, now, desiredVersion);
  const desiredPush = { ...diffSections(twin.desired, merged.section), $version: desiredVersion };
  return { twin: { ...next, desired: merged.section, desiredMetadata: merged.metadata, desiredVersion }, desiredPush };
}

/** Replaces the desired section wholesale (configuration content); the push carries the difference. */
export function replaceDesired(twin: TwinState, desired: JsonObject, now: string): TwinChange {
  const desiredVersion = twin.desiredVersion + 1;
  const desiredPush = { ...diffSections(twin.desired, desired), $version: desiredVersion };
  return {
    twin: { ...twin, version: twin.version + 1, desired, desiredMetadata: metadataFor(desired, now, desiredVersion), desiredVersion },
    desiredPush,
  };
}

/** A device's reported patch (`null` deletes). */
export function applyReportedPatch(twin: TwinState, patch: JsonObject, now: string): TwinState {
  const merged = mergeSection(twin.reported, twin.reportedMetadata, withoutSystemKeys(patch), now);
  return { ...twin, version: twin.version + 1, reported: merged.section, reportedMetadata: merged.metadata, reportedVersion: twin.reportedVersion + 1 };
}

function stamp(now: string, version?: number): MetadataNode {
  return version === undefined ? { $lastUpdated: now } : { $lastUpdated: now, $lastUpdatedVersion: version };
}

function metadataChild(metadata: MetadataNode, key: string): MetadataNode | undefined {
  const child = metadata[key];
  return typeof child === 'object' && child !== null ? child : undefined;
}
