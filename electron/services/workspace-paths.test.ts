import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRealInside, expandFolder, isRelevantFile, resolveInside } from './workspace-paths';

const ROOT = '/work/solution';

describe('resolveInside', () => {
  it.each([
    ['deployment.template.json', 'deployment.template.json'],
    ['modules/filtermodule/module.json', 'modules/filtermodule/module.json'],
    ['./modules//filtermodule/./module.json', 'modules/filtermodule/module.json'],
    ['modules/../.env', '.env'],
    ['modules\\filtermodule\\module.json', 'modules/filtermodule/module.json'],
  ])('accepts %s as %s', (input, rel) => {
    const result = resolveInside(ROOT, input);
    expect(result).toEqual({ ok: true, value: { rel, abs: join(ROOT, ...rel.split('/')) } });
  });

  it.each(['../secret.json', '..', 'modules/../../x.json', '/etc/passwd', 'C:/Windows/win.ini', '..\\x.json', 'a/../../b'])(
    'refuses the escape %s',
    (input) => {
      expect(resolveInside(ROOT, input)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'OUTSIDE_WORKSPACE' } } });
    },
  );

  it.each(['.', './', 'a/..', 'x\0y'])('refuses %j, which names no file', (input) => {
    expect(resolveInside(ROOT, input)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'BAD_PATH' } } });
  });
});

describe('checkRealInside', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('follows symbolic links and refuses one that leads out of the folder', async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'gh-ws-paths-')));
    dirs.push(base);
    const root = join(base, 'root');
    mkdirSync(join(root, 'inner'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(root, 'escape'));
    symlinkSync(join(root, 'inner'), join(root, 'alias'));
    const check = (rel: string) => checkRealInside(root, { rel, abs: join(root, ...rel.split('/')) });
    expect(await check('escape/new.json')).toMatchObject({ ok: false, error: { details: { reason: 'OUTSIDE_WORKSPACE' } } });
    expect(await check('alias/new.json')).toMatchObject({ ok: true });
    expect(await check('not/yet/there.json')).toMatchObject({ ok: true });
  });
});

describe('expandFolder', () => {
  it('expands ~ and refuses relative folders', () => {
    expect(expandFolder('~', '/home/me')).toEqual({ ok: true, value: '/home/me' });
    expect(expandFolder(' ~/edge/solution ', '/home/me')).toEqual({ ok: true, value: '/home/me/edge/solution' });
    expect(expandFolder('/srv/x/../y', '/home/me')).toEqual({ ok: true, value: '/srv/y' });
    expect(expandFolder('solution', '/home/me')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'NOT_ABSOLUTE' } } });
  });
});

describe('isRelevantFile', () => {
  it.each([
    ['deployment.template.json', true],
    ['module.json', true],
    ['.env', true],
    ['.env.local', true],
    ['Dockerfile.amd64', true],
    ['app.js', true],
    ['logo.png', false],
    ['deployment.template.json.3fa1c2.tmp', false],
    ['notes.txt~', false],
  ])('%s → %s', (name, relevant) => {
    expect(isRelevantFile(name)).toBe(relevant);
  });
});
