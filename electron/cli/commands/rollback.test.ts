import type Dockerode from 'dockerode';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, RollbackResult } from '../../../shared/ipc/rollback.contract';
import { testDeployment } from '../../runtime/agent/agent.test-util';
import { newRunId, removeTestResources, requireEngine, requireTestImages, waitFor } from '../../runtime/drivers/test-engine.test-util';
import { BIN, startServeProcess, stopServeProcess } from '../served-console.test-util';

/**
 * `gatehouse rollback` and `gatehouse deployments history` against a running console (the built bin, as users run
 * it; `npm run build` first) on the real engine, with a short known-good window: nothing to roll back to is exit 1;
 * a good then a crash-looping deployment show ✓ and ✗ with the failing check; rollback re-applies the good one.
 */

const WINDOW_MS = 8_000;
const runId = newRunId();
const home = mkdtempSync(join(tmpdir(), 'gh-cli-rollback-'));
const work = mkdtempSync(join(tmpdir(), 'gh-cli-rollback-work-'));
const GOOD = `steady-${runId}`;
const LOOPING = `looping-${runId}`;
const settings = {
  GATEHOUSE_KNOWN_GOOD_WINDOW_MS: String(WINDOW_MS),
  GATEHOUSE_KNOWN_GOOD_POLL_MS: '1000',
  GATEHOUSE_RECONCILE_PERIOD_MS: '1000',
  GATEHOUSE_DEVICE_ID: `cli-rollback-${runId}`,
  GATEHOUSE_EDGEHUB_MQTT_PORT: '0',
  GATEHOUSE_EDGEHUB_HTTPS_PORT: '0',
  GATEHOUSE_LOCALHUB_MQTT_PORT: '0',
  GATEHOUSE_LOCALHUB_HTTPS_PORT: '0',
  GATEHOUSE_LOCALHUB_AMQP_PORT: '0',
};
let docker: Dockerode;
let console_: ChildProcess | undefined;

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 120_000 });
const history = () => {
  const run = cli(['deployments', 'history', '--json']);
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as HistoryEntry[];
};
const judged = (id: string) =>
  waitFor(
    `${id} to be judged`,
    () => {
      const e = history().find((h) => h.id === id);
      return e && e.verdict !== 'pending' ? e : undefined;
    },
    WINDOW_MS + 60_000,
  );

function apply(name: string, text: string): string {
  writeFileSync(join(work, name), text);
  const run = cli(['runtime', 'apply', name, '--json']);
  if (run.status !== 0) throw new Error(run.stderr);
  return `v${(JSON.parse(run.stdout) as { version: number }).version}`;
}

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module']);
  const saved = { ...process.env };
  Object.assign(process.env, settings);
  try {
    console_ = await startServeProcess(home);
  } finally {
    for (const key of Object.keys(settings)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
}, 120_000);

afterAll(async () => {
  await stopServeProcess(console_);
  await removeTestResources(docker, runId);
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('gatehouse rollback and deployments history', () => {
  it('with nothing applied: an empty history, and rollback exits 1 saying there is no known good', () => {
    expect(history()).toEqual([]);
    expect(cli(['deployments', 'history']).stdout.trim()).toBe('No deployment applied yet.');
    const run = cli(['rollback', '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('No known good deployment') } });
    expect(cli(['rollback', 'v1']).status).toBe(2);
  });

  it('good then crash-looping: ✓ and ✗ with the failing check; rollback re-applies the good one', async () => {
    const goodId = apply('good.json', testDeployment(runId, { [GOOD]: { cmd: ['run'] } }));
    expect((await judged(goodId)).verdict).toBe('good');
    const badId = apply('bad.json', testDeployment(runId, { [GOOD]: { cmd: ['run'] }, [LOOPING]: { cmd: ['sh', '-c', 'exit 3'], restartPolicy: 'always' } }));
    expect((await judged(badId)).verdict).toBe('bad');

    const human = cli(['deployments', 'history']).stdout;
    expect(human).toMatch(new RegExp(`✗ ${badId} bad `));
    expect(human).toMatch(new RegExp(`runtime\\.(crash-loop|modules-running): .*${LOOPING}`));
    expect(human).toContain(`+ /modulesContent/$edgeAgent/properties.desired/modules/${LOOPING}`);
    expect(human).toMatch(new RegExp(`✓ ${goodId} good `));
    expect(human).toContain(`Last known good: ${goodId}.`);

    const run = cli(['rollback', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as RollbackResult;
    expect(result).toMatchObject({ from: badId, to: goodId, via: 'local' });
    const restored = await judged(`v${result.version ?? 0}`);
    expect(restored).toMatchObject({ verdict: 'good', origin: 'rollback', restores: goodId });
    expect(cli(['deployments', 'history']).stdout).toContain(`rollback to ${goodId} from ${badId}`);
  }, 180_000);
});
