import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { Client, Registry } from 'azure-iothub';
import { describe, expect, it } from 'vitest';
import { ok } from '../../shared/errors';
import { reachLocalHub } from '../cloud/iothub/local-adapter';
import { LocalHub } from '../cloud/localhub/localhub';
import { Agent } from '../runtime/agent/agent';
import { testDeployment, TEST_RUNTIME, BESIDE_TEST_LOOKALIKES } from '../runtime/agent/agent.test-util';
import { DockerDriver } from '../runtime/drivers/docker/docker-driver';
import { newRunId, useTestEngine } from '../runtime/drivers/test-engine.test-util';
import { EdgeHub } from '../runtime/hub/edge-hub';
import { SecretBox } from '../runtime/secrets/secret-box';
import { EdgeSecurity } from '../runtime/workload/edge-security';
import { startSystemTwins } from './cloud-twins-host';
import { followLocalHub } from './edge-hub-host';
import { createHost } from './host';

/**
 * Issue 12 "Upstream", against the real embedded local hub with azure-iothub as the operator: the cloud's
 * `$edgeAgent`/`$edgeHub` desired properties drive the local agent (on the real engine, busybox test modules),
 * reported properties come back, a local apply while the cloud drives is refused unless it says override, and the
 * `$edgeAgent` direct methods are answered by the agent.
 */

const DEVICE = 'edge-cloud-twins';
const runId = newRunId();
const cleanups: (() => Promise<void> | void)[] = [];
useTestEngine({ runId, cleanups, onEngine: () => undefined, removeAfterEach: true });

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cloudtwins-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The local hub, the edge hub and the agent as the console composes them, with the cloud twin sync started. */
async function composed(modules: readonly string[] = []) {
  const hubDir = tempDir();
  const localHub = LocalHub.start({ dataDir: hubDir, secrets: new SecretBox(hubDir), httpsPort: 0, mqttPort: 0, edgeDeviceId: DEVICE });
  cleanups.push(() => localHub.dispose());
  await until('the local hub', () => localHub.state.state !== 'starting');
  const info = await localHub.info();
  if (!info.ok) throw new Error(info.error.message);
  const ca = readFileSync(info.value.caFile, 'utf8');
  const endpoint = { httpsPort: info.value.httpsPort, ca };
  const registry = reachLocalHub(Registry.fromConnectionString(info.value.connectionString), endpoint);
  const service = reachLocalHub(Client.fromConnectionString(info.value.connectionString), endpoint);
  cleanups.push(() => service.close().then(() => undefined, () => undefined));

  const edgeDir = tempDir();
  const security = await EdgeSecurity.start({ dataDir: edgeDir, deviceId: DEVICE });
  if (!security.ok) throw new Error(security.error.message);
  cleanups.push(() => security.value.dispose());
  const identities = security.value.identities;
  if (modules.length) expect((await identities.syncModules(modules)).ok).toBe(true);
  const edgeHub = EdgeHub.start({ dataDir: edgeDir, deviceId: DEVICE, iotHubHostName: 'localhost', gatewayHostName: 'localhost', security: { identities, issuer: security.value.ca }, mqttPort: 0, httpsPort: 0 });
  cleanups.push(() => edgeHub.dispose());
  await until('the edge hub', () => edgeHub.state.state === 'running');

  const driver = new DockerDriver();
  const agent = new Agent({ dataDir: edgeDir, driver, runtime: { ...TEST_RUNTIME, deviceId: DEVICE }, periodMs: 60_000, stopTimeoutSeconds: 1 });
  await agent.start();
  cleanups.push(() => (agent.dispose(), driver.dispose()));
  // As startEdgeHub does: the edge hub's routes and module twins follow each new version of the agent's deployment.
  let followed = -1;
  agent.onDidChange(() => {
    const persisted = agent.persistedDeployment;
    if (!persisted || persisted.version === followed) return;
    followed = persisted.version;
    const content = (JSON.parse(persisted.deployment) as { modulesContent: Record<string, { 'properties.desired'?: Record<string, unknown> }> }).modulesContent;
    edgeHub.applyDeployment(content.$edgeHub?.['properties.desired'], persisted.version, content);
  });

  const logs: string[] = [];
  const target = await followLocalHub(edgeHub, localHub, DEVICE, async () => ok({ identities, issuer: security.value.ca }), () => undefined);
  if (!target || target === 'unchanged') throw new Error('no upstream target');
  const sync = startSystemTwins({ target: { ...target, backoff: { initialMs: 50, maxMs: 200 } }, deviceId: DEVICE, agent, edgeHub, identities, log: (l) => logs.push(l), reportDebounceMs: 50 });
  cleanups.push(() => sync.dispose());
  await until('the system twins to connect', () => sync.state.state === 'connected');
  return { registry, service, agent, edgeHub, sync, logs, security: security.value, localHub, hubDir, ports: { httpsPort: info.value.httpsPort, mqttPort: info.value.mqttPort } };
}

function modulesContent(modules: Parameters<typeof testDeployment>[1], routes: Record<string, string> = {}) {
  const content = (JSON.parse(testDeployment(runId, modules)) as { modulesContent: Record<string, { 'properties.desired': Record<string, unknown> }> }).modulesContent;
  const hub = content.$edgeHub?.['properties.desired'];
  if (hub) hub.routes = routes;
  return content;
}

const reportedOf = async (registry: Registry, moduleId: string) =>
  (await registry.getModuleTwin(DEVICE, moduleId)).responseBody.properties as unknown as { desired: { $version: number }; reported: Record<string, unknown> };

describe('the cloud drives the local runtime through $edgeAgent/$edgeHub', () => {
  it('applies the cloud desired deployment, reports back, refuses an invalid one whole and a local apply without override', async () => {
    const sensor = `sensor-${runId}`;
    const { registry, agent, edgeHub, sync } = await composed([sensor]);
    // A new edge device: $edgeAgent desired is empty, the runtime follows its local deployment (reported 417).
    const empty = await until('417 reported', async () => {
      const twin = await reportedOf(registry, '$edgeAgent');
      return (twin.reported.lastDesiredStatus as { code?: number } | undefined)?.code === 417 ? twin : undefined;
    });
    expect(empty.reported.lastDesiredVersion).toBe(empty.desired.$version);
    expect(agent.desiredSource).toEqual({ driver: 'local' });

    // The operator deploys with azure-iothub, as `gatehouse edge set-modules` does.
    await registry.applyConfigurationContentOnDevice(DEVICE, {
      modulesContent: { ...modulesContent({ [sensor]: { status: 'stopped' } }, { up: `FROM /messages/modules/${sensor}/outputs/* INTO $upstream` }), [sensor]: { 'properties.desired': { interval: 5 } } },
    } as never);
    const desired = (await reportedOf(registry, '$edgeAgent')).desired.$version;
    await until('the agent to follow the cloud', () => agent.desiredSource.driver === 'cloud' && agent.desiredDeployment?.modules.some((m) => m.name === `sensor-${runId}`));
    expect(agent.desiredSource).toMatchObject({ driver: 'cloud', version: desired, connected: true });
    // The module's twin desired properties in the cloud came with it: the edge hub's local twin of the module has them.
    await until("the module's desired twin at the edge hub", async () => {
      const twin = await edgeHub.core?.getTwin({ deviceId: DEVICE, moduleId: sensor });
      return twin?.ok && (twin.value.desired as { interval?: number }).interval === 5;
    });
    // A later change of the module twin's desired in the cloud (not a deployment) reaches the edge hub's twin too.
    await registry.updateModuleTwin(DEVICE, sensor, { properties: { desired: { interval: 9 } } } as never, '*');
    await until("the module's desired patch at the edge hub", async () => {
      const twin = await edgeHub.core?.getTwin({ deviceId: DEVICE, moduleId: sensor });
      return twin?.ok && (twin.value.desired as { interval?: number }).interval === 9;
    });
    // The edge hub's routes came with it.
    await until('the routes', () => {
      const routes = edgeHub.routes();
      return routes.ok && routes.value.routes.length === 1;
    });
    // Reported properties flow back: $edgeAgent's lastDesiredVersion catches up with the desired version, and the
    // module is reported; $edgeHub's with its own desired version.
    const reported = await until('$edgeAgent reported to catch up', async () => {
      const twin = await reportedOf(registry, '$edgeAgent');
      return twin.reported.lastDesiredVersion === desired ? twin.reported : undefined;
    });
    expect(Object.keys(reported.modules as object)).toEqual([`sensor-${runId}`]);
    expect(reported.schemaVersion).toBe('1.0');
    const hubTwin = await until('$edgeHub reported to catch up', async () => {
      const twin = await reportedOf(registry, '$edgeHub');
      return twin.reported.lastDesiredVersion === twin.desired.$version ? twin : undefined;
    });
    expect(hubTwin.reported.lastDesiredStatus).toMatchObject({ code: 200 });

    // An invalid deployment is refused whole and reported as IoT Edge does (400); the one in force stays.
    const before = agent.persistedDeployment?.version;
    const bad = modulesContent({ [`other-${runId}`]: {} });
    (bad.$edgeAgent!['properties.desired'].modules as Record<string, Record<string, unknown>>)[`other-${runId}`]!.restartPolicy = 'sometimes';
    await registry.applyConfigurationContentOnDevice(DEVICE, { modulesContent: bad } as never);
    const badVersion = await until('a new desired version', async () => {
      const twin = await reportedOf(registry, '$edgeAgent');
      return twin.desired.$version > desired ? twin.desired.$version : undefined;
    });
    const refused = await until('400 reported', async () => {
      const twin = await reportedOf(registry, '$edgeAgent');
      return twin.reported.lastDesiredVersion === badVersion ? twin.reported : undefined;
    });
    expect(refused.lastDesiredStatus).toMatchObject({ code: 400 });
    expect(agent.persistedDeployment?.version).toBe(before);
    expect(agent.desiredDeployment?.modules.map((m) => m.name)).toEqual([`sensor-${runId}`]);

    // Local override: refused without the flag while the cloud drives, applied with it and visible as such.
    const local = testDeployment(runId, { [`local-${runId}`]: { status: 'stopped' } });
    const plain = await agent.apply(local, 'local.json', BESIDE_TEST_LOOKALIKES);
    expect(plain).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'cloud-drives' } } });
    expect(agent.persistedDeployment?.version).toBe(before);
    const overridden = await agent.apply(local, 'local.json', { ...BESIDE_TEST_LOOKALIKES, overrideCloud: true });
    expect(overridden.ok).toBe(true);
    expect(agent.desiredSource).toMatchObject({ driver: 'localOverride', cloudVersion: desired, connected: true });
    // The cloud's refused version is not applied again over the override; the cloud is told it is overridden.
    await sync.settled();
    expect(agent.desiredDeployment?.modules.map((m) => m.name)).toEqual([`local-${runId}`]);

    // A new cloud version takes over again.
    await registry.applyConfigurationContentOnDevice(DEVICE, { modulesContent: modulesContent({ [`again-${runId}`]: { status: 'stopped' } }) } as never);
    await until('the cloud to drive again', () => agent.desiredSource.driver === 'cloud' && agent.desiredDeployment?.modules.some((m) => m.name === `again-${runId}`));
  }, 90_000);

  it('while the hub is away a local apply needs no override and stands when the hub is back; reported catches up', async () => {
    const { registry, agent, sync, localHub, hubDir, ports } = await composed();
    await registry.applyConfigurationContentOnDevice(DEVICE, { modulesContent: modulesContent({ [`cloud-${runId}`]: { status: 'stopped' } }) } as never);
    const cloudVersion = (await reportedOf(registry, '$edgeAgent')).desired.$version;
    await until('the agent to follow the cloud', () => agent.desiredSource.driver === 'cloud');
    // Both twins' patches applied and reported (an apply begun while connected may otherwise land after the local one).
    await until('the cloud version reported', async () => (await reportedOf(registry, '$edgeAgent')).reported.lastDesiredVersion === cloudVersion);
    await sync.settled();

    // The hub goes away (the WAN): the sync is offline and the cloud no longer holds local applies back.
    const offline = until('the sync offline', () => sync.state.state === 'offline');
    await localHub.dispose();
    await offline;
    expect(agent.desiredSource).toMatchObject({ driver: 'cloud', version: cloudVersion, connected: false });
    const local = await agent.apply(testDeployment(runId, { [`local-${runId}`]: { status: 'stopped' } }), 'local.json', BESIDE_TEST_LOOKALIKES);
    expect(local.ok).toBe(true);
    expect(agent.desiredSource).toMatchObject({ driver: 'localOverride', cloudVersion, connected: false });

    // The hub is back on the same ports and data: the sync reconnects by itself, the same cloud version is not
    // applied over the local deployment, and the cloud is told it is overridden.
    const again = LocalHub.start({ dataDir: hubDir, secrets: new SecretBox(hubDir), ...ports, edgeDeviceId: DEVICE });
    cleanups.push(() => again.dispose());
    await until('the sync to reconnect', () => sync.state.state === 'connected', 60_000);
    const reported = await until('the override reported', async () => {
      const twin = await reportedOf(registry, '$edgeAgent');
      const status = twin.reported.lastDesiredStatus as { code?: number; description?: string } | undefined;
      // 406 alone is also the agent's own word while a deployment is still being applied: wait for the override's.
      return status?.code === 406 && status.description?.startsWith('Overridden by a local deployment') ? twin.reported : undefined;
    });
    expect(reported.lastDesiredVersion).toBe(cloudVersion);
    expect(Object.keys(reported.modules as object)).toEqual([`local-${runId}`]);
    await sync.settled();
    expect(agent.desiredDeployment?.modules.map((m) => m.name)).toEqual([`local-${runId}`]);
    expect(agent.desiredSource).toMatchObject({ driver: 'localOverride', cloudVersion, connected: true });
  }, 120_000);

  it('answers the $edgeAgent direct methods from the service', async () => {
    const { service } = await composed();
    const ping = await service.invokeDeviceMethod(DEVICE, '$edgeAgent', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 10 });
    expect(ping.result).toMatchObject({ status: 200 });
    const unknown = await service.invokeDeviceMethod(DEVICE, '$edgeAgent', { methodName: 'RestartModule', payload: { schemaVersion: '1.0', id: 'nope' }, responseTimeoutInSeconds: 10 });
    expect(unknown.result.status).toBeGreaterThanOrEqual(400);
    // A method the agent does not have is answered at once (400, with the supported ones), not left to time out.
    const unsupported = await service.invokeDeviceMethod(DEVICE, '$edgeAgent', { methodName: 'UploadSupportBundle', payload: { schemaVersion: '1.0' }, responseTimeoutInSeconds: 10 });
    expect(unsupported.result).toMatchObject({ status: 400, payload: { message: expect.stringContaining('ping, RestartModule, GetModuleLogs') } });
  }, 60_000);

  it("relays the service's direct methods to a module connected to the edge hub, with its status and payload", async () => {
    const { service, registry, edgeHub, security } = await composed(['responder', 'absent']);
    const identity = await security.identities.getModule('responder');
    const module = ModuleClient.fromConnectionString(
      `HostName=localhost;DeviceId=${DEVICE};ModuleId=responder;SharedAccessKey=${identity!.primaryKey};GatewayHostName=${edgeHub.gatewayAddress()}`,
      Mqtt,
    );
    await module.setOptions({ ca: security.ca.trustBundlePem() });
    await module.open();
    cleanups.push(() => module.close().then(() => undefined, () => undefined));
    module.onMethod('hello', (request, response) => void response?.send(201, { echo: request?.payload as unknown, from: 'responder' }));
    // The method travels service → local hub → the module's upstream connection → the edge hub → the module.
    const answered = await until('the method to reach the module', async () => {
      try {
        return await service.invokeDeviceMethod(DEVICE, 'responder', { methodName: 'hello', payload: { n: 7 }, responseTimeoutInSeconds: 10 });
      } catch {
        return undefined; // the module's upstream connection is still opening
      }
    });
    expect(answered.result).toEqual({ status: 201, payload: { echo: { n: 7 }, from: 'responder' } });
    // Reported properties the module patches at the edge hub reach its twin in the cloud.
    const twin = await module.getTwin();
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ ready: true, interval: 5 }, (error?: Error) => (error ? reject(error) : resolve())));
    await until("the module's reported properties in the cloud", async () => {
      const cloud = (await registry.getModuleTwin(DEVICE, 'responder')).responseBody.properties?.reported as { ready?: boolean; interval?: number } | undefined;
      return cloud?.ready === true && cloud.interval === 5;
    });
    // A module with an identity that is not connected to the edge hub: 404 from the edge hub, at once.
    const absent = await until('the absent module to be answered', async () => {
      try {
        return await service.invokeDeviceMethod(DEVICE, 'absent', { methodName: 'hello', payload: null, responseTimeoutInSeconds: 10 });
      } catch {
        return undefined;
      }
    });
    expect(absent.result).toMatchObject({ status: 404 });
  }, 60_000);

  it('the console wires it: the Outbox says who drives the desired state; a console apply overrides the cloud only when told to', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_MQTT_PORT: '0', GATEHOUSE_LOCALHUB_HTTPS_PORT: '0' };
    const host = createHost({ dataDir, shell: 'served', env, log: () => undefined });
    cleanups.push(() => host.dispose());
    const outbox = await until('the cloud twins in the Outbox', async () => {
      const result = await host.dispatcher.invoke('edgehub.outbox', {});
      const value = result.ok ? (result.value as { cloud?: { twins: string } }) : undefined;
      return value?.cloud?.twins === 'connected' ? value : undefined;
    }, 60_000);
    expect(outbox.cloud).toEqual({ twins: 'connected', desired: { driver: 'local' } });

    // An operator sets the gateway's modules on the hub (az iot edge set-modules): the cloud now drives, and the
    // console's own apply is refused unless it says it overrides the cloud.
    const info = await host.dispatcher.invoke('app.getInfo', {});
    const deviceId = info.ok ? (info.value as { runtime: { deviceId: string } }).runtime.deviceId : '';
    const content = JSON.parse(testDeployment(runId, {})) as Record<string, unknown>;
    const set = await host.dispatcher.invoke('cloud.setModules', { deviceId, content });
    expect(set.ok, set.ok ? '' : set.error.message).toBe(true);
    await until('the cloud to drive', async () => {
      const result = await host.dispatcher.invoke('edgehub.outbox', {});
      return result.ok && (result.value as { cloud?: { desired: { driver: string } } }).cloud?.desired.driver === 'cloud';
    }, 60_000);
    const text = testDeployment(runId, {});
    expect(await host.dispatcher.invoke('runtime.apply', { text, overrideForeignRuntime: true })).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'cloud-drives' } } });
    expect(await host.dispatcher.invoke('runtime.apply', { text, overrideForeignRuntime: true, overrideCloud: true })).toMatchObject({ ok: true });
  }, 120_000);
});
