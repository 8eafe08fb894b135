import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubStatus } from '../../shared/ipc/status.contract';
import { IotHubClient } from '../cloud/iothub/iothub-client';
import { LocalHub } from '../cloud/localhub/localhub';
import { SecretBox } from '../runtime/secrets/secret-box';
import { CloudService } from './cloud.service';
import { HubConnectionService, type HubClientFactory } from './hub-connection.service';
import { HubConnectionsStore } from './hub-connections.store';

/**
 * The hub list and switching, with real parts: the embedded local hub as the console's default, and a second local
 * hub on other free ports standing in for "another IoT Hub". The SDK dials 443 for a cloud hub, so the second hub is
 * reached through the service's client factory seam, which carries the untouched SDK to its port with the local hub
 * adapter (`viaAdapterTo`); the wrong-host case uses the SDK exactly as the console does.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startedHub(dataDir: string, edgeDeviceId: string): Promise<LocalHub> {
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0, edgeDeviceId });
  cleanups.push(() => hub.dispose());
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  if (hub.state.state !== 'running') throw new Error(`hub did not start: ${JSON.stringify(hub.state)}`);
  return hub;
}

/** The other hub's service connection string, and a factory that reaches its port through the adapter. */
async function otherHub(): Promise<{ connectionString: string; viaAdapterTo: HubClientFactory }> {
  const hub = await startedHub(tempDir('gh-other-hub-'), 'other-gateway');
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  const ca = readFileSync(info.value.caFile, 'utf8');
  return { connectionString: info.value.connectionString, viaAdapterTo: (cs) => IotHubClient.connect(cs, { httpsPort: info.value.httpsPort, ca }) };
}

async function console_(dataDir: string, localHub: LocalHub, connect?: HubClientFactory) {
  const store = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
  const service = new HubConnectionService(localHub, { store, ...(connect ? { connect } : {}) });
  cleanups.push(() => service.dispose());
  const statuses: HubStatus[] = [];
  service.onDidChange((s) => statuses.push(s));
  await service.ready;
  return { service, statuses, cloud: new CloudService(() => service.hub(), service) };
}

function wrongKey(connectionString: string): string {
  return connectionString.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`);
}

function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
}

describe('HubConnectionService with several hubs', () => {
  it('adds a hub only after it answered: a wrong key is UNAUTHORIZED, a parse error names the field, and nothing is stored', async () => {
    const dataDir = tempDir('gh-hubs-');
    const local = await startedHub(join(dataDir, 'localhub'), 'gateway-1');
    const other = await otherHub();
    const { service } = await console_(dataDir, local, other.viaAdapterTo);

    const refused = await service.add({ connectionString: wrongKey(other.connectionString) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('localhost refused the connection') } });
    const incomplete = await service.add({ connectionString: 'HostName=myhub.azure-devices.net;SharedAccessKeyName=iothubowner' });
    expect(incomplete).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('has no SharedAccessKey') } });
    const device = await service.add({ connectionString: 'HostName=h;DeviceId=d;SharedAccessKey=' + Buffer.alloc(32).toString('base64') });
    expect(device).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('device connection string') } });

    const list = await service.hubs();
    expect(list).toMatchObject({ ok: true, value: { active: 'local', secretStorage: 'file', hubs: [{ id: 'local', kind: 'local' }] } });
    expect(list.ok && list.value.hubs).toHaveLength(1);
    expect(filesUnder(join(dataDir, 'hubs'))).toEqual([]);
  });

  it('a host where no IoT Hub answers is DISCONNECTED (the SDK untouched, dialling localhost:443)', async () => {
    const dataDir = tempDir('gh-hubs-');
    const local = await startedHub(join(dataDir, 'localhub'), 'gateway-1');
    const { service } = await console_(dataDir, local);
    const key = Buffer.alloc(32, 1).toString('base64');
    // Nothing listens on loopback 443 (connection refused), or something whose certificate this machine does not trust.
    const refused = await service.add({ connectionString: `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}` });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DISCONNECTED', message: expect.stringContaining('cannot reach the hub') } });
    expect(filesUnder(join(dataDir, 'hubs'))).toEqual([]);
  });

  it('keeps the connection string sealed, switches hubs (deviceShow follows), and keeps them across a restart', async () => {
    const dataDir = tempDir('gh-hubs-');
    const local = await startedHub(join(dataDir, 'localhub'), 'gateway-1');
    const other = await otherHub();
    const first = await console_(dataDir, local, other.viaAdapterTo);
    expect(first.service.get()).toMatchObject({ state: 'connected', kind: 'local' });

    const added = await first.service.add({ connectionString: other.connectionString, name: 'Plant 7' });
    expect(added).toMatchObject({ ok: true, value: { name: 'Plant 7', hostName: 'localhost', policy: 'iothubowner', kind: 'cloud' } });
    if (!added.ok) return;
    expect(JSON.stringify(added.value)).not.toContain('SharedAccessKey');

    // The key is nowhere in the data folder in the clear.
    const key = /SharedAccessKey=([^;]+)/.exec(other.connectionString)![1]!;
    const sealed = readFileSync(join(dataDir, 'hubs', 'connection-strings.sealed'));
    expect(sealed.includes(key)).toBe(false);
    expect(sealed.toString('utf8')).toMatch(/^\{"gatehouse-secret":1/);
    for (const file of filesUnder(join(dataDir, 'hubs'))) expect(readFileSync(join(dataDir, 'hubs', file)).includes(key)).toBe(false);
    expect(existsSync(join(dataDir, 'settings.json')) && readFileSync(join(dataDir, 'settings.json')).includes(key)).toBe(false);
    expect(await first.service.reveal({ id: added.value.id })).toEqual({ ok: true, value: { connectionString: other.connectionString } });

    // The local hub has gateway-1, the other hub other-gateway.
    expect(await first.cloud.deviceShow({ deviceId: 'gateway-1' })).toMatchObject({ ok: true });
    expect(await first.cloud.deviceShow({ deviceId: 'other-gateway' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    first.statuses.length = 0;
    const selected = await first.cloud.hubSelect({ id: added.value.id });
    expect(selected).toMatchObject({ ok: true, value: { active: added.value.id } });
    expect(first.statuses.map((s) => `${s.state}:${'kind' in s ? s.kind : ''}`)).toEqual(['connecting:cloud', 'connected:cloud']);
    expect(await first.cloud.deviceShow({ deviceId: 'other-gateway' })).toMatchObject({ ok: true, value: { deviceId: 'other-gateway' } });
    expect(await first.cloud.deviceShow({ deviceId: 'gateway-1' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    first.service.dispose();

    // A new console on the same data folder: the hub, its name and the active choice are still there.
    const second = await console_(dataDir, local, other.viaAdapterTo);
    expect(second.service.get()).toMatchObject({ state: 'connected', kind: 'cloud' });
    expect(await second.cloud.hubs()).toMatchObject({ ok: true, value: { active: added.value.id, hubs: [{ id: 'local' }, { id: added.value.id, name: 'Plant 7' }] } });
    expect(await second.cloud.deviceShow({ deviceId: 'other-gateway' })).toMatchObject({ ok: true });

    // Renaming, then removing the active hub: back to the local hub, and its secret is gone.
    expect(await second.cloud.hubRename({ id: added.value.id, name: 'Plant 8' })).toMatchObject({ ok: true, value: { name: 'Plant 8' } });
    expect(await second.cloud.hubRemove({ id: 'local' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const removed = await second.cloud.hubRemove({ id: added.value.id });
    expect(removed).toMatchObject({ ok: true, value: { active: 'local', hubs: [{ id: 'local' }] } });
    expect(second.service.get()).toMatchObject({ state: 'connected', kind: 'local' });
    expect(await second.cloud.deviceShow({ deviceId: 'gateway-1' })).toMatchObject({ ok: true });
    expect(await second.cloud.hubReveal({ id: added.value.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const secrets = new SecretBox(dataDir);
    expect(await secrets.readFile(join(dataDir, 'hubs', 'connection-strings.sealed'))).toBe('{}');
  });

  it('adding the same host and policy again replaces the key and keeps the id; selecting an unknown hub is NOT_FOUND', async () => {
    const dataDir = tempDir('gh-hubs-');
    const local = await startedHub(join(dataDir, 'localhub'), 'gateway-1');
    const other = await otherHub();
    const { service } = await console_(dataDir, local, other.viaAdapterTo);
    const a = await service.add({ connectionString: other.connectionString });
    const b = await service.add({ connectionString: `  ${other.connectionString}\n` });
    expect(a.ok && b.ok && a.value.id === b.value.id).toBe(true);
    expect(a).toMatchObject({ ok: true, value: { name: 'localhost' } });
    expect(await service.select({ id: 'hub-nothere' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(service.get()).toMatchObject({ kind: 'local' });
  });

  it('says "keychain" when the master key is protected by the OS (the desktop app) and "file" otherwise', async () => {
    const dataDir = tempDir('gh-hubs-');
    // A stand-in for Electron's safeStorage (the real one needs the desktop session): it only has to round-trip.
    const keychain = { name: 'safeStorage' as const, encrypt: (b: Buffer) => Buffer.from(b).reverse(), decrypt: (b: Buffer) => Buffer.from(b).reverse() };
    const desktop = new HubConnectionService(undefined, { store: new HubConnectionsStore(dataDir, new SecretBox(dataDir, keychain)) });
    cleanups.push(() => desktop.dispose());
    expect(await desktop.hubs()).toMatchObject({ ok: true, value: { secretStorage: 'keychain', active: 'local' } });
    expect(desktop.get()).toMatchObject({ state: 'off' });
    expect(desktop.hub()).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
  });
});
