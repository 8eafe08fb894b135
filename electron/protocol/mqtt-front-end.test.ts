import { createRequire } from 'node:module';
import { connect as tlsConnect } from 'node:tls';
import type { Client as ClientType, Message as MessageType, ModuleClient as ModuleClientType, Twin } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubMessage } from './device-backend';
import { sasKey } from './memory-backend.test-util';
import { MAX_MESSAGE_BYTES, startFrontEndFixture, type FrontEndFixture } from './mqtt-front-end.test-util';

/**
 * The official device SDK (azure-iot-device 1.18.x + azure-iot-device-mqtt, both transports) against the front end on
 * loopback TLS and WebSocket listeners; mqtt.js as a raw client for what the SDK refuses to send.
 */

const require = createRequire(import.meta.url);
const { Client, ModuleClient, Message } = require('azure-iot-device') as { Client: typeof ClientType; ModuleClient: typeof ModuleClientType; Message: typeof MessageType };
const { Mqtt, MqttWs } = require('azure-iot-device-mqtt') as { Mqtt: never; MqttWs: never };

let fx: FrontEndFixture;
const sdkClients: { close(): Promise<unknown> }[] = [];

beforeAll(async () => {
  fx = await startFrontEndFixture();
}, 30_000);

afterAll(async () => {
  await Promise.all(sdkClients.map((c) => c.close().catch(() => undefined)));
  await fx.close();
});

async function device(connectionString: string, options: Record<string, unknown> = {}, transport: never = Mqtt): Promise<ClientType> {
  const client = Client.fromConnectionString(connectionString, transport);
  sdkClients.push(client);
  await client.setOptions({ ca: fx.pki.ca.certificatePem, ...options });
  await client.open();
  return client;
}

async function moduleClient(deviceId: string, moduleId: string, seed: number): Promise<ModuleClientType> {
  const client = ModuleClient.fromConnectionString(fx.connectionString(deviceId, moduleId, seed), Mqtt);
  sdkClients.push(client);
  await client.setOptions({ ca: fx.pki.ca.certificatePem });
  await client.open();
  return client;
}

const connectFails = async (connectionString: string, options: Record<string, unknown> = {}) => {
  const client = Client.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: fx.pki.ca.certificatePem, ...options });
  const error = await client.open().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  await client.close().catch(() => undefined);
  return error;
};

const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
const waitFor = async (condition: () => boolean) => {
  while (!condition()) await pause();
};

/** The SDK subscribes to a feature asynchronously after its listener is added: retry until it has. */
async function invokeOnceSubscribed(target: { deviceId: string; moduleId?: string }, method: string, payload: unknown) {
  for (;;) {
    const result = await fx.frontEnd.invokeMethod(target, method, payload, 10_000);
    if (result.ok || result.error.code !== 'NOT_CONNECTED') return result;
    await pause();
  }
}

async function deliverOnceSubscribed(target: { deviceId: string; moduleId?: string }, message: HubMessage, input?: string) {
  while (!(await fx.frontEnd.deliver(target, message, input))) await pause();
}

describe('CONNECT with the SDK', () => {
  it('accepts a device SAS connection string', async () => {
    const client = await device(fx.connectionString('d2', undefined, 2));
    expect(fx.frontEnd.isConnected({ deviceId: 'd2' })).toBe(true);
    await client.close();
    await waitFor(() => !fx.frontEnd.isConnected({ deviceId: 'd2' }));
    expect(fx.backend.connectionEvents.filter((e) => e.key === 'd2')).toEqual([
      { key: 'd2', connected: true },
      { key: 'd2', connected: false },
    ]);
  });

  it.each([
    ['a wrong key', () => `HostName=${fx.hub};DeviceId=d1;SharedAccessKey=${sasKey(42)};GatewayHostName=localhost:${fx.port}`],
    ['an expired token', () => `HostName=${fx.hub};DeviceId=d1;SharedAccessSignature=${fx.token('d1', undefined, sasKey(1), Math.floor(Date.now() / 1000) - 10)};GatewayHostName=localhost:${fx.port}`],
    ["another device's token (wrong audience)", () => `HostName=${fx.hub};DeviceId=d1;SharedAccessSignature=${fx.token('d2', undefined, sasKey(1))};GatewayHostName=localhost:${fx.port}`],
    ['an unknown device', () => `HostName=${fx.hub};DeviceId=ghost;SharedAccessKey=${sasKey(1)};GatewayHostName=localhost:${fx.port}`],
  ])('refuses %s with UnauthorizedError', async (_name, connectionString) => {
    const error = await connectFails(connectionString());
    expect(error?.constructor.name).toBe('UnauthorizedError');
  });

  it('accepts a self-signed X.509 device by thumbprint and refuses another certificate', async () => {
    const cs = `HostName=localhost:${fx.port};DeviceId=x1;x509=true`;
    const client = await device(cs, { cert: fx.selfSigned.certificatePem, key: fx.selfSigned.privateKeyPem });
    expect(fx.frontEnd.isConnected({ deviceId: 'x1' })).toBe(true);
    await client.close();
    const error = await connectFails(cs, { cert: fx.caSigned.certificatePem, key: fx.caSigned.privateKeyPem });
    expect(error?.constructor.name).toBe('UnauthorizedError');
  });

  it('accepts a CA-signed X.509 device whose CN is its id and refuses one from an untrusted CA', async () => {
    const cs = `HostName=localhost:${fx.port};DeviceId=ca1;x509=true`;
    const client = await device(cs, { cert: fx.caSigned.certificatePem, key: fx.caSigned.privateKeyPem });
    expect(fx.frontEnd.isConnected({ deviceId: 'ca1' })).toBe(true);
    await client.close();
    const error = await connectFails(cs, { cert: fx.untrusted.certificatePem, key: fx.untrusted.privateKeyPem });
    expect(error?.constructor.name).toBe('UnauthorizedError');
  });

  it('a second CONNECT with the same client id drops the first (token renewal)', async () => {
    const first = await fx.raw('d2', undefined, 2);
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await fx.raw('d2', undefined, 2);
    await closed;
    expect(second.connected).toBe(true);
    expect(fx.frontEnd.isConnected({ deviceId: 'd2' })).toBe(true);
    await second.endAsync();
  });
});

describe('telemetry, twin, methods and deliveries with the SDK (Mqtt)', () => {
  let d1: ClientType;
  let d2: ClientType;
  let m1: ModuleClientType;
  beforeAll(async () => {
    [d1, d2, m1] = await Promise.all([device(fx.connectionString('d1')), device(fx.connectionString('d2', undefined, 2)), moduleClient('e1', 'm1', 5)]);
  });

  it('sendEvent: properties and system properties arrive decoded, accepted before the PUBACK', async () => {
    const message = new Message('{"t":21}');
    message.messageId = 'mid1';
    message.correlationId = 'cid1';
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    message.properties.add('alert', 'hot value');
    message.properties.add('$weird', 'a/b&c=d');
    const before = fx.backend.telemetry.length;
    await d1.sendEvent(message);
    const received = fx.backend.telemetry[before];
    expect(received?.from).toEqual({ deviceId: 'd1' });
    expect(Buffer.from(received?.message.body ?? []).toString()).toBe('{"t":21}');
    expect(received?.message.systemProperties).toEqual({ mid: 'mid1', cid: 'cid1', ct: 'application/json', ce: 'utf-8' });
    expect(received?.message.properties).toEqual({ alert: 'hot value', $weird: 'a/b&c=d' });
  });

  it('sendOutputEvent: the output name arrives as systemProperties.on', async () => {
    const message = new Message('x');
    message.properties.add('k', 'v');
    const before = fx.backend.telemetry.length;
    await m1.sendOutputEvent('out1', message);
    const received = fx.backend.telemetry[before];
    expect(received?.from).toEqual({ deviceId: 'e1', moduleId: 'm1' });
    expect(received?.message.systemProperties).toEqual({ on: 'out1' });
    expect(received?.message.properties).toEqual({ k: 'v' });
  });

  it('getTwin returns desired and reported; a reported patch bumps the reported $version', async () => {
    fx.backend.twin({ deviceId: 'd1' }).desired = { color: 'red', $version: 3 };
    const twin: Twin = await d1.getTwin();
    expect(twin.properties.desired).toMatchObject({ color: 'red', $version: 3 });
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ temp: 20, gone: null }, (e?: Error) => (e ? reject(e) : resolve())));
    expect(fx.backend.twin({ deviceId: 'd1' }).reported).toEqual({ temp: 20, $version: 2 });
  });

  it('a desired push reaches only the device it is for', async () => {
    const seen1: unknown[] = [];
    const seen2: unknown[] = [];
    const [twin1, twin2] = await Promise.all([d1.getTwin(), d2.getTwin()]);
    twin1.on('properties.desired', (desired: unknown) => seen1.push(desired));
    twin2.on('properties.desired', (desired: unknown) => seen2.push(desired));
    await waitFor(() => seen1.length === 1 && seen2.length === 1); // the SDK emits the current set on subscribe
    fx.frontEnd.pushDesired({ deviceId: 'd1' }, { only: 'd1', $version: 4 });
    fx.frontEnd.pushDesired({ deviceId: 'd2' }, { only: 'd2', $version: 2 });
    await waitFor(() => seen1.length === 2 && seen2.length === 2);
    expect(seen1[1]).toMatchObject({ only: 'd1' });
    expect(seen2[1]).toMatchObject({ only: 'd2' });
  });

  it('a direct method round trip reaches only its device; NOT_CONNECTED and TIMEOUT', async () => {
    const calls: string[] = [];
    for (const [name, client] of [['d1', d1], ['d2', d2]] as const) {
      client.onDeviceMethod('reboot', (request, response) => {
        calls.push(`${name}:${JSON.stringify(request.payload)}`);
        response.send(201, { ok: name }, () => undefined);
      });
    }
    await expect(invokeOnceSubscribed({ deviceId: 'd1' }, 'reboot', { a: 1 })).resolves.toEqual({ ok: true, value: { status: 201, payload: { ok: 'd1' } } });
    await expect(invokeOnceSubscribed({ deviceId: 'd2' }, 'reboot', null)).resolves.toEqual({ ok: true, value: { status: 201, payload: { ok: 'd2' } } });
    expect(calls).toEqual(['d1:{"a":1}', 'd2:null']);
    const offline = await fx.frontEnd.invokeMethod({ deviceId: 'ws1' }, 'reboot', null, 10_000);
    expect(!offline.ok && offline.error.code).toBe('NOT_CONNECTED');
    const unanswered = await fx.frontEnd.invokeMethod({ deviceId: 'd1' }, 'noSuchMethod', null, 200);
    expect(!unanswered.ok && unanswered.error.code).toBe('TIMEOUT');
  });

  it('module methods reach the module', async () => {
    m1.onMethod('ping', (_request, response) => response?.send(200, 'pong', () => undefined));
    await expect(invokeOnceSubscribed({ deviceId: 'e1', moduleId: 'm1' }, 'ping', null)).resolves.toEqual({ ok: true, value: { status: 200, payload: 'pong' } });
  });

  it('delivers a C2D message with its properties, and says false when nobody subscribed', async () => {
    const received = new Promise<MessageType>((resolve) => d1.on('message', (message: MessageType) => resolve(message)));
    const message = { body: Buffer.from('hello'), systemProperties: { mid: 'c2d1', cid: 'cc', ct: 'text/plain' }, properties: { 'iothub-ack': 'full', k1: 'v 1' } };
    await deliverOnceSubscribed({ deviceId: 'd1' }, message);
    const got = await received;
    expect(got.getData().toString()).toBe('hello');
    expect([got.messageId, got.correlationId, got.contentType]).toEqual(['c2d1', 'cc', 'text/plain']);
    expect(got.properties.getValue('k1')).toBe('v 1');
    expect(await fx.frontEnd.deliver({ deviceId: 'ws1' }, message)).toBe(false);
    expect(await fx.frontEnd.deliver({ deviceId: 'e1', moduleId: 'm1' }, message)).toBe(false); // no C2D for modules
  });

  it('delivers a module input message', async () => {
    const received = new Promise<[string, MessageType]>((resolve) => m1.on('inputMessage', (input: string, message: MessageType) => resolve([input, message])));
    await deliverOnceSubscribed({ deviceId: 'e1', moduleId: 'm1' }, { body: Buffer.from('in'), systemProperties: { mid: 'i1' }, properties: { k: 'v' } }, 'input1');
    const [input, message] = await received;
    expect(input).toBe('input1');
    expect(message.messageId).toBe('i1');
    expect(message.properties.getValue('k')).toBe('v');
  });
});

describe('MqttWs through the WebSocket attachment', () => {
  it('connects on /$iothub/websocket, sends telemetry and answers a method', async () => {
    const cs = `HostName=${fx.hub};DeviceId=ws1;SharedAccessKey=${sasKey(3)};GatewayHostName=localhost`;
    const client = await device(cs, { mqtt: { webSocketAgent: fx.wsAgent } }, MqttWs);
    const before = fx.backend.telemetry.length;
    await client.sendEvent(new Message('over ws'));
    expect(fx.backend.telemetry[before]?.from).toEqual({ deviceId: 'ws1' });
    client.onDeviceMethod('hello', (_request, response) => response.send(200, { via: 'ws' }, () => undefined));
    expect(await invokeOnceSubscribed({ deviceId: 'ws1' }, 'hello', null)).toEqual({ ok: true, value: { status: 200, payload: { via: 'ws' } } });
  });

  it('leaves upgrades on other paths to other listeners', async () => {
    const seen: string[] = [];
    const other = (request: { url?: string }, socket: { destroy(): void }) => {
      seen.push(request.url ?? '');
      socket.destroy();
    };
    fx.https.on('upgrade', other);
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`wss://localhost:${fx.wsPort}/other`, ['mqtt'], { ca: fx.pki.ca.certificatePem });
    await new Promise<void>((resolve) => ws.once('error', () => resolve()));
    fx.https.off('upgrade', other);
    expect(seen).toEqual(['/other']);
  });
});

describe('telemetry with a raw MQTT client', () => {
  it('tells the backend how each message was sent: QoS 0 or QoS 1', async () => {
    const client = await fx.raw('r6', undefined, 16);
    const before = fx.backend.telemetry.length;
    client.publish('devices/r6/messages/events/', 'zero', { qos: 0 });
    await client.publishAsync('devices/r6/messages/events/', 'one', { qos: 1 });
    await fx.backend.telemetryCount(before + 2);
    expect(fx.backend.telemetry.slice(before).map((t) => [Buffer.from(t.message.body).toString('utf8'), t.delivery?.qos])).toEqual([
      ['zero', 0],
      ['one', 1],
    ]);
    await client.endAsync();
  });
});

describe('refusals with a raw MQTT client', () => {
  /** Another connection still gets its telemetry accepted (r6 is used by nobody else, so no takeover storms). */
  const stillServing = async () => {
    const other = await fx.raw('r6', undefined, 16);
    const before = fx.backend.telemetry.length;
    await other.publishAsync('devices/r6/messages/events/', 'still here', { qos: 1 });
    expect(fx.backend.telemetry[before]?.from).toEqual({ deviceId: 'r6' });
    await other.endAsync();
  };

  it('publishing as another device closes the connection and nothing is accepted', async () => {
    const client = await fx.raw('r1', undefined, 11);
    const before = fx.backend.telemetry.length;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('devices/d1/messages/events/', 'spoof', { qos: 1 });
    await closed;
    expect(fx.backend.telemetry.length).toBe(before);
    expect(fx.logs.some((line) => line.includes('r1: publish refused') && line.includes('only as itself'))).toBe(true);
  });

  it("subscribing to another module's inputs is refused (SUBACK 128), its own is granted", async () => {
    const client = await fx.raw('e1', 'm2', 6);
    // mqtt.js reports any 128 grant as an error that carries the SUBACK.
    const granted = await new Promise<number[]>((resolve) =>
      client.subscribe(['devices/e1/modules/m1/inputs/#', 'devices/e1/modules/m2/inputs/#', '$iothub/methods/POST/#'], { qos: 1 }, (error, grants) =>
        resolve((error as (Error & { packet?: { granted: number[] } }) | null)?.packet?.granted ?? grants?.map((g) => g.qos) ?? []),
      ),
    );
    expect(granted).toEqual([128, 1, 1]);
  });

  it('closes a connection when its SAS token expires, as IoT Hub does; the SDK renews first and stays connected', async () => {
    const raw = await fx.raw('r6', undefined, 16, { password: fx.token('r6', undefined, sasKey(16), Math.floor(Date.now() / 1000) + 2) });
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    await closed;
    expect(fx.logs.some((line) => line.includes('r6: its SAS token expired'))).toBe(true);

    // The SDK's own renewal (token lifetime 6 s, renewed 3 s early) reconnects with a new token before the hub closes
    // the old connection, and the client goes on working.
    const client = Client.fromConnectionString(fx.connectionString('r7', undefined, 17), Mqtt);
    sdkClients.push(client);
    client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
    await client.setOptions({ ca: fx.pki.ca.certificatePem, tokenRenewal: { tokenValidTimeInSeconds: 6, tokenRenewalMarginInSeconds: 3 } });
    await client.open();
    await new Promise((resolve) => setTimeout(resolve, 7_500));
    await client.sendEvent(new Message('after renewal'));
    await waitFor(() => fx.backend.telemetry.some((t) => t.from.deviceId === 'r7'));
    expect(fx.logs.filter((line) => line.includes('r7: its SAS token expired'))).toEqual([]);
  }, 20_000);

  it('a persistent session (clean=false) keeps its method subscription across a reconnect, as after a SAS renewal', async () => {
    // The SDK reconnects with clean=false after renewing its token and does not subscribe again: the broker restores
    // the session's subscriptions, which must pass authorization before the new connection is fully registered.
    const first = await fx.raw('r5', undefined, 15, { clean: false, clientId: 'r5' });
    await first.subscribeAsync('$iothub/methods/POST/#', { qos: 0 });
    await first.endAsync();
    const second = await fx.raw('r5', undefined, 15, { clean: false, clientId: 'r5' });
    second.on('message', (topic) => {
      const rid = /\$rid=([^&]+)/.exec(topic)?.[1] ?? '';
      second.publish(`$iothub/methods/res/200/?$rid=${rid}`, '{"renewed":true}');
    });
    await expect(fx.frontEnd.invokeMethod({ deviceId: 'r5' }, 'afterRenewal', null, 5_000)).resolves.toEqual({ ok: true, value: { status: 200, payload: { renewed: true } } });
    await second.endAsync();
  });

  it('a method published on a shared $iothub topic reaches only the target connection', async () => {
    const eavesdropper = await fx.raw('e1', 'm3', 7);
    const seen: string[] = [];
    eavesdropper.on('message', (topic) => seen.push(topic));
    await eavesdropper.subscribeAsync('$iothub/methods/POST/#');
    const target = await fx.raw('r2', undefined, 12);
    await target.subscribeAsync('$iothub/methods/POST/#');
    target.on('message', (topic) => {
      const rid = /\$rid=([^&]+)/.exec(topic)?.[1] ?? '';
      target.publish(`$iothub/methods/res/200/?$rid=${rid}`, '{"r":1}');
    });
    await expect(fx.frontEnd.invokeMethod({ deviceId: 'r2' }, 'm', null, 10_000)).resolves.toEqual({ ok: true, value: { status: 200, payload: { r: 1 } } });
    await expect(fx.frontEnd.invokeMethod({ deviceId: 'e1', moduleId: 'm3' }, 'own', null, 200)).resolves.toMatchObject({ ok: false }); // flushes the eavesdropper's socket
    expect(seen.map((topic) => topic.split('?')[0])).toEqual(['$iothub/methods/POST/own/']);
  });

  it('a reported patch answers 204 with the new $version; a bad patch answers an errorCode body', async () => {
    const client = await fx.raw('r3', undefined, 13);
    await client.subscribeAsync('$iothub/twin/res/#');
    const replies: { topic: string; body: string }[] = [];
    client.on('message', (topic, body) => replies.push({ topic, body: body.toString() }));
    client.publish('$iothub/twin/PATCH/properties/reported/?$rid=r1', '{"a":1}');
    client.publish('$iothub/twin/PATCH/properties/reported/?$rid=r2', '[1]');
    await waitFor(() => replies.length === 2);
    expect(replies.find((r) => r.topic.includes('r1'))).toEqual({ topic: '$iothub/twin/res/204/?$rid=r1&$version=2', body: '' });
    const bad = replies.find((r) => r.topic.includes('r2'));
    expect(bad?.topic).toBe('$iothub/twin/res/400/?$rid=r2');
    expect(JSON.parse(bad?.body ?? '{}')).toMatchObject({ errorCode: 400004 });
  });

  it.each([
    ['over the message limit', MAX_MESSAGE_BYTES + 1, 'exceeds'],
    ['over the packet limit (refused before it is buffered)', MAX_MESSAGE_BYTES + 100_000, 'refused a packet of'],
  ])('an oversized message (%s) closes that connection; the broker keeps serving others', async (_name, bytes, logged) => {
    const big = await fx.raw('r4', undefined, 14);
    const closed = new Promise<void>((resolve) => big.once('close', () => resolve()));
    big.publish('devices/r4/messages/events/', Buffer.alloc(bytes), { qos: 1 });
    await closed;
    expect(fx.logs.some((line) => line.includes(logged))).toBe(true);
    await stillServing();
  });

  it('a garbage byte stream closes only that connection', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: fx.port, servername: 'localhost', ca: fx.pki.ca.certificatePem });
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n\x00\xff\xff\xff\xff\xff garbage'));
    await closed;
    await stillServing();
  });

  it('a QoS 2 publish closes the connection (IoT Hub has no QoS 2)', async () => {
    const client = await fx.raw('r7', undefined, 17);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('devices/r7/messages/events/', 'x', { qos: 2 });
    await closed;
    expect(fx.logs.some((line) => line.includes('r7: publish refused') && line.includes('QoS 2'))).toBe(true);
  });

  it('disconnect drops every live connection of an identity and reports it once', async () => {
    const client = await fx.raw('r8', undefined, 18);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(fx.frontEnd.isConnected({ deviceId: 'r8' })).toBe(true);
    fx.frontEnd.disconnect({ deviceId: 'r8' });
    await closed;
    await waitFor(() => !fx.frontEnd.isConnected({ deviceId: 'r8' }));
    expect(fx.backend.connectionEvents.filter((e) => e.key === 'r8')).toEqual([
      { key: 'r8', connected: true },
      { key: 'r8', connected: false },
    ]);
  });

  it('a refusal by the backend closes the connection without a PUBACK', async () => {
    const client = await fx.raw('r5', undefined, 15);
    fx.backend.failWith = { code: 'UNAVAILABLE', message: 'store down' };
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    let acked = false;
    client.publish('devices/r5/messages/events/', 'x', { qos: 1 }, (error) => (acked = !error)); // mqtt.js keeps an unacked QoS 1 for a resend
    await closed;
    fx.backend.failWith = undefined;
    expect(acked).toBe(false);
    expect(fx.logs.some((line) => line.includes('telemetry refused by the hub (UNAVAILABLE)'))).toBe(true);
  });
});

describe('QoS 1 delivery to a client', () => {
  it('counts as delivered only when the client PUBACKs: a persistent-session client (as the SDK opens) that dies first gets false (the hub sends it again)', async () => {
    // r7 receives but holds its PUBACK (mqtt.js sends it when its handleMessage calls back).
    const held: (() => void)[] = [];
    const mute = await fx.raw('r7', undefined, 17, { clean: false, clientId: 'r7' });
    mute.handleMessage = (_packet, done) => void held.push(() => done());
    await mute.subscribeAsync('devices/r7/messages/devicebound/#', { qos: 1 });
    let settled: boolean | undefined;
    const delivery = fx.frontEnd.deliver({ deviceId: 'r7' }, { body: Buffer.from('one'), systemProperties: {}, properties: {} }).then((ok) => (settled = ok));
    for (let i = 0; i < 200 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(held).toHaveLength(1); // written and received...
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBeUndefined(); // ...but not delivered while its PUBACK is held
    mute.stream.destroy(); // the client dies before acknowledging
    expect(await delivery).toBe(false);

    const acking = await fx.raw('r8', undefined, 18, { clean: false, clientId: 'r8' });
    await acking.subscribeAsync('devices/r8/messages/devicebound/#', { qos: 1 });
    expect(await fx.frontEnd.deliver({ deviceId: 'r8' }, { body: Buffer.from('two'), systemProperties: {}, properties: {} })).toBe(true);
    await acking.endAsync();
  });
});
