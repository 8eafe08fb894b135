import type { CheckReport, CheckResult } from '../../../shared/commissioning/check-model';
import type { DeploymentVerdict, FailedCheck } from '../../../shared/ipc/rollback.contract';

/** The checks that judge a deployment: the runtime group and the end-to-end route checks (one result per route). */
export const isWatchedCheck = (id: string): boolean => id.startsWith('runtime.') || id === 'e2e.route' || id.startsWith('e2e.route:');

/** Checks that must have passed (not only "not failed") for a deployment to be good. */
const REQUIRED = ['runtime.modules-running', 'runtime.crash-loop', 'runtime.deployment-current'];

export interface Judgement {
  readonly verdict: DeploymentVerdict;
  readonly failed: readonly FailedCheck[];
  readonly checks: readonly { id: string; status: string }[];
}

const failedOf = (c: CheckResult): FailedCheck => ({ id: c.id, title: c.title, status: c.status, detail: c.detail });

/**
 * A deployment's verdict from one check report, `elapsedMs` after it was applied, for a window of `windowMs`;
 * `gatheredMs` is when the report's run started (its facts were gathered then: a run waits for end-to-end arrivals
 * after that, so it can finish long after its runtime facts were read).
 * - A report about another deployment version (desired or reported: the runtime has not taken this one up or
 *   finished applying it yet) proves nothing: pending until a report gathered after the window says so, then bad as
 *   a stale deployment (one gathered while the apply was still under way is not proof of staleness).
 * - Once it is this version's report, a crash loop is bad at once (it does not heal by waiting).
 * - Otherwise pending until the window ends (a module that will crash may still look up), then good when no watched
 *   check erred and the required ones passed, bad naming each failing (or not run) check.
 */
export function judge(report: CheckReport, version: number, elapsedMs: number, windowMs: number, gatheredMs: number = elapsedMs): Judgement {
  const watched = report.checks.filter((c) => isWatchedCheck(c.id));
  const checks = watched.map((c) => ({ id: c.id, status: c.status }));
  const errors = watched.filter((c) => c.status === 'error');
  const ended = elapsedMs >= windowMs;
  const current = watched.find((c) => c.id === 'runtime.deployment-current');
  const desired = current?.data?.desiredVersion;
  const reported = current?.data?.reportedVersion;
  const other = [desired, reported].find((v) => typeof v === 'number' && v !== version);
  if (other !== undefined) {
    if (gatheredMs < windowMs) return { verdict: 'pending', failed: [], checks };
    return {
      verdict: 'bad',
      failed: [{ id: 'runtime.deployment-current', title: current?.title ?? 'The reported deployment is the desired one', status: 'error', detail: `Stale deployment: the runtime reports version ${String(reported)} (desired ${String(desired)}), not ${version}, after the window.` }],
      checks,
    };
  }
  const crash = errors.find((c) => c.id === 'runtime.crash-loop');
  if (crash) return { verdict: 'bad', failed: errors.map(failedOf), checks };
  if (!ended) return { verdict: 'pending', failed: errors.map(failedOf), checks };
  const missing = REQUIRED.filter((id) => !watched.some((c) => c.id === id && (c.status === 'ok' || c.status === 'warning')) && !errors.some((c) => c.id === id)).map(
    (id): FailedCheck => {
      const found = watched.find((c) => c.id === id);
      return { id, title: found?.title ?? id, status: found?.status ?? 'missing', detail: found?.detail ?? 'The check did not run.' };
    },
  );
  const failed = [...errors.map(failedOf), ...missing];
  return { verdict: failed.length === 0 ? 'good' : 'bad', failed, checks };
}
