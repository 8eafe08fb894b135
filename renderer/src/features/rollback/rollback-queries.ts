import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { rollbackContract } from '../../../../shared/ipc';
import type { RollbackState } from '../../../../shared/ipc/rollback.contract';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

export const rollbackKeys = {
  all: ['rollback'] as const,
  history: () => [...rollbackKeys.all, 'history'] as const,
  state: () => [...rollbackKeys.all, 'state'] as const,
};

export function useRollbackClient() {
  const { transport } = useHost();
  return useMemo(() => createClient(rollbackContract, transport), [transport]);
}

/** The one subscription: `rollback.changed` writes the state and reads the history again (a verdict or a deployment came). */
export function useRollbackEvents(): void {
  const { transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribeEvent(transport, rollbackContract, 'changed', (state) => {
        queryClient.setQueryData<RollbackState>(rollbackKeys.state(), state);
        void queryClient.invalidateQueries({ queryKey: rollbackKeys.history() });
      }),
    [transport, queryClient],
  );
}

export function useRollbackState() {
  const client = useRollbackClient();
  return useQuery({ queryKey: rollbackKeys.state(), queryFn: () => unwrap(client.state({})), retry: false });
}

export function useDeploymentHistory() {
  const client = useRollbackClient();
  return useQuery({ queryKey: rollbackKeys.history(), queryFn: () => unwrap(client.history({})), retry: false });
}

export function useRollback() {
  const client = useRollbackClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (to?: string) => unwrap(client.rollback(to === undefined ? {} : { to })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: rollbackKeys.all }),
  });
}

export function useSetAuto() {
  const client = useRollbackClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (auto: boolean) => unwrap(client.setAuto({ auto })),
    onSuccess: (state) => queryClient.setQueryData(rollbackKeys.state(), state),
  });
}
