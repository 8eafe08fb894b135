import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './served-console.test-util';

/**
 * Scripts call `gatehouse … --json` many times: a command loads only the libraries it uses. These run the built bin
 * (as users do) with a preload that writes every module file the process resolves (ESM imports through a resolve
 * hook, CommonJS requires through Module._resolveFilename) and check which npm packages were loaded.
 */

const HEAVY = ['aedes', 'classic-level', 'rhea', 'ws', 'yazl', 'jsondiffpatch'];
const MANIFEST = resolve(__dirname, 'commands/testdata/deployment.template.json');

const dir = mkdtempSync(join(tmpdir(), 'gh-cli-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOKS = `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(out, resolved.url + '\\n');
  return resolved;
}
`;
const REGISTER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const out = process.env.GATEHOUSE_TEST_LOADED;
const Module = createRequire(import.meta.url)('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  appendFileSync(out, file + '\\n');
  return file;
};
register('./hooks.mjs', import.meta.url, { data: { out } });
`;
writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
writeFileSync(join(dir, 'register.mjs'), REGISTER);

let runs = 0;

/** Runs node with the recording preload; returns the exit status, stdout and the npm packages loaded. */
function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string; packages: Set<string> } {
  const out = join(dir, `loaded-${++runs}.txt`);
  writeFileSync(out, '');
  const home = join(dir, `home-${runs}`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GATEHOUSE_HOME: home, GATEHOUSE_TEST_LOADED: out },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, packages: packagesIn(readFileSync(out, 'utf8')) };
}

/** Package names of the loaded files (`…/node_modules/<name>/…`, scoped too); a package.json read alone does not count. */
function packagesIn(list: string): Set<string> {
  const packages = new Set<string>();
  for (const line of list.split('\n')) {
    if (line.endsWith('/package.json')) continue;
    const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (match?.[1]) packages.add(match[1]);
  }
  return packages;
}

describe('gatehouse CLI start-up loads only what a command uses', () => {
  it('the recorder sees packages loaded by import and by require', () => {
    const probe = "await import('aedes'); (await import('node:module')).createRequire(import.meta.url)('ws');";
    const { status, stderr, packages } = run(['--input-type=module', '-e', probe]);
    expect(status, stderr).toBe(0);
    expect(packages).toContain('aedes');
    expect(packages).toContain('ws');
  });

  it('--help loads none of the heavy libraries', () => {
    const { status, stdout, stderr, packages } = run([BIN, '--help']);
    expect(status, stderr).toBe(0);
    expect(stdout).toMatch(/serve/);
    expect(packages).toContain('zod');
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  });

  it('validate --json loads none of the heavy libraries', () => {
    const { status, stdout, stderr, packages } = run([BIN, 'validate', MANIFEST, '--json']);
    expect(status, stderr).toBe(0);
    expect(stdout).toContain('"ok":true');
    expect(packages).toContain('jsonc-parser');
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  });

  it('status --json (its own host, no console running) loads none of the heavy libraries', () => {
    const { status, stdout, stderr, packages } = run([BIN, 'status', '--json']);
    expect(status, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ host: 'in-process' });
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  });
});
