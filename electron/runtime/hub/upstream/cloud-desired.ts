import { createHmac } from 'node:crypto';

/**
 * The pure part of the cloud twin sync (./system-twins.ts): the deployment document the cloud's `$edgeAgent` and
 * `$edgeHub` desired properties make, the reported patch between two reported documents, and the keys of the
 * system modules' identities.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A twin section without the hub's bookkeeping (`$version` at the top, `$metadata` anywhere) and without the SDK's
 * own members (azure-iot-device's `properties.reported` carries its `update` function).
 */
export function withoutTwinMetadata(section: unknown): Json {
  if (!isObject(section)) return {};
  const strip = (value: unknown): unknown =>
    isObject(value) ? Object.fromEntries(Object.entries(value).filter(([k, v]) => k !== '$metadata' && typeof v !== 'function').map(([k, v]) => [k, strip(v)])) : value;
  const { $version: _version, ...rest } = section;
  return strip(rest) as Json;
}

/** The `$version` of a twin section (0 when absent). */
export function twinVersion(section: unknown): number {
  return isObject(section) && typeof section.$version === 'number' ? section.$version : 0;
}

export type CloudDeployment =
  | { readonly kind: 'empty' }
  | { readonly kind: 'deployment'; readonly text: string };

/**
 * The deployment the cloud wants: `modulesContent` with `$edgeAgent` and `$edgeHub` desired as the twins hold them,
 * and the custom modules' twins' desired properties as far as they could be read (`moduleTwins`). `empty` when the
 * `$edgeAgent` desired properties hold nothing (a new edge device: IoT Edge reports 417).
 */
export function cloudDeployment(agentDesired: unknown, hubDesired: unknown, moduleTwins: Readonly<Record<string, Json>> = {}): CloudDeployment {
  const agent = withoutTwinMetadata(agentDesired);
  if (Object.keys(agent).length === 0) return { kind: 'empty' };
  const hub = withoutTwinMetadata(hubDesired);
  const modules = Object.fromEntries(
    Object.entries(moduleTwins)
      .filter(([moduleId, desired]) => !moduleId.startsWith('$') && Object.keys(withoutTwinMetadata(desired)).length > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([moduleId, desired]) => [moduleId, { 'properties.desired': withoutTwinMetadata(desired) }]),
  );
  const modulesContent = { $edgeAgent: { 'properties.desired': agent }, ...(Object.keys(hub).length ? { $edgeHub: { 'properties.desired': hub } } : {}), ...modules };
  return { kind: 'deployment', text: `${JSON.stringify({ modulesContent }, null, 2)}\n` };
}

/**
 * The reported patch that turns `previous` into `next` (IoT Hub merges patches: a key that went away is sent as
 * null; objects are patched key by key). `undefined` when nothing changed. Keys starting with `$` are the hub's.
 */
export function reportedPatch(previous: unknown, next: Json): Json | undefined {
  const before = withoutTwinMetadata(previous);
  const patch: Json = {};
  for (const [key, value] of Object.entries(next)) {
    if (key.startsWith('$')) continue;
    const old = before[key];
    if (isObject(value) && isObject(old)) {
      const inner = reportedPatch(old, value);
      if (inner !== undefined) patch[key] = inner;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) {
      patch[key] = value === undefined ? null : value;
    }
  }
  for (const key of Object.keys(before)) if (!key.startsWith('$') && !(key in next)) patch[key] = null;
  return Object.keys(patch).length ? patch : undefined;
}

/** Applies a reported patch to a document (null deletes), as the hub merges it. */
export function mergeReported(document: unknown, patch: Json): Json {
  const out: Json = { ...withoutTwinMetadata(document) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value)) out[key] = mergeReported(out[key], value);
    else out[key] = value;
  }
  return out;
}

/**
 * The keys of the edge device's `$edgeAgent` / `$edgeHub` module identities: derived from the device's keys
 * (HMAC-SHA256 of the module id, as DPS derives device keys from a group key), so they need no storage of their own,
 * are the same after a restart, and change when the device's keys do.
 */
export function systemModuleKeys(device: { readonly primaryKey: string; readonly secondaryKey: string }, moduleId: string): { primaryKey: string; secondaryKey: string } {
  const derive = (key: string) => createHmac('sha256', Buffer.from(key, 'base64')).update(moduleId, 'utf8').digest('base64');
  return { primaryKey: derive(device.primaryKey), secondaryKey: derive(device.secondaryKey) };
}
