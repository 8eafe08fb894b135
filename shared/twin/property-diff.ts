import { create, type Delta } from 'jsondiffpatch';
import { asRecord, TWIN_META_KEYS } from './twin-reader';

/**
 * Desired against reported properties of a custom module twin (or a device twin): which desired keys the device
 * has not taken up yet. By convention a device reports back the desired values it applied under the same keys
 * (IoT Hub's "desired → reported" pattern), so a desired key whose reported value is missing or different is
 * pending. `$metadata` and `$version` are the hub's bookkeeping and are ignored. The structured delta is
 * jsondiffpatch's, from reported to desired.
 */

export interface PendingKey {
  /** Path of the key from the properties' root, e.g. ['telemetry', 'interval']. */
  readonly path: readonly string[];
  /** `missing`: the device reports nothing there; `different`: it reports another value. */
  readonly kind: 'missing' | 'different';
  readonly desired: unknown;
  readonly reported?: unknown;
}

export interface PropertyDiff {
  readonly pending: readonly PendingKey[];
  /** Reported keys that nothing desired (the device's own state; informative, never pending). */
  readonly reportedOnly: readonly (readonly string[])[];
  /** jsondiffpatch's delta from reported to desired (undefined when nothing differs). */
  readonly delta: Delta;
}

const differ = create({
  propertyFilter: (name) => !TWIN_META_KEYS.has(name),
  // Arrays compare as whole values: twins address members by key, not by position.
  arrays: { detectMove: false },
  cloneDiffValues: false,
});

function valueAt(root: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const key of path) {
    const record = asRecord(current);
    if (!record || !Object.hasOwn(record, key)) return { found: false };
    current = record[key];
  }
  return { found: true, value: current };
}

/** The keys of `delta` that are arrays of jsondiffpatch's shapes: [new], [old, new], [old, 0, 0], … */
function isLeafDelta(delta: Delta): boolean {
  return Array.isArray(delta);
}

export function twinPropertyDiff(desiredProps: unknown, reportedProps: unknown): PropertyDiff {
  const desired = asRecord(desiredProps) ?? {};
  const reported = asRecord(reportedProps) ?? {};
  const delta = differ.diff(reported, desired);
  const pending: PendingKey[] = [];
  const reportedOnly: string[][] = [];

  const walk = (node: Delta, path: string[]) => {
    if (node === undefined) return;
    if (isLeafDelta(node)) {
      const d = valueAt(desired, path);
      const r = valueAt(reported, path);
      if (!d.found) reportedOnly.push(path);
      else if (!r.found) pending.push({ path, kind: 'missing', desired: d.value });
      else pending.push({ path, kind: 'different', desired: d.value, reported: r.value });
      return;
    }
    const record = node as Record<string, Delta>;
    if ((node as Record<string, unknown>)._t === 'a') {
      // An array that changed: one pending value at the array's path.
      const d = valueAt(desired, path);
      const r = valueAt(reported, path);
      pending.push({ path, kind: r.found ? 'different' : 'missing', desired: d.value, ...(r.found ? { reported: r.value } : {}) });
      return;
    }
    for (const key of Object.keys(record).sort()) walk(record[key], [...path, key]);
  };
  walk(delta, []);
  return { pending, reportedOnly, delta };
}

/** A path as people read it: `telemetry.interval` (segments with dots or spaces in brackets). */
export function formatPath(path: readonly string[]): string {
  return path.map((segment, i) => (/^[A-Za-z_$][\w$-]*$/.test(segment) ? `${i === 0 ? '' : '.'}${segment}` : `[${JSON.stringify(segment)}]`)).join('');
}
