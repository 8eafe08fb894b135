import { describe, expect, it } from 'vitest';
import type { CheckReport, CheckResult, CheckStatus } from '../../../shared/commissioning/check-model';
import { isWatchedCheck, judge } from './verdict';

function result(id: string, status: CheckStatus, data?: Record<string, unknown>): CheckResult {
  return { id, title: `title of ${id}`, group: id.startsWith('e2e') ? 'end-to-end' : id.startsWith('runtime') ? 'runtime' : 'host', status, detail: `${id} is ${status}`, durationMs: 1, ...(data ? { data } : {}) };
}

const passing = (version = 5): CheckResult[] => [
  result('host.disk', 'ok'),
  result('runtime.modules-running', 'ok'),
  result('runtime.crash-loop', 'ok'),
  result('runtime.deployment-current', 'ok', { desiredVersion: version, reportedVersion: version, code: 200 }),
  result('runtime.routes-applied', 'ok'),
  result('runtime.upstream', 'ok'),
  result('runtime.outbox', 'ok'),
  result('e2e.route', 'skipped'),
];

function report(checks: CheckResult[]): CheckReport {
  return { runId: 'r', startedAt: '', finishedAt: '', target: { deviceId: 'd', runtime: 'local' }, ok: true, counts: { ok: 0, warning: 0, error: 0, skipped: 0 }, checks };
}

const replace = (checks: CheckResult[], ...next: CheckResult[]) => checks.map((c) => next.find((n) => n.id === c.id) ?? c).concat(next.filter((n) => !checks.some((c) => c.id === n.id)));

describe('judge: a deployment’s verdict from a check report', () => {
  const window = 60_000;
  const cases: { name: string; checks: CheckResult[]; elapsed: number; gathered?: number; verdict: string; failed: string[] }[] = [
    { name: 'all pass, window not over: pending (a module may still crash)', checks: passing(), elapsed: 10_000, verdict: 'pending', failed: [] },
    { name: 'all pass at the end of the window: good', checks: passing(), elapsed: window, verdict: 'good', failed: [] },
    { name: 'a warning (upstream connecting) does not make it bad', checks: replace(passing(), result('runtime.upstream', 'warning')), elapsed: window, verdict: 'good', failed: [] },
    { name: 'a host check failing is not the deployment’s fault', checks: replace(passing(), result('host.disk', 'error')), elapsed: window, verdict: 'good', failed: [] },
    { name: 'a crash loop is bad at once', checks: replace(passing(), result('runtime.crash-loop', 'error'), result('runtime.modules-running', 'error')), elapsed: 1_000, verdict: 'bad', failed: ['runtime.modules-running', 'runtime.crash-loop'] },
    { name: 'a module not running: pending within the window', checks: replace(passing(), result('runtime.modules-running', 'error')), elapsed: 30_000, verdict: 'pending', failed: ['runtime.modules-running'] },
    { name: 'a module not running after the window: bad', checks: replace(passing(), result('runtime.modules-running', 'error')), elapsed: 61_000, verdict: 'bad', failed: ['runtime.modules-running'] },
    { name: 'a route that delivers nothing after the window: bad, the route named', checks: replace(passing(), result('e2e.route:toCloud', 'error')), elapsed: window, verdict: 'bad', failed: ['e2e.route:toCloud'] },
    { name: 'the runtime still on the previous version within the window: pending', checks: replace(passing(), result('runtime.deployment-current', 'ok', { desiredVersion: 4 })), elapsed: 5_000, verdict: 'pending', failed: [] },
    {
      name: 'a crash loop while the runtime has not finished applying this version (the previous one’s modules): pending',
      checks: replace(passing(), result('runtime.crash-loop', 'error'), result('runtime.deployment-current', 'error', { desiredVersion: 5, reportedVersion: 4 })),
      elapsed: 1_000,
      verdict: 'pending',
      failed: [],
    },
    { name: 'stale after the window: bad', checks: replace(passing(), result('runtime.deployment-current', 'ok', { desiredVersion: 4 })), elapsed: window, verdict: 'bad', failed: ['runtime.deployment-current'] },
    {
      name: 'the previous version in a report gathered within the window that finished after it (waiting for arrivals): pending, not stale',
      checks: replace(passing(), result('runtime.deployment-current', 'error', { desiredVersion: 5, reportedVersion: 4 })),
      elapsed: window + 2_000,
      gathered: window - 10_000,
      verdict: 'pending',
      failed: [],
    },
    { name: 'the previous version in a report gathered after the window: bad', checks: replace(passing(), result('runtime.deployment-current', 'error', { desiredVersion: 5, reportedVersion: 4 })), elapsed: window + 2_000, gathered: window, verdict: 'bad', failed: ['runtime.deployment-current'] },
    { name: 'required checks skipped (no deployment gathered) after the window: bad', checks: passing().map((c) => (c.id.startsWith('runtime.') ? { ...c, status: 'skipped' as const, data: undefined } : c)), elapsed: window, verdict: 'bad', failed: ['runtime.modules-running', 'runtime.crash-loop', 'runtime.deployment-current'] },
  ];
  it.each(cases)('$name', ({ checks, elapsed, gathered, verdict, failed }) => {
    const judged = judge(report(checks), 5, elapsed, window, gathered);
    expect(judged.verdict).toBe(verdict);
    expect(judged.failed.map((f) => f.id)).toEqual(failed);
    expect(judged.checks.map((c) => c.id)).not.toContain('host.disk');
  });

  it('watches the runtime group and the end-to-end route results only', () => {
    expect(['runtime.outbox', 'e2e.route', 'e2e.route:a'].every(isWatchedCheck)).toBe(true);
    expect(['config.routes', 'host.engine', 'identity.key', 'e2e.router'].some(isWatchedCheck)).toBe(false);
  });
});
