import rhea, { type Connection, type EventContext, type Message } from 'rhea';
import { SharedAccessSignature } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Result } from '../../../shared/errors';
import { createRootCa, createServerCertificate } from '../../protocol/certificate-factory';
import type { BackendError, HubMessage } from '../../protocol/device-backend';
import { importPrivateKeyPem } from '../../protocol/x509-runtime';
import { EventHubsLog } from './eventhubs-log';
import { EventHubsServer } from './eventhubs-server';
import { generatePolicies } from './service-auth';

/**
 * The service link of the local hub's AMQP endpoint at the AMQP level (a raw rhea client, the server's own clock):
 * put-token of IoT Hub service tokens, the C2D link's authorization, a token that expires on a live connection,
 * the sink's refusals as AMQP conditions, and the messages handed over in the order they came.
 */

const policies = generatePolicies();
const owner = policies.find((p) => p.keyName === 'iothubowner')!;
let now = Date.now();
let server: EventHubsServer;
let port: number;
let ca: string;
const sent: { deviceId: string; message: HubMessage; expiresAtMs?: number }[] = [];
let answer: (deviceId: string) => Result<{ readonly messageId: string }, BackendError> = () => ok({ messageId: 'x' });
const connections: Connection[] = [];

beforeAll(async () => {
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) };
  const root = await createRootCa('c2d link test CA', validity);
  const leaf = await createServerCertificate({ certificatePem: root.certificatePem, privateKey: await importPrivateKeyPem(root.privateKeyPem) }, { commonName: 'localhost', subjectAltNames: ['localhost'], ...validity });
  ca = root.certificatePem;
  server = await EventHubsServer.create({
    entityPath: 'localhost',
    log: new EventHubsLog(),
    policies: () => policies,
    hostNames: ['localhost'],
    cert: leaf.certificatePem,
    key: leaf.privateKeyPem,
    clock: () => new Date(now),
    service: {
      hostName: 'localhost',
      sink: {
        async sendCloudToDevice(deviceId, message, options) {
          // The first message of a burst answers last: the server must still hand them over (and settle) in order.
          if (message.properties.slow) await new Promise((r) => setTimeout(r, 50));
          sent.push({ deviceId, message, ...(options?.expiresAtMs !== undefined ? { expiresAtMs: options.expiresAtMs } : {}) });
          return answer(deviceId);
        },
      },
    },
  });
  port = await server.listen('127.0.0.1', 0);
});

afterAll(async () => {
  for (const c of connections) c.close();
  await server.close();
});

async function connect(): Promise<Connection> {
  const connection = rhea.create_container({ id: `c2d-${connections.length}` }).connect({ host: '127.0.0.1', servername: 'localhost', port, transport: 'tls', ca, reconnect: false } as never);
  connections.push(connection);
  await new Promise<void>((resolve, reject) => {
    connection.once('connection_open', () => resolve());
    connection.once('disconnected', () => reject(new Error('not connected')));
  });
  return connection;
}

/** CBS put-token as azure-iothub sends it (`reply_to: cbs`, which names no link); resolves with the status code. */
async function putToken(connection: Connection, token: string): Promise<number> {
  const receiver = connection.open_receiver({ source: { address: '$cbs' } });
  const sender = connection.open_sender({ target: { address: '$cbs' } });
  await new Promise((r) => sender.once('sendable', r));
  const id = `put-${Math.random()}`;
  const reply = new Promise<number>((resolve) => receiver.on('message', (c: EventContext) => c.message?.correlation_id === id && resolve(Number(c.message.application_properties?.['status-code']))));
  sender.send({ to: '$cbs', reply_to: 'cbs', message_id: id, application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: 'localhost' }, body: token });
  return reply;
}

function token(key: string, policy = 'iothubowner', expiresAt = Math.floor(now / 1000) + 3600): string {
  return SharedAccessSignature.create('localhost', policy, key, expiresAt).toString();
}

async function c2dSender(connection: Connection): Promise<{ send(message: Message): Promise<{ outcome: string; condition?: string }>; closed: Promise<string | undefined> }> {
  const sender = connection.open_sender({ target: { address: '/messages/devicebound' } });
  const outcomes = new Map<number, (o: { outcome: string; condition?: string }) => void>();
  const settle = (outcome: string) => (c: EventContext) => outcomes.get(c.delivery!.id)?.({ outcome, ...((c.delivery!.remote_state as { error?: { condition?: string } } | undefined)?.error ? { condition: (c.delivery!.remote_state as { error: { condition: string } }).error.condition } : {}) });
  sender.on('accepted', settle('accepted'));
  sender.on('rejected', settle('rejected'));
  const closed = new Promise<string | undefined>((resolve) => sender.once('sender_close', (c: EventContext) => resolve((c.sender?.error as { condition?: string } | undefined)?.condition)));
  await Promise.race([new Promise((r) => sender.once('sendable', r)), closed]);
  return {
    closed,
    send: (message) => new Promise((resolve) => outcomes.set(sender.send(message).id, resolve)),
  };
}

describe('the local hub AMQP endpoint: the C2D service link', () => {
  it('answers an IoT Hub service put-token 200, a wrong key or a policy without ServiceConnect 401', async () => {
    const connection = await connect();
    expect(await putToken(connection, token(owner.primaryKey))).toBe(200);
    expect(await putToken(connection, token(Buffer.alloc(32, 3).toString('base64')))).toBe(401);
    const registryRead = policies.find((p) => p.keyName === 'registryRead')!;
    expect(await putToken(connection, token(registryRead.primaryKey, 'registryRead'))).toBe(401);
  });

  it('refuses the C2D link after a put-token that was refused', async () => {
    const connection = await connect();
    expect(await putToken(connection, token(Buffer.alloc(32, 3).toString('base64')))).toBe(401);
    expect(await (await c2dSender(connection)).closed).toBe('amqp:unauthorized-access');
  });

  it('hands messages to the registry in the order they came, with their fields; the sink refusals become AMQP conditions', async () => {
    const connection = await connect();
    expect(await putToken(connection, token(owner.secondaryKey))).toBe(200);
    const link = await c2dSender(connection);
    sent.length = 0;
    const expiry = new Date(now + 600_000);
    const [a, b] = await Promise.all([
      link.send({ to: '/devices/d1/messages/devicebound', message_id: 'a', absolute_expiry_time: expiry.getTime(), application_properties: { slow: 'yes' }, body: rhea.message.data_section(Buffer.from('A')) } as Message),
      link.send({ to: '/devices/d1/messages/devicebound', message_id: 'b', body: rhea.message.data_section(Buffer.from('B')) } as Message),
    ]);
    expect([a, b]).toEqual([{ outcome: 'accepted' }, { outcome: 'accepted' }]);
    expect(sent.map((s) => [s.deviceId, s.message.systemProperties.mid, Buffer.from(s.message.body).toString(), s.expiresAtMs])).toEqual([
      ['d1', 'a', 'A', expiry.getTime()],
      ['d1', 'b', 'B', undefined],
    ]);

    answer = () => ({ ok: false, error: { code: 'THROTTLED', message: 'full' } });
    expect(await link.send({ to: '/devices/d1/messages/devicebound', body: 'x' })).toEqual({ outcome: 'rejected', condition: 'amqp:resource-limit-exceeded' });
    answer = () => ok({ messageId: 'x' });
    expect(await link.send({ to: '/devices/d1/messages/events', body: 'x' })).toEqual({ outcome: 'rejected', condition: 'com.microsoft:argument-error' });
  });

  it('rejects messages once the token has expired on a live connection, until a new one is put', async () => {
    const connection = await connect();
    expect(await putToken(connection, token(owner.primaryKey, 'iothubowner', Math.floor(now / 1000) + 60))).toBe(200);
    const link = await c2dSender(connection);
    expect(await link.send({ to: '/devices/d2/messages/devicebound', body: 'in time' })).toEqual({ outcome: 'accepted' });
    now += 120_000;
    expect(await link.send({ to: '/devices/d2/messages/devicebound', body: 'late' })).toEqual({ outcome: 'rejected', condition: 'amqp:unauthorized-access' });
    expect(await putToken(connection, token(owner.primaryKey))).toBe(200);
    expect(await link.send({ to: '/devices/d2/messages/devicebound', body: 'renewed' })).toEqual({ outcome: 'accepted' });
  });
});
