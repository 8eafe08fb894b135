import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { edgehubContract } from '../../../../shared/ipc';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

export const edgehubKeys = {
  all: ['edgehub'] as const,
  state: () => [...edgehubKeys.all, 'state'] as const,
  routes: () => [...edgehubKeys.all, 'routes'] as const,
};

export function useEdgeHubClient() {
  const { transport } = useHost();
  return useMemo(() => createClient(edgehubContract, transport), [transport]);
}

/** The edge hub's state, kept current by `edgehub.changed` pushes (a change also re-reads the routes in force). */
export function useEdgeHubState() {
  const edgehub = useEdgeHubClient();
  const { transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribeEvent(transport, edgehubContract, 'changed', (state) => {
        queryClient.setQueryData(edgehubKeys.state(), state);
        void queryClient.invalidateQueries({ queryKey: edgehubKeys.routes() });
      }),
    [transport, queryClient],
  );
  return useQuery({ queryKey: edgehubKeys.state(), queryFn: () => unwrap(edgehub.state({})), retry: false });
}

/** The routes in force and the last `$edgeHub` desired status, re-read every 5 s while the hub runs (a deployment changes them). */
export function useRoutesInForce(running: boolean) {
  const edgehub = useEdgeHubClient();
  return useQuery({ queryKey: edgehubKeys.routes(), queryFn: () => unwrap(edgehub.routes({})), enabled: running, refetchInterval: running ? 5_000 : false, retry: false });
}
