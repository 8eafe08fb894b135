import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceGateway, IdentityRef } from '../../protocol/device-backend';
import { LocalHubRegistry } from './registry';

// The registry as the protocol layer sees it (DeviceBackend) and what it does to live connections.

let dir: string;
let registry: LocalHubRegistry;
const disconnected: IdentityRef[] = [];
const gateway: DeviceGateway = {
  invokeMethod: async () => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'stub' } }),
  pushDesired: () => undefined,
  deliver: async () => false,
  disconnect: (target) => void disconnected.push(target),
  isConnected: () => false,
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-registry-'));
  registry = await LocalHubRegistry.open({ dir, hostName: 'hub.local' });
  registry.setGateway(gateway);
  disconnected.length = 0;
});
afterEach(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

describe('LocalHubRegistry as a DeviceBackend', () => {
  it('looks up identities with their credentials and status', async () => {
    const created = await registry.putDevice('d1', { authentication: { symmetricKey: { primaryKey: '', secondaryKey: '' } } }, undefined);
    expect(created.ok).toBe(true);
    const found = await registry.lookupIdentity({ deviceId: 'd1' });
    expect(found.ok && found.value.status).toBe('enabled');
    expect(found.ok && found.value.credentials.type).toBe('sas');
    await registry.putDevice('x1', { authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: 'AB'.repeat(20) } } }, undefined);
    const x509 = await registry.lookupIdentity({ deviceId: 'x1' });
    expect(x509.ok && x509.value.credentials).toEqual({ type: 'selfSigned', primaryThumbprint: 'AB'.repeat(20) });
    expect((await registry.lookupIdentity({ deviceId: 'nobody' })).ok).toBe(false);
    expect((await registry.lookupIdentity({ deviceId: 'd1', moduleId: 'm' })).ok).toBe(false);
  });

  it('shows connectionState and lastActivityTime from connectionChanged; counts connected devices', async () => {
    await registry.putDevice('d1', {}, undefined);
    registry.connectionChanged({ deviceId: 'd1' }, true);
    const device = registry.getDevice('d1');
    expect(device.ok && device.value.connectionState).toBe('Connected');
    expect(device.ok && device.value.lastActivityTime).not.toBe('0001-01-01T00:00:00Z');
    expect(registry.serviceStatistics()).toEqual({ connectedDeviceCount: 1 });
    const twin = registry.getTwinDocument({ deviceId: 'd1' });
    expect(twin.ok && twin.value.connectionState).toBe('Connected');
    registry.connectionChanged({ deviceId: 'd1' }, false);
    const after = registry.getDevice('d1');
    expect(after.ok && after.value.connectionState).toBe('Disconnected');
  });

  it('drops live connections when a device is disabled, re-keyed or deleted (with its modules)', async () => {
    await registry.putDevice('d1', { capabilities: { iotEdge: true } }, undefined);
    await registry.putDevice('d1', { status: 'enabled', capabilities: { iotEdge: true } }, '*');
    expect(disconnected).toEqual([]);
    await registry.putDevice('d1', { status: 'disabled', capabilities: { iotEdge: true } }, '*');
    expect(disconnected).toContainEqual({ deviceId: 'd1' });
    disconnected.length = 0;
    await registry.putDevice('d1', { status: 'enabled', capabilities: { iotEdge: true }, authentication: { symmetricKey: { primaryKey: Buffer.alloc(32, 7).toString('base64'), secondaryKey: '' } } }, '*');
    expect(disconnected).toContainEqual({ deviceId: 'd1' });
    disconnected.length = 0;
    await registry.deleteDevice('d1', '*');
    expect(disconnected).toEqual(expect.arrayContaining([{ deviceId: 'd1' }, { deviceId: 'd1', moduleId: '$edgeAgent' }, { deviceId: 'd1', moduleId: '$edgeHub' }]));
  });

  it('rejects reported patches of unknown identities and non-objects; keeps a bounded telemetry ring', async () => {
    expect(await registry.patchReported({ deviceId: 'nobody' }, { a: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await registry.putDevice('d1', {}, undefined);
    expect(await registry.patchReported({ deviceId: 'd1' }, [] as unknown as Record<string, unknown>)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    for (let i = 0; i < 1005; i += 1) await registry.acceptTelemetry({ deviceId: 'd1' }, { body: new Uint8Array([i % 256]), systemProperties: {}, properties: {} });
    expect(registry.recentTelemetry()).toHaveLength(1000);
    expect(registry.recentTelemetry()[0]?.message.body[0]).toBe(5);
    expect((await registry.acceptTelemetry({ deviceId: 'nobody' }, { body: new Uint8Array(), systemProperties: {}, properties: {} })).ok).toBe(false);
  });

  it('persists devices, twins, configurations and policy keys across reopen', async () => {
    const policies = registry.policies();
    expect(policies.map((p) => p.keyName).sort()).toEqual(['device', 'iothubowner', 'registryRead', 'registryReadWrite', 'service']);
    expect(policies.find((p) => p.keyName === 'iothubowner')?.rights).toEqual(['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect']);
    await registry.putDevice('d1', {}, undefined);
    await registry.putModule('d1', 'm1', {}, undefined);
    await registry.updateTwin({ deviceId: 'd1', moduleId: 'm1' }, { properties: { desired: { a: 1 } } }, 'merge', undefined);
    await registry.putConfiguration('c1', { content: { deviceContent: { 'properties.desired': { x: 1 } } }, targetCondition: "tags.a = 'b'" }, undefined);
    await registry.close();
    registry = await LocalHubRegistry.open({ dir, hostName: 'hub.local' });
    expect(registry.policies()).toEqual(policies);
    const twin = registry.getTwinDocument({ deviceId: 'd1', moduleId: 'm1' });
    expect(twin.ok && (twin.value.properties as { desired: Record<string, unknown> }).desired).toMatchObject({ a: 1, $version: 2 });
    expect(registry.getConfiguration('c1').ok).toBe(true);
  });

  it('skips malformed records on open and logs them, keeping the rest', async () => {
    await registry.putDevice('good', {}, undefined);
    await registry.close();
    const db = new ClassicLevel<string, unknown>(dir, { valueEncoding: 'json' });
    await db.put('dev/broken', { deviceId: 'broken' });
    await db.put('dev/liar', { deviceId: 'someone-else', twin: { version: 1 }, authentication: {} });
    await db.close();
    const lines: string[] = [];
    registry = await LocalHubRegistry.open({ dir, hostName: 'hub.local', log: (line) => lines.push(line) });
    expect(registry.getDevice('good').ok).toBe(true);
    expect(registry.getDevice('broken').ok).toBe(false);
    expect(registry.getDevice('someone-else').ok).toBe(false);
    expect(lines).toHaveLength(2);
  });
});
