import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as DeviceClient, type Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { newSymmetricKeys } from '../../runtime/workload/identity-provider';
import { C2D_MAX_BODY_BYTES, C2D_QUEUE_DEPTH } from './cloud-to-device';
import { freePort, until } from '../../runtime/hub/edge-hub-mqtt.test-util';
import { LocalHub } from './localhub';

/**
 * Cloud-to-device messages on the composed local hub: queued durably per device, delivered over MQTT to the official
 * azure-iot-device Client (`on('message')`) in order once it listens, with IoT Hub's limits. The service side
 * (azure-iothub `Client.send` over AMQP) reaches the same `sendCloudToDevice`.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-c2d-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


async function started(dataDir: string, ports: { https: number; mqtt: number } = { https: 0, mqtt: 0 }): Promise<LocalHub> {
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: ports.https, mqttPort: ports.mqtt });
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  if (hub.state.state !== 'running') throw new Error(JSON.stringify(hub.state));
  return hub;
}


const text = (body: string, properties: Record<string, string> = {}, systemProperties: Record<string, string> = {}) => ({ body: Buffer.from(body), properties, systemProperties });

async function device(hub: LocalHub, deviceId: string) {
  const registry = hub.registry!;
  const keys = newSymmetricKeys();
  if (!registry.getDevice(deviceId).ok) expect(await registry.putDevice(deviceId, { deviceId, authentication: { type: 'sas', symmetricKey: keys } }, undefined)).toMatchObject({ ok: true });
  const current = registry.getDevice(deviceId);
  const key = current.ok ? (current.value.authentication as { symmetricKey: { primaryKey: string } }).symmetricKey.primaryKey : keys.primaryKey;
  return {
    /** An azure-iot-device Client listening for C2D; resolves once open. */
    listen: async (received: Message[]) => {
      const info = await hub.info();
      if (!info.ok) throw new Error(info.error.message);
      const client = DeviceClient.fromConnectionString(`HostName=${info.value.host};DeviceId=${deviceId};SharedAccessKey=${key};GatewayHostName=${info.value.host}:${info.value.mqttPort}`, Mqtt);
      cleanups.push(() => client.close().then(() => undefined, () => undefined));
      await client.setOptions({ ca: readFileSync(info.value.caFile, 'utf8') });
      client.on('message', (message: Message) => received.push(message));
      await client.open();
      return client;
    },
  };
}

describe('cloud-to-device messages on the local hub', () => {
  it('a message sent while the device is offline waits, then arrives in order with its properties when it listens', async () => {
    const hub = await started(tempDir());
    cleanups.push(() => hub.dispose());
    const registry = hub.registry!;
    const thermo = await device(hub, 'c2d-1');
    expect(await registry.sendCloudToDevice('c2d-1', text('first', { kind: 'config' }, { mid: 'm-1', cid: 'corr-1', ct: 'application/json', ce: 'utf-8' }))).toEqual({ ok: true, value: { messageId: 'm-1' } });
    const second = await registry.sendCloudToDevice('c2d-1', text('second'));
    expect(second.ok && second.value.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(registry.getDevice('c2d-1')).toMatchObject({ ok: true, value: { cloudToDeviceMessageCount: 2 } });

    const received: Message[] = [];
    await thermo.listen(received);
    await until('both messages', () => received.length === 2);
    expect(received.map((m) => m.data.toString())).toEqual(['first', 'second']);
    expect(received[0]).toMatchObject({ messageId: 'm-1', correlationId: 'corr-1', to: '/devices/c2d-1/messages/deviceBound', contentType: 'application/json', contentEncoding: 'utf-8' });
    expect(received[0]!.properties.getValue('kind')).toBe('config');
    expect(received[1]!.messageId).toBe(second.ok ? second.value.messageId : '');
    await until('the queue emptied', () => registry.cloudToDeviceQueueDepth('c2d-1') === 0);

    // Listening now: a new message goes straight through.
    await registry.sendCloudToDevice('c2d-1', text('third'));
    await until('the third message', () => received.length === 3);
    expect(received[2]!.data.toString()).toBe('third');
  }, 60_000);

  it('a device that comes back on its persistent session gets what waited exactly once', async () => {
    const hub = await started(tempDir());
    cleanups.push(() => hub.dispose());
    const registry = hub.registry!;
    const thermo = await device(hub, 'c2d-5');
    const before: Message[] = [];
    const first = await thermo.listen(before);
    await first.close();
    await registry.sendCloudToDevice('c2d-5', text('while away', {}, { mid: 'away-1' }));
    const after: Message[] = [];
    await thermo.listen(after);
    await until('the waiting message', () => after.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(after.map((m) => m.messageId)).toEqual(['away-1']);
    expect(before).toEqual([]);
  }, 60_000);

  it("refuses what IoT Hub refuses, by name: an unknown device, a body over 64 KiB, a 51st waiting message, a life over 48 hours", async () => {
    const hub = await started(tempDir());
    cleanups.push(() => hub.dispose());
    const registry = hub.registry!;
    await device(hub, 'c2d-2');
    expect(await registry.sendCloudToDevice('nobody', text('x'))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nobody') } });
    expect(await registry.sendCloudToDevice('c2d-2', { body: Buffer.alloc(C2D_MAX_BODY_BYTES + 1), properties: {}, systemProperties: {} })).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(await registry.sendCloudToDevice('c2d-2', text('x'), { expiresAtMs: Date.now() + 49 * 3_600_000 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('48 hours') } });
    for (let i = 0; i < C2D_QUEUE_DEPTH; i++) expect((await registry.sendCloudToDevice('c2d-2', text(`m${i}`))).ok).toBe(true);
    expect(await registry.sendCloudToDevice('c2d-2', text('one too many'))).toMatchObject({ ok: false, error: { code: 'THROTTLED', message: expect.stringContaining('50') } });
    expect(registry.cloudToDeviceQueueDepth('c2d-2')).toBe(C2D_QUEUE_DEPTH);
  }, 60_000);

  it('the queue survives a restart of the hub; an expired message is dropped, never delivered', async () => {
    const dir = tempDir();
    const ports = { https: await freePort(), mqtt: await freePort() };
    const first = await started(dir, ports);
    await device(first, 'c2d-3');
    expect((await first.registry!.sendCloudToDevice('c2d-3', text('short-lived'), { expiresAtMs: Date.now() + 1_000 })).ok).toBe(true);
    expect((await first.registry!.sendCloudToDevice('c2d-3', text('kept'))).ok).toBe(true);
    await first.dispose();

    const second = await started(dir, ports);
    cleanups.push(() => second.dispose());
    expect(second.registry!.cloudToDeviceQueueDepth('c2d-3')).toBe(2);
    await new Promise((r) => setTimeout(r, 1_200));
    const received: Message[] = [];
    await (await device(second, 'c2d-3')).listen(received);
    await until('the kept message', () => received.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((m) => m.data.toString())).toEqual(['kept']);
    expect(second.registry!.cloudToDeviceQueueDepth('c2d-3')).toBe(0);
  }, 60_000);

  it('deleting a device deletes its waiting messages', async () => {
    const hub = await started(tempDir());
    cleanups.push(() => hub.dispose());
    const registry = hub.registry!;
    await device(hub, 'c2d-4');
    await registry.sendCloudToDevice('c2d-4', text('orphan'));
    expect((await registry.deleteDevice('c2d-4', '*')).ok).toBe(true);
    expect(registry.cloudToDeviceQueueDepth('c2d-4')).toBe(0);
    await device(hub, 'c2d-4');
    expect(registry.getDevice('c2d-4')).toMatchObject({ ok: true, value: { cloudToDeviceMessageCount: 0 } });
  }, 60_000);
});
