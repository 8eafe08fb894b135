import { parseRouteEntry } from '../routes';
import { stalenessOf, type Staleness } from './staleness';
import { asRecord, lastDesiredStatusOf, stringAt, type LastDesiredStatus } from './twin-reader';

/**
 * The `$edgeHub` module twin's routes, desired against what edgeHub reported. edgeHub does not echo routes: it
 * reports `lastDesiredVersion` and `lastDesiredStatus` (200, or 400 "Error while parsing desired properties - …"
 * when any part failed, which fails the whole configuration; EDGE-CONTRACTS.md §1.3, §4.2). Each route is also
 * checked here with the shared route core, so a route edgeHub would refuse is named before the device says so.
 */

export type RouteState =
  /** edgeHub applied the desired version this route is part of. */
  | 'applied'
  /** edgeHub has not applied this desired version yet (behind, or nothing reported). */
  | 'pending'
  /** edgeHub refused the desired version (400): this route is the one it names, or the check here fails. */
  | 'rejected'
  /** edgeHub refused the desired version because of something else (another route, the store settings…). */
  | 'blocked';

export interface EdgeHubRouteRow {
  readonly name: string;
  /** The route statement, as desired. */
  readonly route: string;
  readonly priority?: number;
  readonly timeToLiveSecs?: number;
  readonly state: RouteState;
  /** What the route core says is wrong with it (edgeHub would refuse it); absent when it compiles. */
  readonly problem?: string;
}

export interface EdgeHubRouteTable {
  readonly staleness: Staleness;
  readonly schemaVersion?: string;
  readonly lastDesiredStatus?: LastDesiredStatus;
  readonly rows: readonly EdgeHubRouteRow[];
  /** Clients edgeHub reports (`device` or `device/module`, decoded), with their connection word. */
  readonly clients: readonly { readonly id: string; readonly status: string }[];
}

/** edgeHub encodes client ids as twin keys: `.` → `%2E`, `$` → `%24`, space → `%20` (§4.2). */
function decodeClientKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Which route edgeHub's 400 description names ("… Error parsing route <name> - …"), if any. */
function routeNamedIn(description: string, names: readonly string[]): string | undefined {
  const match = /Error parsing route (.+?) - /.exec(description);
  if (match) return names.find((n) => n === match[1]);
  return undefined;
}

export function edgeHubRouteTable(desiredProps: unknown, reportedProps: unknown): EdgeHubRouteTable {
  const desired = asRecord(desiredProps) ?? {};
  const reported = asRecord(reportedProps) ?? {};
  const staleness = stalenessOf(desired, reported);
  const schemaVersion = stringAt(desired, 'schemaVersion');
  const lastDesiredStatus = lastDesiredStatusOf(reported);
  const entries = Object.entries(asRecord(desired.routes) ?? {}).filter(([, v]) => v !== null && v !== undefined);
  const named = staleness.kind === 'failed' ? routeNamedIn(staleness.status.description, entries.map(([n]) => n)) : undefined;

  const rows = entries.map(([name, value]): EdgeHubRouteRow => {
    const spec = parseRouteEntry(name, value, schemaVersion !== undefined ? { schemaVersion } : {});
    const record = asRecord(value);
    const route = typeof value === 'string' ? value : (stringAt(record, 'route') ?? JSON.stringify(value));
    const shape = spec.ok && spec.value.kind === 'route' ? { priority: spec.value.priority, timeToLiveSecs: spec.value.timeToLiveSecs } : {};
    const problem = spec.ok ? undefined : spec.error.message;
    let state: RouteState;
    switch (staleness.kind) {
      case 'current':
        state = 'applied';
        break;
      case 'notReported':
      case 'behind':
        state = 'pending';
        break;
      case 'failed':
        state = named === name || (named === undefined && problem !== undefined) ? 'rejected' : 'blocked';
        break;
    }
    return { name, route, ...shape, state, ...(problem !== undefined ? { problem } : {}) };
  });
  rows.sort((a, b) => a.name.localeCompare(b.name));

  const clients = Object.entries(asRecord(reported.clients) ?? {})
    .filter(([, v]) => asRecord(v) !== undefined)
    .map(([key, v]) => ({ id: decodeClientKey(key), status: stringAt(asRecord(v), 'status') ?? 'unknown' }))
    .sort((a, b) => a.id.localeCompare(b.id));

  return { staleness, ...(schemaVersion !== undefined ? { schemaVersion } : {}), ...(lastDesiredStatus ? { lastDesiredStatus } : {}), rows, clients };
}
