import type { CheckGroup, CheckStatus, Verdict } from './check-model';
import type { FactName, Facts, Unavailable } from './facts';

/** A verdict about one subject of a check (a port, a route): its result id is `<check id>:<subject>`. */
export interface SubjectVerdict extends Verdict {
  readonly subject: string;
  /** The title of this subject's result (default: the check's title and the subject). */
  readonly title?: string;
}

/**
 * One check: an id (stable: scripts and evidence reports refer to it), a title, a group, the checks whose failure
 * makes it pointless, the facts it reads, and a pure verdict over them.
 */
export interface CheckDef<K extends FactName = FactName> {
  readonly id: string;
  readonly title: string;
  readonly group: CheckGroup;
  readonly dependsOn?: readonly string[];
  readonly facts: readonly K[];
  /** Pure: same facts, same verdict. An array speaks of several subjects (an empty one: nothing to check here). */
  readonly verdict: (facts: Pick<Facts, K>) => Verdict | readonly SubjectVerdict[];
}

/** Keeps each check's fact names and its verdict's parameter in step, and erases them for the registry. */
export function defineCheck<const K extends FactName>(def: CheckDef<K>): CheckDef {
  return def as unknown as CheckDef;
}

export const verdict = (status: CheckStatus, detail: string, fix?: string, data?: Record<string, unknown>): Verdict => ({
  status,
  detail,
  ...(fix !== undefined ? { fix } : {}),
  ...(data !== undefined ? { data } : {}),
});

/** A check that could not look: skipped, saying why. */
export const notGathered = (what: string, fact: Unavailable): Verdict => verdict('skipped', `Could not read ${what}: ${fact.reason}`);

/** "1 module" / "3 modules". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A list in words, cut after `max` items ("a, b and 3 more"). */
export function listWords(items: readonly string[], max = 4): string {
  if (items.length <= 1) return items.join('');
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) ?? ''}`;
}
