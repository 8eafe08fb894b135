import { CHECK_GROUPS, countStatuses, GROUP_TITLES, worstStatus, type CheckCounts, type CheckGroup, type CheckInfo, type CheckResult, type CheckStatus } from '../../../../shared/commissioning/check-model';

/** A row's state: a result's status, or `waiting` for a check of a running run that has no result yet. */
export type RowStatus = CheckStatus | 'waiting';

export interface CheckRow {
  /** Unique in the list: the result's id, or the check's id while it waits. */
  readonly key: string;
  readonly title: string;
  readonly status: RowStatus;
  readonly result?: CheckResult;
}

export interface GroupView {
  readonly group: CheckGroup;
  readonly title: string;
  readonly rows: readonly CheckRow[];
  /** The worst status among the group's results (`waiting` while none has one). */
  readonly status: RowStatus;
  /** "3 of 5 passed", "1 error, 4 passed", "waiting". */
  readonly caption: string;
}

/** The check a result belongs to: its id, or `<id>:<subject>` for one of several subjects (the longest id that fits). */
export function checkIdOf(resultId: string, checks: readonly CheckInfo[]): string | undefined {
  let best: string | undefined;
  for (const c of checks) {
    if ((resultId === c.id || resultId.startsWith(`${c.id}:`)) && c.id.length > (best?.length ?? -1)) best = c.id;
  }
  return best;
}

/**
 * The checklist: groups in CHECK_GROUPS order (empty ones left out), in each the checks in run order with their
 * results in the order they came (a check with several subjects has a row each). While `running`, a check without
 * a result yet is a `waiting` row; a result of a check the list does not know (the registry was not read) goes last
 * in its group.
 */
export function groupRows(checks: readonly CheckInfo[], results: readonly CheckResult[], running: boolean): GroupView[] {
  const byCheck = new Map<string, CheckResult[]>();
  const unknown: CheckResult[] = [];
  for (const r of results) {
    const id = checkIdOf(r.id, checks);
    if (id === undefined) unknown.push(r);
    else byCheck.set(id, [...(byCheck.get(id) ?? []), r]);
  }
  const rows = new Map<CheckGroup, CheckRow[]>(CHECK_GROUPS.map((g) => [g, []]));
  const row = (r: CheckResult): CheckRow => ({ key: r.id, title: r.title, status: r.status, result: r });
  for (const c of checks) {
    const own = byCheck.get(c.id);
    if (own) for (const r of own) rows.get(r.group)?.push(row(r));
    else if (running) rows.get(c.group)?.push({ key: c.id, title: c.title, status: 'waiting' });
  }
  for (const r of unknown) rows.get(r.group)?.push(row(r));
  return CHECK_GROUPS.flatMap((group): GroupView[] => {
    const list = rows.get(group) ?? [];
    if (list.length === 0) return [];
    const statuses = list.map((r) => r.status).filter((s): s is CheckStatus => s !== 'waiting');
    return [{ group, title: GROUP_TITLES[group], rows: list, status: statuses.length ? worstStatus(statuses) : 'waiting', caption: groupCaption(list) }];
  });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function groupCaption(rows: readonly CheckRow[]): string {
  const counts = countStatuses(rows.filter((r): r is CheckRow & { status: CheckStatus } => r.status !== 'waiting'));
  const waiting = rows.length - (counts.ok + counts.warning + counts.error + counts.skipped);
  const parts = problemParts(counts);
  if (counts.ok) parts.push(`${counts.ok} passed`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  if (waiting) parts.push(`${waiting} waiting`);
  return parts.join(', ');
}

function problemParts(counts: CheckCounts): string[] {
  const parts: string[] = [];
  if (counts.error) parts.push(plural(counts.error, 'error'));
  if (counts.warning) parts.push(plural(counts.warning, 'warning'));
  return parts;
}

export type VerdictTone = 'ok' | 'warning' | 'danger' | 'neutral';

export interface Verdict {
  readonly tone: VerdictTone;
  /** "2 errors, 1 warning — not ready", "All checks passed", "1 warning — ready, with reservations". */
  readonly headline: string;
  /** "14 checks: 9 passed, 3 skipped". */
  readonly tally: string;
}

/** A finished run in words: errors mean not ready; warnings alone mean ready with something to look at. */
export function verdict(counts: CheckCounts): Verdict {
  const total = counts.ok + counts.warning + counts.error + counts.skipped;
  const tallyParts = [`${counts.ok} passed`];
  if (counts.skipped) tallyParts.push(`${counts.skipped} skipped`);
  const tally = `${plural(total, 'check')}: ${tallyParts.join(', ')}`;
  if (total === 0) return { tone: 'neutral', headline: 'No checks ran', tally };
  if (counts.error) return { tone: 'danger', headline: `${problemParts(counts).join(', ')} — not ready`, tally };
  if (counts.warning) return { tone: 'warning', headline: `${plural(counts.warning, 'warning')} — ready, with reservations`, tally };
  if (counts.ok === 0) return { tone: 'neutral', headline: 'Every check was skipped', tally };
  return { tone: 'ok', headline: 'All checks passed', tally };
}

export interface ProgressView {
  readonly done: number;
  readonly total: number;
  /** 0..1; 0 while the total is not known. */
  readonly fraction: number;
  readonly label: string;
}

export function progressView(done: number, total: number): ProgressView {
  const capped = Math.min(done, total);
  if (total <= 0) return { done: 0, total: 0, fraction: 0, label: 'Starting the checks…' };
  return { done: capped, total, fraction: capped / total, label: `${capped} of ${plural(total, 'check')} done` };
}

export const STATUS_WORD: Readonly<Record<RowStatus, string>> = { ok: 'OK', warning: 'Warning', error: 'Error', skipped: 'Skipped', waiting: 'Waiting' };

/** A row opens to its fix and data: every warning and error, and any other row that has a fix or data to show. */
export function expandable(row: CheckRow): boolean {
  const r = row.result;
  if (!r) return false;
  return r.status === 'error' || r.status === 'warning' || r.fix !== undefined || (r.data !== undefined && Object.keys(r.data).length > 0);
}

/** The rows that are problems (errors, then warnings, in list order): what "Open every problem" opens. */
export function problemKeys(groups: readonly GroupView[]): string[] {
  const rows = groups.flatMap((g) => g.rows);
  return [...rows.filter((r) => r.status === 'error'), ...rows.filter((r) => r.status === 'warning')].map((r) => r.key);
}

/** A result's data as key/value lines: text as is, numbers localised, anything else as compact JSON. */
export function dataEntries(data: Readonly<Record<string, unknown>> | undefined): { key: string; value: string }[] {
  if (!data) return [];
  return Object.entries(data).map(([key, value]) => ({ key, value: dataValue(value) }));
}

function dataValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value.toLocaleString('en-US') : String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(', ');
  return JSON.stringify(value);
}

/** A result's detail as the row shows it: a skipped row's word is its status, so "Skipped: " is not said twice. */
export function rowDetail(result: { status: CheckStatus; detail: string }): string {
  if (result.status !== 'skipped') return result.detail;
  const rest = result.detail.replace(/^skipped[:,]?\s*/i, '');
  return rest === '' ? result.detail : rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** Text with `code` spans (the checks' fixes name commands that way) as plain and code parts, in order. */
export function codeParts(text: string): { code: boolean; text: string }[] {
  const parts = text.split('`');
  // An unpaired backtick stays text.
  if (parts.length % 2 === 0) return [{ code: false, text }];
  return parts.map((t, i) => ({ code: i % 2 === 1, text: t })).filter((p) => p.text !== '');
}

/** "4.2 s", "850 ms", "1 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
