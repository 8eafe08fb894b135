import { appError, err, ok, type Result } from '../../shared/errors';
import type { ContractImpl } from '../../shared/ipc';
import type { cloudContract, CloudToDeviceSend, HubDocument } from '../../shared/ipc/cloud.contract';
import { validateManifest } from '../../shared/manifest';
import type { IotHubClient } from '../cloud/iothub/iothub-client';
import type { HubConnectionService } from './hub-connection.service';

/** The hub list and switching (the console's HubConnectionService). */
export type HubDirectory = Pick<HubConnectionService, 'hubs' | 'add' | 'rename' | 'remove' | 'select' | 'reveal' | 'eventsSource'>;

/**
 * The cloud contract over the connected hub's client. Which hub that is (the embedded local hub by default) is the
 * host's decision, given here as `hub()`; every call asks it again, so a hub that starts late or is replaced is used
 * as soon as it is there. The hub list (`hubs`, `hubAdd`, …) belongs to the console: a client made for one hub
 * (the CLI's `--login`) has none.
 */
export class CloudService implements ContractImpl<typeof cloudContract> {
  constructor(
    private readonly hub: () => Result<IotHubClient>,
    private readonly directory?: HubDirectory,
  ) {}

  hubs = async () => this.withDirectory((d) => d.hubs());

  hubAdd = async (input: { connectionString: string; name?: string; eventHubsConnectionString?: string; eventHubsConsumerGroup?: string }) => this.withDirectory((d) => d.add(input));

  /** Where `cloud.telemetry` comes from for the connected hub (the local hub, an Event Hubs-compatible endpoint) or why nothing does. */
  eventsSource = async () => this.withDirectory((d) => d.eventsSource());

  hubRename = async (input: { id: string; name: string }) => this.withDirectory((d) => d.rename(input));

  hubRemove = async (input: { id: string }) => this.withDirectory((d) => d.remove(input));

  hubSelect = async (input: { id: string }) => this.withDirectory((d) => d.select(input));

  hubReveal = async (input: { id: string }) => this.withDirectory((d) => d.reveal(input));

  query = async (input: { query: string; pageSize?: number; continuationToken?: string }) =>
    this.with((c) => c.query(input.query, input.pageSize ?? 100, input.continuationToken));

  deviceShow = async ({ deviceId }: { deviceId: string }) => this.with((c) => c.getDevice(deviceId));

  deviceCreate = async (input: { deviceId: string; edgeEnabled?: boolean; auth?: Parameters<IotHubClient['createDevice']>[0]['auth'] }) =>
    this.with((c) => c.createDevice({ deviceId: input.deviceId, ...(input.edgeEnabled !== undefined ? { edgeEnabled: input.edgeEnabled } : {}), ...(input.auth ? { auth: input.auth } : {}) }));

  deviceDelete = async ({ deviceId }: { deviceId: string }) => this.with(async (c) => mapOk(await c.deleteDevice(deviceId), () => ({})));

  deviceRegenerateKeys = async ({ deviceId, which }: { deviceId: string; which: 'primary' | 'secondary' | 'both' }) => this.with((c) => c.regenerateKeys(deviceId, which));

  connectionString = async ({ deviceId, moduleId, key }: { deviceId: string; moduleId?: string; key?: 'primary' | 'secondary' }) =>
    this.with(async (c) => {
      const identity = moduleId ? findModule(await c.listModules(deviceId), moduleId, deviceId) : await c.getDevice(deviceId);
      if (!identity.ok) return identity;
      const auth = identity.value.authentication as { type?: string; symmetricKey?: { primaryKey?: string; secondaryKey?: string } } | undefined;
      const module = moduleId ? `;ModuleId=${moduleId}` : '';
      if (auth?.type !== 'sas') return ok({ connectionString: `HostName=${c.info.hostName};DeviceId=${deviceId}${module};x509=true` });
      const secret = key === 'secondary' ? auth.symmetricKey?.secondaryKey : auth.symmetricKey?.primaryKey;
      if (!secret) return err(appError('NOT_FOUND', `${moduleId ? `${deviceId}/${moduleId}` : deviceId} has no ${key ?? 'primary'} key`));
      return ok({ connectionString: `HostName=${c.info.hostName};DeviceId=${deviceId}${module};SharedAccessKey=${secret}` });
    });

  moduleList = async ({ deviceId }: { deviceId: string }) => this.with((c) => c.listModules(deviceId));

  twinShow = async ({ deviceId, moduleId }: { deviceId: string; moduleId?: string }) => this.with((c) => c.getTwin(deviceId, moduleId));

  twinUpdate = async ({ deviceId, moduleId, patch, etag }: { deviceId: string; moduleId?: string; patch: HubDocument; etag?: string }) => {
    const bad = Object.keys(patch).filter((k) => k !== 'tags' && k !== 'properties');
    if (bad.length > 0) return err(appError('BAD_REQUEST', `a twin patch may change only "tags" and "properties.desired", not "${bad[0]}"`));
    const properties = patch.properties as Record<string, unknown> | undefined;
    if (properties !== undefined && (typeof properties !== 'object' || properties === null || Object.keys(properties).some((k) => k !== 'desired'))) {
      return err(appError('BAD_REQUEST', 'a twin patch may change only "properties.desired": reported properties belong to the device'));
    }
    return this.with((c) => c.updateTwin(deviceId, moduleId, patch, etag));
  };

  /** Validates with the manifest core first (the same verdicts as the editor and `gatehouse validate`): nothing is sent when IoT Edge would refuse it. */
  setModules = async ({ deviceId, content }: { deviceId: string; content: HubDocument }) => {
    const text = JSON.stringify(content, null, 2);
    const report = validateManifest(text, { kind: 'deployment' });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0]!;
      return err(appError('INVALID_MANIFEST', `the deployment is not valid (${errors.length} error${errors.length === 1 ? '' : 's'}); first: ${first.code} at ${first.pointer || '/'}: ${first.message}`, { diagnostics: errors.slice(0, 50) }));
    }
    const modulesContent = (content.modulesContent ?? (content.content as HubDocument | undefined)?.modulesContent) as HubDocument;
    return this.with(async (c) => {
      const applied = await c.setModules(deviceId, modulesContent);
      if (!applied.ok) return applied;
      return mapOk(await c.listModules(deviceId), (modules) => ({ deviceId, modules }));
    });
  };

  deploymentList = async () => this.with((c) => c.listConfigurations());

  deploymentShow = async ({ deploymentId }: { deploymentId: string }) => this.with((c) => c.getConfiguration(deploymentId));

  deploymentCreate = async (input: {
    deploymentId: string;
    content: HubDocument;
    targetCondition: string;
    priority?: number;
    labels?: Record<string, string>;
    metrics?: Record<string, string>;
    layered?: boolean;
  }) => {
    const text = JSON.stringify(input.content, null, 2);
    const report = validateManifest(text, { kind: input.layered ? 'layered' : 'deployment' });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0]!;
      return err(appError('INVALID_MANIFEST', `the deployment content is not valid: ${first.code} at ${first.pointer || '/'}: ${first.message}`, { diagnostics: errors.slice(0, 50) }));
    }
    const modulesContent = (input.content.modulesContent ?? (input.content.content as HubDocument | undefined)?.modulesContent) as HubDocument;
    return this.with((c) =>
      c.addConfiguration({
        id: input.deploymentId,
        content: { modulesContent },
        targetCondition: input.targetCondition,
        priority: input.priority ?? 0,
        labels: input.labels ?? {},
        metrics: { queries: input.metrics ?? {}, results: {} },
      }),
    );
  };

  /**
   * What IoT Hub lets change after creation: target condition, priority, labels, metric queries. The configuration
   * is read for its content (sent back unchanged, as `updateConfiguration` sends the whole document) and written
   * with the caller's etag, so a change made meanwhile is a CONFLICT rather than overwritten.
   */
  deploymentUpdate = async (input: { deploymentId: string; etag: string; targetCondition?: string; priority?: number; labels?: Record<string, string>; metrics?: Record<string, string> }) =>
    this.with(async (c) => {
      const current = await c.getConfiguration(input.deploymentId);
      if (!current.ok) return current;
      const { systemMetrics: _systemMetrics, ...document } = current.value;
      const metrics = (document.metrics ?? {}) as { queries?: Record<string, string> };
      return c.updateConfiguration(
        {
          ...document,
          etag: input.etag,
          ...(input.targetCondition !== undefined ? { targetCondition: input.targetCondition } : {}),
          ...(input.priority !== undefined ? { priority: input.priority } : {}),
          ...(input.labels !== undefined ? { labels: input.labels } : {}),
          metrics: { queries: input.metrics ?? metrics.queries ?? {}, results: {} },
        },
        input.etag === '*',
      );
    });

  deploymentDelete = async ({ deploymentId }: { deploymentId: string }) => this.with(async (c) => mapOk(await c.removeConfiguration(deploymentId), () => ({})));

  invokeMethod = async (input: { deviceId: string; moduleId?: string; methodName: string; payload?: unknown; responseTimeoutInSeconds?: number; connectTimeoutInSeconds?: number }) =>
    this.with((c) =>
      c.invokeMethod(input.deviceId, input.moduleId, {
        methodName: input.methodName,
        payload: input.payload,
        ...(input.responseTimeoutInSeconds !== undefined ? { responseTimeoutInSeconds: input.responseTimeoutInSeconds } : {}),
        ...(input.connectTimeoutInSeconds !== undefined ? { connectTimeoutInSeconds: input.connectTimeoutInSeconds } : {}),
      }),
    );

  c2dMessageSend = async (input: CloudToDeviceSend) => {
    const body = input.bodyEncoding === 'base64' ? decodeBase64(input.body) : Buffer.from(input.body, 'utf8');
    if (!body) return err(appError('BAD_REQUEST', 'the body is not base64'));
    const { deviceId, body: _body, bodyEncoding: _encoding, ...rest } = input;
    return this.with((c) => c.sendCloudToDevice(deviceId, { ...rest, body }));
  };

  private async withDirectory<T>(run: (directory: HubDirectory) => Promise<Result<T>>): Promise<Result<T>> {
    return this.directory ? run(this.directory) : err(appError('UNSUPPORTED', 'this client serves the one hub it was given (--login); the hub list belongs to the console'));
  }

  private async with<T>(run: (client: IotHubClient) => Promise<Result<T>>): Promise<Result<T>> {
    const client = this.hub();
    return client.ok ? run(client.value) : client;
  }
}

function decodeBase64(text: string): Buffer | undefined {
  const trimmed = text.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) && trimmed.length % 4 === 0 ? Buffer.from(trimmed, 'base64') : undefined;
}

function mapOk<T, U>(result: Result<T>, map: (value: T) => U): Result<U> {
  return result.ok ? ok(map(result.value)) : result;
}

function findModule(modules: Result<HubDocument[]>, moduleId: string, deviceId: string): Result<HubDocument> {
  if (!modules.ok) return modules;
  const found = modules.value.find((m) => m.moduleId === moduleId);
  return found ? ok(found) : err(appError('NOT_FOUND', `${deviceId} has no module ${moduleId}`));
}
