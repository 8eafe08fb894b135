import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { appError, type Result } from '../../../../shared/errors';
import { countStatuses, type CheckReport } from '../../../../shared/commissioning/check-model';
import type { ConnectionState } from '../../ipc/transport';
import { applyProgress, finishedRun, type LiveRun } from './check-run';
import { runAndFollow, type RunAndFollowDeps } from './run-and-follow';

const KEY = ['commissioning', 'live'];

function report(runId: string): CheckReport {
  const checks = [{ id: 'a', title: 'A', group: 'host' as const, status: 'error' as const, detail: 'd', fix: 'f', durationMs: 1 }];
  return { runId, startedAt: '2026-12-03T15:00:00Z', finishedAt: '2026-12-03T15:00:40Z', target: { deviceId: 'gw', runtime: 'local' }, ok: false, counts: countStatuses(checks), checks };
}

/** The connection as the transport reports it: a state and its change listeners. */
function connection() {
  const listeners = new Set<(s: ConnectionState) => void>();
  const conn = {
    state: 'connected' as ConnectionState,
    onDidChangeState(listener: (s: ConnectionState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(state: ConnectionState) {
      conn.state = state;
      for (const l of listeners) l(state);
    },
    listeners,
  };
  return conn;
}

const timedOut: Result<CheckReport> = { ok: false, error: appError('DISCONNECTED', 'No answer from the host for commissioning.run') };

function setup(answer: (queryClient: QueryClient) => Promise<Result<CheckReport>>, live: LiveRun | null = null) {
  const queryClient = new QueryClient();
  queryClient.setQueryData(KEY, live);
  const conn = connection();
  const deps: RunAndFollowDeps = { run: () => answer(queryClient), queryClient, transport: conn, liveKey: KEY };
  return { queryClient, conn, deps };
}

describe('runAndFollow', () => {
  it('resolves with the answer when the host answers', async () => {
    const { deps } = setup(async () => ({ ok: true, value: report('r1') }));
    await expect(runAndFollow(deps, { endToEnd: false })).resolves.toMatchObject({ runId: 'r1' });
  });

  it('when the call gives up while the run streams, follows the run to its finished report', async () => {
    const { deps, queryClient, conn } = setup(async (qc) => {
      qc.setQueryData<LiveRun | null>(KEY, (l) => applyProgress(l, { phase: 'started', runId: 'r2', total: 1, checks: [] }));
      return timedOut;
    });
    const pending = runAndFollow(deps, {});
    let settled = false;
    void pending.finally(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    queryClient.setQueryData<LiveRun | null>(KEY, (l) => applyProgress(l, { phase: 'finished', runId: 'r2', report: report('r2') }));
    await expect(pending).resolves.toMatchObject({ runId: 'r2' });
    // It stopped listening once settled.
    expect(conn.listeners.size).toBe(0);
  });

  it('follows a run it joined (already running when asked), also when it finished before the call gave up', async () => {
    const running = applyProgress(null, { phase: 'started', runId: 'r3', total: 1, checks: [] });
    const { deps, queryClient } = setup(async () => timedOut, running);
    const pending = runAndFollow(deps, {});
    queryClient.setQueryData(KEY, finishedRun(running, report('r3')));
    await expect(pending).resolves.toMatchObject({ runId: 'r3' });
  });

  it('fails with DISCONNECTED when no run is under way (the previous finished run does not count)', async () => {
    const { deps } = setup(async () => timedOut, finishedRun(null, report('old')));
    await expect(runAndFollow(deps, {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('fails when the connection drops while following', async () => {
    const { deps, conn } = setup(async (qc) => {
      qc.setQueryData<LiveRun | null>(KEY, (l) => applyProgress(l, { phase: 'started', runId: 'r4', total: 1, checks: [] }));
      return timedOut;
    });
    const pending = runAndFollow(deps, {});
    await Promise.resolve();
    conn.set('reconnecting');
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED', message: expect.stringContaining('lost while the checks ran') });
  });

  it('passes any other refusal on as it came', async () => {
    const running = applyProgress(null, { phase: 'started', runId: 'r5', total: 1, checks: [] });
    const { deps } = setup(async () => ({ ok: false, error: appError('BAD_REQUEST', 'Invalid input for commissioning.run') }), running);
    await expect(runAndFollow(deps, {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
