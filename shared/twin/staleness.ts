import { assertNever } from '../errors';
import { lastDesiredStatusOf, numberAt, type JsonRecord, type LastDesiredStatus } from './twin-reader';

/**
 * Has an IoT Edge system module (edgeAgent, edgeHub) applied the desired properties it has now? Both report
 * `lastDesiredVersion` (the desired `$version` they last applied) and `lastDesiredStatus` (200 when it worked;
 * EDGE-CONTRACTS.md §4). Diagram: notReported -> behind -> (failed | current) as the module catches up.
 */
export type Staleness =
  /** It applied the desired version it has now, with 200. */
  | { readonly kind: 'current'; readonly desiredVersion?: number; readonly reportedVersion?: number }
  /** Nothing reported yet (no `lastDesiredVersion`): the device has not connected, or the module never ran. */
  | { readonly kind: 'notReported'; readonly desiredVersion?: number }
  /** Its report is for an older desired version (`lastStatus`: how that older one went). */
  | { readonly kind: 'behind'; readonly desiredVersion: number; readonly reportedVersion: number; readonly lastStatus?: LastDesiredStatus }
  /** It saw the desired version but could not apply it (`lastDesiredStatus.code` not 200). */
  | { readonly kind: 'failed'; readonly desiredVersion?: number; readonly reportedVersion?: number; readonly status: LastDesiredStatus };

export function stalenessOf(desired: JsonRecord, reported: JsonRecord): Staleness {
  const desiredVersion = numberAt(desired, '$version');
  const reportedVersion = numberAt(reported, 'lastDesiredVersion');
  const status = lastDesiredStatusOf(reported);
  const versions = { ...(desiredVersion !== undefined ? { desiredVersion } : {}), ...(reportedVersion !== undefined ? { reportedVersion } : {}) };
  if (reportedVersion === undefined && status === undefined) return { kind: 'notReported', ...(desiredVersion !== undefined ? { desiredVersion } : {}) };
  if (desiredVersion !== undefined && reportedVersion !== undefined && reportedVersion < desiredVersion) {
    return { kind: 'behind', desiredVersion, reportedVersion, ...(status ? { lastStatus: status } : {}) };
  }
  if (status !== undefined && status.code !== 200) return { kind: 'failed', ...versions, status };
  return { kind: 'current', ...versions };
}

export function isStale(staleness: Staleness): boolean {
  return staleness.kind !== 'current';
}

/** One sentence naming what is behind, with both versions (`who`: "edgeAgent", "edgeHub"). */
export function describeStaleness(staleness: Staleness, who: string): string {
  const desired = (v: number | undefined) => (v === undefined ? 'the desired properties' : `desired version ${v}`);
  switch (staleness.kind) {
    case 'current':
      return `${who} applied ${desired(staleness.desiredVersion)}.`;
    case 'notReported':
      return `${who} has not reported yet: ${desired(staleness.desiredVersion)} is not applied (has the device connected?).`;
    case 'behind': {
      const last = staleness.lastStatus && staleness.lastStatus.code !== 200 ? ` (and that one failed with ${staleness.lastStatus.code}${staleness.lastStatus.description ? `: ${staleness.lastStatus.description}` : ''})` : '';
      return `${who} is behind: it last applied desired version ${staleness.reportedVersion}${last}; the twin is at desired version ${staleness.desiredVersion}.`;
    }
    case 'failed': {
      const version = staleness.reportedVersion ?? staleness.desiredVersion;
      const at = version === undefined ? '' : ` desired version ${version}`;
      const of = staleness.desiredVersion !== undefined && staleness.reportedVersion !== undefined && staleness.desiredVersion !== staleness.reportedVersion ? ` (the twin is at ${staleness.desiredVersion})` : '';
      return `${who} could not apply${at}${of}: status ${staleness.status.code}${staleness.status.description ? `, ${staleness.status.description}` : ''}.`;
    }
    default:
      return assertNever(staleness, 'staleness');
  }
}
