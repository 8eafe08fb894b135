import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GATEHOUSE_VERSION } from '../host/version';
import type { CliCommand } from './command';
import { joinNegativeValues, runCli } from './main';
import { findCommand } from './registry';

const home = mkdtempSync(join(tmpdir(), 'gh-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: home, env: { GATEHOUSE_HOME: home } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('gatehouse CLI', () => {
  it('prints help listing every command', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/serve/);
    expect(stdout).toMatch(/status/);
  });

  it('prints the version, also as JSON', async () => {
    expect((await cli('--version')).stdout).toBe(GATEHOUSE_VERSION);
    expect(JSON.parse((await cli('--version', '--json')).stdout)).toEqual({ version: GATEHOUSE_VERSION });
  });

  it("takes a negative number as a string option's value (az's --top -1), and only there", () => {
    const command = { path: ['x'], summary: '', usage: '', options: { top: { type: 'string', description: '' }, all: { type: 'boolean', description: '' } }, run: async () => 0 } as const;
    expect(joinNegativeValues(['--top', '-1', 'pos'], command)).toEqual(['--top=-1', 'pos']);
    expect(joinNegativeValues(['--all', '-1'], command)).toEqual(['--all', '-1']);
    expect(joinNegativeValues(['--top', '-x'], command)).toEqual(['--top', '-x']);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect(await cli('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await cli('status', '--colour')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--colour'") });
  });

  it('with --json, a usage error is still one JSON document on stdout, for scripts', async () => {
    const unknownOption = await cli('status', '--colour', '--json');
    expect(unknownOption.code).toBe(2);
    expect(JSON.parse(unknownOption.stdout)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.stringContaining("Unknown option '--colour'") } });
    const unknownCommand = await cli('frobnicate', '--json');
    expect(JSON.parse(unknownCommand.stdout)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('unknown command "frobnicate"') } });
    expect((await cli('frobnicate')).stdout).toBe('');
  });

  it('status --json prints one document with a stable shape', async () => {
    const { code, stdout } = await cli('status', '--json');
    expect(code).toBe(0);
    const status = JSON.parse(stdout);
    expect(status).toMatchObject({ host: 'in-process', dataDir: home, version: GATEHOUSE_VERSION, runtime: { state: 'idle' }, hub: { state: 'off' } });
    // A command's own host serves no local hub (its ports belong to a console): it says so.
    expect(status.hub.reason).toMatch(/local hub is off in this process/);
    expect(['available', 'unavailable']).toContain(status.engine.state);
    // No deployment applied: nothing needs the network, and the hub is the local one.
    expect(status.connectivity).toMatchObject({ state: 'not-needed', targets: [{ kind: 'hub', state: 'not-needed' }] });
  });

  it('status says in words whether the network is needed', async () => {
    const { code, stdout } = await cli('status');
    expect(code).toBe(0);
    expect(stdout).toContain('Network:  not needed — No deployment is applied: nothing needs the network.');
  });

  it('serve refuses a bad port', async () => {
    expect(await cli('serve', '--port', 'eighty')).toMatchObject({ code: 2, stderr: expect.stringContaining('--port must be a number') });
  });

  it('runs as the package bin (bin/gatehouse.mjs)', () => {
    const bin = join(__dirname, '..', '..', 'bin', 'gatehouse.mjs');
    const result = spawnSync(process.execPath, [bin, '--version', '--json'], { encoding: 'utf8', env: { ...process.env, GATEHOUSE_HOME: home } });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: GATEHOUSE_VERSION });
  });

  it('picks the command with the longest matching path', () => {
    const make = (path: string[]): CliCommand => ({ path, summary: '', usage: '', options: {}, run: async () => 0 });
    const commands = [make(['routes']), make(['routes', 'check'])];
    expect(findCommand(['routes', 'check', 'x'], commands)?.command.path).toEqual(['routes', 'check']);
    expect(findCommand(['route'], commands)).toBeUndefined();
  });
});
