import { rollbackContract } from '../../../shared/ipc';
import type { HistoryEntry, RollbackState } from '../../../shared/ipc/rollback.contract';
import type { CliCommand, CliIo } from '../command';
import { connectHost, contractClient } from '../host-client';

/**
 * `gatehouse rollback [--to <id>] [--json]`: re-apply the last known good deployment (or the one named, `v3` or `3`)
 * on the running console, locally or through the hub when the cloud drives the runtime; `--json` prints
 * `{from, to, version?, via, message}`; exit 1 when there is nothing to roll back to. `gatehouse deployments history
 * [--json]`: every applied deployment, newest first, with its verdict, the failing checks and the change from the one
 * before; `--json` prints the entries as `rollback.history` returns them.
 */

function failWith(io: CliIo, json: boolean, name: string, code: string, message: string, exit: number): number {
  if (json) io.stdout(JSON.stringify({ error: { code, message } }));
  io.stderr(`gatehouse ${name}: ${message}`);
  return exit;
}

const MARK: Record<string, string> = { good: '✓', bad: '✗', pending: '…' };

/** Human lines of the history: one per deployment, its failing checks and its change from the previous. */
export function formatHistory(entries: readonly HistoryEntry[], state: RollbackState | undefined): string[] {
  const lines: string[] = [];
  if (entries.length === 0) return ['No deployment applied yet.'];
  for (const e of entries) {
    const origin = e.origin === 'apply' ? '' : ` ${e.origin === 'auto-rollback' ? 'automatic rollback' : 'rollback'} to ${e.restores ?? '?'}${e.rolledBackFrom ? ` from ${e.rolledBackFrom}` : ''}${e.via === 'hub' ? ' (through the hub)' : ''}`;
    lines.push(`${MARK[e.verdict] ?? '?'} ${e.id} ${e.verdict}${e.superseded ? ' (superseded before its verdict)' : ''}  applied ${e.appliedAt}  sha256 ${e.sha256.slice(0, 12)}…${origin}`);
    for (const f of e.failed) lines.push(`    ${f.id}: ${f.detail}`);
    if (e.previous === null) continue;
    if (e.diff.length === 0) lines.push(`    same manifest as ${e.previous}`);
    for (const op of e.diff.slice(0, 8)) lines.push(`    ${op.op === 'add' ? '+' : op.op === 'remove' ? '-' : '~'} ${op.path}`);
    if (e.diff.length > 8) lines.push(`    … ${e.diff.length - 8} more changes from ${e.previous}`);
  }
  if (state) {
    lines.push(`Last known good: ${state.lastKnownGood ?? 'none'}. Automatic rollback ${state.auto ? 'on' : 'off'}.`);
    if (state.lastRollback) lines.push(state.lastRollback.message);
  }
  return lines;
}

export const rollbackCommand: CliCommand = {
  path: ['rollback'],
  summary: 'Re-apply the last known good deployment (or --to <id>), locally or through the hub when the cloud drives',
  usage: '[--to <id>] [--json]',
  options: { to: { type: 'string', description: 'The deployment to re-apply (v3 or 3, from `gatehouse deployments history`); default: the last known good' } },
  run: async ({ positionals, values, io }) => {
    const json = values.json === true;
    if (positionals.length > 0) return failWith(io, json, 'rollback', 'BAD_REQUEST', `unexpected argument ${positionals[0] ?? ''} (use --to <id>)`, 2);
    if (values.to !== undefined && (typeof values.to !== 'string' || values.to.trim() === '')) return failWith(io, json, 'rollback', 'BAD_REQUEST', '--to needs a deployment id (v3)', 2);
    const connection = await connectHost(io.env);
    try {
      const result = await contractClient(rollbackContract, connection).rollback(typeof values.to === 'string' ? { to: values.to.trim() } : {});
      if (!result.ok) return failWith(io, json, 'rollback', result.error.code, result.error.message, result.error.code === 'NOT_FOUND' || result.error.code === 'CONFLICT' || result.error.code === 'INVALID_MANIFEST' ? 1 : 2);
      io.stdout(json ? JSON.stringify(result.value) : `${result.value.message}${result.value.version !== undefined ? ` Applied as v${result.value.version}; its checks run now (gatehouse deployments history).` : ''}`);
      return 0;
    } finally {
      connection.close();
    }
  },
};

export const deploymentsHistoryCommand: CliCommand = {
  path: ['deployments', 'history'],
  summary: 'Every applied deployment with its verdict (good, bad: which checks failed, pending) and the change from the one before',
  usage: '[--json]',
  options: {},
  run: async ({ positionals, values, io }) => {
    const json = values.json === true;
    if (positionals.length > 0) return failWith(io, json, 'deployments history', 'BAD_REQUEST', `unexpected argument ${positionals[0] ?? ''}`, 2);
    const connection = await connectHost(io.env);
    try {
      const client = contractClient(rollbackContract, connection);
      const history = await client.history({});
      if (!history.ok) return failWith(io, json, 'deployments history', history.error.code, history.error.message, 2);
      if (json) {
        io.stdout(JSON.stringify(history.value));
        return 0;
      }
      const state = await client.state({});
      io.stdout(formatHistory(history.value, state.ok ? state.value : undefined).join('\n'));
      return 0;
    } finally {
      connection.close();
    }
  },
};
