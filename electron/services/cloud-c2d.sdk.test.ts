import { Client as DeviceClient, type Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHubInfo } from '../../shared/ipc/localhub.contract';
import { startComposedTestHub, type ComposedTestHub } from '../cloud/localhub/localhub-sdk.test-util';
import { CloudService } from './cloud.service';
import { IotHubClient } from '../cloud/iothub/iothub-client';

/**
 * The console's headless cloud-to-device path: IotHubClient.sendCloudToDevice (azure-iothub `Client.send`, carried
 * to the local hub's AMQPS port and CA by the adapter) and the cloud contract's c2dMessageSend over it, against the
 * real LocalHub, received by an azure-iot-device client over MQTT. Refusals are error data with codes.
 */

let v: LocalHubInfo;
let ca: string;
let composed: ComposedTestHub;
const clients: IotHubClient[] = [];
const devices: DeviceClient[] = [];

beforeAll(async () => {
  composed = await startComposedTestHub('gatehouse-c2d-client-');
  ({ info: v, ca } = composed);
}, 30_000);

afterAll(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
  await Promise.all(clients.map((c) => c.close()));
  await composed.dispose();
});

function connect(connectionString = v.connectionString): IotHubClient {
  const client = IotHubClient.connect(connectionString, { httpsPort: v.httpsPort, amqpPort: v.amqpPort!, ca });
  if (!client.ok) throw new Error(client.error.message);
  clients.push(client.value);
  return client.value;
}

async function listeningDevice(deviceId: string): Promise<Message[]> {
  const created = await connect().createDevice({ deviceId });
  if (!created.ok) throw new Error(created.error.message);
  const key = (created.value.authentication as { symmetricKey: { primaryKey: string } }).symmetricKey.primaryKey;
  const device = DeviceClient.fromConnectionString(`HostName=localhost;DeviceId=${deviceId};SharedAccessKey=${key};GatewayHostName=localhost:${v.mqttPort}`, Mqtt);
  devices.push(device);
  await device.setOptions({ ca });
  const received: Message[] = [];
  device.on('message', (message: Message) => void received.push(message));
  await device.open();
  return received;
}

async function until(what: () => boolean): Promise<void> {
  for (let i = 0; !what(); i++) {
    if (i > 500) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('IotHubClient.sendCloudToDevice against the local hub', () => {
  it('sends body, properties and system properties; a message id is made when none is given and returned', async () => {
    const received = await listeningDevice('hc-c2d');
    const client = connect();
    const sent = await client.sendCloudToDevice('hc-c2d', { body: Buffer.from('{"on":true}'), properties: { kind: 'cmd' }, correlationId: 'c-9', contentType: 'application/json', contentEncoding: 'utf-8', ack: 'full', expirySeconds: 600 });
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.value.messageId : '';
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toEqual({ ok: true, value: { deviceId: 'hc-c2d', messageId } });
    await until(() => received.length === 1);
    const [got] = received;
    expect(got!.getData().toString()).toBe('{"on":true}');
    expect(got!.messageId).toBe(messageId);
    expect(got!.correlationId).toBe('c-9');
    expect(got!.contentType).toBe('application/json');
    expect(got!.properties.getValue('kind')).toBe('cmd');
    expect(new Date(String(got!.expiryTimeUtc)).getTime()).toBeGreaterThan(Date.now() + 500_000);

    // The cloud contract over the same client: a base64 body, and one that is not base64.
    const cloud = new CloudService(() => ({ ok: true, value: client }));
    expect(await cloud.c2dMessageSend({ deviceId: 'hc-c2d', body: Buffer.from([1, 2, 3]).toString('base64'), bodyEncoding: 'base64', messageId: 'bin-1' })).toEqual({ ok: true, value: { deviceId: 'hc-c2d', messageId: 'bin-1' } });
    await until(() => received.length === 2);
    expect([...(received[1]!.getData() as Buffer)]).toEqual([1, 2, 3]);
    expect(await cloud.c2dMessageSend({ deviceId: 'hc-c2d', body: 'not base64!', bodyEncoding: 'base64' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses as data: unknown device NOT_FOUND, full queue CONFLICT, too large BAD_REQUEST from the hub, wrong key UNAUTHORIZED', async () => {
    const client = connect();
    const unknown = await client.sendCloudToDevice('hc-nobody', { body: Buffer.from('x') });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { amqpCondition: 'amqp:not-found' } } });
    expect(!unknown.ok && unknown.error.message).toBe('cannot send a cloud-to-device message to hc-nobody: device hc-nobody is not registered');

    await client.createDevice({ deviceId: 'hc-full' });
    for (let i = 0; i < 50; i++) expect((await client.sendCloudToDevice('hc-full', { body: Buffer.from(`n${i}`) })).ok).toBe(true);
    const full = await client.sendCloudToDevice('hc-full', { body: Buffer.from('51') });
    expect(full).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { amqpCondition: 'amqp:resource-limit-exceeded' } } });
    expect(!full.ok && full.error.message).toMatch(/already has 50 cloud-to-device messages waiting/);

    const large = await client.sendCloudToDevice('hc-full', { body: Buffer.alloc(65_537) });
    expect(large).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { amqpCondition: 'amqp:link:message-size-exceeded' } } });

    const wrong = connect(v.connectionString.replace(/SharedAccessKey=.*$/, `SharedAccessKey=${Buffer.alloc(32, 9).toString('base64')}`));
    const refused = await wrong.sendCloudToDevice('hc-full', { body: Buffer.from('x') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(!refused.ok && refused.error.message).toBe('cannot send a cloud-to-device message to hc-full: Unauthorized: the token signature does not match');
  }, 30_000);
});
