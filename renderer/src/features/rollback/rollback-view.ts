import type { DiffOp, HistoryEntry, RollbackState } from '../../../../shared/ipc/rollback.contract';
import { localTime } from '../../app/format-time';
import { readableManifest } from '../../../../shared/commissioning/readable-manifest';

export type VerdictTone = 'success' | 'danger' | 'informative' | 'subtle';

/** A deployment's verdict in words: Good, Bad (naming the failing checks), Pending (watched until …), Superseded. */
export function verdictWords(entry: Pick<HistoryEntry, 'verdict' | 'failed' | 'superseded'>): { label: string; tone: VerdictTone; detail: string | null } {
  if (entry.verdict === 'good') return { label: 'Good', tone: 'success', detail: null };
  if (entry.verdict === 'bad') return { label: 'Bad', tone: 'danger', detail: entry.failed.length ? `Failed: ${failedTitles(entry.failed)}` : null };
  if (entry.superseded) return { label: 'Superseded', tone: 'subtle', detail: 'A newer deployment came before its checks finished' };
  return { label: 'Pending', tone: 'informative', detail: 'Being watched: its checks have not finished yet' };
}

export function failedTitles(failed: readonly { title: string }[]): string {
  return failed.map((f) => f.title).join(', ');
}

/** How it came to be applied, in words. */
export function originWords(entry: Pick<HistoryEntry, 'origin' | 'restores' | 'rolledBackFrom' | 'via'>): string {
  if (entry.origin === 'apply') return 'Applied';
  const to = entry.restores ? ` to ${entry.restores}` : '';
  const from = entry.rolledBackFrom ? ` from ${entry.rolledBackFrom}` : '';
  const via = entry.via === 'hub' ? ' (through the hub)' : '';
  return `${entry.origin === 'auto-rollback' ? 'Rolled back automatically' : 'Rolled back'}${from}${to}${via}`;
}

/** One changed field of the diff: its path in words and the old → new values as short text. */
export interface DiffRow {
  readonly key: string;
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed' | 'moved';
  readonly before: string | null;
  readonly after: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function pointerTokens(path: string): string[] {
  if (path === '') return [];
  return path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a JSON Pointer, or undefined. */
export function valueAt(doc: unknown, path: string): unknown {
  let node = doc;
  for (const token of pointerTokens(path)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, token) ? node[token] : undefined;
    else return undefined;
  }
  return node;
}

/** A value as short text: strings as they are, anything else as JSON. */
export function valueText(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The path for a reader: modulesContent and properties.desired dropped, "/" as " › ". */
export function pathWords(path: string): string {
  const tokens = pointerTokens(path);
  const shown = tokens[0] === 'modulesContent' ? tokens.slice(1) : tokens;
  const words = shown.filter((t, i) => !(t === 'properties.desired' && i === 1));
  return words.length ? words.join(' › ') : '(whole deployment)';
}

/** The diff to the previous deployment as rows: old values looked up in the previous manifest's text. */
export function diffRows(diff: readonly DiffOp[], previousText: string | undefined): DiffRow[] {
  const before = previousText === undefined ? {} : readableManifest(previousText);
  return diff.map((op, i): DiffRow => {
    const key = `${i}:${op.op}:${op.path}`;
    const path = pathWords(op.path);
    switch (op.op) {
      case 'add':
        return { key, path, kind: 'added', before: null, after: valueText(op.value) };
      case 'remove':
        return { key, path, kind: 'removed', before: valueText(valueAt(before, op.path)), after: null };
      case 'move':
        return { key, path, kind: 'moved', before: op.from !== undefined ? pathWords(op.from) : null, after: path };
      default:
        return { key, path, kind: 'changed', before: valueText(valueAt(before, op.path)), after: valueText(op.value) };
    }
  });
}

export type BannerView =
  | { kind: 'bad'; id: string; to: string | null; text: string }
  | { kind: 'auto-rolled-back'; text: string; at: string }
  | null;

/**
 * The banner at the top of the Commissioning area: the newest deployment is bad (offer the rollback to the last known
 * good), else the last rollback when it was automatic (its time in local words; `dismissedAt`: the `at` of an
 * automatic rollback the user dismissed, not shown again).
 */
export function bannerView(state: RollbackState | undefined, now: number = Date.now(), dismissedAt?: string | null): BannerView {
  if (!state) return null;
  if (state.bad) {
    const checks = state.bad.failed.length ? ` (${failedTitles(state.bad.failed)})` : '';
    const to = state.lastKnownGood && state.lastKnownGood !== state.bad.id ? state.lastKnownGood : null;
    const offer = to ? ` Roll back to ${to}, the last known good?` : ' No deployment has passed its checks yet, so there is none to roll back to.';
    return { kind: 'bad', id: state.bad.id, to, text: `Deployment ${state.bad.id} failed its checks${checks}.${offer}` };
  }
  const last = state.lastRollback;
  if (last?.automatic && last.at !== dismissedAt) {
    const at = Date.parse(last.at);
    const when = Number.isNaN(at) ? last.at : localTime(at, now);
    const via = last.via === 'hub' ? ' through the hub' : '';
    return { kind: 'auto-rolled-back', at: last.at, text: `Rolled back automatically from ${last.from ?? 'the deployment in force'} to ${last.to} at ${when}${via}: ${last.from ?? 'it'} failed its checks, ${last.to} is the last known good.` };
  }
  return null;
}
