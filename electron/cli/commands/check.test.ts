import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, startServeProcess, stopServeProcess } from '../served-console.test-util';

/**
 * `gatehouse check` and `gatehouse evidence` against a running console, as scripts use them (the built bin): the
 * stable JSON shape, exit 1 when a check errs, the human output grouped with fixes, a usage error as JSON, and
 * `evidence verify` exit codes on an untouched and on a changed report.
 */

const home = mkdtempSync(join(tmpdir(), 'gh-cli-check-'));
let console_: ChildProcess | undefined;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 120_000 });

beforeAll(async () => {
  console_ = await startServeProcess(home);
}, 60_000);

afterAll(async () => {
  await stopServeProcess(console_);
  rmSync(home, { recursive: true, force: true });
});

it('check --json: one object {ok, device, checks[{id, title, group, status, detail, fix?}]}, exit 1 when a check errs', () => {
  const run = cli(['check', '--skip-end-to-end', '--json']);
  expect(run.status).toBe(1);
  const report = JSON.parse(run.stdout) as { ok: boolean; device: string; checks: Record<string, unknown>[] };
  expect(report.ok).toBe(false);
  expect(report.device).not.toBe('');
  for (const check of report.checks) {
    expect(Object.keys(check).filter((k) => !['id', 'title', 'group', 'status', 'detail', 'fix'].includes(k))).toEqual([]);
    expect(['ok', 'warning', 'error', 'skipped']).toContain(check.status);
  }
  expect(report.checks.find((c) => c.id === 'config.deployment')).toMatchObject({ status: 'error', fix: expect.stringContaining('runtime apply') });
  expect(report.checks.find((c) => c.id === 'host.engine')).toMatchObject({ status: 'ok' });
  expect(report.checks.find((c) => c.id === 'e2e.route')).toMatchObject({ status: 'skipped' });
});

it('check: human output grouped, each failure with its fix, and the verdict last', () => {
  const run = cli(['check', '--skip-end-to-end']);
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/^Configuration$/m);
  expect(run.stdout).toMatch(/\[FAIL\] A deployment is applied: No deployment is applied to the local runtime\.\n\s+fix: Apply a deployment/);
  expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^Not ready: \d+ ok, \d+ warnings?, [1-9]\d* errors?, \d+ skipped \(device \S+/);
});

it('check --timeout out of range: a usage error, as JSON with --json', () => {
  const run = cli(['check', '--timeout', '0', '--json']);
  expect(run.status).toBe(2);
  expect(JSON.parse(run.stdout)).toEqual({ error: { code: 'BAD_REQUEST', message: '--timeout is a number of seconds from 1 to 600' } });
});

it('evidence --json writes the report; verify exits 0 untouched and 1 naming the change', () => {
  const out = join(home, 'evidence-cli');
  const written = cli(['evidence', '--out', out, '--json']);
  expect(written.status).toBe(0);
  expect(JSON.parse(written.stdout)).toMatchObject({ dir: out, files: ['evidence.json', 'evidence.html', 'evidence.json.sig'], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  const verified = cli(['evidence', 'verify', out, '--json']);
  expect(verified.status).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, signedHere: true });
  // The same folder again: never overwritten.
  expect(cli(['evidence', '--out', out]).status).toBe(1);
  const file = join(out, 'evidence.json');
  const text = readFileSync(file, 'utf8');
  const changedText = text.replace('"generatedAt": "2', '"generatedAt": "3');
  expect(changedText).not.toBe(text);
  writeFileSync(file, changedText);
  const changed = cli(['evidence', 'verify', out]);
  expect(changed.status).toBe(1);
  expect(changed.stderr).toContain('evidence.json changed after it was signed');
});
