import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../test-engine.test-util';
import { resolveNodeModules } from './node-modules';

describe('resolveNodeModules', () => {
  let root: string;
  const pkg = async (dir: string, manifest: Record<string, unknown>) => {
    await mkdir(path.join(root, dir), { recursive: true });
    await writeFile(path.join(root, dir, 'package.json'), JSON.stringify(manifest));
    await writeFile(path.join(root, dir, 'index.js'), 'module.exports = 1;\n');
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-node-modules-'));
    // app needs a; a needs b@2 (nested under a), @s/c and optional d (not installed); @s/c needs b@1 (top).
    await pkg('node_modules/a', { name: 'a', version: '1.0.0', dependencies: { b: '^2', '@s/c': '*' }, optionalDependencies: { d: '*' }, devDependencies: { dev: '*' } });
    await pkg('node_modules/a/node_modules/b', { name: 'b', version: '2.0.0' });
    await pkg('node_modules/b', { name: 'b', version: '1.0.0' });
    await pkg('node_modules/@s/c', { name: '@s/c', version: '3.0.0', dependencies: { b: '^1' } });
    await pkg('node_modules/unused', { name: 'unused', version: '1.0.0' });
    await pkg('node_modules/broken', { name: 'broken', version: '1.0.0', dependencies: { missing: '*' } });
    await mkdir(path.join(root, 'packages/linked'), { recursive: true });
    await writeFile(path.join(root, 'packages/linked/package.json'), JSON.stringify({ name: 'linked', version: '0.1.0', dependencies: { b: '*' } }));
    await symlink(path.join(root, 'packages/linked'), path.join(root, 'node_modules/linked'));
    await mkdir(path.join(root, 'resources/images/app'), { recursive: true });
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('finds the production closure as Node would (nearest node_modules first), each package once', async () => {
    const resolved = unwrap(await resolveNodeModules(path.join(root, 'resources/images/app'), ['a', '@s/c']));
    expect(resolved.map((p) => [p.target, p.version])).toEqual([
      ['node_modules/@s/c', '3.0.0'],
      ['node_modules/a', '1.0.0'],
      ['node_modules/a/node_modules/b', '2.0.0'],
      ['node_modules/b', '1.0.0'],
    ]);
    expect(resolved.find((p) => p.name === '@s/c')?.source).toBe(path.join(root, 'node_modules/@s/c'));
  });

  it('reads a symlinked package from its real folder and keeps its place in node_modules', async () => {
    const resolved = unwrap(await resolveNodeModules(root, ['linked']));
    expect(resolved.map((p) => [p.target, p.source])).toEqual([
      ['node_modules/b', path.join(root, 'node_modules/b')],
      ['node_modules/linked', path.join(root, 'packages/linked')],
    ]);
  });

  it('says which package needs a missing dependency', async () => {
    const missing = await resolveNodeModules(root, ['broken']);
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    if (!missing.ok) expect(missing.error.message).toContain('missing (needed by broken)');
    expect(await resolveNodeModules(path.join(root, 'resources'), ['absent'])).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
