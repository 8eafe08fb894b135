import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { commissioningContract } from '../../../../shared/ipc';
import type { CheckReport, CheckRunInput } from '../../../../shared/ipc/commissioning.contract';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';
import { applyProgress, finishedRun, type LiveRun } from './check-run';
import { runAndFollow } from './run-and-follow';

export const commissioningKeys = {
  all: ['commissioning'] as const,
  checks: () => [...commissioningKeys.all, 'checks'] as const,
  last: () => [...commissioningKeys.all, 'last'] as const,
  /** The run this page follows (LiveRun | null), written only by the progress subscription and the `run` answer. */
  live: () => [...commissioningKeys.all, 'live'] as const,
};

export function useCommissioningClient() {
  const { transport } = useHost();
  return useMemo(() => createClient(commissioningContract, transport), [transport]);
}

function settleReport(queryClient: QueryClient, report: CheckReport): void {
  queryClient.setQueryData<LiveRun | null>(commissioningKeys.live(), (live) => finishedRun(live, report));
  queryClient.setQueryData(commissioningKeys.last(), report);
}

/**
 * The one subscription of the area: `commissioning.progress` events go into the cache (the followed run, and the
 * last report once a run finishes), whoever started the run (this page, another window, the palette).
 */
export function useCheckProgress(): void {
  const { transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribeEvent(transport, commissioningContract, 'progress', (event) => {
        queryClient.setQueryData<LiveRun | null>(commissioningKeys.live(), (live) => applyProgress(live, event));
        if (event.phase === 'finished') queryClient.setQueryData(commissioningKeys.last(), event.report);
      }),
    [transport, queryClient],
  );
}

/**
 * The run this page follows (null until a run is seen). Never fetched: only events and answers write it; when the
 * connection comes back every query is invalidated (ipc/query-connection.ts), which resets it to null, since the
 * events sent meanwhile are lost: the last report is read again, and a run still going is followed from its next result.
 */
export function useLiveRun() {
  return useQuery<LiveRun | null>({ queryKey: commissioningKeys.live(), queryFn: () => null, staleTime: Infinity, gcTime: Infinity });
}

/** The check registry in run order (what a run will check). */
export function useCheckRegistry() {
  const client = useCommissioningClient();
  return useQuery({ queryKey: commissioningKeys.checks(), queryFn: () => unwrap(client.checks({})), staleTime: Infinity, retry: false });
}

/**
 * The console's last finished report (restored when the area opens), or null. Read again each time the area opens:
 * a run may have finished (here, in another window) while no progress subscription was listening.
 */
export function useLastReport() {
  const client = useCommissioningClient();
  return useQuery({ queryKey: commissioningKeys.last(), queryFn: () => unwrap(client.last({})), retry: false, staleTime: 0 });
}

/**
 * Runs the checks. The report also streams as `progress`: when the `run` call itself gives up (the transport stops
 * waiting for a long run's answer) while a run is under way, the mutation follows that run to its end instead of
 * failing; it fails only if no run started or the connection drops.
 */
export function useRunChecks() {
  const client = useCommissioningClient();
  const { transport } = useHost();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CheckRunInput) => runAndFollow({ run: (i) => client.run(i), queryClient, transport, liveKey: commissioningKeys.live() }, input),
    onSuccess: (report) => settleReport(queryClient, report),
  });
}
