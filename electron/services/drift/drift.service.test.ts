import type Dockerode from 'dockerode';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DriftReport } from '../../../shared/ipc/drift.contract';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { testDeployment } from '../../runtime/agent/agent.test-util';
import { newRunId, requireEngine, requireTestImages, waitFor } from '../../runtime/drivers/test-engine.test-util';
import { createHost, type Host } from '../../host/host';
import { approvedPath } from './drift.service';
import { disposeEngineHost } from '../../host/host.test-util';

/** Drift on the real engine: approve what runs, change an env value, see drift at that field; in sync after re-applying. */

const runId = newRunId();
const dataDir = mkdtempSync(join(tmpdir(), 'gh-drift-'));
let docker: Dockerode;
let host: Host;
const name = `drift-${runId}`;
const deployment = (mode: string) => testDeployment(runId, { [name]: { cmd: ['run'], env: { MODE: mode } } });

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module']);
  host = createHost({ dataDir, shell: 'served', env: { ...process.env, GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_DEVICE_ID: `gw-${runId}` }, localHub: false, log: () => undefined });
}, 300_000);

afterAll(() => disposeEngineHost(host, docker, runId, dataDir), 60_000);

async function applyAndRun(text: string, mode: string): Promise<void> {
  const applied = await host.dispatcher.invoke('runtime.apply', { text, overrideForeignRuntime: true });
  expect(applied.ok).toBe(true);
  await waitFor(`the module to run with MODE=${mode}`, async () => {
    const status = await host.dispatcher.invoke('runtime.status', {});
    const s = status.ok ? (status.value as RuntimeSnapshot) : undefined;
    const row = s?.modules.find((m) => m.name === name && m.runtimeStatus === 'running' && m.containerId);
    if (!row?.containerId || s?.agent.state !== 'converged') return undefined;
    const env = (await docker.getContainer(row.containerId).inspect()).Config.Env ?? [];
    return env.includes(`MODE=${mode}`) ? row : undefined;
  });
}

async function drift(): Promise<DriftReport> {
  const result = await host.dispatcher.invoke('drift.drift', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value as DriftReport;
}

const differing = (report: DriftReport) => report.modules.flatMap((m) => m.fields.filter((f) => f.verdict !== 'in-sync').map((f) => `${m.name}.${f.field}:${f.verdict}`));

it('approve what runs, change an env value: drift at env; in sync again after re-applying the approved one', async () => {
  await applyAndRun(deployment('a'), 'a');

  const before = await drift();
  expect(before.approved).toBeNull();
  expect(before.drifted).toBe(true);

  const approved = await host.dispatcher.invoke('drift.approve', { from: 'running' });
  expect(approved.ok).toBe(true);
  // Kept sealed in the data folder (the manifest can hold registry passwords).
  expect(readFileSync(approvedPath(dataDir), 'utf8')).not.toContain('MODE');
  const kept = JSON.parse((await host.secrets.readFile(approvedPath(dataDir))) ?? '') as { sha256: string; text: string; approvedBy: string };
  expect(kept.text).toContain('"MODE"');
  expect(kept.sha256).toMatch(/^[0-9a-f]{64}$/);

  const inSync = await drift();
  expect(differing(inSync)).toEqual([]);
  expect(inSync.notes).toEqual([]);
  expect(inSync.drifted).toBe(false);
  const module = inSync.modules.find((m) => m.name === name)!;
  expect(module.imageId).toMatch(/^sha256:/);
  expect(module.fields.find((f) => f.field === 'env')).toMatchObject({ approved: { MODE: 'a' }, desired: { MODE: 'a' }, running: { MODE: 'a' }, verdict: 'in-sync' });

  await applyAndRun(deployment('b'), 'b');
  const changed = await drift();
  expect(changed.drifted).toBe(true);
  expect(differing(changed)).toEqual([`${name}.env:desired-differs`]);
  expect(changed.modules.find((m) => m.name === name)!.fields.find((f) => f.field === 'env')).toMatchObject({ approved: { MODE: 'a' }, desired: { MODE: 'b' }, running: { MODE: 'b' } });

  // Approve a manifest file (the changed one), then re-apply the first: drift the other way, then back in sync.
  const file = join(dataDir, 'approved-b.json');
  writeFileSync(file, deployment('b'));
  expect((await host.dispatcher.invoke('drift.approve', { path: file })).ok).toBe(true);
  expect(differing(await drift())).toEqual([]);

  await host.dispatcher.invoke('drift.approve', { from: 'running' });
  await applyAndRun(deployment('a'), 'a');
  expect(differing(await drift())).toEqual([`${name}.env:desired-differs`]);
  await applyAndRun(deployment('b'), 'b');
  const back = await drift();
  expect(differing(back)).toEqual([]);
  expect(back.drifted).toBe(false);
}, 180_000);

it('refuses a file that is not a deployment, and a relative path', async () => {
  const file = join(dataDir, 'not-a-deployment.json');
  writeFileSync(file, '{"hello":1}');
  const refused = await host.dispatcher.invoke('drift.approve', { path: file });
  expect(refused.ok ? undefined : refused.error.code).toBe('INVALID_MANIFEST');
  const relative = await host.dispatcher.invoke('drift.approve', { path: 'x.json' });
  expect(relative.ok ? undefined : relative.error.code).toBe('BAD_REQUEST');
});

it('approves a manifest of the open workspace by its workspace path; no workspace, a path outside it and a missing file are refused', async () => {
  const none = await host.dispatcher.invoke('drift.approve', { workspacePath: 'deployment.json' });
  expect(none.ok ? undefined : none.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No workspace folder is open') });
  const folder = mkdtempSync(join(tmpdir(), 'gh-drift-workspace-'));
  try {
    mkdirSync(join(folder, 'config'));
    writeFileSync(join(folder, 'config', 'deployment.json'), deployment('w'));
    const opened = await host.dispatcher.invoke('workspace.open', { path: folder });
    if (!opened.ok) throw new Error(opened.error.message);
    const root = (opened.value as { root: string }).root;
    const approved = await host.dispatcher.invoke('drift.approve', { workspacePath: 'config/deployment.json' });
    if (!approved.ok) throw new Error(approved.error.message);
    expect(approved.value).toMatchObject({ source: { kind: 'file', path: join(root, 'config', 'deployment.json') } });
    const shown = await host.dispatcher.invoke('drift.approved', {});
    expect(shown.ok && (shown.value as { approved: { text: string } }).approved.text).toContain('"w"');
    for (const path of ['../outside.json', 'config/missing.json']) {
      const refused = await host.dispatcher.invoke('drift.approve', { workspacePath: path });
      expect(refused.ok, path).toBe(false);
    }
  } finally {
    await host.dispatcher.invoke('workspace.close', {});
    rmSync(folder, { recursive: true, force: true });
  }
});

it('a container killed behind the agent (restart policy never): running differs from desired at status', async () => {
  const never = `never-${runId}`;
  const text = testDeployment(runId, { [never]: { cmd: ['run'], restartPolicy: 'never' } });
  expect((await host.dispatcher.invoke('runtime.apply', { text, overrideForeignRuntime: true })).ok).toBe(true);
  const row = await waitFor('the module to run', async () => {
    const status = await host.dispatcher.invoke('runtime.status', {});
    const s = status.ok ? (status.value as RuntimeSnapshot) : undefined;
    return s?.agent.state === 'converged' ? s.modules.find((m) => m.name === never && m.runtimeStatus === 'running' && m.containerId) : undefined;
  });
  expect((await host.dispatcher.invoke('drift.approve', { from: 'running' })).ok).toBe(true);
  expect(differing(await drift())).toEqual([]);

  await docker.getContainer(row.containerId!).kill();
  const report = await waitFor('drift at status', async () => {
    const r = await drift();
    return differing(r).length > 0 ? r : undefined;
  });
  expect(differing(report)).toEqual([`${never}.status:running-differs`]);
  const status = report.modules.find((m) => m.name === never)!.fields.find((f) => f.field === 'status')!;
  expect(status).toMatchObject({ approved: 'running', desired: 'running' });
  expect(status.running).not.toBe('running');
}, 120_000);
