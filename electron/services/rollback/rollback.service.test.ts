import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, RollbackResult, RollbackState } from '../../../shared/ipc/rollback.contract';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { waitFor } from '../../runtime/drivers/test-engine.test-util';
import { BUSYBOX_IMAGE, SENSOR_IMAGE, useRollbackConsole, WINDOW_MS } from './rollback.test-util';

/**
 * Last-known-good on the real console (rollback.test-util.ts: the real engine, the edge hub and the local hub, the
 * sample sensor as the good deployment, a crash-looping image as the bad one). The good one becomes known good; the
 * bad one is marked bad and its readings stop; `rollback` brings the sensor's container back and its readings arrive
 * at the hub again; with automatic rollback on, a bad deployment is rolled back by itself and the state says so.
 */

const { SENSOR, dataDir, host, call, good, bad, entry, judged, containers, arrivals, readingAfter } = useRollbackConsole('rollback');

describe('last-known-good and rollback on the real runtime', () => {
  it('a deployment whose modules run, whose readings reach the hub and whose runtime checks pass over the window becomes known good, with its image ids', async () => {
    expect(await call<RollbackState>('rollback.state')).toMatchObject({ auto: false, windowMs: WINDOW_MS, lastKnownGood: null, bad: null, lastRollback: null });
    const applied = await call<{ version: number }>('runtime.apply', { text: good() });
    const v = `v${applied.version}`;
    const pending = await waitFor('the apply to be recorded', () => entry(v));
    expect(pending).toMatchObject({ verdict: 'pending', origin: 'apply', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const done = await judged(v);
    expect(done.failed, JSON.stringify(done.failed)).toEqual([]);
    expect(done.verdict).toBe('good');
    expect(done.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['runtime.modules-running', 'runtime.crash-loop', 'runtime.deployment-current']));
    // The route into $upstream was watched: a reading went through the edge hub and arrived at the hub.
    expect(done.checks.find((c) => c.id.startsWith('e2e.route'))).toMatchObject({ status: 'ok' });
    expect(done.images).toEqual([{ module: SENSOR, image: SENSOR_IMAGE, id: expect.stringMatching(/^sha256:/), digests: expect.any(Array) }]);
    expect(arrivals.length).toBeGreaterThan(0);
    expect(Date.parse(done.judgedAt ?? '') - Date.parse(done.appliedAt)).toBeGreaterThanOrEqual(WINDOW_MS);
    expect((await call<RollbackState>('rollback.state')).lastKnownGood).toBe(v);
    // The watch runs its own checks: the Commissioning area's last report (no user run yet) is untouched.
    expect(await call('commissioning.last')).toBeNull();
    // Kept in the data folder.
    const file = JSON.parse((await host().secrets.readFile(join(dataDir, 'commissioning', 'deployments.json'))) ?? '') as { deployments: { id: string; verdict: string }[] };
    expect(file.deployments).toEqual([expect.objectContaining({ id: v, verdict: 'good' })]);
  }, 120_000);

  it('a crash-looping image is marked bad naming the check and its readings stop; rollback brings the good container back, the readings resume, and the history shows it all', async () => {
    const goodId = (await call<RollbackState>('rollback.state')).lastKnownGood;
    const applied = await call<{ version: number }>('runtime.apply', { text: bad() });
    const badId = `v${applied.version}`;
    const verdict = await judged(badId);
    expect(verdict.verdict).toBe('bad');
    const failing = verdict.failed.filter((f) => f.id === 'runtime.crash-loop' || f.id === 'runtime.modules-running');
    expect(failing.length, `${JSON.stringify(verdict.failed)}; runtime: ${JSON.stringify(await call('runtime.status'))}`).toBeGreaterThan(0);
    expect(failing.map((f) => f.detail).join(' ')).toContain(SENSOR);
    expect(await call<RollbackState>('rollback.state')).toMatchObject({ bad: { id: badId }, lastKnownGood: goodId });
    // The sensor's container now runs the looping image: no reading has arrived for a while.
    expect((await containers()).filter((c) => c.name.includes(SENSOR)).map((c) => c.image)).toEqual([BUSYBOX_IMAGE]);
    const quietSince = Date.now() - 3_000;
    expect(arrivals.filter((a) => a.atMs > quietSince)).toEqual([]);

    const rolled = await call<RollbackResult>('rollback.rollback', {});
    expect(rolled).toMatchObject({ from: badId, to: goodId, via: 'local', version: applied.version + 1 });
    expect(rolled.message).toMatch(new RegExp(`^Rolled back from ${badId} to ${goodId} at `));
    const rolledAt = Date.now();
    await waitFor(
      'the sensor to run its own image again',
      async () => {
        const status = await call<RuntimeSnapshot>('runtime.status');
        const live = (await containers()).filter((c) => c.name.includes(SENSOR));
        return status.reconciledVersion === rolled.version && status.modules.map((m) => m.name).join() === SENSOR && status.modules[0]?.runtimeStatus === 'running' && live.length === 1 && live[0]?.image === SENSOR_IMAGE && live[0].state === 'running'
          ? true
          : undefined;
      },
      60_000,
    );
    // Telemetry resumes: a reading sent after the rollback arrives at the hub.
    await readingAfter('a reading of the restored sensor at the hub', rolledAt);
    const restoredId = `v${rolled.version ?? 0}`;
    const restored = await judged(restoredId);
    expect(restored).toMatchObject({ verdict: 'good', origin: 'rollback', restores: goodId, rolledBackFrom: badId, via: 'local' });

    const history = await call<HistoryEntry[]>('rollback.history');
    expect(history.map((h) => [h.id, h.verdict])).toEqual([
      [restoredId, 'good'],
      [badId, 'bad'],
      [goodId, 'good'],
    ]);
    // Each entry carries the change from the one before: the sensor's image swapped, then swapped back.
    const image = `/modulesContent/$edgeAgent/properties.desired/modules/${SENSOR}/settings/image`;
    expect(history[1]?.diff).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'replace', path: image })]));
    expect(history[0]?.diff).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'replace', path: image })]));
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
    expect((await containers()).filter((c) => c.name.includes(SENSOR)).map((c) => c.image)).toEqual([SENSOR_IMAGE]);
    await readingAfter('a reading after the automatic rollback', Date.parse(autoEntry.appliedAt));
  }, 240_000);

  it('rollback to a deployment not in the history is refused by name', async () => {
    const result = await host().dispatcher.invoke('rollback.rollback', { to: 'v999' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('v999') });
  });
});
