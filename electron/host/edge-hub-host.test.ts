import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/errors';
import { LocalHub } from '../cloud/localhub/localhub';
import type { TelemetryRecord } from '../cloud/localhub/registry';
import { EdgeHub } from '../runtime/hub/edge-hub';
import { SecretBox } from '../runtime/secrets/secret-box';
import { EdgeSecurity } from '../runtime/workload/edge-security';
import { followLocalHub, hubPortConflict } from './edge-hub-host';
import { createHost, HostError } from './host';

/**
 * The edge hub as the console composes it, with real parts: the edge CA's server certificate, module identities
 * from the runtime's store, the durable store, and `$upstream` to the embedded local hub through the same wiring
 * the host uses (followLocalHub). Modules are the official azure-iot-device ModuleClient over MQTT/TLS.
 */

const DEVICE = 'edge-composed';
const IOTHUB_HOST = 'localhub.gatehouse.local';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-edgehub-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function localHub(dataDir: string, ports: { https: number; mqtt: number }): Promise<LocalHub> {
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: ports.https, mqttPort: ports.mqtt, edgeDeviceId: DEVICE });
  await until('the local hub to start', () => hub.state.state !== 'starting');
  if (hub.state.state !== 'running') throw new Error(`local hub: ${JSON.stringify(hub.state)}`);
  return hub;
}

async function edgeHub(dataDir: string) {
  const security = await EdgeSecurity.start({ dataDir, deviceId: DEVICE });
  if (!security.ok) throw new Error(security.error.message);
  cleanups.push(() => security.value.dispose());
  const hub = EdgeHub.start({
    dataDir,
    deviceId: DEVICE,
    iotHubHostName: IOTHUB_HOST,
    gatewayHostName: 'localhost',
    security: { identities: security.value.identities, issuer: security.value.ca },
    mqttPort: 0,
    httpsPort: 0,
  });
  cleanups.push(() => hub.dispose());
  await until('the edge hub to start', () => hub.state.state !== 'starting');
  if (hub.state.state !== 'running') throw new Error(`edge hub: ${JSON.stringify(hub.state)}`);
  return { hub, security: security.value };
}

async function moduleClient(hub: EdgeHub, security: EdgeSecurity, moduleId: string): Promise<ModuleClient> {
  const identity = await security.identities.getModule(moduleId);
  if (!identity) throw new Error(`no identity for ${moduleId}`);
  const client = ModuleClient.fromConnectionString(
    `HostName=${IOTHUB_HOST};DeviceId=${DEVICE};ModuleId=${moduleId};SharedAccessKey=${identity.primaryKey};GatewayHostName=${hub.gatewayAddress()}`,
    Mqtt,
  );
  await client.setOptions({ ca: security.ca.trustBundlePem() });
  await client.open();
  cleanups.push(() => client.close().then(() => undefined, () => undefined));
  return client;
}

function deployment(routes: Record<string, string>) {
  return { schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } };
}

describe('the edge hub composed as the console runs it', () => {
  it('forwards $upstream messages to the local hub as their module; during an outage it keeps them and drains them in order', async () => {
    const edgeDir = tempDir();
    const hubDir = tempDir();
    const ports = { https: await freePort(), mqtt: await freePort() };
    const { hub, security } = await edgeHub(edgeDir);
    const synced = await security.identities.syncModules(['sensor']);
    expect(synced.ok).toBe(true);
    expect(hub.applyDeployment(deployment({ up: 'FROM /messages/modules/sensor/outputs/* INTO $upstream' }), 1, {})).toMatchObject({ code: 200 });

    let upstream = await localHub(hubDir, ports);
    const received: TelemetryRecord[] = [];
    const follow = (target: LocalHub) => followLocalHub(hub, target, DEVICE, async () => ok({ identities: security.identities, issuer: security.ca }), () => undefined);
    upstream.registry?.onTelemetry((r) => received.push(r));
    await follow(upstream);
    await until('the upstream link to connect', () => hub.upstreamState().state === 'connected');

    const sensor = await moduleClient(hub, security, 'sensor');
    const send = async (i: number) => {
      const message = new Message(JSON.stringify({ i }));
      message.properties.add('seq', String(i));
      message.contentType = 'application/json';
      message.contentEncoding = 'utf-8';
      await sensor.sendOutputEvent('out', message);
    };
    for (let i = 0; i < 10; i++) await send(i);
    await until('10 messages at the local hub', () => received.length >= 10);
    expect(received.map((r) => r.message.properties.seq)).toEqual([...Array(10).keys()].map(String));
    expect(received[0]?.from).toEqual({ deviceId: DEVICE, moduleId: 'sensor' });

    // The WAN goes: the hub keeps what modules send (each PUBACK means it is on disk) and says it is offline.
    await upstream.dispose();
    await follow(upstream);
    for (let i = 10; i < 40; i++) await send(i);
    const outbox = await until('30 messages kept for $upstream', () => {
      const o = hub.outbox();
      const depth = o.ok ? o.value.endpoints.find((e) => e.endpoint === '$upstream')?.depth : undefined;
      return depth === 30 ? o : undefined;
    });
    expect(outbox.ok && outbox.value.upstream.state).not.toBe('connected');
    expect(received).toHaveLength(10);

    // It comes back (same ports, same data): everything kept drains, in order, and the queue empties.
    upstream = await localHub(hubDir, ports);
    cleanups.push(() => upstream.dispose());
    const drained: TelemetryRecord[] = [];
    upstream.registry?.onTelemetry((r) => drained.push(r));
    await follow(upstream);
    await until('the backlog to drain', () => drained.length >= 30, 60_000);
    expect(drained.map((r) => r.message.properties.seq)).toEqual([...Array(30).keys()].map((i) => String(i + 10)));
    expect(drained.every((r) => r.from.moduleId === 'sensor')).toBe(true);
    await until('the $upstream queue to be empty', () => {
      const o = hub.outbox();
      return o.ok && (o.value.endpoints.find((e) => e.endpoint === '$upstream')?.depth ?? 0) === 0;
    });
  }, 120_000);

  it('routes a module output to another module input with the sender stamped on it', async () => {
    const { hub, security } = await edgeHub(tempDir());
    await security.identities.syncModules(['sensor', 'filter']);
    hub.applyDeployment(deployment({ toFilter: 'FROM /messages/modules/sensor/outputs/temperatureOutput INTO BrokeredEndpoint("/modules/filter/inputs/input1")' }), 1, {});
    const filter = await moduleClient(hub, security, 'filter');
    const inputs: { input: string; body: string; props: Record<string, string> }[] = [];
    filter.on('inputMessage', (input: string, message: Message) => {
      inputs.push({ input, body: message.getBytes().toString(), props: Object.fromEntries(message.properties.propertyList.map((p) => [p.key, p.value])) });
      void filter.complete(message, () => undefined);
    });
    await new Promise((r) => setTimeout(r, 200)); // the input subscription goes out with the first listener
    const sensor = await moduleClient(hub, security, 'sensor');
    const message = new Message('{"machine":{"temperature":31}}');
    message.properties.add('kind', 'reading');
    await sensor.sendOutputEvent('temperatureOutput', message);
    await until('the message at filter/input1', () => inputs.length > 0);
    expect(inputs[0]).toMatchObject({ input: 'input1', body: '{"machine":{"temperature":31}}', props: { kind: 'reading' } });
  }, 60_000);
});

describe('hub ports', () => {
  it('refuses, by name, two hubs asked for the same port; 0 (any free port) never collides', () => {
    const ports = { edgeMqtt: 8883, edgeHttps: 443, localMqtt: 8883, localHttps: 9443 };
    expect(hubPortConflict(ports, true, true)).toMatch(/both asked for port 8883 \(GATEHOUSE_EDGEHUB_MQTT_PORT and GATEHOUSE_LOCALHUB_MQTT_PORT\)/);
    expect(hubPortConflict(ports, true, false)).toBeUndefined();
    expect(hubPortConflict({ ...ports, localMqtt: 9883 }, true, true)).toBeUndefined();
    expect(hubPortConflict({ edgeMqtt: 0, edgeHttps: 0, localMqtt: 0, localHttps: 0 }, true, true)).toBeUndefined();
    expect(hubPortConflict({ ...ports, localMqtt: 9883, localHttps: 443 }, true, true)).toMatch(/GATEHOUSE_EDGEHUB_HTTPS_PORT and GATEHOUSE_LOCALHUB_HTTPS_PORT/);
  });

  it('a console asked to run both hubs on one port does not start at all (nothing half-way), and says which settings', () => {
    const dataDir = tempDir();
    const env = { ...process.env, GATEHOUSE_EDGEHUB_MQTT_PORT: '18883', GATEHOUSE_LOCALHUB_MQTT_PORT: '18883', GATEHOUSE_LOCALHUB_HTTPS_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0' };
    let thrown: unknown;
    try {
      createHost({ dataDir, shell: 'served', env, log: () => undefined }).dispose();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HostError);
    expect(thrown).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('GATEHOUSE_EDGEHUB_MQTT_PORT and GATEHOUSE_LOCALHUB_MQTT_PORT') });
    // Nothing was left holding the data folder: a console with sane ports starts on it.
    const host = createHost({ dataDir, shell: 'served', env: { ...env, GATEHOUSE_LOCALHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_MQTT_PORT: '0' }, log: () => undefined });
    host.dispose();
  });
});
