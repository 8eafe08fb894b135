/**
 * Reading twin documents as the hub returns them (plain JSON, validated only as objects at the IPC edge). These
 * readers never throw: a member of the wrong type reads as absent, so one odd module never hides the others.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

export function stringAt(record: JsonRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function numberAt(record: JsonRecord | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A twin's two sides: `properties.desired` and `properties.reported` (empty objects when absent). */
export function twinSides(twin: unknown): { readonly desired: JsonRecord; readonly reported: JsonRecord } {
  const properties = asRecord(asRecord(twin)?.properties);
  return { desired: asRecord(properties?.desired) ?? {}, reported: asRecord(properties?.reported) ?? {} };
}

/** The hub's bookkeeping members that are not properties: `$metadata` and `$version`. */
export const TWIN_META_KEYS: ReadonlySet<string> = new Set(['$metadata', '$version']);

/** A copy without `$metadata`/`$version` at any depth (what a person edits and what a diff compares). */
export function withoutTwinMeta(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTwinMeta);
  const record = asRecord(value);
  if (!record) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(record)) if (!TWIN_META_KEYS.has(key)) out[key] = withoutTwinMeta(member);
  return out;
}

/** The status of the last desired version an IoT Edge system module applied (`lastDesiredStatus`). */
export interface LastDesiredStatus {
  readonly code: number;
  readonly description: string;
}

export function lastDesiredStatusOf(reported: JsonRecord): LastDesiredStatus | undefined {
  const status = asRecord(reported.lastDesiredStatus);
  const code = numberAt(status, 'code');
  return code === undefined ? undefined : { code, description: stringAt(status, 'description') ?? '' };
}
