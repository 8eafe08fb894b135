import { useQuery } from '@tanstack/react-query';
import type { HubDocument } from '../../../../shared/ipc/cloud.contract';
import { unwrap } from '../../ipc/client';
import { useCloudClient } from '../fleet/queries';

export { useCloudClient };

export const deploymentKeys = {
  all: ['deployments'] as const,
  list: () => [...deploymentKeys.all, 'list'] as const,
  edgeDevices: () => [...deploymentKeys.all, 'edge-devices'] as const,
  edgeTwins: (deviceId: string) => [...deploymentKeys.all, 'edge-twins', deviceId] as const,
  count: (condition: string) => [...deploymentKeys.all, 'count', condition] as const,
};

export const EDGE_DEVICES_QUERY = 'SELECT * FROM devices WHERE capabilities.iotEdge = true';

/** The hub's edge devices (ids only), first 1000. */
export function useEdgeDevices(enabled: boolean) {
  const cloud = useCloudClient();
  return useQuery({
    queryKey: deploymentKeys.edgeDevices(),
    enabled,
    retry: false,
    queryFn: async () => {
      const page = await unwrap(cloud.query({ query: EDGE_DEVICES_QUERY, pageSize: 1000 }));
      return page.items.map((d) => String(d['deviceId'] ?? '')).filter(Boolean).sort();
    },
  });
}

/** The configurations of the hub, refreshed every 10 s while shown (metrics move as devices report). */
export function useDeployments() {
  const cloud = useCloudClient();
  return useQuery({ queryKey: deploymentKeys.list(), queryFn: () => unwrap(cloud.deploymentList({})), retry: false, refetchInterval: 10_000 });
}

/** $edgeAgent and $edgeHub module twins of a device; a twin the device does not have yet is absent. */
export function useEdgeTwins(deviceId: string | undefined) {
  const cloud = useCloudClient();
  return useQuery({
    queryKey: deploymentKeys.edgeTwins(deviceId ?? ''),
    enabled: deviceId !== undefined,
    retry: false,
    queryFn: async () => {
      const read = async (moduleId: string): Promise<HubDocument | undefined> => {
        const result = await cloud.twinShow({ deviceId: deviceId!, moduleId });
        if (result.ok) return result.value;
        if (result.error.code === 'NOT_FOUND') return undefined;
        return unwrap(Promise.resolve(result));
      };
      const [$edgeAgent, $edgeHub] = await Promise.all([read('$edgeAgent'), read('$edgeHub')]);
      return { $edgeAgent, $edgeHub };
    },
  });
}
