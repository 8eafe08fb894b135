import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSasToken, sasResource } from '../../protocol/sas-token';
import { EdgeSecurity } from '../workload/edge-security';
import { EdgeHub } from './edge-hub';
import { inputProperties, moduleMqttOptions, outputTopic, until, type ModuleLogin } from './edge-hub-mqtt.test-util';

/**
 * Hostile clients against the running EdgeHub (issue 12, Tests: "bad SAS, expired SAS, a module publishing as another,
 * subscribing to another's input, an oversized message, malformed MQTT packets → refused, broker up"), over real TLS
 * sockets to the hub's own listeners. Every route sends every accepted message to `sink` (FROM /messages/*), so a
 * hostile message that got through would reach it. After each case: the hub counted no message from it, the sink got
 * only the well-behaved message that follows, a fresh azure-iot-device ModuleClient still connects and sends, and the
 * refusal was logged with a reason. No log line ever carries a key, a token or a signature.
 */

const DEVICE = 'edge-hostile';
const IOTHUB_HOST = 'hostile.gatehouse.local';
const ROUTES = { all: 'FROM /messages/* INTO BrokeredEndpoint("/modules/sink/inputs/input1")' };
const MODULES = ['src', 'sink', 'evil'] as const;

let work: string;
let security: EdgeSecurity;
let hub: EdgeHub;
let ca: string;
let mqttPort: number;
let httpsPort: number;
const keys: Record<string, { primaryKey: string; secondaryKey: string }> = {};
const logs: string[] = [];
let sink: MqttClient;
const sinkInbox: { topic: string; body: string }[] = [];
const opened: MqttClient[] = [];
/** What each hostile case produced, printed for the record when HOSTILE_REPORT is set. */
const outcomes: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatehouse-edgehub-hostile-'));
  const started = await EdgeSecurity.start({ dataDir: work, deviceId: DEVICE });
  if (!started.ok) throw new Error(started.error.message);
  security = started.value;
  const synced = await security.identities.syncModules([...MODULES]);
  if (!synced.ok) throw new Error(synced.error.message);
  for (const id of MODULES) {
    const module = await security.identities.getModule(id);
    if (!module) throw new Error(`no identity for ${id}`);
    keys[id] = { primaryKey: module.primaryKey, secondaryKey: module.secondaryKey };
  }
  ca = security.ca.trustBundlePem();
  hub = EdgeHub.start({
    dataDir: work,
    deviceId: DEVICE,
    iotHubHostName: IOTHUB_HOST,
    gatewayHostName: 'localhost',
    security: { identities: security.identities, issuer: security.ca },
    mqttPort: 0,
    httpsPort: 0,
    bindAddresses: ['127.0.0.1'],
    log: (line) => logs.push(line),
  });
  await until('the edge hub to start', () => hub.state.state !== 'starting');
  if (hub.state.state !== 'running') throw new Error(`edge hub: ${JSON.stringify(hub.state)}`);
  mqttPort = hub.state.mqttPort;
  httpsPort = hub.state.httpsPort;
  expect(hub.applyDeployment({ schemaVersion: '1.1', routes: ROUTES, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } }, 1, {})).toMatchObject({ code: 200 });

  // The sink: a raw MQTT module that takes its inputs and answers every direct method with 200 {echo}.
  sink = await connect(login('sink'));
  sink.on('message', (topic, payload) => {
    if (topic.startsWith('$iothub/methods/POST/')) {
      const rid = /\$rid=([^&]+)/.exec(topic)?.[1] ?? '';
      sink.publish(`$iothub/methods/res/200/?$rid=${rid}`, JSON.stringify({ echo: payload.toString('utf8') }), { qos: 0 });
      return;
    }
    sinkInbox.push({ topic, body: payload.toString('utf8') });
  });
  const granted = await sink.subscribeAsync([`devices/${DEVICE}/modules/sink/inputs/#`, '$iothub/methods/POST/#'], { qos: 1 });
  expect(granted.map((g) => g.qos)).toEqual([1, 1]);
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((client) => client.endAsync(true).catch(() => undefined)));
  await hub?.dispose();
  security?.dispose();
  if (process.env.HOSTILE_REPORT) console.info(outcomes.join('\n'));
  await rm(work, { recursive: true, force: true });
});

function login(moduleId: string, overrides: Partial<ModuleLogin> = {}): ModuleLogin {
  return { port: mqttPort, ca, hostName: IOTHUB_HOST, deviceId: DEVICE, moduleId, key: keys[moduleId]?.primaryKey ?? randomBytes(32).toString('base64'), ...overrides };
}

async function connect(who: ModuleLogin, extra: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync({ ...moduleMqttOptions(who), ...extra });
  client.on('error', () => undefined);
  opened.push(client);
  return client;
}

/** The CONNACK refusal code of a CONNECT with these credentials (0 would be accepted). */
async function connackCode(who: ModuleLogin, extra: IClientOptions = {}): Promise<number> {
  try {
    const client = await connect(who, extra);
    await client.endAsync(true);
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/** The SUBACK return codes of one SUBSCRIBE (mqtt.js reports any 128 as an error that carries the SUBACK). */
function subackCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve) =>
    client.subscribe(filters, { qos: 1 }, (error, grants) => resolve((error as (Error & { packet?: { granted: number[] } }) | null)?.packet?.granted ?? grants?.map((g) => g.qos) ?? [])),
  );
}

let marker = 0;

/**
 * The hub still serves a well-behaved module: a fresh azure-iot-device ModuleClient (MQTT/TLS) connects as `src` and
 * sends an output message, which the route takes to the sink. Returns what the sink got since `from`.
 */
async function stillServes(from: number): Promise<{ topic: string; body: string }[]> {
  const client = ModuleClient.fromConnectionString(
    `HostName=${IOTHUB_HOST};DeviceId=${DEVICE};ModuleId=src;SharedAccessKey=${keys.src?.primaryKey ?? ''};GatewayHostName=localhost:${mqttPort}`,
    Mqtt,
  );
  await client.setOptions({ ca });
  await client.open();
  try {
    const id = `well-behaved-${++marker}`;
    const message = new Message(JSON.stringify({ id }));
    message.properties.add('marker', id);
    await client.sendOutputEvent('out', message);
    await until(`${id} at the sink`, () => sinkInbox.slice(from).some((m) => inputProperties(m.topic).marker === id));
    return sinkInbox.slice(from);
  } finally {
    await client.close();
  }
}

/**
 * Runs one hostile case: `attack` returns what the client saw; then the hub took no message from it (its counters
 * grew by the one well-behaved message only, which is all the sink got), still serves a module, and logged `reason`.
 */
async function hostile(name: string, attack: () => Promise<string>, reason: RegExp | undefined): Promise<void> {
  const logFrom = logs.length;
  const inboxFrom = sinkInbox.length;
  const before = hub.core?.counters();
  const saw = await attack();
  const got = await stillServes(inboxFrom);
  expect(got.map((m) => inputProperties(m.topic).marker), `${name}: the sink got something from the hostile client`).toEqual([`well-behaved-${marker}`]);
  const after = hub.core?.counters();
  expect(after && before && after.routed + after.unrouted + after.refused - (before.routed + before.unrouted + before.refused), `${name}: the hub accepted a message`).toBe(1);
  const lines = logs.slice(logFrom);
  const line = reason ? lines.find((l) => reason.test(l)) : undefined;
  if (reason) expect(line, `${name}: no log line matching ${String(reason)} in ${JSON.stringify(lines)}`).toBeDefined();
  outcomes.push(`${name}: ${saw}${line ? ` | log: ${line}` : ''}`);
}

/** A TLS connection to the hub's MQTT port (the handshake done), and what it reads until the hub closes it. */
async function rawMqtt(): Promise<{ socket: TLSSocket; received: () => Buffer; closed: Promise<void> }> {
  const socket = tlsConnect({ host: '127.0.0.1', port: mqttPort, ca, servername: 'localhost' });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received: () => Buffer.concat(chunks), closed };
}

async function closedByHub(closed: Promise<void>, ms = 10_000): Promise<boolean> {
  return Promise.race([closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

function varint(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

const mqttString = (value: Buffer | string) => {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};

/** An MQTT 3.1.1 CONNECT (clean session, username and password). */
function connectPacket(who: ModuleLogin): Buffer {
  const options = moduleMqttOptions(who);
  const body = Buffer.concat([
    mqttString('MQTT'),
    Buffer.from([4, 0xc2, 0, 60]),
    mqttString(String(options.clientId)),
    mqttString(String(options.username)),
    mqttString(String(options.password)),
  ]);
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]);
}

/** A QoS 1 PUBLISH whose topic is the given bytes (not necessarily UTF-8). */
function publishPacket(topic: Buffer, payload: Buffer, packetId = 1): Buffer {
  const body = Buffer.concat([mqttString(topic), Buffer.from([packetId >> 8, packetId & 0xff]), payload]);
  return Buffer.concat([Buffer.from([0x32]), varint(body.length), body]);
}

const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00]);

/** Connects as `src` with a handcrafted CONNECT, then writes `then`; what the client saw. */
async function afterConnect(then: Buffer): Promise<string> {
  const raw = await rawMqtt();
  raw.socket.write(connectPacket(login('src')));
  await until('the CONNACK', () => raw.received().length >= 4);
  expect(raw.received().subarray(0, 4)).toEqual(CONNACK_ACCEPTED);
  raw.socket.write(then);
  const closed = await closedByHub(raw.closed);
  const puback = raw.received().subarray(4).includes(0x40);
  raw.socket.destroy();
  expect(closed).toBe(true);
  expect(puback).toBe(false);
  return `CONNACK 0, then closed by the hub without a PUBACK`;
}

describe('the edge hub against hostile MQTT clients', () => {
  it('refuses bad credentials with CONNACK 5 (bad key, expired, wrong audience, another module) and logs why', async () => {
    await hostile('bad SAS (wrong key)', async () => `CONNACK ${await connackCode(login('evil', { key: randomBytes(32).toString('base64') }))}`, /CONNECT refused \(5\): SAS token refused for module edge-hostile\/evil \(signature\)/);
    expect(outcomes.at(-1)).toMatch(/^bad SAS \(wrong key\): CONNACK 5/);
    await hostile('expired SAS', async () => `CONNACK ${await connackCode(login('evil', { expiry: Math.floor(Date.now() / 1000) - 60 }))}`, /CONNECT refused \(5\): .*evil \(expired\)/);
    expect(outcomes.at(-1)).toMatch(/: CONNACK 5/);
    await hostile(
      'wrong audience (a token for another hub)',
      async () => `CONNACK ${await connackCode(login('evil', { resource: sasResource('other.azure-devices.net', DEVICE, 'evil') }))}`,
      /CONNECT refused \(5\): .*evil \(resource\)/,
    );
    expect(outcomes.at(-1)).toMatch(/: CONNACK 5/);
    await hostile(
      "wrong audience (evil signs src's resource with its own key)",
      async () => `CONNACK ${await connackCode(login('evil', { resource: sasResource(IOTHUB_HOST, DEVICE, 'src') }))}`,
      /CONNECT refused \(5\): .*evil \(resource\)/,
    );
    expect(outcomes.at(-1)).toMatch(/: CONNACK 5/);
    await hostile('connecting as another module (client id src, token signed with evil key)', async () => `CONNACK ${await connackCode(login('src', { key: keys.evil?.primaryKey ?? '' }))}`, /CONNECT refused \(5\): .*src \(signature\)/);
    expect(outcomes.at(-1)).toMatch(/: CONNACK 5/);
    await hostile(
      'username for another module than the client id',
      async () => `CONNACK ${await connackCode(login('evil'), { username: `${IOTHUB_HOST}/${DEVICE}/src/?api-version=2021-04-12` })}`,
      /CONNECT refused \(5\): the username is not/,
    );
    expect(outcomes.at(-1)).toMatch(/: CONNACK 5/);
    await hostile('unknown module', async () => `CONNACK ${await connackCode(login('ghost'))}`, /CONNECT refused \(2\): no identity module edge-hostile\/ghost/);
    expect(outcomes.at(-1)).toMatch(/: CONNACK 2/);
    await hostile('malformed client id', async () => `CONNACK ${await connackCode(login('evil'), { clientId: `${DEVICE}/evil/extra` })}`, /CONNECT refused \(2\): malformed client id/);
    expect(outcomes.at(-1)).toMatch(/: CONNACK 2/);
  }, 120_000);

  it('a module publishing as another module is disconnected and nothing is routed', async () => {
    await hostile(
      'publish as another module',
      async () => {
        const evil = await connect(login('evil'));
        const closed = new Promise<void>((resolve) => evil.once('close', () => resolve()));
        evil.publish(outputTopic(DEVICE, 'src', 'out', { forged: 'yes' }), 'forged', { qos: 1 }, () => undefined);
        expect(await closedByHub(closed)).toBe(true);
        return 'closed by the hub without a PUBACK';
      },
      /mqtt edge-hostile\/evil: publish refused, connection closed: it may publish only as itself/,
    );
    await hostile(
      'publish as the edge device (device telemetry topic)',
      async () => {
        const evil = await connect(login('evil'));
        const closed = new Promise<void>((resolve) => evil.once('close', () => resolve()));
        evil.publish(`devices/${DEVICE}/messages/events/`, 'forged', { qos: 1 }, () => undefined);
        expect(await closedByHub(closed)).toBe(true);
        return 'closed by the hub without a PUBACK';
      },
      /evil: publish refused, connection closed: it may publish only as itself/,
    );
  }, 60_000);

  it("subscriptions to another module's inputs or to foreign filters are refused; another module's methods and twin replies never reach it", async () => {
    let evil: MqttClient | undefined;
    const evilGot: string[] = [];
    await hostile(
      "subscribe to another module's inputs, its topics and wildcards",
      async () => {
        evil = await connect(login('evil'));
        evil.on('message', (topic) => evilGot.push(topic));
        const filters = [`devices/${DEVICE}/modules/sink/inputs/#`, `devices/${DEVICE}/modules/sink/#`, `devices/${DEVICE}/modules/sink/twin/#`, '#', '$iothub/#', `devices/${DEVICE}/#`];
        expect(await subackCodes(evil, filters)).toEqual(filters.map(() => 128));
        // Its own are granted: the shared $iothub topics of twin replies, desired patches and methods.
        expect(await subackCodes(evil, ['$iothub/methods/POST/#', '$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#'])).toEqual([1, 1, 1]);
        return `SUBACK 128 for ${filters.length} foreign filters, own $iothub filters granted`;
      },
      /mqtt edge-hostile\/evil: subscription to devices\/edge-hostile\/modules\/sink\/inputs\/# refused/,
    );
    // A method called on the sink and the sink's twin reply go to the sink's connection only.
    const called = await hub.core?.invokeModuleMethod('sink', 'ping', { n: 1 }, 5);
    expect(called).toMatchObject({ ok: true, value: { status: 200 } });
    const twinReply = new Promise<string>((resolve) => sink.once('message', (topic) => resolve(topic)));
    await sink.subscribeAsync('$iothub/twin/res/#', { qos: 0 });
    sink.publish('$iothub/twin/GET/?$rid=77', '', { qos: 0 });
    expect(await twinReply).toMatch(/^\$iothub\/twin\/res\/200\/\?\$rid=77/);
    await stillServes(sinkInbox.length);
    expect(evilGot).toEqual([]);
    expect(evil?.connected).toBe(true);
  }, 60_000);

  it('an oversized message (262144 + 1 bytes) closes the connection and is not stored', async () => {
    await hostile(
      'oversized message',
      async () => {
        const src = await connect(login('src'));
        const closed = new Promise<void>((resolve) => src.once('close', () => resolve()));
        src.publish(outputTopic(DEVICE, 'src', 'out', {}), Buffer.alloc(262_144 + 1, 0x61), { qos: 1 }, () => undefined);
        expect(await closedByHub(closed)).toBe(true);
        return 'closed by the hub without a PUBACK';
      },
      /mqtt edge-hostile\/src: publish refused, connection closed: message of 262145 bytes exceeds 262144/,
    );
  }, 60_000);

  it('malformed MQTT: garbage, a truncated CONNECT, PUBLISH before CONNECT, an absurd length, bad UTF-8, bad percent-encoding', async () => {
    await hostile(
      'garbage bytes after the TLS handshake',
      async () => {
        const raw = await rawMqtt();
        raw.socket.write(randomBytes(512).fill(0xee, 0, 1));
        expect(await closedByHub(raw.closed)).toBe(true);
        return `closed by the hub (${raw.received().length} bytes answered)`;
      },
      /mqtt: refused a packet of malformed bytes/,
    );
    await hostile(
      'a truncated CONNECT (then the client half-closes)',
      async () => {
        const raw = await rawMqtt();
        const packet = connectPacket(login('src'));
        raw.socket.write(packet.subarray(0, Math.floor(packet.length / 2)));
        // The hub keeps taking other connections while this one hangs half-way.
        expect(await connackCode(login('evil'))).toBe(0);
        raw.socket.end();
        expect(await closedByHub(raw.closed)).toBe(true);
        return `closed by the hub (${raw.received().length} bytes answered, no CONNACK)`;
      },
      undefined,
    );
    await hostile(
      'PUBLISH before CONNECT',
      async () => {
        const raw = await rawMqtt();
        raw.socket.write(publishPacket(Buffer.from(outputTopic(DEVICE, 'src', 'out', {})), Buffer.from('early')));
        expect(await closedByHub(raw.closed)).toBe(true);
        return `closed by the hub (${raw.received().length} bytes answered)`;
      },
      /mqtt: refused a packet of malformed bytes/,
    );
    await hostile(
      'an absurd remaining length (five varint bytes)',
      async () => {
        const raw = await rawMqtt();
        raw.socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]));
        expect(await closedByHub(raw.closed)).toBe(true);
        return 'closed by the hub';
      },
      /mqtt: refused a packet of malformed bytes/,
    );
    await hostile(
      'a CONNECT announcing 256 MB',
      async () => {
        const raw = await rawMqtt();
        raw.socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
        expect(await closedByHub(raw.closed)).toBe(true);
        return 'closed by the hub';
      },
      /mqtt: refused a packet of 268435455 bytes/,
    );
    await hostile(
      'a PUBLISH after CONNECT announcing 256 MB',
      () => afterConnect(Buffer.from([0x32, 0xff, 0xff, 0xff, 0x7f])),
      /mqtt: refused a packet of 268435455 bytes/,
    );
    await hostile(
      'a topic that is not UTF-8',
      () => afterConnect(publishPacket(Buffer.concat([Buffer.from(`devices/${DEVICE}/modules/src/messages/events/%24.on=o`), Buffer.from([0xff, 0xfe]), Buffer.from('/')]), Buffer.from('bad utf-8'))),
      /mqtt edge-hostile\/src: publish refused, connection closed: topic not accepted: .*UTF-8/,
    );
    await hostile(
      'a property bag with bad percent-encoding',
      () => afterConnect(publishPacket(Buffer.from(`devices/${DEVICE}/modules/src/messages/events/%24.on=out&k=%E0%A4%A/`), Buffer.from('bad bag'))),
      /mqtt edge-hostile\/src: publish refused, connection closed: topic not accepted: the property bag has bad percent-encoding/,
    );
    await hostile(
      'a QoS 2 publish',
      () => afterConnect(qos2Publish()),
      /publish refused, connection closed: QoS 2 is not supported/,
    );
  }, 120_000);
});

function qos2Publish(): Buffer {
  const packet = publishPacket(Buffer.from(outputTopic(DEVICE, 'src', 'out', {})), Buffer.from('q2'));
  packet[0] = 0x34;
  return packet;
}

describe("the edge hub's HTTPS endpoint against hostile requests", () => {
  interface Reply {
    readonly status: number;
    readonly body: string;
  }

  function call(options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port: httpsPort, ca, servername: 'localhost', method: options.method ?? 'POST', path: options.path, headers: options.headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(options.body);
    });
  }

  const methodsPath = `/twins/${DEVICE}/modules/sink/methods`;
  const asEvil = (token = createSasToken({ resource: sasResource(IOTHUB_HOST, DEVICE, 'evil'), key: keys.evil?.primaryKey ?? '', expiry: Math.floor(Date.now() / 1000) + 3600 })) => ({
    'content-type': 'application/json',
    'x-ms-edge-moduleId': `${DEVICE}/evil`,
    authorization: token,
  });

  /** The endpoint still serves: a module-to-module call from evil to the sink answers 200. */
  async function methodsUp(): Promise<void> {
    const reply = await call({ path: methodsPath, headers: asEvil(), body: JSON.stringify({ methodName: 'ping', payload: { ok: true }, responseTimeoutInSeconds: 5 }) });
    expect(reply).toMatchObject({ status: 200 });
    expect(JSON.parse(reply.body)).toMatchObject({ status: 200, payload: { echo: '{"ok":true}' } });
  }

  async function httpsCase(name: string, attack: () => Promise<string>, reason?: RegExp): Promise<void> {
    const logFrom = logs.length;
    const saw = await attack();
    await methodsUp();
    const line = reason ? logs.slice(logFrom).find((l) => reason.test(l)) : undefined;
    if (reason) expect(line, `${name}: no log line matching ${String(reason)} in ${JSON.stringify(logs.slice(logFrom))}`).toBeDefined();
    outcomes.push(`https ${name}: ${saw}${line ? ` | log: ${line}` : ''}`);
  }

  it('answers garbage, huge bodies, bad credentials and unknown paths with a clear 4xx and stays up', async () => {
    await methodsUp();
    await httpsCase('garbage request', async () => {
      const socket = tlsConnect({ host: '127.0.0.1', port: httpsPort, ca, servername: 'localhost' });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      socket.write(Buffer.concat([Buffer.from('\u0000\u0001GARBAGE \r\n'), randomBytes(256), Buffer.from('\r\n\r\n')]));
      expect(await closedByHub(new Promise<void>((resolve) => socket.once('close', () => resolve())))).toBe(true);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      expect(status).toBe('400');
      return `HTTP ${status}, connection closed`;
    });
    await httpsCase('huge body (4 MiB) with valid credentials', async () => {
      const reply = await call({ path: methodsPath, headers: asEvil(), body: Buffer.alloc(4 * 1024 * 1024, 0x20) }).catch((error: Error) => ({ status: -1, body: error.message }));
      expect(reply.status).toBe(413);
      return `HTTP ${reply.status} ${reply.body.slice(0, 80)}`;
    });
    await httpsCase('huge body without a content-length (chunked)', async () => {
      const reply = await call({ path: methodsPath, headers: { ...asEvil(), 'transfer-encoding': 'chunked' }, body: Buffer.alloc(512 * 1024, 0x20) }).catch((error: Error) => ({ status: -1, body: error.message }));
      expect(reply.status).toBe(413);
      return `HTTP ${reply.status}`;
    });
    await httpsCase(
      'bad Authorization (wrong key)',
      async () => {
        const forged = createSasToken({ resource: sasResource(IOTHUB_HOST, DEVICE, 'evil'), key: randomBytes(32).toString('base64'), expiry: Math.floor(Date.now() / 1000) + 3600 });
        const reply = await call({ path: methodsPath, headers: asEvil(forged), body: JSON.stringify({ methodName: 'ping' }) });
        expect(reply.status).toBe(401);
        return `HTTP ${reply.status} ${reply.body.slice(0, 90)}`;
      },
      /edgehub methods: call from edge-hostile\/evil refused: SAS token refused .*\(signature\)/,
    );
    await httpsCase(
      "calling as another module (src's header, evil's token)",
      async () => {
        const reply = await call({ path: methodsPath, headers: { ...asEvil(), 'x-ms-edge-moduleId': `${DEVICE}/src` }, body: JSON.stringify({ methodName: 'ping' }) });
        expect(reply.status).toBe(401);
        return `HTTP ${reply.status}`;
      },
      /edgehub methods: call from edge-hostile\/src refused: .*\(resource\)/,
    );
    await httpsCase('no Authorization', async () => {
      const { authorization: _none, ...headers } = asEvil();
      const reply = await call({ path: methodsPath, headers, body: JSON.stringify({ methodName: 'ping' }) });
      expect(reply.status).toBe(401);
      return `HTTP ${reply.status}`;
    }, /refused: no SharedAccessSignature Authorization header/);
    await httpsCase('unknown path', async () => {
      const reply = await call({ method: 'GET', path: '/no/such/thing', headers: asEvil() });
      expect(reply.status).toBe(404);
      return `HTTP ${reply.status} ${reply.body.slice(0, 80)}`;
    });
    await httpsCase('a body that is not JSON', async () => {
      const reply = await call({ path: methodsPath, headers: asEvil(), body: '{"methodName":' });
      expect(reply.status).toBe(400);
      return `HTTP ${reply.status}`;
    });
    await httpsCase('absurd headers (64 KiB)', async () => {
      const reply = await call({ path: methodsPath, headers: { ...asEvil(), 'x-junk': 'j'.repeat(64 * 1024) }, body: '{}' }).catch((error: Error) => ({ status: -1, body: error.message }));
      expect(reply.status).toBe(431);
      return `HTTP ${reply.status}`;
    });
  }, 120_000);
});

describe('what the hub logged about all of the above', () => {
  it('has a line for every refusal and never a key, a token or a signature', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(30);
    expect(logs.filter((line) => /refused/.test(line)).length).toBeGreaterThanOrEqual(20);
    const secrets = Object.values(keys).flatMap((k) => [k.primaryKey, k.secondaryKey]);
    for (const line of logs) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/SharedAccessSignature\s+sr=|sig=|se=\d/);
    }
  });
});
