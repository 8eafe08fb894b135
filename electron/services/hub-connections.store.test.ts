import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../runtime/secrets/secret-box';
import { HubConnectionsStore } from './hub-connections.store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-hub-store-'));
  dirs.push(dir);
  return dir;
}

const CS = `HostName=plant.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${Buffer.alloc(32, 9).toString('base64')}`;

describe('HubConnectionsStore', () => {
  it("keeps a hub's Event Hubs-compatible string sealed beside it: kept on key rotation without one, forgotten with the hub", async () => {
    const dataDir = tempDir();
    const store = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
    const ehKey = Buffer.alloc(32, 4).toString('base64');
    const EH = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=iothubowner;SharedAccessKey=${ehKey};EntityPath=plant`;
    const eventHubs = { entityPath: 'plant', consumerGroup: '$Default' };
    const hub = await store.add({ hostName: 'plant.azure-devices.net', policy: 'iothubowner', eventHubs }, CS, EH);
    expect(hub.eventHubs).toEqual(eventHubs);
    expect(readFileSync(join(dataDir, 'hubs', 'hubs.json'), 'utf8')).not.toContain(ehKey);
    expect(readFileSync(join(dataDir, 'hubs', 'connection-strings.sealed')).includes(ehKey)).toBe(false);
    const again = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
    expect(await again.eventHubsConnectionString(hub.id)).toBe(EH);
    const rotated = await again.add({ hostName: 'plant.azure-devices.net', policy: 'iothubowner' }, CS);
    expect(rotated).toEqual(hub);
    expect(await again.eventHubsConnectionString(hub.id)).toBe(EH);
    await again.remove(hub.id);
    const readded = await again.add({ hostName: 'plant.azure-devices.net', policy: 'iothubowner' }, CS);
    expect(readded.eventHubs).toBeUndefined();
    expect(await again.eventHubsConnectionString(readded.id)).toBeUndefined();
  });

  it('keeps entries in a private plain file and connection strings only sealed, across instances', async () => {
    const dataDir = tempDir();
    const store = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
    expect(await store.list()).toEqual({ active: 'local', hubs: [] });
    const hub = await store.add({ hostName: 'plant.azure-devices.net', policy: 'iothubowner' }, CS);
    expect(hub).toMatchObject({ id: expect.stringMatching(/^hub-[0-9a-f]{6}$/), name: 'plant.azure-devices.net' });
    expect(await store.select(hub.id)).toEqual({ ok: true, value: { active: hub.id } });

    const index = readFileSync(join(dataDir, 'hubs', 'hubs.json'), 'utf8');
    expect(index).not.toContain('SharedAccessKey');
    expect(statSync(join(dataDir, 'hubs', 'hubs.json')).mode & 0o077).toBe(0);
    expect(statSync(join(dataDir, 'hubs', 'connection-strings.sealed')).mode & 0o077).toBe(0);
    expect(readFileSync(join(dataDir, 'hubs', 'connection-strings.sealed')).includes(Buffer.alloc(32, 9).toString('base64'))).toBe(false);

    const again = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
    expect(await again.list()).toEqual({ active: hub.id, hubs: [hub] });
    expect(await again.connectionString(hub.id)).toEqual({ ok: true, value: CS });
    expect(again.protection).toBe('file');
  });

  it('drops an entry whose secret is missing (a crash between the two writes) and falls back to the local hub', async () => {
    const dataDir = tempDir();
    const store = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
    const hub = await store.add({ hostName: 'plant.azure-devices.net', policy: 'iothubowner' }, CS);
    await store.select(hub.id);
    await new SecretBox(dataDir).writeFile(join(dataDir, 'hubs', 'connection-strings.sealed'), '{}');
    expect(await new HubConnectionsStore(dataDir, new SecretBox(dataDir)).list()).toEqual({ active: 'local', hubs: [] });
  });

  it('refuses a malformed hub list by name instead of half-reading it', async () => {
    const dataDir = tempDir();
    const store = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
    await store.add({ hostName: 'plant.azure-devices.net', policy: 'iothubowner' }, CS);
    writeFileSync(join(dataDir, 'hubs', 'hubs.json'), '{"version":1,"active":"local","hubs":[{"id":1}]}');
    await expect(new HubConnectionsStore(dataDir, new SecretBox(dataDir)).list()).rejects.toThrow(/hubs\.json is not a hub list/);
  });
});
