import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ServiceClient, Registry } from 'azure-iothub';
import { Client as DeviceClient, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { reachLocalHub } from '../iothub/local-adapter';
import { LocalHub } from './localhub';

/**
 * The composed local hub (CA, store, REST, MQTT, WebSocket) as the console starts it, driven by the unmodified
 * official SDKs through the one adapter: the "embedded default" works end to end on ports a non-root user gets.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(dataDir: string, options: { httpsPort?: number; mqttPort?: number; edgeDeviceId?: string } = {}): Promise<LocalHub> {
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: options.httpsPort ?? 0, mqttPort: options.mqttPort ?? 0, ...(options.edgeDeviceId ? { edgeDeviceId: options.edgeDeviceId } : {}) });
  cleanups.push(() => hub.dispose());
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  return hub;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-localhub-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sdk(hub: LocalHub) {
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  const endpoint = { httpsPort: info.value.httpsPort, ca: readFileSync(info.value.caFile, 'utf8') };
  const registry = reachLocalHub(Registry.fromConnectionString(info.value.connectionString), endpoint);
  const service = reachLocalHub(ServiceClient.fromConnectionString(info.value.connectionString), endpoint);
  return { info: info.value, registry, service, ca: endpoint.ca };
}

describe('LocalHub', () => {
  it('starts on free ports, registers the gateway as an edge device, and serves the official SDKs', async () => {
    const hub = await started(tempDir(), { edgeDeviceId: 'gateway-1' });
    expect(hub.state).toMatchObject({ state: 'running', endpoint: { host: 'localhost' } });
    const { info, registry, service, ca } = await sdk(hub);
    expect(info.connectionString).toMatch(/^HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=[A-Za-z0-9+/=]{40,}$/);
    expect(info).not.toHaveProperty('deviceCaKey');

    const gateway = (await registry.get('gateway-1')).responseBody;
    expect(gateway.capabilities?.iotEdge).toBe(true);
    const modules = (await registry.getModulesOnDevice('gateway-1')).responseBody.map((m) => m.moduleId).sort();
    expect(modules).toEqual(['$edgeAgent', '$edgeHub']);

    const created = (await registry.create({ deviceId: 'sensor-1' })).responseBody;
    const key = created.authentication?.symmetricKey?.primaryKey;
    expect(key).toBeTruthy();

    // A device over MQTT (TLS, the port in GatewayHostName), trusting the hub's CA: telemetry and a method round trip.
    const device = DeviceClient.fromConnectionString(`HostName=localhost;DeviceId=sensor-1;SharedAccessKey=${key};GatewayHostName=localhost:${info.mqttPort}`, Mqtt);
    cleanups.push(() => device.close().then(() => undefined));
    await device.setOptions({ ca });
    await device.open();
    const arrived = new Promise((resolve) => registry && hub.registry!.onTelemetry((t) => resolve(t)));
    await device.sendEvent(new Message(JSON.stringify({ t: 21.5 })));
    expect(await arrived).toMatchObject({ from: { deviceId: 'sensor-1' } });
    device.onDeviceMethod('reboot', (request, response) => void response.send(200, { rebooting: request.payload }));
    await new Promise((r) => setTimeout(r, 200));
    const answer = await service.invokeDeviceMethod('sensor-1', { methodName: 'reboot', payload: { in: 5 }, responseTimeoutInSeconds: 10 });
    expect(answer.result).toEqual({ status: 200, payload: { rebooting: { in: 5 } } });

    const twin = (await registry.getTwin('sensor-1')).responseBody;
    expect(twin.toJSON()).toMatchObject({ deviceId: 'sensor-1', connectionState: 'Connected' });
  });

  it('runs deployments at scale: the matching edge device gets the content, metrics count it, a device configuration sets its path', async () => {
    const hub = await started(tempDir());
    const { registry } = await sdk(hub);
    for (const [deviceId, env] of [['gw-prod', 'prod'], ['gw-dev', 'dev']] as const) {
      await registry.create({ deviceId, capabilities: { iotEdge: true } } as never);
      await registry.updateTwin(deviceId, { tags: { env } }, '*');
    }
    const modulesContent = {
      $edgeAgent: { 'properties.desired': { schemaVersion: '1.1', modules: { sensor: { type: 'docker', settings: { image: 'example/sensor:1.0' } } } } },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream' } } },
    };
    await registry.addConfiguration({ id: 'prod-sensors', content: { modulesContent }, targetCondition: "tags.env='prod'", priority: 10, labels: {} } as never);
    await registry.create({ deviceId: 'leaf-1' });
    await registry.updateTwin('leaf-1', { tags: { kind: 'leaf' } }, '*');
    await registry.addConfiguration({ id: 'leaf-interval', content: { deviceContent: { 'properties.desired.interval': 30 } }, targetCondition: "tags.kind='leaf'", priority: 1 } as never);
    await hub.deployments!.settled();

    const prodAgent = (await registry.getModuleTwin('gw-prod', '$edgeAgent')).responseBody.toJSON() as { properties: { desired: Record<string, unknown> } };
    expect(prodAgent.properties.desired).toMatchObject({ modules: { sensor: { settings: { image: 'example/sensor:1.0' } } } });
    const prodHub = (await registry.getModuleTwin('gw-prod', '$edgeHub')).responseBody.toJSON() as { properties: { desired: Record<string, unknown> } };
    expect(prodHub.properties.desired).toMatchObject({ routes: { up: 'FROM /messages/* INTO $upstream' } });
    const devAgent = (await registry.getModuleTwin('gw-dev', '$edgeAgent')).responseBody.toJSON() as { properties: { desired: Record<string, unknown> } };
    expect(devAgent.properties.desired).not.toHaveProperty('modules');

    const deployment = (await registry.getConfiguration('prod-sensors')).responseBody as { systemMetrics: { results: Record<string, number> } };
    expect(deployment.systemMetrics.results).toMatchObject({ targetedCount: 1, appliedCount: 1 });
    const leaf = (await registry.getTwin('leaf-1')).responseBody.toJSON() as { properties: { desired: Record<string, unknown> } };
    expect(leaf.properties.desired).toMatchObject({ interval: 30 });

    // Retargeting: gw-dev becomes prod and gets the deployment too.
    await registry.updateTwin('gw-dev', { tags: { env: 'prod' } }, '*');
    await hub.deployments!.settled();
    const retargeted = (await registry.getModuleTwin('gw-dev', '$edgeAgent')).responseBody.toJSON() as { properties: { desired: Record<string, unknown> } };
    expect(retargeted.properties.desired).toMatchObject({ modules: { sensor: {} } });
    expect(((await registry.getConfiguration('prod-sensors')).responseBody as { systemMetrics: { results: Record<string, number> } }).systemMetrics.results).toMatchObject({ targetedCount: 2, appliedCount: 2 });
  });

  it('keeps identities and its service key across a restart on the same data folder', async () => {
    const dataDir = tempDir();
    const first = await started(dataDir);
    const a = await sdk(first);
    await a.registry.create({ deviceId: 'kept' });
    await first.dispose();

    const second = await started(dataDir);
    const b = await sdk(second);
    expect(b.info.connectionString).toBe(a.info.connectionString);
    expect((await b.registry.get('kept')).responseBody.deviceId).toBe('kept');
  });

  it('gives the device CA key only when asked', async () => {
    const hub = await started(tempDir());
    const plain = await hub.info();
    const withKey = await hub.info(true);
    expect(plain.ok && plain.value.deviceCaKey).toBeFalsy();
    expect(withKey.ok && withKey.value.deviceCaKey).toMatch(/BEGIN PRIVATE KEY/);
    expect(withKey.ok && withKey.value.deviceCaCert).toMatch(/BEGIN CERTIFICATE/);
  });

  it('fails with the port and the setting to change when a port is taken, instead of half-starting', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const taken = (blocker.address() as { port: number }).port;
    const hub = await started(tempDir(), { mqttPort: taken });
    expect(hub.state).toEqual({ state: 'failed', reason: expect.stringContaining(`MQTT port ${taken} is in use`) });
    if (hub.state.state === 'failed') expect(hub.state.reason).toContain('GATEHOUSE_LOCALHUB_MQTT_PORT');
    const info = await hub.info();
    expect(info.ok).toBe(false);
  });
});
