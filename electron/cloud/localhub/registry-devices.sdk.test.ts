import type { Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkErrorName, startTestHub, type TestHub } from './localhub-sdk.test-util';

// Devices through the unmodified azure-iothub Registry (HUB-CONTRACTS.md §9 items 1-8, peer registry.js).

let hub: TestHub;
let registry: Registry;

beforeAll(async () => {
  hub = await startTestHub();
  registry = hub.sdkRegistry();
});
afterAll(async () => hub.close());

const key = (text: string) => Buffer.from(text).toString('base64');

/** What the wire carries beyond the SDK's `Device` typings (authentication.type, scopes). */
interface WireDevice {
  deviceId: string;
  deviceScope?: string;
  parentScopes?: string[];
  authentication?: { type?: string };
}
const wire = (device: unknown) => device as WireDevice;

describe('devices through azure-iothub Registry', () => {
  it('creates a device with only an id: generated 32-byte keys, etag, generationId (item 1)', async () => {
    const { responseBody: device } = await registry.create({ deviceId: 'd1' });
    expect(device.deviceId).toBe('d1');
    expect(Buffer.from(device.authentication?.symmetricKey?.primaryKey ?? '', 'base64')).toHaveLength(32);
    expect(Buffer.from(device.authentication?.symmetricKey?.secondaryKey ?? '', 'base64')).toHaveLength(32);
    expect(device.etag).toBeTruthy();
    expect(device.generationId).toMatch(/^\d{18}$/);
    expect(device.status).toBe('enabled');
    expect(device.connectionState).toBe('Disconnected');
    const { responseBody: got } = await registry.get('d1');
    expect(got.authentication?.symmetricKey?.primaryKey).toBe(device.authentication?.symmetricKey?.primaryKey);
  });

  it('keeps given keys and thumbprints; status disabled', async () => {
    const withKeys = { deviceId: 'keys', status: 'disabled' as const, authentication: { symmetricKey: { primaryKey: key('1234567890qwerty'), secondaryKey: key('ytrewq0987654321') } } };
    await registry.create(withKeys);
    const { responseBody: got } = await registry.get('keys');
    expect(got.authentication?.symmetricKey).toEqual(withKeys.authentication.symmetricKey);
    expect(got.status).toBe('disabled');
    const thumbs = { primaryThumbprint: '0'.repeat(40), secondaryThumbprint: '1'.repeat(40) };
    await registry.create({ deviceId: 'thumbs', authentication: { x509Thumbprint: thumbs } });
    const { responseBody: x509 } = await registry.get('thumbs');
    expect(x509.authentication?.x509Thumbprint).toEqual(thumbs);
    expect(wire(x509).authentication?.type).toBe('selfSigned');
    await registry.create({ deviceId: 'ca', authentication: { type: 'certificateAuthority' } });
    expect(wire((await registry.get('ca')).responseBody).authentication?.type).toBe('certificateAuthority');
  });

  it('refuses an invalid id and short keys with ArgumentError', async () => {
    expect(await sdkErrorName(registry.create({ deviceId: 'invalid/name' }))).toBe('ArgumentError');
    expect(await sdkErrorName(registry.create({ deviceId: 'short', authentication: { symmetricKey: { primaryKey: key('short'), secondaryKey: '' } } }))).toBe('ArgumentError');
  });

  it('creates an edge device with deviceScope and $edgeAgent/$edgeHub (item 2)', async () => {
    const { responseBody: edge } = await registry.create({ deviceId: 'e1', capabilities: { iotEdge: true }, status: 'enabled' });
    expect(edge.capabilities?.iotEdge).toBe(true);
    expect(wire(edge).deviceScope).toMatch(/^ms-azure-iot-edge:\/\/e1-\d+$/);
    const { responseBody: modules } = await registry.getModulesOnDevice('e1');
    expect(modules.map((m) => m.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub']);
    const { responseBody: agent } = await registry.getModule('e1', '$edgeAgent');
    expect(agent.moduleId).toBe('$edgeAgent');
  });

  it('puts a leaf under an edge scope, nests edge devices, refuses a made-up scope', async () => {
    const root = wire((await registry.create({ deviceId: 'root', capabilities: { iotEdge: true } })).responseBody);
    const child = wire((await registry.create(wire({ deviceId: 'child', capabilities: { iotEdge: true }, parentScopes: [root.deviceScope] }))).responseBody);
    expect(child.parentScopes?.[0]).toBe(root.deviceScope);
    expect(child.deviceScope).not.toBe(root.deviceScope);
    const leaf = wire((await registry.create(wire({ deviceId: 'leaf', deviceScope: child.deviceScope, parentScopes: [child.deviceScope] }))).responseBody);
    expect(leaf.deviceScope).toBe(child.deviceScope);
    expect(leaf.parentScopes?.[0]).toBe(child.deviceScope);
    const scoped = wire((await registry.create(wire({ deviceId: 'scoped', deviceScope: root.deviceScope }))).responseBody);
    expect(scoped.deviceScope).toBe(root.deviceScope);
    expect(await sdkErrorName(registry.update(wire({ ...scoped, deviceScope: 'ms-azure-iot-edge://made-up' })))).toBe('ArgumentError');
  });

  it('answers a second create with DeviceAlreadyExistsError (item 3) and an unknown get with DeviceNotFoundError (item 4)', async () => {
    await registry.create({ deviceId: 'dup' });
    expect(await sdkErrorName(registry.create({ deviceId: 'dup' }))).toBe('DeviceAlreadyExistsError');
    expect(await sdkErrorName(registry.get('missing'))).toBe('DeviceNotFoundError');
  });

  it('updates status and keys with If-Match "*" (item 5) and keeps keys sent empty', async () => {
    const { responseBody: created } = await registry.create({ deviceId: 'upd' });
    const { responseBody: updated } = await registry.update({ deviceId: 'upd', status: 'disabled' });
    expect(updated.status).toBe('disabled');
    expect(updated.authentication?.symmetricKey?.primaryKey).toBe(created.authentication?.symmetricKey?.primaryKey);
    expect(updated.etag).not.toBe(created.etag);
    expect(updated.generationId).toBe(created.generationId);
    const secondaryKey = key('qwertyuiopasdfghjkl');
    const { responseBody: rekeyed } = await registry.update({ deviceId: 'upd', authentication: { symmetricKey: { primaryKey: created.authentication?.symmetricKey?.primaryKey ?? '', secondaryKey } } });
    expect(rekeyed.authentication?.symmetricKey?.secondaryKey).toBe(secondaryKey);
    expect(await sdkErrorName(registry.update({ deviceId: 'never-created' }))).toBe('DeviceNotFoundError');
  });

  it('lists devices (item 6) and deletes one with its twin and modules (item 7)', async () => {
    await registry.create({ deviceId: 'gone', capabilities: { iotEdge: true } });
    const { responseBody: before } = await registry.list();
    expect(before.map((d) => d.deviceId)).toContain('gone');
    await registry.delete('gone');
    expect(await sdkErrorName(registry.get('gone'))).toBe('DeviceNotFoundError');
    expect(await sdkErrorName(registry.getTwin('gone'))).toBe('DeviceNotFoundError');
    expect(await sdkErrorName(registry.getModule('gone', '$edgeAgent'))).toBe('DeviceNotFoundError');
    expect((await registry.list()).responseBody.map((d) => d.deviceId)).not.toContain('gone');
    expect(await sdkErrorName(registry.delete('gone'))).toBe('DeviceNotFoundError');
  });

  it('a re-created id gets a new generationId', async () => {
    const first = (await registry.create({ deviceId: 'again' })).responseBody.generationId;
    await registry.delete('again');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await registry.create({ deviceId: 'again' })).responseBody.generationId;
    expect(second).not.toBe(first);
  });

  it('adds, updates and removes in bulk (item 8, peer "bulk Identity add/update/remove")', async () => {
    const ids = ['b1', 'b2', 'b3'];
    const added = await registry.addDevices(ids.map((deviceId) => ({ deviceId, status: 'disabled' as const, authentication: { symmetricKey: { primaryKey: key(`${deviceId}-primary-key-xx`), secondaryKey: key(`${deviceId}-second-key-xxx`) } } })));
    expect(added.responseBody).toMatchObject({ isSuccessful: true, errors: [] });
    for (const id of ids) expect((await registry.get(id)).responseBody.status).toBe('disabled');
    const updated = await registry.updateDevices(ids.map((deviceId) => ({ deviceId, status: 'enabled' as const })), true);
    expect(updated.responseBody).toMatchObject({ isSuccessful: true, errors: [] });
    for (const id of ids) {
      const device = (await registry.get(id)).responseBody;
      expect(device.status).toBe('enabled');
      expect(device.authentication?.symmetricKey?.primaryKey).toBe(key(`${id}-primary-key-xx`));
    }
    const removed = await registry.removeDevices(ids.map((deviceId) => ({ deviceId })), true);
    expect(removed.responseBody).toMatchObject({ isSuccessful: true, errors: [] });
    for (const id of ids) expect(await sdkErrorName(registry.get(id))).toBe('DeviceNotFoundError');
  });

  it('reports bulk failures per item', async () => {
    await registry.create({ deviceId: 'bx' });
    const result = await registry.addDevices([{ deviceId: 'bx' }, { deviceId: 'by' }]);
    expect(result.responseBody.isSuccessful).toBe(false);
    expect(result.responseBody.errors).toEqual([expect.objectContaining({ deviceId: 'bx', errorCode: 'DeviceAlreadyExists' })]);
    expect((await registry.get('by')).responseBody.deviceId).toBe('by');
    const missing = await registry.updateDevices([{ deviceId: 'nobody' }], false);
    expect(missing.responseBody.errors[0]).toMatchObject({ deviceId: 'nobody' });
  });

  it('counts devices (item 15)', async () => {
    const stats = (await registry.getRegistryStatistics()).responseBody as { totalDeviceCount: number; enabledDeviceCount: number; disabledDeviceCount: number };
    const devices = (await registry.list()).responseBody;
    expect(stats.totalDeviceCount).toBe(devices.length);
    expect(stats.disabledDeviceCount).toBe(devices.filter((d) => d.status === 'disabled').length);
    expect(stats.enabledDeviceCount + stats.disabledDeviceCount).toBe(stats.totalDeviceCount);
  });
});
