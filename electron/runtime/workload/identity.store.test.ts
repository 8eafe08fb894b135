import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generationIds, isValidModuleId, newGenerationId } from './identity-provider';
import { IdentityStore } from './identity.store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-ids-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dataDir: string, deviceId = 'gw1'): Promise<IdentityStore> {
  const opened = await IdentityStore.open({ dataDir, deviceId });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

const isKey = (key: string) => Buffer.from(key, 'base64').length === 32 && Buffer.from(key, 'base64').toString('base64') === key;

describe('IdentityStore', () => {
  it('creates the device identity on open, in identities.json with mode 0600', async () => {
    const dataDir = tempDir();
    const store = await openStore(dataDir);
    const device = await store.getDevice();
    expect(device.deviceId).toBe('gw1');
    expect(isKey(device.primaryKey) && isKey(device.secondaryKey)).toBe(true);
    expect(device.primaryKey).not.toBe(device.secondaryKey);
    expect(device.generationId).toMatch(/^\d{18}$/);
    expect(statSync(join(dataDir, 'identities.json')).mode & 0o777).toBe(0o600);
    expect(await (await openStore(dataDir)).getDevice()).toEqual(device);
  });

  it('creates module identities when named, keeps them while named, removes them when they leave', async () => {
    const dataDir = tempDir();
    const store = await openStore(dataDir);
    expect(await store.syncModules(['temp', 'filter'])).toEqual({ ok: true, value: { created: ['temp', 'filter'], removed: [] } });
    const temp = await store.getModule('temp');
    expect(temp && isKey(temp.primaryKey) && isKey(temp.secondaryKey)).toBe(true);
    expect(temp?.generationId).toMatch(/^\d{18}$/);

    expect(await store.syncModules(['temp', 'sink'])).toEqual({ ok: true, value: { created: ['sink'], removed: ['filter'] } });
    expect(await store.getModule('temp')).toEqual(temp);
    expect(await store.getModule('filter')).toBeUndefined();

    const reloaded = await openStore(dataDir);
    expect((await reloaded.listModules()).map((m) => m.moduleId)).toEqual(['sink', 'temp']);
    expect(await reloaded.getModule('temp')).toEqual(temp);
    expect(generationIds(await reloaded.listModules())).toEqual({ sink: (await reloaded.getModule('sink'))?.generationId, temp: temp?.generationId });
  });

  it('gives a module that comes back new keys and a new generation id, as IoT Hub does', async () => {
    const store = await openStore(tempDir());
    await store.syncModules(['temp']);
    const before = await store.getModule('temp');
    await store.syncModules([]);
    await store.syncModules(['temp']);
    const after = await store.getModule('temp');
    expect(after?.primaryKey).not.toBe(before?.primaryKey);
    expect(after?.generationId).not.toBe(before?.generationId);
  });

  it('serialises concurrent syncs (the last one wins, nothing is lost on disk)', async () => {
    const dataDir = tempDir();
    const store = await openStore(dataDir);
    await Promise.all([store.syncModules(['a', 'b']), store.syncModules(['b', 'c']), store.syncModules(['c', 'd'])]);
    expect((await store.listModules()).map((m) => m.moduleId)).toEqual(['c', 'd']);
    expect((await (await openStore(dataDir)).listModules()).map((m) => m.moduleId)).toEqual(['c', 'd']);
  });

  it('keeps each device apart, and module ids that look like JavaScript internals intact', async () => {
    const dataDir = tempDir();
    const gw1 = await openStore(dataDir, 'gw1');
    await gw1.syncModules(['temp', '__proto__', '$edgeHub']);
    const gw2 = await openStore(dataDir, 'gw2');
    expect(await gw2.listModules()).toEqual([]);
    await gw2.syncModules(['other']);
    const again = await openStore(dataDir, 'gw1');
    expect((await again.listModules()).map((m) => m.moduleId)).toEqual(['$edgeHub', '__proto__', 'temp']);
    expect(await again.getModule('toString')).toBeUndefined();
  });

  it('rejects ids IoT Hub would reject, or that could escape the socket folder', async () => {
    const store = await openStore(tempDir());
    for (const bad of ['a/b', '..', '.', '', 'x'.repeat(129), 'a b']) expect(isValidModuleId(bad)).toBe(false);
    const result = await store.syncModules(['ok', '../evil']);
    expect(result.ok ? 'ok' : result.error.code).toBe('BAD_REQUEST');
    expect(await store.listModules()).toEqual([]);
    expect((await IdentityStore.open({ dataDir: tempDir(), deviceId: 'a/b' })).ok).toBe(false);
  });

  it('refuses a corrupt file and leaves it alone', async () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'identities.json');
    const key = Buffer.alloc(32, 1).toString('base64');
    const file = (primaryKey: string) => JSON.stringify({ version: 1, devices: [{ deviceId: 'gw1', generationId: '1', primaryKey, secondaryKey: key, modules: [] }] });
    writeFileSync(path, file(key));
    expect((await IdentityStore.open({ dataDir, deviceId: 'gw1' })).ok).toBe(true);
    writeFileSync(path, file('no!pe'));
    const opened = await IdentityStore.open({ dataDir, deviceId: 'gw1' });
    expect(opened.ok ? 'ok' : opened.error.code).toBe('IO');
    expect(readFileSync(path, 'utf8')).toBe(file('no!pe'));
  });

  it('makes generation ids in IoT Hub shape (.NET ticks), unique within a millisecond', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newGenerationId(1_700_000_000_000)));
    expect(ids.size).toBeGreaterThan(40);
    for (const id of ids) expect(id.startsWith('638')).toBe(true);
  });
});
