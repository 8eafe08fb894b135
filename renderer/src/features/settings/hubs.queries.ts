import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { cloudContract } from '../../../../shared/ipc';
import { createClient, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

export const hubKeys = {
  all: ['hubs'] as const,
  list: () => [...hubKeys.all, 'list'] as const,
};

function useCloud() {
  const { transport } = useHost();
  return useMemo(() => createClient(cloudContract, transport), [transport]);
}

/** The hubs, the active one, and how their connection strings are kept (never the strings themselves). */
export function useHubs() {
  const cloud = useCloud();
  return useQuery({ queryKey: hubKeys.list(), queryFn: () => unwrap(cloud.hubs({})) });
}

export function useHubActions() {
  const cloud = useCloud();
  const queryClient = useQueryClient();
  const listChanged = () => queryClient.invalidateQueries({ queryKey: hubKeys.list() });
  // Another hub answers every cloud query from now on: everything read from the old one is stale.
  const hubSwitched = () => queryClient.invalidateQueries();
  return {
    add: useMutation({ mutationFn: (input: { connectionString: string; name?: string; eventHubsConnectionString?: string }) => unwrap(cloud.hubAdd(input)), onSuccess: listChanged }),
    remove: useMutation({ mutationFn: (id: string) => unwrap(cloud.hubRemove({ id })), onSuccess: hubSwitched }),
    select: useMutation({ mutationFn: (id: string) => unwrap(cloud.hubSelect({ id })), onSuccess: hubSwitched }),
    rename: useMutation({ mutationFn: (input: { id: string; name: string }) => unwrap(cloud.hubRename(input)), onSuccess: listChanged }),
  };
}

/**
 * A hub's connection string, asked for only on an explicit click. A mutation, never a query: it is not shared under a
 * key nor refetched, `reset()` (Hide) drops it, and `gcTime: 0` drops it from the mutation cache once its view is gone.
 */
export function useHubReveal() {
  const cloud = useCloud();
  return useMutation({ mutationFn: (id: string) => unwrap(cloud.hubReveal({ id })), gcTime: 0 });
}
