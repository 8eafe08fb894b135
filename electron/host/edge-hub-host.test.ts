import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Client as DeviceClient, Message, ModuleClient, SharedAccessSignatureAuthenticationProvider, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { Client as ServiceClient, Registry } from 'azure-iothub';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/errors';
import { reachLocalHub } from '../cloud/iothub/local-adapter';
import { createSasToken, sasResource } from '../protocol/sas-token';
import { createLeaf, createSelfSigned, createTestPki } from '../protocol/memory-backend.test-util';
import { newSymmetricKeys } from '../runtime/workload/identity-provider';
import { LocalHub } from '../cloud/localhub/localhub';
import type { TelemetryRecord } from '../cloud/localhub/registry';
import { EdgeHub } from '../runtime/hub/edge-hub';
import { freePort, until } from '../runtime/hub/edge-hub-mqtt.test-util';
import type { QueuedMessage } from '../runtime/hub/hub-model';
import { HubTwins } from '../runtime/hub/hub-twins';
import { LeafIdentities, type LeafIdentity } from '../runtime/hub/leaf-identities';
import { LeafUpstream } from '../runtime/hub/leaf-upstream';
import { SecretBox } from '../runtime/secrets/secret-box';
import { EdgeSecurity } from '../runtime/workload/edge-security';
import { followLocalHub, hubPortConflict, leafDevices } from './edge-hub-host';
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

describe('downstream (leaf) devices on the edge hub', () => {
  /** The local hub as the cloud, azure-iothub as its operator, the edge hub following it as the host does. */
  async function gateway() {
    const { hub, security } = await edgeHub(tempDir());
    const upstream = await localHub(tempDir(), { https: 0, mqtt: 0 });
    cleanups.push(() => upstream.dispose());
    const info = await upstream.info();
    if (!info.ok) throw new Error(info.error.message);
    const endpoint = { httpsPort: info.value.httpsPort, ca: readFileSync(info.value.caFile, 'utf8') };
    const registry = reachLocalHub(Registry.fromConnectionString(info.value.connectionString), endpoint);
    const service = reachLocalHub(ServiceClient.fromConnectionString(info.value.connectionString), endpoint);
    cleanups.push(() => service.close().then(() => undefined, () => undefined));
    const received: TelemetryRecord[] = [];
    upstream.registry?.onTelemetry((r) => received.push(r));
    await followLocalHub(hub, upstream, DEVICE, async () => ok({ identities: security.identities, issuer: security.ca }), () => undefined);
    await until('the upstream link to connect', () => hub.upstreamState().state === 'connected');
    const edgeScope = ((await registry.get(DEVICE)).responseBody as unknown as { deviceScope: string }).deviceScope;
    expect(edgeScope).toMatch(/^ms-azure-iot-edge:\/\//);
    /** A device in the upstream hub, a child of the edge device unless `scope` says otherwise. */
    const device = async (deviceId: string, scope: string | null = edgeScope) => {
      const keys = newSymmetricKeys();
      await registry.create({ deviceId, status: 'enabled', authentication: { symmetricKey: keys }, ...(scope ? { deviceScope: scope } : {}) } as never);
      return keys.primaryKey;
    };
    const leafClient = async (deviceId: string, key: string) => {
      const client = DeviceClient.fromConnectionString(`HostName=${IOTHUB_HOST};DeviceId=${deviceId};SharedAccessKey=${key};GatewayHostName=${hub.gatewayAddress()}`, Mqtt);
      client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
      await client.setOptions({ ca: security.ca.trustBundlePem() });
      cleanups.push(() => client.close().then(() => undefined, () => undefined));
      return client;
    };
    return { hub, security, registry, service, received, device, leafClient, upstream };
  }

  it('a leaf connects with its own identity; its telemetry goes $upstream as itself; a device out of scope is refused', async () => {
    const { hub, registry, received, device, leafClient } = await gateway();
    expect(hub.applyDeployment(deployment({ leaves: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream' }), 1, {})).toMatchObject({ code: 200 });
    const leaf = await leafClient('thermo-1', await device('thermo-1'));
    await leaf.open();
    const message = new Message(JSON.stringify({ t: 21.5 }));
    message.properties.add('kind', 'reading');
    await leaf.sendEvent(message);
    const record = await until('the leaf message at the local hub', () => received.find((r) => r.from.deviceId === 'thermo-1'));
    expect(record.from).toEqual({ deviceId: 'thermo-1' });
    expect(Buffer.from(record.message.body).toString()).toBe('{"t":21.5}');
    expect(record.message.properties.kind).toBe('reading');
    expect(hub.core?.reported().clients).toMatchObject({ 'thermo-1': { status: 'Connected' } });
    expect(leafDevices(hub)).toEqual({ connected: 1, known: 1 });

    // A device of the same hub that is not a child of this edge device: refused (not authorized), never routed.
    const stranger = await leafClient('stranger', await device('stranger', null));
    await expect(stranger.open()).rejects.toMatchObject({ name: 'UnauthorizedError' });
    // A child that is disabled in the hub: refused too.
    const key = await device('thermo-off');
    await registry.update({ deviceId: 'thermo-off', status: 'disabled' } as never);
    await expect((await leafClient('thermo-off', key)).open()).rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect(received.filter((r) => r.from.deviceId !== 'thermo-1')).toEqual([]);

    // A connected child disabled in the hub is dropped (the edge hub follows the registry's changes).
    const dropped = new Promise<void>((resolve) => leaf.once('disconnect', () => resolve()));
    await registry.update({ deviceId: 'thermo-1', status: 'disabled' } as never);
    await dropped;
    await until('the leaf gone from the Outbox', () => leafDevices(hub)?.connected === 0);
  }, 90_000);

  it('a leaf may publish only as itself', async () => {
    const { hub, security, device } = await gateway();
    const key = await device('thermo-2');
    await device('thermo-3');
    const [host, port] = (hub.gatewayAddress() ?? '').split(':');
    const raw = await connectAsync(`mqtts://${host}:${port}`, {
      clientId: 'thermo-2',
      username: `${IOTHUB_HOST}/thermo-2/?api-version=2021-04-12`,
      password: createSasToken({ resource: sasResource(IOTHUB_HOST, 'thermo-2'), key, expiry: Math.floor(Date.now() / 1000) + 3600 }),
      ca: security.ca.trustBundlePem(),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    cleanups.push(() => raw.endAsync(true).catch(() => undefined));
    // Its own cloud-to-device filter only: no module inputs, no other device's messages.
    // mqtt.js reports any 128 grant as an error that carries the SUBACK.
    const granted = await new Promise<number[]>((resolve) =>
      raw.subscribe(['devices/thermo-2/modules/m/inputs/#', 'devices/thermo-3/messages/devicebound/#', 'devices/thermo-2/messages/devicebound/#'], { qos: 1 }, (error, grants) =>
        resolve((error as (Error & { packet?: { granted: number[] } }) | null)?.packet?.granted ?? grants?.map((g) => g.qos) ?? []),
      ),
    );
    expect(granted).toEqual([128, 128, 1]);
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.publish('devices/thermo-3/messages/events/', 'spoofed', { qos: 1 });
    await closed;
    expect(hub.core?.counters()).toMatchObject({ routed: 0, unrouted: 0 });
  }, 90_000);

  it("a leaf's twin and direct methods go through the upstream hub", async () => {
    const { registry, service, device, leafClient } = await gateway();
    const leaf = await leafClient('thermo-4', await device('thermo-4'));
    leaf.onDeviceMethod('setInterval', (request, response) => void response.send(200, { echoed: request.payload }));
    await leaf.open();
    const twin: Twin = await leaf.getTwin();
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ firmware: '1.2.3' }, (error?: Error) => (error ? reject(error) : resolve())));
    await until('the reported patch in the local hub', async () => ((await registry.getTwin('thermo-4')).responseBody.properties.reported as Record<string, unknown>).firmware === '1.2.3');

    const desired: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));
    await registry.updateTwin('thermo-4', { properties: { desired: { interval: 5 } } } as never, '*');
    await until('the desired patch at the leaf', () => desired.some((patch) => patch.interval === 5));

    const answer = await until('the method to reach the leaf', async () => {
      try {
        return await service.invokeDeviceMethod('thermo-4', { methodName: 'setInterval', payload: { s: 5 }, responseTimeoutInSeconds: 10 });
      } catch {
        return undefined;
      }
    });
    expect(answer?.result).toMatchObject({ status: 200, payload: { echoed: { s: 5 } } });
  }, 90_000);

  it("a module calls a leaf's direct method through the edge hub's HTTPS endpoint (module-to-device), with the unmodified SDK", async () => {
    const { hub, security, device, leafClient } = await gateway();
    const leaf = await leafClient('thermo-m', await device('thermo-m'));
    leaf.onDeviceMethod('open', (request, response) => void response.send(200, { opened: request.payload }));
    await leaf.open();
    expect((await security.identities.syncModules(['caller'])).ok).toBe(true);
    const caller = await security.identities.getModule('caller');
    if (!caller || hub.state.state !== 'running') throw new Error('no caller or no hub');
    const httpsPort = hub.state.httpsPort;
    // The SDK dials https://<GatewayHostName>:443; this agent takes it to the hub's HTTPS port (443 needs root).
    const agent = new (class extends HttpsAgent {
      override createConnection(options: ConnectionOptions) {
        return tlsConnect({ ...options, host: '127.0.0.1', port: httpsPort, servername: 'localhost' });
      }
    })({ keepAlive: false });
    cleanups.push(() => agent.destroy());
    const module = ModuleClient.fromConnectionString(`HostName=${IOTHUB_HOST};DeviceId=${DEVICE};ModuleId=caller;SharedAccessKey=${caller.primaryKey};GatewayHostName=${hub.gatewayAddress()}`, Mqtt);
    cleanups.push(() => module.close().then(() => undefined, () => undefined));
    await module.setOptions({ ca: security.ca.trustBundlePem(), http: { agent } } as never);
    await module.open();
    const answer = await module.invokeMethod('thermo-m', { methodName: 'open', payload: 'valve-2', responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 0 });
    expect(answer).toMatchObject({ status: 200, payload: { opened: 'valve-2' } });
    await expect(module.invokeMethod('not-a-child', { methodName: 'open', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 })).rejects.toThrow();
  }, 90_000);

  it('offline: a known leaf still connects and its kept twin answers; what it reports reaches the hub when it is back', async () => {
    const hubDir = tempDir();
    const ports = { https: await freePort(), mqtt: await freePort() };
    const { hub, security } = await edgeHub(tempDir());
    let upstream = await localHub(hubDir, ports);
    const follow = (target: LocalHub) => followLocalHub(hub, target, DEVICE, async () => ok({ identities: security.identities, issuer: security.ca }), () => undefined);
    await follow(upstream);
    await until('the upstream link to connect', () => hub.upstreamState().state === 'connected');
    const registry = upstream.registry;
    const edgeScope = registry?.getDevice(DEVICE);
    if (!registry || !edgeScope?.ok) throw new Error('no registry');
    const keys = newSymmetricKeys();
    const created = await registry.putDevice('thermo-5', { deviceId: 'thermo-5', authentication: { type: 'sas', symmetricKey: keys }, deviceScope: edgeScope.value.deviceScope }, undefined);
    expect(created.ok).toBe(true);
    const connect = async () => {
      const client = DeviceClient.fromConnectionString(`HostName=${IOTHUB_HOST};DeviceId=thermo-5;SharedAccessKey=${keys.primaryKey};GatewayHostName=${hub.gatewayAddress()}`, Mqtt);
      client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
      await client.setOptions({ ca: security.ca.trustBundlePem() });
      cleanups.push(() => client.close().then(() => undefined, () => undefined));
      await client.open();
      return client;
    };
    const report = (twin: Twin, patch: Record<string, unknown>) =>
      new Promise<void>((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
    const reportedAtHub = (reg = registry) => {
      const doc = reg.getTwinDocument({ deviceId: 'thermo-5' });
      return doc.ok ? ((doc.value.properties as { reported: Record<string, unknown> }).reported.firmware as string | undefined) : undefined;
    };
    const online = await connect();
    await report(await online.getTwin(), { firmware: '1.0' });
    await until('1.0 at the hub', () => reportedAtHub() === '1.0');
    await online.close();

    // The WAN goes: the leaf connects with the identity kept here, its twin is the kept one, its report is kept.
    await upstream.dispose();
    await follow(upstream);
    const offline = await connect();
    const twin = await offline.getTwin();
    expect(twin.properties.reported.firmware).toBe('1.0');
    await report(twin, { firmware: '2.0' });

    const desired: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));

    // It comes back, with a desired change the leaf missed: the kept report goes up as the leaf, the change comes down.
    upstream = await localHub(hubDir, ports);
    cleanups.push(() => upstream.dispose());
    const back = upstream.registry;
    if (!back) throw new Error('no registry');
    expect(await back.updateTwin({ deviceId: 'thermo-5' }, { properties: { desired: { interval: 7 } } }, 'merge', '*')).toMatchObject({ ok: true });
    await follow(upstream);
    await until('2.0 at the hub', () => reportedAtHub(back) === '2.0');
    await until('the missed desired change at the leaf', () => desired.some((patch) => patch.interval === 7));
  }, 120_000);

  it('cloud-to-device messages reach a leaf through the edge hub; one sent while it is away waits upstream and arrives when it is back', async () => {
    const { hub, device, leafClient, upstream } = await gateway();
    const key = await device('thermo-c');
    const hubRegistry = upstream.registry!;
    const listen = async () => {
      const received: Message[] = [];
      const client = await leafClient('thermo-c', key);
      client.on('message', (message: Message) => received.push(message));
      await client.open();
      return { client, received };
    };
    const first = await listen();
    // The edge hub subscribes upstream once the leaf listens here; until then a message waits in the hub's queue.
    expect(await hubRegistry.sendCloudToDevice('thermo-c', { body: Buffer.from('{"interval":5}'), properties: { kind: 'config' }, systemProperties: { mid: 'c2d-a', cid: 'corr-a', ct: 'application/json' } })).toMatchObject({ ok: true });
    await until('the message at the leaf', () => first.received.length === 1);
    expect(first.received[0]).toMatchObject({ messageId: 'c2d-a', correlationId: 'corr-a', contentType: 'application/json' });
    expect(first.received[0]!.data.toString()).toBe('{"interval":5}');
    expect(first.received[0]!.properties.getValue('kind')).toBe('config');
    await until('the hub queue empty', () => hubRegistry.cloudToDeviceQueueDepth('thermo-c') === 0);

    await first.client.close();
    await until('the leaf gone upstream', () => {
      const found = hubRegistry.getDevice('thermo-c');
      return found.ok && found.value.connectionState === 'Disconnected';
    });
    expect((await hubRegistry.sendCloudToDevice('thermo-c', { body: Buffer.from('while away'), properties: {}, systemProperties: { mid: 'c2d-b' } })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(hubRegistry.cloudToDeviceQueueDepth('thermo-c')).toBe(1);
    const second = await listen();
    await until('the waiting message at the leaf', () => second.received.length === 1);
    expect(second.received[0]).toMatchObject({ messageId: 'c2d-b' });
    // Kept on the leaf's own endpoint on the way (the Outbox shows it), delivered once.
    await until('the endpoint drained', () => hub.outbox().ok && (hub.outbox() as { value: { endpoints: { endpoint: string; depth: number; delivered: number }[] } }).value.endpoints.some((e) => e.endpoint === 'c2d/thermo-c' && e.depth === 0 && e.delivered === 2));
    await new Promise((r) => setTimeout(r, 300));
    expect(second.received).toHaveLength(1);
    expect(first.received).toHaveLength(1);
  }, 90_000);

  it('X.509 leaves (self-signed and CA-signed) connect with their certificates and go upstream on behalf of the edge device', async () => {
    const { hub, security, registry, service, received, upstream } = await gateway();
    expect(hub.applyDeployment(deployment({ leaves: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream' }), 1, {})).toMatchObject({ code: 200 });
    const info = await upstream.info(true);
    if (!info.ok || !info.value.deviceCaCert || !info.value.deviceCaKey) throw new Error('no device CA');
    const edgeScope = ((await registry.get(DEVICE)).responseBody as unknown as { deviceScope: string }).deviceScope;
    const selfSigned = await createSelfSigned('cam-1');
    const thumbprint = new X509Certificate(selfSigned.certificatePem).fingerprint.replaceAll(':', '');
    await registry.create({ deviceId: 'cam-1', status: 'enabled', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: thumbprint, secondaryThumbprint: thumbprint } }, deviceScope: edgeScope } as never);
    const caSigned = await createLeaf({ certificatePem: info.value.deviceCaCert, privateKeyPem: info.value.deviceCaKey }, 'cam-2');
    await registry.create({ deviceId: 'cam-2', status: 'enabled', authentication: { type: 'certificateAuthority' }, deviceScope: edgeScope } as never);
    await registry.create({ deviceId: 'cam-out', status: 'enabled', authentication: { type: 'certificateAuthority' } } as never);

    // azure-iot-device's X.509 client dials HostName (it ignores GatewayHostName): the gateway, as on a real gateway.
    const x509Client = async (deviceId: string, pair: { certificatePem: string; privateKeyPem: string }) => {
      const client = DeviceClient.fromConnectionString(`HostName=${hub.gatewayAddress()};DeviceId=${deviceId};x509=true`, Mqtt);
      client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
      await client.setOptions({ cert: pair.certificatePem, key: pair.privateKeyPem, ca: security.ca.trustBundlePem() });
      cleanups.push(() => client.close().then(() => undefined, () => undefined));
      return client;
    };
    const cam1 = await x509Client('cam-1', selfSigned);
    cam1.onDeviceMethod('snapshot', (request, response) => void response.send(200, { took: request.payload }));
    const c2d: Message[] = [];
    cam1.on('message', (message: Message) => c2d.push(message));
    await cam1.open();
    const cam2 = await x509Client('cam-2', caSigned);
    await cam2.open();
    for (const [client, id] of [[cam1, 'cam-1'], [cam2, 'cam-2']] as const) {
      const message = new Message(JSON.stringify({ from: id }));
      message.properties.add('kind', 'frame');
      await client.sendEvent(message);
    }
    for (const id of ['cam-1', 'cam-2']) {
      const record = await until(`${id}'s message at the local hub`, () => received.find((r) => r.from.deviceId === id));
      expect(record.from).toEqual({ deviceId: id });
      expect(record.message.properties.kind).toBe('frame');
      expect(JSON.parse(Buffer.from(record.message.body).toString())).toEqual({ from: id });
    }

    // Its twin and the cloud's direct methods go through the same on-behalf-of connection.
    const twin: Twin = await cam1.getTwin();
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ lens: 'wide' }, (error?: Error) => (error ? reject(error) : resolve())));
    await until('the reported patch in the local hub', async () => ((await registry.getTwin('cam-1')).responseBody.properties.reported as Record<string, unknown>).lens === 'wide');
    const answer = await until('the method to reach cam-1', async () => {
      try {
        return await service.invokeDeviceMethod('cam-1', { methodName: 'snapshot', payload: 3, responseTimeoutInSeconds: 10 });
      } catch {
        return undefined;
      }
    });
    expect(answer?.result).toMatchObject({ status: 200, payload: { took: 3 } });
    expect((await upstream.registry!.sendCloudToDevice('cam-1', { body: Buffer.from('zoom'), properties: {}, systemProperties: {} })).ok).toBe(true);
    await until('the cloud-to-device message at cam-1', () => c2d.length === 1);
    expect(c2d[0]!.data.toString()).toBe('zoom');

    // Refused at the edge hub: a device that is not a child, a certificate of another device, an untrusted CA.
    const outsider = await createLeaf({ certificatePem: info.value.deviceCaCert, privateKeyPem: info.value.deviceCaKey }, 'cam-out');
    await expect((await x509Client('cam-out', outsider)).open()).rejects.toMatchObject({ name: 'UnauthorizedError' });
    await expect((await x509Client('cam-2', selfSigned)).open()).rejects.toMatchObject({ name: 'UnauthorizedError' });
    const foreign = await createLeaf((await createTestPki()).ca, 'cam-2');
    await expect((await x509Client('cam-2', foreign)).open()).rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect(received.filter((r) => r.from.deviceId === 'cam-out')).toEqual([]);
  }, 120_000);

  it("the local hub takes $edgeHub's token for the edge device's children only", async () => {
    const { registry, upstream } = await gateway();
    const info = await upstream.info();
    if (!info.ok) throw new Error(info.error.message);
    const edgeScope = ((await registry.get(DEVICE)).responseBody as unknown as { deviceScope: string }).deviceScope;
    await registry.create({ deviceId: 'child-1', status: 'enabled', authentication: { type: 'certificateAuthority' }, deviceScope: edgeScope } as never);
    await registry.create({ deviceId: 'not-a-child', status: 'enabled', authentication: { type: 'certificateAuthority' } } as never);
    // IoT Hub gives an edge device a `$edgeHub` identity of its own; whichever key it holds signs for the children.
    const module = await until('$edgeHub in the registry', () => {
      const found = upstream.registry?.getModule(DEVICE, '$edgeHub');
      return found?.ok ? found.value : undefined;
    });
    const edgeHubKey = (module.authentication as { symmetricKey: { primaryKey: string } }).symmetricKey.primaryKey;
    const direct = (deviceId: string, key: string) => {
      const sharedAccessSignature = createSasToken({ resource: sasResource(info.value.host, DEVICE, '$edgeHub'), key, expiry: Math.floor(Date.now() / 1000) + 600 });
      const provider = new SharedAccessSignatureAuthenticationProvider({ host: info.value.host, deviceId, sharedAccessSignature, gatewayHostName: `${info.value.host}:${info.value.mqttPort}` } as never);
      const client = DeviceClient.fromAuthenticationProvider(provider, Mqtt);
      client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
      cleanups.push(() => client.close().then(() => undefined, () => undefined));
      return client.setOptions({ ca: readFileSync(info.value.caFile, 'utf8') }).then(() => client.open());
    };
    await expect(direct('child-1', edgeHubKey)).resolves.toBeDefined();
    await expect(direct('not-a-child', edgeHubKey)).rejects.toMatchObject({ name: 'UnauthorizedError' });
    await expect(direct('child-1', newSymmetricKeys().primaryKey)).rejects.toMatchObject({ name: 'UnauthorizedError' });
  }, 90_000);

  /** The local hub and a LeafUpstream to it on its own (no edge hub), with `leaves` as the edge hub's cache knows them. */
  async function leafUpstreamTo(leaves: readonly LeafIdentity[], tokenTtlMs?: number) {
    const dir = tempDir();
    const logs: string[] = [];
    const upstream = LocalHub.start({ dataDir: dir, secrets: new SecretBox(dir), httpsPort: 0, mqttPort: 0, edgeDeviceId: DEVICE, log: (line) => logs.push(line) });
    cleanups.push(() => upstream.dispose());
    await until('the local hub to start', () => upstream.state.state === 'running');
    const info = await upstream.info();
    const registry = upstream.registry;
    if (!info.ok || !registry) throw new Error('no local hub');
    const edge = registry.getDevice(DEVICE);
    const edgeHub = registry.getModule(DEVICE, '$edgeHub');
    if (!edge.ok || !edgeHub.ok) throw new Error('no edge device');
    const received: TelemetryRecord[] = [];
    registry.onTelemetry((r) => received.push(r));
    const cache = LeafIdentities.inMemory();
    await cache.setSource({ lookup: async () => ok({ kind: 'unknown' as const }), list: async () => ok(leaves) });
    const key = (edgeHub.value.authentication as { symmetricKey: { primaryKey: string } }).symmetricKey.primaryKey;
    const leafUpstream = new LeafUpstream({
      hubHostName: info.value.host,
      port: info.value.mqttPort,
      ca: readFileSync(info.value.caFile, 'utf8'),
      leaves: cache,
      twins: HubTwins.inMemory(),
      gateway: () => undefined,
      isConnected: () => false,
      onBehalfOf: async () => ok({ edgeDeviceId: DEVICE, key }),
      ...(tokenTtlMs === undefined ? {} : { tokenTtlMs }),
      log: (line) => logs.push(line),
    });
    cleanups.push(() => leafUpstream.dispose());
    const queued = (deviceId: string, seq: number): QueuedMessage => ({
      endpoint: '$upstream', seq, priority: 0, expiresAtMs: undefined, enqueuedAtMs: Date.now(), source: { deviceId },
      message: { body: Buffer.from(`frame ${seq}`), systemProperties: {}, properties: {} },
    });
    return { registry, edgeScope: edge.value.deviceScope, leafUpstream, received, logs, queued };
  }

  it('an on-behalf-of connection renews its token before the hub would close it', async () => {
    const cam = { deviceId: 'cam-9', status: 'enabled' as const, credentials: { type: 'certificateAuthority' as const } };
    const { registry, edgeScope, leafUpstream, received, logs, queued } = await leafUpstreamTo([cam], 8_000);
    expect(await registry.putDevice('cam-9', { deviceId: 'cam-9', authentication: { type: 'certificateAuthority' }, deviceScope: edgeScope }, undefined)).toMatchObject({ ok: true });
    expect(await leafUpstream.send(queued('cam-9', 1), () => undefined)).toEqual({ ok: true });
    // Past the first token's expiry (8 s; renewed at 6 s): the same client sends again, never closed by the hub.
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    expect(await leafUpstream.send(queued('cam-9', 2), () => undefined)).toEqual({ ok: true });
    await until('both frames at the hub', () => received.filter((r) => r.from.deviceId === 'cam-9').length === 2);
    expect(logs.filter((line) => line.includes('cam-9: its SAS token expired'))).toEqual([]);
  }, 60_000);

  it("a leaf whose keys the hub refuses (the cache is behind) goes on behalf of, and $upstream does not stall on it", async () => {
    const stale = newSymmetricKeys();
    const { registry, edgeScope, leafUpstream, received, logs, queued } = await leafUpstreamTo([{ deviceId: 'thermo-9', status: 'enabled', credentials: { type: 'sas', ...stale } }]);
    expect(await registry.putDevice('thermo-9', { deviceId: 'thermo-9', authentication: { type: 'sas', symmetricKey: newSymmetricKeys() }, deviceScope: edgeScope }, undefined)).toMatchObject({ ok: true });
    expect(await leafUpstream.send(queued('thermo-9', 1), () => undefined)).toEqual({ ok: true });
    const record = await until('the frame at the hub', () => received.find((r) => r.from.deviceId === 'thermo-9'));
    expect(record.from).toEqual({ deviceId: 'thermo-9' });
    expect(logs.some((line) => line.includes("the hub refuses leaf thermo-9's keys; connecting it on behalf of"))).toBe(true);
    expect(logs.join('\n')).not.toContain(stale.primaryKey);
  }, 60_000);
});
