import rhea, { type Connection, type EventContext } from 'rhea';
import { Client as ServiceClient } from 'azure-iothub';
import { Client as DeviceClient, Message as ServiceMessage, type Message as DeviceMessage } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHubInfo } from '../../../shared/ipc/localhub.contract';
import { startComposedTestHub, type ComposedTestHub } from './localhub-sdk.test-util';
import { reachLocalHub } from '../iothub/local-adapter';
import { LocalHub } from './localhub';
import { sdkErrorName } from './localhub-sdk.test-util';

/**
 * Cloud-to-device messages end to end with the official SDKs and the real LocalHub: azure-iothub's service
 * `Client.send` over AMQPS (through the console's adapter: the local AMQP port and CA) → the registry's queue →
 * an azure-iot-device `Client` over MQTT. The SDK's own error classes are what the local hub's AMQP refusals become.
 */

let hub: LocalHub;
let v: LocalHubInfo;
let ca: string;
let composed: ComposedTestHub;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  composed = await startComposedTestHub('gatehouse-c2d-');
  ({ hub, info: v, ca } = composed);
}, 30_000);

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await composed.dispose();
});

function key(policy: string): string {
  return hub.registry!.policies().find((p) => p.keyName === policy)!.primaryKey;
}

function service(connectionString = v.connectionString): ServiceClient {
  const client = reachLocalHub(ServiceClient.fromConnectionString(connectionString), { httpsPort: v.httpsPort, amqpPort: v.amqpPort!, ca });
  cleanups.push(() => client.close().catch(() => undefined));
  return client;
}

async function device(deviceId: string): Promise<{ client: DeviceClient; received: DeviceMessage[] }> {
  const existing = hub.registry!.getDevice(deviceId);
  if (!existing.ok) await hub.registry!.putDevice(deviceId, { deviceId }, undefined);
  const twin = hub.registry!.getDevice(deviceId);
  const primaryKey = ((twin.ok ? twin.value : {}) as { authentication?: { symmetricKey?: { primaryKey?: string } } }).authentication?.symmetricKey?.primaryKey;
  return { client: DeviceClient.fromConnectionString(`HostName=localhost;DeviceId=${deviceId};SharedAccessKey=${primaryKey};GatewayHostName=localhost:${v.mqttPort}`, Mqtt), received: [] };
}

async function listen(d: { client: DeviceClient; received: DeviceMessage[] }): Promise<void> {
  await d.client.setOptions({ ca });
  d.client.on('message', (message: DeviceMessage) => {
    d.received.push(message);
    void d.client.complete(message);
  });
  cleanups.push(() => d.client.close());
  await d.client.open();
}

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('cloud-to-device through azure-iothub Client.send', () => {
  it('delivers body, application properties, message id and correlation id to a listening device', async () => {
    const d = await device('c2d-online');
    await listen(d);
    const message = new ServiceMessage('switch on');
    message.messageId = 'm-1';
    message.correlationId = 'c-1';
    message.properties.add('command', 'light');
    message.properties.add('level', '3');
    message.ack = 'full';
    await service().send('c2d-online', message);
    await until(() => d.received.length > 0);
    const [got] = d.received;
    expect(got!.getData().toString()).toBe('switch on');
    expect(got!.messageId).toBe('m-1');
    expect(got!.correlationId).toBe('c-1');
    expect(got!.properties.getValue('command')).toBe('light');
    expect(got!.properties.getValue('level')).toBe('3');
    await until(() => hub.registry!.cloudToDeviceQueueDepth('c2d-online') === 0);
  });

  it('keeps a UUID message id (sent as an AMQP uuid) as its text', async () => {
    const d = await device('c2d-uuid');
    await listen(d);
    const message = new ServiceMessage(Buffer.from([0, 1, 2, 255]));
    message.messageId = '6f1ed002-ab5d-42e4-8b5b-3c3e5b0d0a1b';
    await service().send('c2d-uuid', message);
    await until(() => d.received.length > 0);
    expect(d.received[0]!.messageId).toBe('6f1ed002-ab5d-42e4-8b5b-3c3e5b0d0a1b');
    expect([...(d.received[0]!.getData() as Buffer)]).toEqual([0, 1, 2, 255]);
  });

  it('an unknown device is DeviceNotFoundError', async () => {
    expect(await sdkErrorName(service().send('c2d-nobody', new ServiceMessage('x')))).toBe('DeviceNotFoundError');
  });

  it('a body over 64 KiB is MessageTooLargeError', async () => {
    await hub.registry!.putDevice('c2d-large', { deviceId: 'c2d-large' }, undefined);
    expect(await sdkErrorName(service().send('c2d-large', new ServiceMessage(Buffer.alloc(64 * 1024 + 1))))).toBe('MessageTooLargeError');
  });

  it('queues for an offline device: the 51st is DeviceMaximumQueueDepthExceededError, the first 50 arrive when it connects', async () => {
    const d = await device('c2d-offline');
    const client = service();
    for (let i = 0; i < 50; i += 1) {
      const message = new ServiceMessage(`n${i}`);
      message.messageId = `q-${i}`;
      await client.send('c2d-offline', message);
    }
    expect(await sdkErrorName(client.send('c2d-offline', new ServiceMessage('one too many')))).toBe('DeviceMaximumQueueDepthExceededError');
    expect(hub.registry!.cloudToDeviceQueueDepth('c2d-offline')).toBe(50);
    await listen(d);
    await until(() => d.received.length === 50, 20_000);
    expect(d.received.map((m) => m.messageId)).toEqual(Array.from({ length: 50 }, (_, i) => `q-${i}`));
    expect(d.received[0]!.getData().toString()).toBe('n0');
  }, 40_000);

  it('a wrong key, and a policy without ServiceConnect, fail with the put-token\'s UnauthorizedError; the service policy sends', async () => {
    await hub.registry!.putDevice('c2d-auth', { deviceId: 'c2d-auth' }, undefined);
    const wrong = `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`;
    expect(await sdkCause(service(wrong).send('c2d-auth', new ServiceMessage('x')))).toBe('UnauthorizedError: Unauthorized: the token signature does not match');
    const registryRead = `HostName=localhost;SharedAccessKeyName=registryRead;SharedAccessKey=${key('registryRead')}`;
    expect(await sdkCause(service(registryRead).send('c2d-auth', new ServiceMessage('x')))).toMatch(/^UnauthorizedError: .*no ServiceConnect right/);
    const serviceOnly = `HostName=localhost;SharedAccessKeyName=service;SharedAccessKey=${key('service')}`;
    await service(serviceOnly).send('c2d-auth', new ServiceMessage('x'));
    expect(hub.registry!.cloudToDeviceQueueDepth('c2d-auth')).toBe(1);
  });

  it('the feedback receiver attaches and stays silent; the same client keeps sending', async () => {
    await hub.registry!.putDevice('c2d-feedback', { deviceId: 'c2d-feedback' }, undefined);
    const client = service();
    const errors: Error[] = [];
    client.on('disconnect', (e: Error) => errors.push(e));
    const receiver = (await client.getFeedbackReceiver()).result;
    receiver.on('error', (e: Error) => errors.push(e));
    await client.send('c2d-feedback', new ServiceMessage('after feedback'));
    await client.send('c2d-feedback', new ServiceMessage('and again'));
    expect(hub.registry!.cloudToDeviceQueueDepth('c2d-feedback')).toBe(2);
    expect(errors).toEqual([]);
  });
});

/**
 * What a failed `Client.send` says: azure-iothub wraps a failed put-token in a plain Error whose `amqpError` is the
 * UnauthorizedError with the hub's status description (so does IoT Hub); other failures are the SDK class itself.
 */
async function sdkCause(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    const cause = (error as { amqpError?: Error }).amqpError;
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('the service link at the AMQP level (rhea)', () => {
  async function openConnection(): Promise<Connection> {
    const container = rhea.create_container({ id: `c2d-test-${Math.random()}` });
    const connection = container.connect({ host: 'localhost', hostname: 'localhost', port: v.amqpPort!, transport: 'tls', ca, reconnect: false } as never);
    cleanups.push(() => connection.close());
    await new Promise<void>((resolve, reject) => {
      connection.once('connection_open', () => resolve());
      connection.once('connection_error', (c: EventContext) => reject(new Error(String(c.connection.error))));
      connection.once('disconnected', (c: EventContext) => reject(new Error(String((c as { error?: Error }).error))));
    });
    return connection;
  }

  function attachOutcome(connection: Connection): Promise<{ opened: boolean; condition?: string }> {
    const sender = connection.open_sender({ target: { address: '/messages/devicebound' } });
    // The server answers the attach and then detaches a refused link: the detach's error is the verdict.
    return new Promise((resolve) => {
      sender.once('accepted', () => resolve({ opened: true }));
      sender.once('sendable', () => void sender.send({ to: '/devices/c2d-online/messages/devicebound', body: 'x' }));
      sender.once('sender_close', (c: EventContext) => resolve({ opened: false, condition: (c.sender?.error as { condition?: string } | undefined)?.condition }));
      sender.once('sender_error', (c: EventContext) => resolve({ opened: false, condition: (c.sender?.error as { condition?: string } | undefined)?.condition }));
    });
  }

  it('a link to /messages/devicebound without a put-token is refused with amqp:unauthorized-access', async () => {
    const outcome = await attachOutcome(await openConnection());
    expect(outcome).toEqual({ opened: false, condition: 'amqp:unauthorized-access' });
  });
});
