import { asRecord, withoutTwinMeta } from '../../../../shared/twin';

/**
 * Editing a twin: the part a service may change (`tags` and `properties.desired`), without the hub's bookkeeping,
 * as text; and the edited text back as the PATCH IoT Hub merges (changed members, `null` for removed ones).
 */

export function editableTwinText(twin: unknown): string {
  const record = asRecord(twin) ?? {};
  const desired = asRecord(asRecord(record.properties)?.desired) ?? {};
  return JSON.stringify({ tags: withoutTwinMeta(asRecord(record.tags) ?? {}), properties: { desired: withoutTwinMeta(desired) } }, null, 2);
}

export type TwinPatchResult =
  | { readonly ok: true; readonly patch: Record<string, unknown>; readonly changes: number }
  | { readonly ok: false; readonly message: string };

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The merge patch from `before` to `after` (objects merge member by member; a removed member is null). */
function mergePatch(before: Record<string, unknown>, after: Record<string, unknown>): { patch: Record<string, unknown>; changes: number } {
  const patch: Record<string, unknown> = {};
  let changes = 0;
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) {
      patch[key] = null;
      changes++;
    }
  }
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (Object.hasOwn(before, key) && sameJson(old, value)) continue;
    const oldRecord = asRecord(old);
    const newRecord = asRecord(value);
    if (oldRecord && newRecord) {
      const inner = mergePatch(oldRecord, newRecord);
      patch[key] = inner.patch;
      changes += inner.changes;
    } else {
      patch[key] = value;
      changes++;
    }
  }
  return { patch, changes };
}

export function twinPatchFromText(twin: unknown, text: string): TwinPatchResult {
  let edited: unknown;
  try {
    edited = JSON.parse(text);
  } catch (cause) {
    return { ok: false, message: `The text is not JSON: ${(cause as Error).message}` };
  }
  const record = asRecord(edited);
  if (!record) return { ok: false, message: 'The text must be an object with "tags" and "properties": { "desired": … }.' };
  const extra = Object.keys(record).filter((k) => k !== 'tags' && k !== 'properties');
  if (extra.length > 0) return { ok: false, message: `Only "tags" and "properties.desired" can be changed, not "${extra[0]}".` };
  const properties = record.properties === undefined ? {} : asRecord(record.properties);
  if (!properties) return { ok: false, message: '"properties" must be an object.' };
  const extraProps = Object.keys(properties).filter((k) => k !== 'desired');
  if (extraProps.length > 0) return { ok: false, message: `"properties.${extraProps[0]}" cannot be changed here: reported properties belong to the device.` };
  const tags = record.tags === undefined ? {} : asRecord(record.tags);
  const desired = properties.desired === undefined ? {} : asRecord(properties.desired);
  if (!tags) return { ok: false, message: '"tags" must be an object.' };
  if (!desired) return { ok: false, message: '"properties.desired" must be an object.' };
  const meta = [...Object.keys(tags), ...Object.keys(desired)].find((k) => k.startsWith('$'));
  if (meta) return { ok: false, message: `"${meta}" is the hub's own member and cannot be set.` };

  const original = JSON.parse(editableTwinText(twin)) as { tags: Record<string, unknown>; properties: { desired: Record<string, unknown> } };
  const tagPatch = mergePatch(original.tags, tags);
  const desiredPatch = mergePatch(original.properties.desired, desired);
  const patch: Record<string, unknown> = {};
  if (tagPatch.changes > 0) patch.tags = tagPatch.patch;
  if (desiredPatch.changes > 0) patch.properties = { desired: desiredPatch.patch };
  return { ok: true, patch, changes: tagPatch.changes + desiredPatch.changes };
}
