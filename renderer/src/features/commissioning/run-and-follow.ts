import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Result } from '../../../../shared/errors';
import type { CheckReport, CheckRunInput } from '../../../../shared/ipc/commissioning.contract';
import { unwrap } from '../../ipc/client';
import type { Transport } from '../../ipc/transport';
import type { LiveRun } from './check-run';

export interface RunAndFollowDeps {
  readonly run: (input: CheckRunInput) => Promise<Result<CheckReport>>;
  readonly queryClient: QueryClient;
  /** Connection state only (the `run` call goes through `run`). */
  readonly transport: Pick<Transport, 'state' | 'onDidChangeState'>;
  /** Where the progress subscription keeps the followed run (LiveRun | null). */
  readonly liveKey: QueryKey;
}

/**
 * Runs the checks and resolves with the report. A long run outlives the transport's wait for an answer (the served
 * console gives up on a call after 30 s with DISCONNECTED) while its progress still streams: then, when a run is
 * under way (one that started since the call, or one it joined), this follows that run in the cache to its
 * `finished` report. It rejects when the host refused, when no run is under way, or when the connection drops.
 */
export async function runAndFollow(deps: RunAndFollowDeps, input: CheckRunInput): Promise<CheckReport> {
  const live = () => deps.queryClient.getQueryData<LiveRun | null>(deps.liveKey) ?? null;
  const before = live();
  const answer = await deps.run(input);
  if (answer.ok) return answer.value;
  const now = live();
  // A run under way: running now, started since the call, or the one that ran when asked (it may have finished since).
  const underWay = now && (now.phase === 'running' || now.runId !== before?.runId || before?.phase === 'running') ? now : undefined;
  if (answer.error.code !== 'DISCONNECTED' || !underWay) return unwrap(Promise.resolve(answer));
  return followToEnd(deps, underWay.runId, live);
}

function followToEnd(deps: RunAndFollowDeps, runId: string, live: () => LiveRun | null): Promise<CheckReport> {
  return new Promise((resolve, reject) => {
    const subscriptions: (() => void)[] = [];
    const check = (): void => {
      const current = live();
      if (current?.runId === runId && current.phase === 'finished') {
        subscriptions.forEach((stop) => stop());
        resolve(current.report);
      } else if (deps.transport.state !== 'connected') {
        subscriptions.forEach((stop) => stop());
        const error = new Error('The connection to the Gatehouse host was lost while the checks ran; run them again once it reconnects.');
        reject(Object.assign(error, { code: 'DISCONNECTED' }));
      }
    };
    subscriptions.push(deps.queryClient.getQueryCache().subscribe(check), deps.transport.onDidChangeState(check));
    check();
  });
}
