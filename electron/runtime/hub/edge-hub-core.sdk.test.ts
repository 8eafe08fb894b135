import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Message as MessageType, ModuleClient as ModuleClientType, Twin } from 'azure-iot-device';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IotHubMqttFrontEnd, listenMqttTls, type MqttTlsListener } from '../../protocol/mqtt-front-end';
import { createSasToken, sasResource } from '../../protocol/sas-token';
import { EdgeCa } from '../workload/edge-ca';
import { IdentityStore } from '../workload/identity.store';
import { EdgeHubCore } from './edge-hub-core';
import { MemoryMessageStore, pumpModuleInputs } from './memory-store.test-util';
import { createModuleMethodHandler } from './module-methods';

/**
 * The hub core behind the REAL device-facing front end (electron/protocol) on a loopback TLS listener with a server
 * certificate from the local edge CA, the module-method HTTPS handler on a loopback HTTPS server, and unmodified
 * azure-iot-device ModuleClients (MQTT) for two modules of the edge device. The durable store is another engineer's:
 * an in-memory MessageStore and a test pump stand in for it (memory-store.test-util.ts).
 */

const require = createRequire(import.meta.url);
const { ModuleClient, Message } = require('azure-iot-device') as { ModuleClient: typeof ModuleClientType; Message: typeof MessageType };
const { Mqtt } = require('azure-iot-device-mqtt') as { Mqtt: never };

const HUB = 'myhub.azure-devices.net';
const DEVICE = 'edge1';
const ROUTES = {
  schemaVersion: '1.1',
  routes: { aToB: 'FROM /messages/modules/a/outputs/out INTO BrokeredEndpoint("/modules/b/inputs/in")' },
  storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
};

let dir: string;
let identities: IdentityStore;
let store: MemoryMessageStore;
let core: EdgeHubCore;
let frontEnd: IotHubMqttFrontEnd;
let mqtt: MqttTlsListener;
let https: HttpsServer;
let httpsPort: number;
let caPem: string;
let pump: { dispose(): void };
const agents: Agent[] = [];
const clients: { close(): Promise<unknown> }[] = [];
const raws: MqttClient[] = [];
let a: ModuleClientType;
let b: ModuleClientType;

async function moduleKey(moduleId: string): Promise<string> {
  const module = await identities.getModule(moduleId);
  if (!module) throw new Error(`no module ${moduleId}`);
  return module.primaryKey;
}

/** An https.Agent that dials the loopback HTTPS server whatever host and port the SDK names (it uses GatewayHostName). */
function methodAgent(): Agent {
  const agent = new (class extends Agent {
    override createConnection(options: ConnectionOptions) {
      return tlsConnect({ ...options, host: '127.0.0.1', port: httpsPort, servername: 'localhost' });
    }
  })({ keepAlive: false });
  agents.push(agent);
  return agent;
}

async function openModule(moduleId: string): Promise<ModuleClientType> {
  const connectionString = `HostName=${HUB};DeviceId=${DEVICE};ModuleId=${moduleId};SharedAccessKey=${await moduleKey(moduleId)};GatewayHostName=localhost:${mqtt.port}`;
  const client = ModuleClient.fromConnectionString(connectionString, Mqtt);
  clients.push(client);
  await client.setOptions({ ca: caPem, http: { agent: methodAgent() } });
  await client.open();
  return client;
}

async function raw(moduleId: string): Promise<MqttClient> {
  const clientId = `${DEVICE}/${moduleId}`;
  const client = await connectAsync(`mqtts://localhost:${mqtt.port}`, {
    clientId,
    username: `${HUB}/${clientId}/?api-version=2021-04-12`,
    password: createSasToken({ resource: sasResource(HUB, DEVICE, moduleId), key: await moduleKey(moduleId), expiry: Math.floor(Date.now() / 1000) + 3600 }),
    ca: caPem,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  raws.push(client);
  return client;
}

const pause = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await pause();
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-hubcore-sdk-'));
  const opened = await IdentityStore.open({ dataDir: dir, deviceId: DEVICE });
  if (!opened.ok) throw new Error(opened.error.message);
  identities = opened.value;
  const synced = await identities.syncModules(['a', 'b']);
  if (!synced.ok) throw new Error(synced.error.message);
  const ca = await EdgeCa.open({ dataDir: dir, deviceId: DEVICE });
  if (!ca.ok) throw new Error(ca.error.message);
  caPem = ca.value.trustBundlePem();
  const certificate = await ca.value.issueServerCertificate({ hostnames: ['localhost', '127.0.0.1'] });
  if (!certificate.ok) throw new Error(certificate.error.message);

  store = new MemoryMessageStore();
  core = new EdgeHubCore({ identities, deviceId: DEVICE, store });
  expect(core.applyConfig(ROUTES, 1).code).toBe(200);
  frontEnd = new IotHubMqttFrontEnd({ backend: core, hostNames: [HUB] });
  core.attach(frontEnd);
  pump = pumpModuleInputs(store, frontEnd, DEVICE);
  mqtt = await listenMqttTls({ frontEnd, host: '127.0.0.1', port: 0, cert: certificate.value.certificatePem, key: certificate.value.privateKeyPem, requestCert: false });
  https = createHttpsServer({ cert: certificate.value.certificatePem, key: certificate.value.privateKeyPem }, createModuleMethodHandler({ core, deviceId: DEVICE, hostNames: [HUB] }));
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  httpsPort = (https.address() as AddressInfo).port;
  [a, b] = await Promise.all([openModule('a'), openModule('b')]);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(raws.map((c) => c.endAsync(true).catch(() => undefined)));
  pump?.dispose();
  for (const agent of agents) agent.destroy();
  https?.closeAllConnections();
  await new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve()));
  await frontEnd?.close();
  await mqtt?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('two SDK modules through the edge hub core', () => {
  const received: { input: string; body: string; properties: Record<string, string> }[] = [];

  async function sendAndReceive(body: string): Promise<void> {
    const message = new Message(body);
    message.properties.add('kind', 'reading');
    const before = received.length;
    await a.sendOutputEvent('out', message);
    await waitFor(() => received.length > before, `b to receive ${body}`);
  }

  it('a sendOutputEvent is routed to b\'s input with its properties, and $edgeHub reports both modules Connected', async () => {
    b.on('inputMessage', (input: string, message: MessageType) => {
      const properties: Record<string, string> = {};
      for (let i = 0; i < message.properties.count(); i++) {
        const item = message.properties.getItem(i);
        properties[item.key] = item.value;
      }
      received.push({ input, body: String(message.getData()), properties });
      void b.complete(message);
    });
    await sendAndReceive('{"t":21}');
    expect(received[0]).toMatchObject({ input: 'in', body: '{"t":21}', properties: { kind: 'reading' } });
    expect(store.appended[0]?.targets).toEqual([{ endpoint: 'module/b/in', priority: 2_000_000_000, ttlSecs: 7200 }]);
    expect(core.reported().clients).toMatchObject({ 'edge1/a': { status: 'Connected' }, 'edge1/b': { status: 'Connected' } });
  });

  it('a desired change from the deployment reaches b and b\'s reported patch returns', async () => {
    const twin: Twin = await b.getTwin();
    const seen: Record<string, unknown>[] = [];
    twin.on('properties.desired', (desired: Record<string, unknown>) => seen.push(desired));
    await waitFor(() => seen.length === 1, 'the current desired set');
    // The SDK subscribes to desired patches in the background after emitting the current set: push a change until one
    // arrives (each change is a new $version).
    let threshold = 24;
    while (seen.length < 2) {
      threshold += 1;
      const applied = await core.applyModuleTwins({ $edgeHub: { 'properties.desired': ROUTES }, b: { 'properties.desired': { threshold } } });
      expect(applied).toEqual({ ok: true, value: { changed: ['b'] } });
      for (let i = 0; i < 30 && seen.length < 2; i++) await pause();
      if (threshold > 100) throw new Error('no desired patch reached the module');
    }
    const version = threshold - 23;
    expect(seen.at(-1)).toMatchObject({ threshold, $version: version });
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ threshold, seen: true }, (e?: Error) => (e ? reject(e) : resolve())));
    expect(await core.getTwin({ deviceId: DEVICE, moduleId: 'b' })).toEqual({ ok: true, value: { desired: { threshold, $version: version }, reported: { threshold, seen: true, $version: 2 } } });
    const fresh = await b.getTwin();
    expect(fresh.properties.reported).toMatchObject({ threshold, seen: true });
  });

  it('a invokes a method on b over the HTTPS endpoint with its own SAS; an unknown module is 404', async () => {
    b.onMethod('ping', (request, response) => void response?.send(201, { pong: request?.payload }));
    let result: unknown;
    for (let i = 0; i < 200 && result === undefined; i++) {
      // onMethod subscribes in the background: until then the hub answers 404 (not connected).
      result = await a.invokeMethod(DEVICE, 'b', { methodName: 'ping', payload: { x: 1 }, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 }).catch((e: Error) => (e.message === 'Not found' ? pause().then(() => undefined) : e));
    }
    expect(result).toEqual({ status: 201, payload: { pong: { x: 1 } } });
    expect(await core.invokeModuleMethod('b', 'ping', 2, 5)).toEqual({ ok: true, value: { status: 201, payload: { pong: 2 } } });
    const missing = await a.invokeMethod(DEVICE, 'nobody', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 }).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error & { response?: { statusCode?: number } }).response?.statusCode).toBe(404);
  });

  it('a caller header that is not the token\'s identity is 401', async () => {
    const token = createSasToken({ resource: sasResource(HUB, DEVICE, 'a'), key: await moduleKey('a'), expiry: Math.floor(Date.now() / 1000) + 600 });
    const post = (caller: string, authorization: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port: httpsPort, ca: caPem, servername: 'localhost', method: 'POST', path: `/twins/${DEVICE}/modules/b/methods`, headers: { 'content-type': 'application/json', 'x-ms-edge-moduleId': caller, authorization } },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ methodName: 'ping', payload: 1, responseTimeoutInSeconds: 5 }));
      });
    expect(await post(`${DEVICE}/b`, token)).toMatchObject({ status: 401 });
    expect(await post(`other/a`, token)).toMatchObject({ status: 401 });
    expect(await post(`${DEVICE}/a`, token.replace(/sig=[^&]+/, 'sig=AAAA'))).toMatchObject({ status: 401 });
    expect(JSON.parse((await post(`${DEVICE}/a`, token)).body)).toEqual({ status: 201, payload: { pong: 1 } });
  });

  it('a module publishing as another or subscribing to another\'s input is refused by the protocol layer', async () => {
    const before = store.appended.length;
    const rogue = await raw('a');
    const closed = new Promise<void>((resolve) => rogue.once('close', () => resolve()));
    rogue.publish(`devices/${DEVICE}/modules/b/messages/events/%24.on=out/`, 'spoof', { qos: 1 });
    await closed;
    expect(store.appended.length).toBe(before);
    const eavesdropper = await raw('a');
    // mqtt.js reports a 128 grant as an error carrying the SUBACK.
    const granted = await new Promise<number[]>((resolve) =>
      eavesdropper.subscribe([`devices/${DEVICE}/modules/b/inputs/#`, `devices/${DEVICE}/modules/a/inputs/#`], { qos: 1 }, (error, grants) =>
        resolve((error as (Error & { packet?: { granted: number[] } }) | null)?.packet?.granted ?? grants?.map((g) => g.qos) ?? []),
      ),
    );
    expect(granted).toEqual([128, 1]);
    const stolen: string[] = [];
    eavesdropper.on('message', (topic) => stolen.push(topic));
    await sendAndReceive('{"after":"refusals"}');
    expect(received.at(-1)?.body).toBe('{"after":"refusals"}');
    expect(stolen).toEqual([]);
  });

  it('takes a message of 262144 bytes and closes the connection of one byte more, storing nothing', async () => {
    const sender = await raw('a');
    const before = store.appended.length;
    await sender.publishAsync(`devices/${DEVICE}/modules/a/messages/events/%24.on=out/`, Buffer.alloc(262_144, 0x61), { qos: 1 });
    expect(store.appended.length).toBe(before + 1);
    await waitFor(() => received.at(-1)?.body.length === 262_144, 'b to receive the largest message');
    const closed = new Promise<void>((resolve) => sender.once('close', () => resolve()));
    sender.publish(`devices/${DEVICE}/modules/a/messages/events/%24.on=out/`, Buffer.alloc(262_145, 0x61), { qos: 1 });
    await closed;
    expect(store.appended.length).toBe(before + 1);
  });

  it('records routed messages to NDJSON and replays them into b\'s input in order, with their properties', async () => {
    const path = join(dir, 'recording.ndjson');
    expect(await core.recordStart(path)).toEqual({ ok: true, value: { path } });
    await sendAndReceive('{"n":1}');
    await sendAndReceive('{"n":2}');
    expect(await core.recordStop()).toEqual({ ok: true, value: { path, messages: 2 } });
    const before = received.length;
    expect(await core.replay(path, 'b', 'replayed')).toEqual({ ok: true, value: { delivered: 2 } });
    await waitFor(() => received.length === before + 2, 'the replayed messages');
    expect(received.slice(before)).toEqual([
      { input: 'replayed', body: '{"n":1}', properties: expect.objectContaining({ kind: 'reading' }) as unknown },
      { input: 'replayed', body: '{"n":2}', properties: expect.objectContaining({ kind: 'reading' }) as unknown },
    ]);
  });

  it('a bad route set is refused whole and the old routes keep routing', async () => {
    const status = core.applyConfig({ ...ROUTES, routes: { aToB: ROUTES.routes.aToB, broken: 'FROM /messages/* WHERE IS_ARRAY(x) INTO $upstream' } }, 2);
    expect(status).toMatchObject({ code: 400, lastDesiredVersion: 2, routes: [{ name: 'aToB', endpoint: 'module/b/in' }] });
    expect(core.reported()).toMatchObject({ lastDesiredVersion: 2, lastDesiredStatus: { code: 400 } });
    await sendAndReceive('{"still":"routed"}');
    expect(received.at(-1)?.body).toBe('{"still":"routed"}');
  });
});
