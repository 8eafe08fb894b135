import { chmod, lstat, mkdir, mkdtemp, readlink, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../test-engine.test-util';
import { hashContext, planContext, stageContext } from './build-context';
import { defaultRecipesDir, listRecipeNames, loadRecipe } from './image-recipe';

describe('image recipes', () => {
  let dir: string;
  const writeRecipe = async (name: string, recipe: unknown) => {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'recipe.json'), typeof recipe === 'string' ? recipe : JSON.stringify(recipe));
    await writeFile(path.join(dir, name, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-recipes-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists and loads the recipes in resources/images', async () => {
    const names = unwrap(await listRecipeNames(defaultRecipesDir()));
    expect(names).toEqual(expect.arrayContaining(['busybox-module', 'node-module-base']));
    const busybox = unwrap(await loadRecipe(defaultRecipesDir(), 'busybox-module'));
    expect(busybox).toMatchObject({ name: 'busybox-module', image: 'gatehouse/busybox-module:test', directories: { '/tmp': '1777' } });
    expect(busybox.hostFiles[0]).toMatchObject({ from: { path: '/bin/busybox' }, requireStatic: true, sharedLibraries: false });
  });

  it('refuses a missing, non-JSON or invalid recipe', async () => {
    expect(await loadRecipe(dir, 'absent')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await writeRecipe('not-json', '{ image: ');
    expect(await loadRecipe(dir, 'not-json')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await writeRecipe('invalid', { image: 'no-tag', description: 'x', hostFiles: [{ from: { path: '/bin/sh' }, to: 'relative' }], extra: 1 });
    const invalid = await loadRecipe(dir, 'invalid');
    expect(invalid).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const issues = !invalid.ok ? ((invalid.error.details as { issues: Array<{ path: unknown[] }> }).issues ?? []) : [];
    expect(issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['image', 'hostFiles.0.to']));
  });

  it('says what to install when a host file is missing, and refuses a dynamic binary where a static one is needed', async () => {
    await writeRecipe('missing-host-file', {
      image: 'gatehouse-test/missing:test',
      description: 'x',
      hostFiles: [{ from: { path: '/nonexistent/busybox' }, to: '/bin/busybox', hint: 'apt-get install -y busybox-static' }],
    });
    const missing = await planContext(unwrap(await loadRecipe(dir, 'missing-host-file')));
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    if (!missing.ok) expect(missing.error.message).toContain('apt-get install -y busybox-static');

    await writeRecipe('dynamic', { image: 'gatehouse-test/dynamic:test', description: 'x', hostFiles: [{ from: { which: 'node' }, to: '/bin/node', requireStatic: true }] });
    expect(await planContext(unwrap(await loadRecipe(dir, 'dynamic')))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('plans, hashes by content and mode (not time), and stages with normalised modes', async () => {
    const hostFile = path.join(dir, 'host-payload.txt');
    await writeFile(hostFile, 'from the host\n');
    await writeRecipe('planned', {
      image: 'gatehouse-test/planned:test',
      description: 'x',
      hostFiles: [{ from: { path: hostFile }, to: '/opt/payload.txt' }],
      symlinks: { '/bin/sh': 'busybox' },
      directories: { '/tmp': '1777' },
    });
    const rootfs = path.join(dir, 'planned', 'rootfs', 'etc');
    await mkdir(rootfs, { recursive: true });
    await writeFile(path.join(rootfs, 'motd'), 'hello\n');
    const recipe = unwrap(await loadRecipe(dir, 'planned'));

    const plan = unwrap(await planContext(recipe));
    expect(plan.map((e) => `${e.kind} ${e.target}`)).toEqual([
      'file Dockerfile',
      'file recipe.json',
      'symlink rootfs/bin/sh',
      'directory rootfs/etc',
      'file rootfs/etc/motd',
      'file rootfs/opt/payload.txt',
      'directory rootfs/tmp',
    ]);

    const hash = await hashContext(plan);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await utimes(hostFile, new Date(0), new Date(0));
    expect(await hashContext(unwrap(await planContext(recipe)))).toBe(hash);
    await chmod(hostFile, 0o755);
    const executableHash = await hashContext(unwrap(await planContext(recipe)));
    expect(executableHash).not.toBe(hash);
    await writeFile(hostFile, 'changed\n');
    expect(await hashContext(unwrap(await planContext(recipe)))).not.toBe(executableHash);

    const staged = path.join(dir, 'staged');
    await mkdir(staged);
    await stageContext(unwrap(await planContext(recipe)), staged);
    expect(await readFile(path.join(staged, 'rootfs/opt/payload.txt'), 'utf8')).toBe('changed\n');
    expect((await stat(path.join(staged, 'rootfs/opt/payload.txt'))).mode & 0o7777).toBe(0o755);
    expect((await stat(path.join(staged, 'rootfs/etc/motd'))).mode & 0o7777).toBe(0o644);
    expect((await stat(path.join(staged, 'rootfs/tmp'))).mode & 0o7777).toBe(0o1777);
    expect((await stat(path.join(staged, 'rootfs/opt'))).mode & 0o7777).toBe(0o755);
    expect((await lstat(path.join(staged, 'rootfs/bin/sh'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(staged, 'rootfs/bin/sh'))).toBe('busybox');
  });
});
