import { describe, expect, it } from 'vitest';
import { countStatuses, type CheckInfo, type CheckReport, type CheckResult } from '../../../../shared/commissioning/check-model';
import type { CheckProgress } from '../../../../shared/ipc/commissioning.contract';
import { applyProgress, finishedRun, shownRun, type LiveRun } from './check-run';

const CHECKS: CheckInfo[] = [
  { id: 'config.manifest', title: 'Manifest valid', group: 'configuration', dependsOn: [] },
  { id: 'runtime.modules', title: 'Modules running', group: 'runtime', dependsOn: ['config.manifest'] },
];
const ok = (id: string): CheckResult => ({ id, title: id, group: 'configuration', status: 'ok', detail: 'fine', durationMs: 1 });
const failed = (id: string): CheckResult => ({ id, title: id, group: 'runtime', status: 'error', detail: 'broken', fix: 'mend it', durationMs: 1 });

function report(runId: string, checks: CheckResult[], finishedAt = '2026-12-03T15:00:05.000Z'): CheckReport {
  const counts = countStatuses(checks);
  return { runId, startedAt: '2026-12-03T15:00:00.000Z', finishedAt, target: { deviceId: 'gw', hub: 'hub.local', runtime: 'local' }, ok: counts.error === 0, counts, checks };
}

function play(events: CheckProgress[], from: LiveRun | null = null): LiveRun | null {
  return events.reduce<LiveRun | null>((live, e) => applyProgress(live, e), from);
}

describe('applyProgress', () => {
  it('follows a run from started through its results to finished', () => {
    const started = play([{ phase: 'started', runId: 'r1', total: 2, checks: CHECKS }]);
    expect(started).toEqual({ phase: 'running', runId: 'r1', checks: CHECKS, results: [], done: 0, total: 2 });
    const one = play([{ phase: 'result', runId: 'r1', result: ok('config.manifest'), done: 1, total: 2 }], started);
    expect(one).toMatchObject({ phase: 'running', done: 1, total: 2, results: [ok('config.manifest')] });
    const end = report('r1', [ok('config.manifest'), failed('runtime.modules')]);
    const finished = play([{ phase: 'result', runId: 'r1', result: failed('runtime.modules'), done: 2, total: 2 }, { phase: 'finished', runId: 'r1', report: end }], one);
    expect(finished).toEqual({ phase: 'finished', runId: 'r1', checks: CHECKS, report: end });
  });

  it('follows a run whose start it missed from its first result (the page opened mid-run)', () => {
    const live = play([{ phase: 'result', runId: 'r2', result: ok('config.manifest'), done: 3, total: 7 }], null);
    expect(live).toEqual({ phase: 'running', runId: 'r2', checks: [], results: [ok('config.manifest')], done: 3, total: 7 });
  });

  it('a new run replaces the finished one it followed', () => {
    const previous = finishedRun(null, report('r1', [ok('config.manifest')]));
    expect(play([{ phase: 'started', runId: 'r2', total: 2, checks: CHECKS }], previous)).toMatchObject({ phase: 'running', runId: 'r2', results: [] });
  });

  it('ignores late events of a run that already finished here, and never lets done go back', () => {
    const end = report('r1', [ok('config.manifest')]);
    const finished = finishedRun(null, end);
    expect(play([{ phase: 'result', runId: 'r1', result: failed('runtime.modules'), done: 1, total: 2 }], finished)).toBe(finished);
    const running = play([
      { phase: 'started', runId: 'r3', total: 2, checks: CHECKS },
      { phase: 'result', runId: 'r3', result: ok('config.manifest'), done: 2, total: 2 },
      { phase: 'result', runId: 'r3', result: ok('config.manifest'), done: 1, total: 2 },
    ]);
    expect(running).toMatchObject({ done: 2, results: [ok('config.manifest')] });
  });

  it('keeps the check list of the run when the report arrives by the `run` answer instead of the event', () => {
    const running = play([{ phase: 'started', runId: 'r1', total: 2, checks: CHECKS }]);
    expect(finishedRun(running, report('r1', []))).toMatchObject({ phase: 'finished', checks: CHECKS });
    expect(finishedRun(running, report('other', []))).toMatchObject({ phase: 'finished', runId: 'other', checks: [] });
  });
});

describe('shownRun', () => {
  it('shows the running run, else the finished one, else the last report restored, else nothing', () => {
    const running = play([{ phase: 'started', runId: 'r2', total: 2, checks: CHECKS }]);
    const last = report('r1', [ok('config.manifest')]);
    expect(shownRun(running, last).kind).toBe('running');
    expect(shownRun(null, last)).toEqual({ kind: 'report', report: last, checks: [], restored: true });
    expect(shownRun(undefined, null)).toEqual({ kind: 'none' });
    const finished = finishedRun(running, report('r2', [ok('config.manifest')], '2026-12-03T15:10:00.000Z'));
    expect(shownRun(finished, last)).toMatchObject({ kind: 'report', restored: false, checks: CHECKS });
  });

  it('shows the report of a run followed as running whose finished event was missed (the host\'s last report is that run)', () => {
    const running = play([{ phase: 'started', runId: 'r4', total: 2, checks: CHECKS }]);
    const last = report('r4', [ok('config.manifest')]);
    expect(shownRun(running, last)).toEqual({ kind: 'report', report: last, checks: CHECKS, restored: false });
    expect(shownRun(running, report('older', [])).kind).toBe('running');
  });

  it('prefers a newer last report (another window ran the checks) over the run it followed', () => {
    const followed = finishedRun(null, report('r1', [], '2026-12-03T15:00:05.000Z'));
    const newer = report('r9', [failed('runtime.modules')], '2026-12-03T15:20:00.000Z');
    expect(shownRun(followed, newer)).toMatchObject({ kind: 'report', report: newer, restored: true });
  });
});
