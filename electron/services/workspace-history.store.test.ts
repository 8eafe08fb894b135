import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentVersion, WorkspaceHistoryStore } from './workspace-history.store';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir() {
  const d = mkdtempSync(join(tmpdir(), 'gh-history-'));
  dirs.push(d);
  return d;
}

describe('WorkspaceHistoryStore', () => {
  it('keeps versions newest first, reads them back, and lives in the data folder privately', async () => {
    const data = dataDir();
    let clock = Date.parse('2026-01-27T10:00:00Z');
    const store = new WorkspaceHistoryStore(data, '/work/solution', 200, () => new Date((clock += 1000)));
    const first = await store.record('deployment.template.json', '{"a":1}', 'disk');
    const second = await store.record('deployment.template.json', '{"a":2}', 'save');
    const restored = await store.record('deployment.template.json', '{"a":1}', 'restore', first.id);
    expect((await store.list('deployment.template.json')).map((v) => v.reason)).toEqual(['restore', 'save', 'disk']);
    expect(restored).toMatchObject({ restoredFrom: first.id, version: contentVersion('{"a":1}'), size: 7, savedAt: '2026-01-27T10:00:03.000Z' });
    expect(await store.read('deployment.template.json', second.id)).toEqual({ version: second, text: '{"a":2}' });
    expect(await store.read('deployment.template.json', 'nope')).toBeUndefined();
    expect(await store.list('other.json')).toEqual([]);
    expect(store.dir.startsWith(join(data, 'history'))).toBe(true);
    const fileDir = join(store.dir, 'files', readdirSync(join(store.dir, 'files'))[0]!);
    expect(statSync(join(fileDir, `${second.id}.txt`)).mode & 0o777).toBe(0o600);
  });

  it('does not store the same content twice in a row', async () => {
    const store = new WorkspaceHistoryStore(dataDir(), '/w');
    const a = await store.record('a.json', 'x', 'save');
    expect(await store.record('a.json', 'x', 'save')).toEqual(a);
    expect(await store.list('a.json')).toHaveLength(1);
  });

  it('prunes the oldest versions beyond the limit, files included', async () => {
    const store = new WorkspaceHistoryStore(dataDir(), '/w', 3);
    for (let i = 0; i < 5; i++) await store.record('a.json', `v${i}`, 'save');
    const versions = await store.list('a.json');
    expect(await Promise.all(versions.map(async (v) => (await store.read('a.json', v.id))?.text))).toEqual(['v4', 'v3', 'v2']);
    const fileDir = join(store.dir, 'files', readdirSync(join(store.dir, 'files'))[0]!);
    expect(readdirSync(fileDir).filter((f) => f.endsWith('.txt'))).toHaveLength(3);
  });

  it('serializes concurrent records of one file', async () => {
    const store = new WorkspaceHistoryStore(dataDir(), '/w');
    await Promise.all(['1', '2', '3', '4'].map((t) => store.record('a.json', t, 'save')));
    expect((await store.list('a.json')).map((v) => v.size)).toEqual([1, 1, 1, 1]);
    expect(new Set((await store.list('a.json')).map((v) => v.id)).size).toBe(4);
  });

  it('separates folders by a hash of their path', () => {
    const data = dataDir();
    expect(new WorkspaceHistoryStore(data, '/a').dir).not.toBe(new WorkspaceHistoryStore(data, '/b').dir);
  });
});
