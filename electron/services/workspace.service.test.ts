import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { workspaceContract } from '../../shared/ipc';
import { Dispatcher } from '../host/dispatcher';
import { EventBus } from '../host/event-bus';
import { WorkspaceService } from './workspace.service';
import { onCleanup, tempDir, write } from './workspace.test-util';
import { contentVersion } from './workspace-history.store';
import { defaultTemplatesDir } from './workspace-templates';


/** A service behind a real dispatcher (so every output is checked against the contract) and its events. */
function setup(files: Record<string, string> = {}) {
  const root = tempDir('gh-ws-root-');
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  const bus = new EventBus();
  const events: { name: string; payload: unknown }[] = [];
  bus.listen((name, payload) => events.push({ name, payload }));
  const service = new WorkspaceService({ dataDir: tempDir('gh-ws-data-'), events: bus, templatesDir: defaultTemplatesDir(), debounceMs: 40 });
  onCleanup(() => service.dispose());
  const dispatcher = new Dispatcher();
  dispatcher.register(workspaceContract, service);
  const call = (method: keyof typeof workspaceContract.methods, params: object = {}) => dispatcher.invoke(`workspace.${method}`, params);
  const changes = () => events.filter((e) => e.name === 'workspace.fileChanged').map((e) => e.payload);
  return { root, call, events, changes, service };
}

const SOLUTION = {
  'deployment.template.json': '{"modulesContent":{}}\n',
  '.env': 'CONTAINER_REGISTRY_SERVER=localhost:5000\n',
  'modules/filtermodule/module.json': '{}',
  'modules/filtermodule/app.js': '// app',
  'modules/filtermodule/logo.png': 'png',
  'modules/filtermodule/node_modules/dep/package.json': '{}',
  '.git/config': '[core]',
  'docs/readme.md': '# hi',
  'empty/.keep-me.bin': 'x',
};

describe('WorkspaceService', () => {
  it('opens a folder and lists only the files a solution author edits', async () => {
    const { root, call, events } = setup(SOLUTION);
    expect(await call('open', { path: root })).toEqual({ ok: true, value: { root, name: root.split('/').pop() } });
    expect(events).toContainEqual({ name: 'workspace.opened', payload: { workspace: { root, name: root.split('/').pop() } } });
    const tree = await call('listTree');
    expect(tree.ok && (tree.value as { entries: { path: string }[] }).entries.map((e) => e.path)).toEqual([
      'docs',
      'docs/readme.md',
      'modules',
      'modules/filtermodule',
      'modules/filtermodule/app.js',
      'modules/filtermodule/module.json',
      '.env',
      'deployment.template.json',
    ]);
    expect(await call('current')).toEqual({ ok: true, value: { workspace: { root, name: root.split('/').pop() } } });
  });

  it('answers with codes: no folder, missing folder, a file instead of a folder, relative paths', async () => {
    const { root, call } = setup({ 'a.json': '{}' });
    expect(await call('readFile', { path: 'a.json' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'NO_WORKSPACE' } } });
    expect(await call('open', { path: join(root, 'missing') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('open', { path: join(root, 'a.json') })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'NOT_A_FOLDER' } } });
    expect(await call('open', { path: 'relative/folder' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'NOT_ABSOLUTE' } } });
    await call('open', { path: root });
    expect(await call('readFile', { path: 'nope.json' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('close')).toEqual({ ok: true, value: { workspace: null } });
    expect(await call('listTree')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('bounds the tree by depth and count', async () => {
    const files: Record<string, string> = { 'a/b/c/d/e/deep.json': '{}' };
    for (let i = 0; i < 30; i++) files[`many/f${String(i).padStart(2, '0')}.json`] = '{}';
    const { root } = setup(files);
    const bounded = new WorkspaceService({ dataDir: tempDir('gh-ws-data-'), events: new EventBus(), templatesDir: '', bounds: { maxDepth: 3, maxEntries: 10, maxDirs: 50 } });
    onCleanup(() => bounded.dispose());
    await bounded.open({ path: root });
    const tree = await bounded.listTree();
    expect(tree).toMatchObject({ ok: true, value: { truncated: true } });
    const entries = tree.ok ? tree.value.entries : [];
    expect(entries.some((e) => e.path.endsWith('deep.json'))).toBe(false);
    expect(entries.length).toBeLessThanOrEqual(11);
  });

  it('refuses paths that leave the folder, lexically or through a symbolic link', async () => {
    const { root, call } = setup({ 'a.json': '{}' });
    const outside = tempDir('gh-ws-outside-');
    write(outside, 'secret.json', '{"secret":true}');
    symlinkSync(outside, join(root, 'link'));
    await call('open', { path: root });
    for (const path of ['../secret.json', `${outside}/secret.json`, 'link/secret.json', 'a/../../x.json']) {
      expect(await call('readFile', { path })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'OUTSIDE_WORKSPACE' } } });
      expect(await call('writeFile', { path, text: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'OUTSIDE_WORKSPACE' } } });
    }
    expect(readFileSync(join(outside, 'secret.json'), 'utf8')).toBe('{"secret":true}');
  });

  it('dates a version found on disk by the file, not by the save that found it', async () => {
    const { root, call } = setup({ 'deployment.json': 'from another editor' });
    const written = new Date('2026-01-02T03:04:05.000Z');
    utimesSync(join(root, 'deployment.json'), written, written);
    await call('open', { path: root });
    await call('writeFile', { path: 'deployment.json', text: 'saved here' });
    const versions = await call('listVersions', { path: 'deployment.json' });
    const list = versions.ok ? (versions.value as { reason: string; savedAt: string }[]) : [];
    expect(list.find((v) => v.reason === 'disk')?.savedAt).toBe(written.toISOString());
    expect(list.find((v) => v.reason === 'save')?.savedAt).not.toBe(written.toISOString());
  });

  it('saves atomically, keeps the file mode, keeps the original and every save in history', async () => {
    const { root, call, changes } = setup({ 'deployment.template.json': 'v0' });
    chmodSync(join(root, 'deployment.template.json'), 0o640);
    await call('open', { path: root });
    const read = await call('readFile', { path: 'deployment.template.json' });
    expect(read).toEqual({ ok: true, value: { path: 'deployment.template.json', text: 'v0', version: contentVersion('v0'), size: 2 } });
    const first = await call('writeFile', { path: 'deployment.template.json', text: 'v1', baseVersion: contentVersion('v0') });
    expect(first).toMatchObject({ ok: true, value: { version: contentVersion('v1'), size: 2, saved: { reason: 'save', version: contentVersion('v1') } } });
    await call('writeFile', { path: 'deployment.template.json', text: 'v2' });
    expect(readFileSync(join(root, 'deployment.template.json'), 'utf8')).toBe('v2');
    expect(statSync(join(root, 'deployment.template.json')).mode & 0o777).toBe(0o640);
    expect(readdirSync(root)).toEqual(['deployment.template.json']); // no temp files left behind
    const versions = await call('listVersions', { path: 'deployment.template.json' });
    expect(versions.ok && (versions.value as { reason: string }[]).map((v) => v.reason)).toEqual(['save', 'save', 'disk']);
    expect(changes()).toEqual([
      { root, path: 'deployment.template.json', change: 'modified', version: contentVersion('v1'), origin: 'console' },
      { root, path: 'deployment.template.json', change: 'modified', version: contentVersion('v2'), origin: 'console' },
    ]);
  });

  it('refuses a save over a file changed on disk since it was read (CONFLICT), and creates new files', async () => {
    const { root, call } = setup({ 'a.json': 'mine' });
    await call('open', { path: root });
    writeFileSync(join(root, 'a.json'), 'theirs');
    expect(await call('writeFile', { path: 'a.json', text: 'edited', baseVersion: contentVersion('mine') })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { reason: 'CHANGED_ON_DISK', version: contentVersion('theirs') } },
    });
    expect(readFileSync(join(root, 'a.json'), 'utf8')).toBe('theirs');
    expect(await call('writeFile', { path: 'modules/new/module.json', text: '{}' })).toMatchObject({ ok: true });
    expect(statSync(join(root, 'modules/new/module.json')).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('reads and restores a version; the restore is a version too', async () => {
    const { root, call } = setup({ 'a.json': 'original' });
    await call('open', { path: root });
    await call('writeFile', { path: 'a.json', text: 'changed' });
    const versions = await call('listVersions', { path: 'a.json' });
    const original = versions.ok ? (versions.value as { id: string; reason: string }[]).find((v) => v.reason === 'disk')! : undefined;
    expect(await call('readVersion', { path: 'a.json', id: original!.id })).toMatchObject({ ok: true, value: { text: 'original' } });
    const restored = await call('restoreVersion', { path: 'a.json', id: original!.id });
    expect(restored).toMatchObject({ ok: true, value: { file: { text: 'original', version: contentVersion('original') }, saved: { reason: 'restore', restoredFrom: original!.id } } });
    expect(readFileSync(join(root, 'a.json'), 'utf8')).toBe('original');
    expect(await call('restoreVersion', { path: 'a.json', id: 'zzz' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('announces changes made elsewhere once, debounced, and not its own writes', async () => {
    const { root, call, changes } = setup({ 'a.json': '1', 'modules/m/module.json': '{}' });
    await call('open', { path: root });
    await call('writeFile', { path: 'a.json', text: 'by us' });
    await new Promise((r) => setTimeout(r, 200));
    expect(changes()).toHaveLength(1); // the console save, nothing from the watcher

    writeFileSync(join(root, 'a.json'), 'by them');
    writeFileSync(join(root, 'a.json'), 'by them, again');
    await vi.waitFor(() => expect(changes()).toHaveLength(2), { timeout: 3000 });
    expect(changes()[1]).toEqual({ root, path: 'a.json', change: 'modified', version: contentVersion('by them, again'), origin: 'disk' });

    writeFileSync(join(root, 'modules/m/module.json'), '{"x":1}');
    await vi.waitFor(() => expect(changes()).toContainEqual(expect.objectContaining({ path: 'modules/m/module.json', change: 'modified' })), { timeout: 3000 });

    mkdirSync(join(root, 'modules/new'));
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(join(root, 'modules/new/module.json'), '{}');
    await vi.waitFor(() => expect(changes()).toContainEqual(expect.objectContaining({ path: 'modules/new/module.json', change: 'created' })), { timeout: 3000 });

    unlinkSync(join(root, 'a.json'));
    await vi.waitFor(() => expect(changes()).toContainEqual({ root, path: 'a.json', change: 'deleted', origin: 'disk' }), { timeout: 3000 });
    writeFileSync(join(root, 'ignored.png'), 'x');
    await new Promise((r) => setTimeout(r, 200));
    expect(changes().some((c) => (c as { path: string }).path === 'ignored.png')).toBe(false);
  });

  it('creates a solution from a template, opens it, and refuses to overwrite a folder', async () => {
    const { call } = setup();
    const parent = tempDir('gh-ws-parent-');
    const templates = await call('listTemplates');
    expect(templates.ok && (templates.value as { id: string }[]).map((t) => t.id)).toEqual(['sensor-filter-upstream', 'empty']);
    const created = await call('createFromTemplate', { template: 'sensor-filter-upstream', parent, name: 'edge-solution' });
    expect(created).toEqual({ ok: true, value: { root: join(parent, 'edge-solution'), name: 'edge-solution' } });
    expect(readdirSync(join(parent, 'edge-solution')).sort()).toEqual(['.env', '.gitignore', 'deployment.template.json', 'modules']);
    const tree = await call('listTree');
    expect(tree.ok && (tree.value as { entries: { path: string }[] }).entries.map((e) => e.path)).toContain('modules/filtermodule/module.json');
    expect(await call('createFromTemplate', { template: 'empty', parent, name: 'edge-solution' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('createFromTemplate', { template: 'nope', parent, name: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('createFromTemplate', { template: 'empty', parent, name: '../escape' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('createFromTemplate', { template: 'empty', parent: join(parent, 'missing'), name: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { reason: 'NO_PARENT' } } });
  });

  it('creates a missing parent folder when asked to', async () => {
    const { call } = setup();
    const parent = join(tempDir('gh-ws-parent-'), 'site', 'gateways');
    const created = await call('createFromTemplate', { template: 'empty', parent, name: 'edge-solution', createParent: true });
    expect(created).toEqual({ ok: true, value: { root: join(parent, 'edge-solution'), name: 'edge-solution' } });
    expect(readdirSync(join(parent, 'edge-solution'))).toContain('deployment.template.json');
  });
});
