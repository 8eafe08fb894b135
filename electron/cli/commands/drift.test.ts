import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../../shared/ipc/drift.contract';
import { testDeployment } from '../../runtime/agent/agent.test-util';
import { BIN, startServeProcess, stopServeProcess } from '../served-console.test-util';

/**
 * `gatehouse drift` and `gatehouse drift approve` against a running console (the built bin): nothing approved → exit 1
 * saying so; approving with nothing applied is refused (exit 1); a manifest file at a relative path is approved
 * (--json: its SHA-256, who, when, the absolute path); drift then names each approved module missing (exit 1).
 * Drift of running containers is tested on the real engine in electron/services/drift/drift.service.test.ts.
 */

const home = mkdtempSync(join(tmpdir(), 'gh-cli-drift-'));
const work = mkdtempSync(join(tmpdir(), 'gh-cli-drift-work-'));
let console_: ChildProcess | undefined;

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 120_000 });

beforeAll(async () => {
  console_ = await startServeProcess(home);
}, 60_000);

afterAll(async () => {
  await stopServeProcess(console_);
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('gatehouse drift', () => {
  it('nothing approved: exit 1, saying how to approve', () => {
    const run = cli(['drift']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('Nothing is approved');
  });

  it('approve --running with nothing applied is refused', () => {
    const run = cli(['drift', 'approve', '--running', '--json']);
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('approve a file (relative path), then drift --json names the approved module missing; exit 1', () => {
    writeFileSync(join(work, 'approved.json'), testDeployment('cli-drift', { sensor: { cmd: ['run'], env: { MODE: 'a' } } }));
    const approve = cli(['drift', 'approve', 'approved.json', '--json']);
    expect(approve.status, approve.stderr).toBe(0);
    const approved = JSON.parse(approve.stdout) as { sha256: string; approvedBy: string; source: { kind: string; path: string } };
    expect(approved.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(approved.source).toEqual({ kind: 'file', path: join(work, 'approved.json') });

    const run = cli(['drift', '--json']);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as DriftReport;
    expect(report.drifted).toBe(true);
    expect(report.approved?.sha256).toBe(approved.sha256);
    expect(report.modules.find((m) => m.name === 'sensor')).toMatchObject({ verdict: 'missing', presence: { approved: true, desired: false, running: false } });

    const text = cli(['drift']);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('✗ sensor: missing');
  });

  it('--device <id> a device the hub does not know: exit 1 with the hub\'s reason', () => {
    const run = cli(['drift', '--device', 'no-such-device-drift', '--json']);
    expect(run.status, run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('refuses a file and --running together, and a file that is not a deployment', () => {
    expect(cli(['drift', 'approve', 'approved.json', '--running']).status).toBe(2);
    writeFileSync(join(work, 'other.json'), '{"a":1}');
    const run = cli(['drift', 'approve', 'other.json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Not a deployment manifest');
  });
});
