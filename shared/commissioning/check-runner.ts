import type { CheckDef, SubjectVerdict } from './check-def';
import { CHECK_GROUPS, type CheckInfo, type CheckResult, type Verdict } from './check-model';
import { CONFIGURATION_CHECKS } from './checks-configuration';
import { CONNECTIVITY_CHECKS } from './checks-connectivity';
import { HOST_CHECKS } from './checks-host';
import { END_TO_END_CHECKS, RUNTIME_CHECKS } from './checks-runtime';
import type { FactName, Facts } from './facts';

/** Every check, in the order reports list them (by group, then as each group declares them). */
export const CHECKS: readonly CheckDef[] = [...CONFIGURATION_CHECKS, ...HOST_CHECKS, ...CONNECTIVITY_CHECKS, ...RUNTIME_CHECKS, ...END_TO_END_CHECKS].sort(
  (a, b) => CHECK_GROUPS.indexOf(a.group) - CHECK_GROUPS.indexOf(b.group),
);

export function checkInfos(checks: readonly CheckDef[] = CHECKS): CheckInfo[] {
  return checks.map((c) => ({ id: c.id, title: c.title, group: c.group, dependsOn: [...(c.dependsOn ?? [])] }));
}

/** Where each fact comes from: called at most once per run, on first need. A gatherer that throws makes the fact unavailable. */
export type FactSources = { readonly [K in FactName]: () => Promise<Facts[K]> };

export interface RunOptions {
  /** Called as each result lands (a check with subjects lands all of them at once). */
  readonly onResult?: (results: readonly CheckResult[]) => void;
  readonly now?: () => number;
}

/**
 * Runs the checks: gathers each fact once (on first need), runs every check as soon as the checks it depends on
 * have a result (independent checks run in parallel), and resolves with the results in registry order.
 * A check whose dependency erred or was skipped is skipped, naming it. A verdict that throws is an error (a bug,
 * said as such), never a crash of the run.
 */
export async function runChecks(checks: readonly CheckDef[], sources: FactSources, options: RunOptions = {}): Promise<CheckResult[]> {
  const now = options.now ?? Date.now;
  const facts = new Map<FactName, Promise<unknown>>();
  const fact = (name: FactName): Promise<unknown> => {
    let found = facts.get(name);
    if (!found) {
      found = sources[name]().catch((error: unknown) => ({ available: false, reason: (error as Error)?.message ?? String(error) }));
      facts.set(name, found);
    }
    return found;
  };
  const byId = new Map(checks.map((c) => [c.id, c]));
  const outcomes = new Map<string, Promise<CheckResult[]>>();
  const run = (check: CheckDef, path: readonly string[]): Promise<CheckResult[]> => {
    const existing = outcomes.get(check.id);
    if (existing) return existing;
    const started = now();
    const result = (async (): Promise<CheckResult[]> => {
      const dependencies = (check.dependsOn ?? []).map((id) => byId.get(id)).filter((d): d is CheckDef => d !== undefined && !path.includes(d.id));
      const settled = await Promise.all(dependencies.map(async (d) => ({ dep: d, results: await run(d, [...path, check.id]) })));
      const blocked = settled.find((s) => s.results.some((r) => r.status === 'error') || (s.results.length > 0 && s.results.every((r) => r.status === 'skipped')));
      if (blocked) {
        const failed = blocked.results.some((r) => r.status === 'error');
        return [shape(check, { status: 'skipped', detail: `Skipped: "${blocked.dep.title}" ${failed ? 'failed' : 'was skipped'}.` }, now() - started)];
      }
      const values = await Promise.all(check.facts.map(async (name) => [name, await fact(name)] as const));
      let verdict: ReturnType<CheckDef['verdict']>;
      try {
        verdict = check.verdict(Object.fromEntries(values) as unknown as Facts);
      } catch (error) {
        verdict = { status: 'error', detail: `The check itself failed (a bug in Gatehouse): ${(error as Error)?.message ?? String(error)}` };
      }
      const elapsed = now() - started;
      if (!isSubjects(verdict)) return [shape(check, verdict, elapsed)];
      return verdict.map((v) => ({ ...shape(check, v, elapsed), id: `${check.id}:${v.subject}`, title: v.title ?? `${check.title}: ${v.subject}` }));
    })();
    const announced = result.then((results) => {
      options.onResult?.(results);
      return results;
    });
    outcomes.set(check.id, announced);
    return announced;
  };
  const all = await Promise.all(checks.map((c) => run(c, [])));
  return all.flat();
}

function isSubjects(v: ReturnType<CheckDef['verdict']>): v is readonly SubjectVerdict[] {
  return Array.isArray(v);
}

function shape(check: CheckDef, v: Verdict, durationMs: number): CheckResult {
  return {
    id: check.id,
    title: check.title,
    group: check.group,
    status: v.status,
    detail: v.detail,
    ...(v.fix !== undefined ? { fix: v.fix } : {}),
    ...(v.data !== undefined ? { data: { ...v.data } } : {}),
    durationMs: Math.max(0, durationMs),
  };
}
