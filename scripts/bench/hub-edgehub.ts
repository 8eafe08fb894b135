import { ok, type Result } from '../../shared/errors';
import { EdgeHub, type UpstreamTarget } from '../../electron/runtime/hub/edge-hub';
import { EdgeCa } from '../../electron/runtime/workload/edge-ca';
import { newGenerationId, type DeviceIdentity, type IdentityProvider, type ModuleIdentity, type ModuleSyncOutcome } from '../../electron/runtime/workload/identity-provider';
import { freePort, type HubChildConfig, type RunningHub } from './hub-process';

/**
 * The hub under test in the bench child: the product's EdgeHub (front end, core and router, durable store, pumps,
 * upstream link) with the edge CA in the bench's data folder and the bench's module keys. `$upstream` starts out
 * pointing at a loopback port nobody listens on (the outage: the link is offline and retries); `setUpstream` then
 * points it at the local hub the parent started.
 */

/** The bench's identities, with fixed keys (the parent signs SAS tokens with them and registers them upstream). */
class FixedIdentities implements IdentityProvider {
  private readonly generationId = newGenerationId();
  constructor(private readonly config: HubChildConfig) {}

  get deviceId(): string {
    return this.config.deviceId;
  }

  getDevice(): Promise<DeviceIdentity> {
    return Promise.resolve({ deviceId: this.config.deviceId, primaryKey: this.config.deviceKey, secondaryKey: this.config.deviceKey, generationId: this.generationId });
  }

  async getModule(moduleId: string): Promise<ModuleIdentity | undefined> {
    return (await this.listModules()).find((m) => m.moduleId === moduleId);
  }

  listModules(): Promise<readonly ModuleIdentity[]> {
    return Promise.resolve(this.config.modules.map((m) => ({ deviceId: this.config.deviceId, moduleId: m.moduleId, primaryKey: m.primaryKey, secondaryKey: m.primaryKey, generationId: this.generationId })));
  }

  syncModules(): Promise<Result<ModuleSyncOutcome>> {
    return Promise.resolve(ok({ created: [], removed: [] }));
  }
}

export async function startEdgeHub(config: HubChildConfig): Promise<RunningHub> {
  const ca = await EdgeCa.open({ dataDir: config.dataDir, deviceId: config.deviceId });
  if (!ca.ok) throw new Error(`edge CA: ${ca.error.message}`);
  const identities = new FixedIdentities(config);
  const hub = EdgeHub.start({
    dataDir: config.dataDir,
    deviceId: config.deviceId,
    iotHubHostName: config.hostName,
    gatewayHostName: config.hostName,
    security: { identities, issuer: ca.value },
    mqttPort: 0,
    httpsPort: 0,
    bindAddresses: ['127.0.0.1'],
  });
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  if (hub.state.state !== 'running') throw new Error(`the edge hub did not start: ${JSON.stringify(hub.state)}`);
  const status = hub.applyDeployment({ schemaVersion: '1.1', routes: config.routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } }, 1, undefined);
  if (status?.code !== 200) throw new Error(`the edge hub refused the bench routes: ${JSON.stringify(status)}`);
  const target = (port: number, caPem: string | undefined, deviceKey: string): UpstreamTarget => ({
    hubHostName: config.hostName,
    port,
    ...(caPem === undefined ? {} : { ca: caPem }),
    deviceKey: () => Promise.resolve(deviceKey),
    // The parent registers the device and the modules upstream with these keys before it points the hub there.
    ensureIdentities: () => Promise.resolve(ok(undefined)),
    backoff: { initialMs: 250, maxMs: 1000 },
  });
  // The outage: a loopback port nothing listens on.
  await hub.setUpstream(target(await freePort(), undefined, config.deviceKey));
  return {
    port: hub.state.mqttPort,
    caPem: ca.value.trustBundlePem(),
    parts: 'EdgeHub (front end, core/router, durable store, pumps, upstream link)',
    setUpstream: (upstream) => hub.setUpstream(target(upstream.port, upstream.caPem, upstream.deviceKey)),
    stats: () => {
      const outbox = hub.outbox();
      const endpoints = outbox.ok ? outbox.value.endpoints.map((e) => ({ endpoint: e.endpoint, depth: e.depth, delivered: e.delivered })) : [];
      const upstream = hub.upstreamState();
      return { endpoints, upstream: upstream.state === 'offline' ? `offline: ${upstream.lastError}` : upstream.state };
    },
    close: () => hub.dispose(),
  };
}
