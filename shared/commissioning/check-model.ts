import { z } from 'zod';

/**
 * Commissioning checks: what each check says about a gateway, as data. A check is a small unit (check-registry.ts)
 * with an id, a title, a group, the checks it depends on and a pure verdict over gathered facts (facts.ts); the
 * runner (check-runner.ts) gathers each fact once and runs independent checks in parallel.
 */

export const CHECK_GROUPS = ['configuration', 'host', 'connectivity', 'runtime', 'end-to-end'] as const;
export const CheckGroup = z.enum(CHECK_GROUPS);
export type CheckGroup = z.infer<typeof CheckGroup>;

export const GROUP_TITLES: Readonly<Record<CheckGroup, string>> = {
  configuration: 'Configuration',
  host: 'Host',
  connectivity: 'Connectivity and identity',
  runtime: 'Runtime',
  'end-to-end': 'End to end',
};

/**
 * ok: passed. warning: works, but not as production expects. error: broken (the command exits non-zero).
 * skipped: not run, and `detail` says why (a check it depends on failed, or it does not apply here).
 */
export const CheckStatus = z.enum(['ok', 'warning', 'error', 'skipped']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** What a verdict function returns: a status, a sentence of detail, and what to do about it. */
export interface Verdict {
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do; absent when nothing is to be done. */
  readonly fix?: string;
  /** Facts worth keeping with the result (versions, latencies, places): shown in the report, never secrets. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export const CheckResult = z.object({
  /** The check's id; one check that speaks of several subjects (a route, a port) has one result each: `<id>:<subject>`. */
  id: z.string(),
  title: z.string(),
  group: CheckGroup,
  status: CheckStatus,
  detail: z.string(),
  fix: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  durationMs: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const CheckInfo = z.object({ id: z.string(), title: z.string(), group: CheckGroup, dependsOn: z.array(z.string()) });
export type CheckInfo = z.infer<typeof CheckInfo>;

export const CheckCounts = z.object({ ok: z.number().int(), warning: z.number().int(), error: z.number().int(), skipped: z.number().int() });
export type CheckCounts = z.infer<typeof CheckCounts>;

/** The gateway a run looked at: this machine's runtime (`local`) or a device known only through the hub (`remote`). */
export const CheckTarget = z.object({
  deviceId: z.string(),
  hub: z.string().optional(),
  runtime: z.enum(['local', 'remote']),
});
export type CheckTarget = z.infer<typeof CheckTarget>;

export const CheckReport = z.object({
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  target: CheckTarget,
  /** No check erred. */
  ok: z.boolean(),
  counts: CheckCounts,
  checks: z.array(CheckResult),
});
export type CheckReport = z.infer<typeof CheckReport>;

export function countStatuses(results: readonly { status: CheckStatus }[]): CheckCounts {
  const counts = { ok: 0, warning: 0, error: 0, skipped: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** The worst of several statuses (error > warning > ok > skipped). */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  const rank: Record<CheckStatus, number> = { skipped: 0, ok: 1, warning: 2, error: 3 };
  return statuses.reduce<CheckStatus>((worst, s) => (rank[s] > rank[worst] ? s : worst), 'skipped');
}
