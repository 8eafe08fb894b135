import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, RollbackResult, RollbackState } from '../../../shared/ipc/rollback.contract';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { createHost, type Host } from '../../host/host';
import { testDeployment } from '../../runtime/agent/agent.test-util';
import { newRunId, removeTestResources, requireEngine, requireTestImages, TEST_LABEL, waitFor } from '../../runtime/drivers/test-engine.test-util';

/**
 * Last-known-good on the real console: the real engine, the edge hub and the embedded local hub (all on free
 * ports), the commissioning checks judging each deployment within a short window. A good deployment becomes good;
 * a crash-looping one is marked bad, naming the failing check; `rollback` brings the good containers back; with
 * automatic rollback on, a bad deployment is rolled back by itself and the state says so.
 */

const WINDOW_MS = 12_000;
const runId = newRunId();
const GOOD = `steady-${runId}`;
const LOOPING = `looping-${runId}`;
const dataDir = mkdtempSync(join(tmpdir(), 'gh-rollback-'));
let docker: Dockerode;
let host: Host;

const good = () => testDeployment(runId, { [GOOD]: { cmd: ['run'] } });
const bad = () => testDeployment(runId, { [GOOD]: { cmd: ['run'] }, [LOOPING]: { cmd: ['sh', '-c', 'exit 3'], restartPolicy: 'always' } });

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await host.dispatcher.invoke(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

const entry = async (id: string) => (await call<HistoryEntry[]>('rollback.history')).find((e) => e.id === id);
const judged = (id: string) =>
  waitFor(
    `${id} to be judged`,
    async () => {
      const e = await entry(id);
      return e && e.verdict !== 'pending' ? e : undefined;
    },
    WINDOW_MS + 60_000,
  );

async function containers(): Promise<{ name: string; state: string }[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${runId}`] } });
  return list.map((c) => ({ name: (c.Names[0] ?? '').replace(/^\//, ''), state: c.State }));
}

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module']);
  const ports = { GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_MQTT_PORT: '0', GATEHOUSE_LOCALHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_AMQP_PORT: '0' };
  host = createHost({
    dataDir,
    shell: 'served',
    env: { ...process.env, ...ports, GATEHOUSE_DEVICE_ID: `rollback-${runId}`, GATEHOUSE_RECONCILE_PERIOD_MS: '1000', GATEHOUSE_KNOWN_GOOD_WINDOW_MS: String(WINDOW_MS), GATEHOUSE_KNOWN_GOOD_POLL_MS: '1500', GATEHOUSE_AUTO_ROLLBACK: '' },
    log: (line) => (process.env.DEBUG_ROLLBACK ? console.log(line) : undefined),
  });
  await host.ready;
  await waitFor('the edge hub and the local hub to run', async () => {
    const edge = await call<{ state: string }>('edgehub.state');
    const local = await call<{ state: string }>('localhub.state');
    return edge.state === 'running' && local.state === 'running' ? true : undefined;
  }, 60_000);
}, 300_000);

afterAll(async () => {
  host?.dispose();
  await removeTestResources(docker, runId);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('last-known-good and rollback on the real runtime', () => {
  it('a deployment whose modules run and whose runtime checks pass over the window becomes known good, with its image ids', async () => {
    expect(await call<RollbackState>('rollback.state')).toMatchObject({ auto: false, windowMs: WINDOW_MS, lastKnownGood: null, bad: null, lastRollback: null });
    const applied = await call<{ version: number }>('runtime.apply', { text: good() });
    const v = `v${applied.version}`;
    const pending = await waitFor('the apply to be recorded', () => entry(v));
    expect(pending).toMatchObject({ verdict: 'pending', origin: 'apply', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const done = await judged(v);
    expect(done.failed, JSON.stringify(done.failed)).toEqual([]);
    expect(done.verdict).toBe('good');
    expect(done.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['runtime.modules-running', 'runtime.crash-loop', 'runtime.deployment-current']));
    expect(done.images).toEqual([{ module: GOOD, image: 'gatehouse/busybox-module:test', id: expect.stringMatching(/^sha256:/), digests: expect.any(Array) }]);
    expect(Date.parse(done.judgedAt ?? '') - Date.parse(done.appliedAt)).toBeGreaterThanOrEqual(WINDOW_MS);
    expect((await call<RollbackState>('rollback.state')).lastKnownGood).toBe(v);
    // The watch runs its own checks: the Commissioning area's last report (no user run yet) is untouched.
    expect(await call('commissioning.last')).toBeNull();
    // Kept in the data folder.
    const file = JSON.parse(readFileSync(join(dataDir, 'commissioning', 'deployments.json'), 'utf8')) as { deployments: { id: string; verdict: string }[] };
    expect(file.deployments).toEqual([expect.objectContaining({ id: v, verdict: 'good' })]);
  }, 120_000);

  it('a crash-looping deployment is marked bad naming the check; rollback brings the good containers back and the history shows it all', async () => {
    const goodId = (await call<RollbackState>('rollback.state')).lastKnownGood;
    const applied = await call<{ version: number }>('runtime.apply', { text: bad() });
    const badId = `v${applied.version}`;
    const verdict = await judged(badId);
    expect(verdict.verdict).toBe('bad');
    const failing = verdict.failed.filter((f) => f.id === 'runtime.crash-loop' || f.id === 'runtime.modules-running');
    expect(failing.length, JSON.stringify(verdict.failed)).toBeGreaterThan(0);
    expect(failing.map((f) => f.detail).join(' ')).toContain(LOOPING);
    expect(await call<RollbackState>('rollback.state')).toMatchObject({ bad: { id: badId }, lastKnownGood: goodId });

    const rolled = await call<RollbackResult>('rollback.rollback', {});
    expect(rolled).toMatchObject({ from: badId, to: goodId, via: 'local', version: applied.version + 1 });
    expect(rolled.message).toMatch(new RegExp(`^Rolled back from ${badId} to ${goodId} at `));
    await waitFor(
      'the good module alone to run again',
      async () => {
        const status = await call<RuntimeSnapshot>('runtime.status');
        const live = await containers();
        return status.reconciledVersion === rolled.version && status.modules.map((m) => m.name).join() === GOOD && status.modules[0]?.runtimeStatus === 'running' && !live.some((c) => c.name.includes(LOOPING)) && live.some((c) => c.name.includes(GOOD) && c.state === 'running')
          ? true
          : undefined;
      },
      60_000,
    );
    const restoredId = `v${rolled.version ?? 0}`;
    const restored = await judged(restoredId);
    expect(restored).toMatchObject({ verdict: 'good', origin: 'rollback', restores: goodId, rolledBackFrom: badId, via: 'local' });

    const history = await call<HistoryEntry[]>('rollback.history');
    expect(history.map((h) => [h.id, h.verdict])).toEqual([
      [restoredId, 'good'],
      [badId, 'bad'],
      [goodId, 'good'],
    ]);
    // Each entry carries the change from the one before: the looping module added, then removed again.
    const added = history[1]?.diff.find((d) => d.path.includes(LOOPING));
    expect(added).toMatchObject({ op: 'add', path: `/modulesContent/$edgeAgent/properties.desired/modules/${LOOPING}` });
    expect(history[0]?.diff).toEqual([expect.objectContaining({ op: 'remove', path: `/modulesContent/$edgeAgent/properties.desired/modules/${LOOPING}` })]);
    expect(history[2]).toMatchObject({ previous: null });
    expect((await call<RollbackState>('rollback.state')).lastRollback).toMatchObject({ from: badId, to: goodId, automatic: false, via: 'local' });
  }, 240_000);

  it('with automatic rollback on, a bad deployment is rolled back by itself and the state says so', async () => {
    const state = await call<RollbackState>('rollback.setAuto', { auto: true });
    expect(state.auto).toBe(true);
    const lastGood = state.lastKnownGood;
    const applied = await call<{ version: number }>('runtime.apply', { text: bad() });
    const badId = `v${applied.version}`;
    expect((await judged(badId)).verdict).toBe('bad');
    const after = await waitFor(
      'the automatic rollback',
      async () => {
        const s = await call<RollbackState>('rollback.state');
        return s.lastRollback?.automatic ? s : undefined;
      },
      30_000,
    );
    expect(after.lastRollback).toMatchObject({ from: badId, to: lastGood, automatic: true });
    expect(after.lastRollback?.message).toMatch(new RegExp(`^Rolled back automatically from ${badId} to ${lastGood} at .+ \\(now v${applied.version + 1}\\)\\.$`));
    const autoEntry = await judged(`v${applied.version + 1}`);
    expect(autoEntry).toMatchObject({ origin: 'auto-rollback', verdict: 'good' });
    await waitFor('the looping container to be gone', async () => ((await containers()).some((c) => c.name.includes(LOOPING)) ? undefined : true), 30_000);
  }, 240_000);

  it('rollback to a deployment not in the history is refused by name', async () => {
    const result = await host.dispatcher.invoke('rollback.rollback', { to: 'v999' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('v999') });
  });
});
