import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { statusContract } from '../../../../shared/ipc';
import { subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

export const statusKeys = {
  all: ['status'] as const,
  current: () => [...statusKeys.all, 'current'] as const,
};

export function useHostStatus() {
  const { status } = useHost();
  return useQuery({ queryKey: statusKeys.current(), queryFn: () => unwrap(status.get({})) });
}

/** The one subscription that keeps the status cache current: the host pushes, nothing polls. */
export function useHostStatusSubscription(): void {
  const { transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(
    () => subscribeEvent(transport, statusContract, 'changed', (status) => queryClient.setQueryData(statusKeys.current(), status)),
    [transport, queryClient],
  );
}

export function useRefreshStatus() {
  const { status } = useHost();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(status.refresh({})),
    onSuccess: (value) => queryClient.setQueryData(statusKeys.current(), value),
  });
}
