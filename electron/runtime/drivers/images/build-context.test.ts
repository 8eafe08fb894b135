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
    expect(names).toEqual(expect.arrayContaining(['busybox-module', 'node-module-base', 'sample-filter', 'sample-method-responder', 'sample-temperature-sensor']));
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

  it('module images: a code folder into the image, and npm packages with their closure into node_modules/ (runtime files only)', async () => {
    // dir/node_modules is where the packages are found from dir/module-image/ (as Node would).
    const file = async (rel: string, text: string) => {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    };
    await file('node_modules/sdk/package.json', JSON.stringify({ name: 'sdk', version: '1.0.0', dependencies: { dep: '*', '@types/node': '*' } }));
    await file('node_modules/sdk/dist/index.js', 'module.exports = require("dep");\n');
    await file('node_modules/sdk/dist/index.d.ts', 'export {};\n');
    await file('node_modules/sdk/dist/index.js.map', '{}');
    await file('node_modules/sdk/README.md', '# sdk\n');
    await file('node_modules/sdk/LICENSE', 'MIT\n');
    await file('node_modules/sdk/node_modules/.bin/tool', '#!/bin/sh\n');
    await file('node_modules/dep/package.json', JSON.stringify({ name: 'dep', version: '2.0.0' }));
    await file('node_modules/dep/lib/map.js', 'module.exports = 2;\n');
    await file('node_modules/@types/node/package.json', JSON.stringify({ name: '@types/node', version: '20.0.0' }));
    await file('node_modules/@types/node/index.d.ts', 'export {};\n');
    await file('modules/sample/index.js', "require('sdk');\n");
    await file('modules/sample/package.json', '{}');
    await writeRecipe('module-image', {
      image: 'gatehouse-test/module-image:test',
      description: 'x',
      base: 'planned',
      folders: { '/app': '../modules/sample' },
      nodeModules: ['sdk'],
    });
    const recipe = unwrap(await loadRecipe(dir, 'module-image'));
    expect(recipe).toMatchObject({ base: 'planned', folders: { '/app': '../modules/sample' }, nodeModules: ['sdk'] });

    const plan = unwrap(await planContext(recipe));
    expect(plan.map((e) => `${e.kind} ${e.target}`)).toEqual([
      'file Dockerfile',
      'directory node_modules/dep',
      'directory node_modules/dep/lib',
      'file node_modules/dep/lib/map.js',
      'file node_modules/dep/package.json',
      'directory node_modules/sdk',
      'file node_modules/sdk/LICENSE',
      'directory node_modules/sdk/dist',
      'file node_modules/sdk/dist/index.js',
      'file node_modules/sdk/package.json',
      'file recipe.json',
      'directory rootfs/app',
      'file rootfs/app/index.js',
      'file rootfs/app/package.json',
    ]);
    const hash = await hashContext(plan);
    // The base image's hash is an input: a rebuilt base rebuilds the module image.
    expect(await hashContext(plan, { base: 'gatehouse-test/planned:test aaa' })).not.toBe(hash);
    expect(await hashContext(plan, { base: 'gatehouse-test/planned:test bbb' })).not.toBe(await hashContext(plan, { base: 'gatehouse-test/planned:test aaa' }));
    await file('node_modules/dep/lib/map.js', 'module.exports = 3;\n');
    expect(await hashContext(unwrap(await planContext(recipe)))).not.toBe(hash);
    await file('modules/sample/index.js', "require('sdk'); // changed\n");
    const changedCode = await hashContext(unwrap(await planContext(recipe)));
    expect(changedCode).not.toBe(hash);
    // Docs and types are not inputs.
    await file('node_modules/sdk/README.md', '# sdk, reworded\n');
    expect(await hashContext(unwrap(await planContext(recipe)))).toBe(changedCode);

    await writeRecipe('no-package', { image: 'gatehouse-test/no-package:test', description: 'x', nodeModules: ['not-installed'] });
    expect(await planContext(unwrap(await loadRecipe(dir, 'no-package')))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await writeRecipe('no-folder', { image: 'gatehouse-test/no-folder:test', description: 'x', folders: { '/app': '../modules/absent' } });
    expect(await planContext(unwrap(await loadRecipe(dir, 'no-folder')))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await writeRecipe('bad-fields', { image: 'gatehouse-test/bad:test', description: 'x', folders: { '/app': '/etc' }, nodeModules: ['../escape'], base: 'Not A Recipe' });
    const bad = await loadRecipe(dir, 'bad-fields');
    const issues = !bad.ok ? ((bad.error.details as { issues: Array<{ path: unknown[] }> }).issues ?? []) : [];
    expect(issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['folders./app', 'nodeModules.0', 'base']));
  });

  it('the sample module recipes build on the node base with the SDK closure', async () => {
    for (const name of ['sample-temperature-sensor', 'sample-filter', 'sample-method-responder']) {
      const recipe = unwrap(await loadRecipe(defaultRecipesDir(), name));
      expect(recipe).toMatchObject({ image: `gatehouse/${name}:1.0`, base: 'node-module-base', nodeModules: ['azure-iot-device', 'azure-iot-device-mqtt'] });
      const targets = unwrap(await planContext(recipe)).map((e) => e.target);
      expect(targets).toEqual(expect.arrayContaining(['rootfs/app/index.js', 'rootfs/app/logic.js', 'node_modules/azure-iot-device/package.json', 'node_modules/azure-iot-mqtt-base/package.json', 'node_modules/debug/package.json']));
      expect(targets.filter((t) => t.startsWith('node_modules/@types/') || t.endsWith('.d.ts') || t.endsWith('.map'))).toEqual([]);
    }
  });
});
