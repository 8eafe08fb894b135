import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckReport, CheckResult } from '../../../shared/commissioning/check-model';
import { ok } from '../../../shared/errors';
import { testDeployment } from '../../runtime/agent/agent.test-util';
import { KnownGoodStore } from './known-good.store';
import { RollbackService, type AppliedDeployment, type RollbackDeps } from './rollback.service';
import { SecretBox } from '../../runtime/secrets/secret-box';

/**
 * The service's bookkeeping with a scripted runtime (the real engine paths are in rollback.service.test.ts): the
 * rollback through the hub when the cloud drives, a restarted console judging a deployment left pending, a newer
 * apply superseding a pending one, and the store surviving a torn file.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function passingReport(version: number): CheckReport {
  const r = (id: string, data?: Record<string, unknown>): CheckResult => ({ id, title: id, group: 'runtime', status: 'ok', detail: '', durationMs: 0, ...(data ? { data } : {}) });
  return {
    runId: 'r',
    startedAt: '',
    finishedAt: '',
    target: { deviceId: 'd', runtime: 'local' },
    ok: true,
    counts: { ok: 3, warning: 0, error: 0, skipped: 0 },
    checks: [r('runtime.modules-running'), r('runtime.crash-loop'), r('runtime.deployment-current', { desiredVersion: version, reportedVersion: version })],
  };
}

function setup(driver: 'local' | 'cloud' = 'local') {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-rollback-unit-'));
  dirs.push(dataDir);
  let applied: AppliedDeployment | undefined;
  const listeners: (() => void)[] = [];
  const calls = { local: [] as string[], hub: [] as Record<string, unknown>[] };
  const deps: RollbackDeps = {
    store: new KnownGoodStore(dataDir, new SecretBox(dataDir)),
    applied: () => applied,
    onDidChange: (l) => (listeners.push(l), { dispose: () => undefined }),
    runChecks: async () => ok(passingReport(applied?.version ?? 0)),
    imageDetails: async () => ({ id: 'sha256:abc', digests: ['busybox@sha256:def'] }),
    driver: () => driver,
    applyLocal: async (text) => {
      calls.local.push(text);
      return ok({ version: (applied?.version ?? 0) + 1 });
    },
    setModules: async (content) => (calls.hub.push(content), ok({})),
    windowMs: 1,
    pollMs: 1,
  };
  const applyNow = (version: number, text: string, cloudVersion?: number) => {
    applied = { version, ...(cloudVersion !== undefined ? { cloudVersion } : {}), appliedAt: new Date().toISOString(), deployment: text };
    for (const l of listeners) l();
  };
  return { dataDir, deps, calls, applyNow, setApplied: (a: AppliedDeployment) => (applied = a) };
}

const A = testDeployment('unit', { a: { cmd: ['run'] } });
const B = testDeployment('unit', { b: { cmd: ['run'] } });

describe('RollbackService bookkeeping', () => {
  it('when the cloud drives the runtime, rollback sends the known-good content to the hub (set-modules), not to the local runtime', async () => {
    const t = setup('cloud');
    const service = new RollbackService(t.deps);
    t.applyNow(1, A);
    await service.settled();
    t.applyNow(2, B);
    await service.settled();
    const result = await service.rollback({ to: '1' });
    expect(result).toMatchObject({ ok: true, value: { from: 'v2', to: 'v1', via: 'hub', message: expect.stringContaining('through the hub') } });
    expect(t.calls.local).toEqual([]);
    expect(t.calls.hub).toEqual([JSON.parse(A)]);
    service.dispose();
  });

  it('when the hub drives, the checks report the hub versions: a deployment the runtime applied from desired $version 3 (its own version 9) is judged against 3', async () => {
    const t = setup('cloud');
    // The checks see the hub's versions: desired $version 3, reported lastDesiredVersion 3.
    const service = new RollbackService({ ...t.deps, runChecks: async () => ok(passingReport(3)) });
    t.applyNow(9, A, 3);
    await service.settled();
    const history = await service.history();
    expect(history.ok && history.value.map((h) => [h.id, h.cloudVersion, h.verdict, h.failed])).toEqual([['v9', 3, 'good', []]]);
    service.dispose();
  });

  it('a deployment left pending by a restarted console is judged again', async () => {
    const t = setup();
    const first = new RollbackService({ ...t.deps, runChecks: () => new Promise(() => undefined) });
    t.applyNow(1, A);
    await expect.poll(async () => (await new KnownGoodStore(t.dataDir, new SecretBox(t.dataDir)).load()).map((d) => d.verdict)).toEqual(['pending']);
    first.dispose();
    const second = new RollbackService({ ...t.deps, store: new KnownGoodStore(t.dataDir, new SecretBox(t.dataDir)) });
    await second.settled();
    const history = await second.history();
    expect(history.ok && history.value.map((h) => [h.id, h.verdict, h.images[0]?.id])).toEqual([['v1', 'good', 'sha256:abc']]);
    second.dispose();
  });

  it('a newer apply before the verdict supersedes the pending one', async () => {
    const t = setup();
    const service = new RollbackService({ ...t.deps, runChecks: () => new Promise(() => undefined) });
    t.applyNow(1, A);
    t.applyNow(2, B);
    await expect.poll(async () => (await new KnownGoodStore(t.dataDir, new SecretBox(t.dataDir)).load()).map((d) => [d.id, d.superseded ?? false])).toEqual([
      ['v1', true],
      ['v2', false],
    ]);
    service.dispose();
  });

  it('an unreadable history file starts empty and is replaced whole at the next write', async () => {
    const t = setup();
    mkdirSync(join(t.dataDir, 'commissioning'), { recursive: true });
    writeFileSync(join(t.dataDir, 'commissioning', 'deployments.json'), '{"deployments": [ {"id": ');
    const service = new RollbackService(t.deps);
    t.applyNow(1, A);
    await service.settled();
    const file = JSON.parse((await new SecretBox(t.dataDir).readFile(join(t.dataDir, 'commissioning', 'deployments.json'))) ?? '') as { deployments: { id: string; verdict: string }[] };
    expect(file.deployments.map((d) => [d.id, d.verdict])).toEqual([['v1', 'good']]);
    service.dispose();
  });

  it('the history is sealed on disk: a registry password in a recorded manifest is not in the file', async () => {
    const t = setup();
    const password = `registry-pw-${Date.now().toString(36)}`;
    const withSecret = testDeployment('unit', { a: { cmd: ['run'] } }, { acr: { address: 'example.azurecr.io', username: 'u', password } });
    const service = new RollbackService(t.deps);
    t.applyNow(1, withSecret);
    await service.settled();
    const raw = readFileSync(join(t.dataDir, 'commissioning', 'deployments.json'), 'utf8');
    expect(raw).not.toContain(password);
    expect(raw).not.toContain('modulesContent');
    // Read back through the store: the manifest whole (a rollback re-applies it with its credentials).
    const [record] = await new KnownGoodStore(t.dataDir, new SecretBox(t.dataDir)).load();
    expect(record?.text).toContain(password);
    // What the history shows (UI, CLI): masked, in the manifest and in the diff from the deployment before.
    const changed = testDeployment('unit', { a: { cmd: ['run'] } }, { acr: { address: 'example.azurecr.io', username: 'u', password: `${password}-new` } });
    t.applyNow(2, changed);
    await service.settled();
    const history = await service.history();
    if (!history.ok) throw new Error(history.error.message);
    const shown = JSON.stringify(history.value);
    expect(shown).not.toContain(password);
    expect(history.value[0]?.diff).toEqual([expect.objectContaining({ op: 'replace', path: expect.stringMatching(/registryCredentials\/acr\/password$/), value: '[REDACTED]' })]);
    service.dispose();
  });
});
