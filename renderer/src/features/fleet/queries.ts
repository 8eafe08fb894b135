import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { cloudContract, localhubContract } from '../../../../shared/ipc';
import type { CloudToDeviceSend, HubDocument } from '../../../../shared/ipc/cloud.contract';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';

/** One key factory for everything the Fleet area reads from the hub. */
export const fleetKeys = {
  all: ['fleet'] as const,
  hubState: () => [...fleetKeys.all, 'hub-state'] as const,
  hubs: () => [...fleetKeys.all, 'hubs'] as const,
  devices: (query: string) => [...fleetKeys.all, 'devices', query] as const,
  device: (deviceId: string) => [...fleetKeys.all, 'device', deviceId] as const,
  modules: (deviceId: string) => [...fleetKeys.all, 'modules', deviceId] as const,
  twin: (deviceId: string, moduleId?: string) => [...fleetKeys.all, 'twin', deviceId, moduleId ?? ''] as const,
  connectionString: (deviceId: string, moduleId?: string) => [...fleetKeys.all, 'connection-string', deviceId, moduleId ?? ''] as const,
};

/** Devices per page of the list (the list asks for the next page as it scrolls near the end). */
export const PAGE_SIZE = 200;

export function useCloudClient() {
  const { transport } = useHost();
  return useMemo(() => createClient(cloudContract, transport), [transport]);
}

/**
 * The embedded local hub's state, kept current by its `changed` pushes; when it starts (or stops) every fleet query
 * is asked again, so the list fills by itself once the hub is there.
 */
export function useLocalHubState() {
  const { transport } = useHost();
  const client = useMemo(() => createClient(localhubContract, transport), [transport]);
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribeEvent(transport, localhubContract, 'changed', (state) => {
        queryClient.setQueryData(fleetKeys.hubState(), state);
        void queryClient.invalidateQueries({ queryKey: fleetKeys.all, predicate: (q) => q.queryKey[1] !== 'hub-state' });
      }),
    [transport, queryClient],
  );
  return useQuery({ queryKey: fleetKeys.hubState(), queryFn: () => unwrap(client.state({})), retry: false });
}

/** The hub the console is connected to (chosen in Settings › Hubs): the Fleet area says whose devices it lists. */
export function useActiveHub() {
  const cloud = useCloudClient();
  const hubs = useQuery({ queryKey: fleetKeys.hubs(), queryFn: () => unwrap(cloud.hubs({})), retry: false });
  return hubs.data?.hubs.find((h) => h.id === hubs.data?.active);
}

/** The device list: pages of `query`, fetched one after the other as the list scrolls. */
export function useDevicePages(query: string) {
  const cloud = useCloudClient();
  return useInfiniteQuery({
    queryKey: fleetKeys.devices(query),
    queryFn: ({ pageParam }) => unwrap(cloud.query({ query, pageSize: PAGE_SIZE, ...(pageParam ? { continuationToken: pageParam } : {}) })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.continuationToken,
    // A refused query (syntax) or an unreachable hub is said at once; asking again would only repeat it.
    retry: false,
    // Pages are only ever appended: comparing 10,000 twins deeply on each new page would cost a long main-thread task.
    structuralSharing: false,
  });
}

export function useDevice(deviceId: string | undefined) {
  const cloud = useCloudClient();
  return useQuery({ queryKey: fleetKeys.device(deviceId ?? ''), queryFn: () => unwrap(cloud.deviceShow({ deviceId: deviceId ?? '' })), enabled: Boolean(deviceId), retry: false });
}

export function useModules(deviceId: string | undefined) {
  const cloud = useCloudClient();
  return useQuery({ queryKey: fleetKeys.modules(deviceId ?? ''), queryFn: () => unwrap(cloud.moduleList({ deviceId: deviceId ?? '' })), enabled: Boolean(deviceId), retry: false });
}

export function useTwin(deviceId: string | undefined, moduleId?: string) {
  const cloud = useCloudClient();
  return useQuery({
    queryKey: fleetKeys.twin(deviceId ?? '', moduleId),
    queryFn: () => unwrap(cloud.twinShow({ deviceId: deviceId ?? '', ...(moduleId ? { moduleId } : {}) })),
    enabled: Boolean(deviceId),
    retry: false,
  });
}

/** The connection string, only when asked (Reveal or Copy): it carries the key. */
export function useConnectionString(deviceId: string, moduleId: string | undefined, enabled: boolean) {
  const cloud = useCloudClient();
  return useQuery({
    queryKey: fleetKeys.connectionString(deviceId, moduleId),
    queryFn: () => unwrap(cloud.connectionString({ deviceId, ...(moduleId ? { moduleId } : {}) })),
    enabled,
    retry: false,
    gcTime: 60_000,
  });
}

export interface CreateDeviceInput {
  readonly deviceId: string;
  readonly edgeEnabled: boolean;
  readonly auth: { readonly type: 'sas' } | { readonly type: 'selfSigned'; readonly primaryThumbprint: string; readonly secondaryThumbprint?: string };
}

export function useFleetActions() {
  const cloud = useCloudClient();
  const queryClient = useQueryClient();
  const refreshList = () => queryClient.invalidateQueries({ queryKey: [...fleetKeys.all, 'devices'] });
  return {
    create: useMutation({
      mutationFn: (input: CreateDeviceInput) => unwrap(cloud.deviceCreate({ deviceId: input.deviceId, edgeEnabled: input.edgeEnabled, auth: input.auth })),
      onSuccess: refreshList,
    }),
    remove: useMutation({
      mutationFn: (deviceId: string) => unwrap(cloud.deviceDelete({ deviceId })),
      onSuccess: (_v, deviceId) => {
        queryClient.removeQueries({ queryKey: fleetKeys.device(deviceId) });
        return refreshList();
      },
    }),
    regenerateKeys: useMutation({
      mutationFn: (input: { deviceId: string; which: 'primary' | 'secondary' | 'both' }) => unwrap(cloud.deviceRegenerateKeys(input)),
      onSuccess: (device, input) => {
        queryClient.setQueryData(fleetKeys.device(input.deviceId), device);
        // The device's connection string carries the old key; its modules' keys are their own and stay.
        return queryClient.invalidateQueries({ queryKey: fleetKeys.connectionString(input.deviceId), exact: true });
      },
    }),
    sendMessage: useMutation({
      mutationFn: (input: CloudToDeviceSend) => unwrap(cloud.c2dMessageSend(input)),
      // The device document carries how many messages wait for it (cloudToDeviceMessageCount).
      onSuccess: (_sent, input) => queryClient.invalidateQueries({ queryKey: fleetKeys.device(input.deviceId), exact: true }),
    }),
    invoke: useMutation({
      mutationFn: (input: { deviceId: string; moduleId?: string; methodName: string; payload: unknown; responseTimeoutInSeconds: number }) => unwrap(cloud.invokeMethod(input)),
    }),
    updateTwin: useMutation({
      mutationFn: (input: { deviceId: string; moduleId?: string; patch: HubDocument; etag: string }) => unwrap(cloud.twinUpdate(input)),
      onSuccess: (twin, input) => queryClient.setQueryData(fleetKeys.twin(input.deviceId, input.moduleId), twin),
    }),
  };
}
