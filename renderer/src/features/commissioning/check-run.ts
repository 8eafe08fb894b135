import type { CheckProgress } from '../../../../shared/ipc/commissioning.contract';
import type { CheckInfo, CheckReport, CheckResult } from '../../../../shared/commissioning/check-model';

/**
 * A run as this page follows it, built from the `commissioning.progress` events (and the `run` answer):
 *   (none) --started--> running --result*--> running --finished--> finished
 * A result of a run whose `started` the page missed (opened mid-run) starts following that run from there; an event of
 * a run that already finished here changes nothing (late or repeated delivery).
 */
export type LiveRun =
  | {
      readonly phase: 'running';
      readonly runId: string;
      /** The checks of the run in run order (empty when the page missed `started`). */
      readonly checks: readonly CheckInfo[];
      readonly results: readonly CheckResult[];
      readonly done: number;
      readonly total: number;
    }
  | { readonly phase: 'finished'; readonly runId: string; readonly checks: readonly CheckInfo[]; readonly report: CheckReport };

export function applyProgress(previous: LiveRun | null | undefined, event: CheckProgress): LiveRun {
  const same = previous?.runId === event.runId ? previous : undefined;
  if (same?.phase === 'finished') return same;
  switch (event.phase) {
    case 'started':
      return { phase: 'running', runId: event.runId, checks: event.checks, results: same?.results ?? [], done: same?.done ?? 0, total: event.total };
    case 'result': {
      const results = same?.results ?? [];
      const at = results.findIndex((r) => r.id === event.result.id);
      const next = at >= 0 ? results.map((r, i) => (i === at ? event.result : r)) : [...results, event.result];
      return { phase: 'running', runId: event.runId, checks: same?.checks ?? [], results: next, done: Math.max(same?.done ?? 0, event.done), total: event.total };
    }
    case 'finished':
      return finishedRun(previous, event.report);
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** The run finished with `report` (from the `finished` event or the `run` answer, whichever comes first). */
export function finishedRun(previous: LiveRun | null | undefined, report: CheckReport): LiveRun {
  const checks = previous?.runId === report.runId ? previous.checks : [];
  return { phase: 'finished', runId: report.runId, checks, report };
}

/** What the page shows: the run it follows, else the console's last report (restored on load), else nothing. */
export type ShownRun =
  | { readonly kind: 'running'; readonly run: Extract<LiveRun, { phase: 'running' }> }
  | { readonly kind: 'report'; readonly report: CheckReport; readonly checks: readonly CheckInfo[]; readonly restored: boolean }
  | { readonly kind: 'none' };

export function shownRun(live: LiveRun | null | undefined, last: CheckReport | null | undefined): ShownRun {
  // The followed run's `finished` was missed (the page was closed or the connection down) but the host's last report is it.
  if (live?.phase === 'running' && last?.runId === live.runId) return { kind: 'report', report: last, checks: live.checks, restored: false };
  if (live?.phase === 'running') return { kind: 'running', run: live };
  // A newer report than the one followed here (another window ran the checks) wins.
  if (live?.phase === 'finished' && !(last && last.runId !== live.runId && last.finishedAt > live.report.finishedAt)) {
    return { kind: 'report', report: live.report, checks: live.checks, restored: false };
  }
  if (last) return { kind: 'report', report: last, checks: [], restored: true };
  return { kind: 'none' };
}
