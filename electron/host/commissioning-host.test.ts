import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, CheckResult } from '../../shared/commissioning/check-model';
import type { CheckProgress } from '../../shared/ipc/commissioning.contract';
import type { RuntimeSnapshot } from '../../shared/ipc/runtime.contract';
import { BUSYBOX_IMAGE, newRunId, requireEngine, requireTestImages, TEST_LABEL, waitFor } from '../runtime/drivers/test-engine.test-util';
import { createHost, type Host } from './host';
import { disposeEngineHost, waitForHubs } from './host.test-util';

/**
 * `commissioning.run` on the real console: the sample in containers on the real engine, the edge hub and the
 * embedded local hub; then each fault the issue names, injected for real (a secret and a dangling route in the
 * manifest, a stopped and a crash-looping module, a regenerated device key, a stale deployment on another device,
 * Docker not answering), each seen by the check that should see it, with its fix.
 */

const REPO = resolve(__dirname, '../..');
const runId = newRunId();
const SENSOR = `tempSensor-${runId}`;
const FILTER = `filter-${runId}`;
const DEVICE = `commission-${runId}`;
let docker: Dockerode;
let host: Host;
const dataDir = mkdtempSync(join(tmpdir(), 'gh-commission-'));
const progress: CheckProgress[] = [];

type Doc = { modulesContent: Record<string, Record<string, unknown>> };
const labels = { [TEST_LABEL]: runId };

function sample(): Doc {
  const doc = JSON.parse(readFileSync(join(REPO, 'resources/samples/sensor-filter.deployment.json'), 'utf8')) as Doc;
  const content = doc.modulesContent;
  const agent = content.$edgeAgent?.['properties.desired'] as { modules: Record<string, { settings: { createOptions?: string } }> };
  const labelled = (module: { settings: { createOptions?: string } }) => ({ ...module, settings: { ...module.settings, createOptions: JSON.stringify({ Labels: labels }) } });
  agent.modules = { [SENSOR]: labelled(agent.modules.tempSensor!), [FILTER]: labelled(agent.modules.filter!) };
  content[SENSOR] = { 'properties.desired': { SendInterval: 1 } };
  content[FILTER] = { 'properties.desired': { TemperatureThreshold: 0 } };
  delete content.tempSensor;
  delete content.filter;
  return JSON.parse(JSON.stringify(doc).replaceAll('/modules/tempSensor/', `/modules/${SENSOR}/`).replaceAll('/modules/filter/', `/modules/${FILTER}/`)) as Doc;
}

function agentOf(doc: Doc): { modules: Record<string, unknown>; runtime: { settings: Record<string, unknown> } } {
  return doc.modulesContent.$edgeAgent?.['properties.desired'] as never;
}
function routesOf(doc: Doc): Record<string, unknown> {
  return (doc.modulesContent.$edgeHub?.['properties.desired'] as { routes: Record<string, unknown> }).routes;
}

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await host.dispatcher.invoke(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

const byId = (report: CheckReport, id: string): CheckResult => {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no result ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
};

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module', 'sample-temperature-sensor', 'sample-filter']);
  host = createHost({ dataDir, shell: 'served', env: { ...process.env, GATEHOUSE_DEVICE_ID: DEVICE, GATEHOUSE_RECONCILE_PERIOD_MS: '1000' }, log: () => undefined });
  host.events.listen((wire, payload) => {
    if (wire === 'commissioning.progress') progress.push(payload as CheckProgress);
  });
  await host.ready;
  await waitForHubs(host);
}, 300_000);

afterAll(() => disposeEngineHost(host, docker, runId, dataDir), 60_000);

describe('commissioning checks on the real runtime and local hub', () => {
  it('a fresh console: no deployment is an error with its fix, and what depends on it is skipped by name', async () => {
    const report = await call<CheckReport>('commissioning.run', { endToEnd: false });
    expect(report.ok).toBe(false);
    expect(byId(report, 'config.deployment')).toMatchObject({ status: 'error', fix: expect.stringContaining('gatehouse runtime apply') });
    expect(byId(report, 'config.manifest-valid')).toMatchObject({ status: 'skipped', detail: 'Skipped: "A deployment is applied" failed.' });
    expect(byId(report, 'host.engine').status).toBe('ok');
    expect(byId(report, 'connectivity.dns').status).toBe('ok');
    // One result per hub port: HTTPS, MQTT and the Event Hubs-compatible AMQP endpoint, each through TLS with the hub's CA.
    expect(report.checks.filter((c) => c.id.startsWith('connectivity.port:')).map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    expect(byId(report, 'identity.device').status).toBe('ok');
    expect(byId(report, 'identity.certificates').status).toBe('ok');
    // Progress streamed: started with the registry, every result, then the report.
    const mine = progress.filter((p) => p.runId === report.runId);
    expect(mine[0]).toMatchObject({ phase: 'started', total: report.checks.filter((c) => !c.id.includes(':')).length + 1 });
    expect(mine.filter((p) => p.phase === 'result')).toHaveLength(report.checks.length);
    expect(mine.at(-1)).toMatchObject({ phase: 'finished', report: { runId: report.runId } });
    expect(await call<CheckReport | null>('commissioning.last')).toMatchObject({ runId: report.runId });
  });

  it('the sample running: every check passes, and each route into $upstream delivers a message with its latency', async () => {
    await call('runtime.apply', { text: JSON.stringify(sample()) });
    await waitFor(
      'the sample modules to run',
      async () => {
        const status = await call<RuntimeSnapshot>('runtime.status');
        return status.modules.length === 2 && status.modules.every((m) => m.runtimeStatus === 'running') && status.reconciledVersion === status.version ? true : undefined;
      },
      120_000,
    );
    // The edge hub creates a module's identity in the hub when the module first connects through it (as edgeAgent does on apply).
    await waitFor('the module identities in the local hub', async () => {
      const modules = await call<{ moduleId: string }[]>('cloud.moduleList', { deviceId: DEVICE });
      return [SENSOR, FILTER].every((m) => modules.some((x) => x.moduleId === m)) ? true : undefined;
    });
    const report = await call<CheckReport>('commissioning.run', { endToEnd: true, endToEndTimeoutMs: 60_000 });
    const problems = report.checks.filter((c) => c.status === 'error');
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const id of ['config.manifest-valid', 'config.secret-free', 'config.routes', 'config.images', 'runtime.modules-running', 'runtime.crash-loop', 'runtime.deployment-current', 'runtime.routes-applied', 'runtime.upstream', 'identity.modules', 'identity.key']) {
      expect(byId(report, id).status, id).toBe('ok');
    }
    const e2e = byId(report, 'e2e.route:filterToUpstream');
    expect(e2e).toMatchObject({ status: 'ok', title: 'Route filterToUpstream reaches the hub' });
    expect(e2e.data?.latencyMs).toEqual(expect.any(Number));
  }, 180_000);

  it('a secret written in the manifest and a route to a module that is not deployed are errors that name the place', async () => {
    const doc = sample();
    (agentOf(doc).modules[SENSOR] as Record<string, unknown>).env = { MessageCount: { value: '-1' }, DB_PASSWORD: { value: 'planted-secret-value' } };
    routesOf(doc).ghost = `FROM /messages/modules/${SENSOR}/outputs/* INTO BrokeredEndpoint("/modules/ghost/inputs/in")`;
    await call('runtime.apply', { text: JSON.stringify(doc) });
    const report = await call<CheckReport>('commissioning.run', { endToEnd: false });
    const secret = byId(report, 'config.secret-free');
    expect(secret.status).toBe('error');
    expect(secret.detail).toContain(`module ${SENSOR}, env DB_PASSWORD`);
    expect(JSON.stringify(report)).not.toContain('planted-secret-value');
    expect(byId(report, 'config.routes')).toMatchObject({ status: 'error', detail: expect.stringContaining('ghost names ghost') });
  }, 60_000);

  it('evidence: signed, self-contained, the planted secret nowhere; verify passes untouched and names the change when one byte of evidence.json changes', async () => {
    const out = join(dataDir, 'evidence-run');
    const written = await call<{ dir: string; files: string[]; sha256: string }>('commissioning.evidence', { out });
    expect(written.files.sort()).toEqual(['evidence.html', 'evidence.json', 'evidence.json.sig']);
    const json = readFileSync(join(out, 'evidence.json'), 'utf8');
    const html = readFileSync(join(out, 'evidence.html'), 'utf8');
    const evidence = JSON.parse(json) as { device: { deviceId: string }; manifest: { sha256: string }; modules: { name: string }[]; checks: unknown; logs: unknown[]; generatedBy: { user: string } };
    expect(evidence.device.deviceId).toBe(DEVICE);
    expect(evidence.modules.map((m) => m.name)).toEqual(expect.arrayContaining([SENSOR, FILTER]));
    expect(evidence.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(evidence.checks).not.toBeNull();
    expect(evidence.generatedBy.user).not.toBe('');
    for (const text of [json, html, readFileSync(join(out, 'evidence.json.sig'), 'utf8')]) expect(text).not.toContain('planted-secret-value');
    // Self-contained: no script, nothing fetched.
    expect(html).not.toMatch(/<script|src="http|href="http/i);
    expect(html).toContain(written.sha256);
    expect(await call('commissioning.evidenceVerify', { dir: out })).toMatchObject({ ok: true, signedHere: true, sha256: written.sha256 });
    // Never overwritten.
    await expect(call('commissioning.evidence', { out })).rejects.toThrow(/never overwritten/);
    // One byte changed: refused, and the reason says so.
    const bytes = readFileSync(join(out, 'evidence.json'));
    const i = bytes.indexOf(Buffer.from(DEVICE));
    bytes[i] = bytes[i] === 0x63 ? 0x64 : 0x63;
    writeFileSync(join(out, 'evidence.json'), bytes);
    expect(await call('commissioning.evidenceVerify', { dir: out })).toMatchObject({ ok: false, reason: expect.stringContaining('evidence.json changed after it was signed') });
  }, 60_000);

  it('a stopped module and a crash-looping one are each named, with the fix', async () => {
    const doc = sample();
    const failing = (restartPolicy: string) => ({
      version: '1.0',
      type: 'docker',
      status: 'running',
      restartPolicy,
      settings: { image: BUSYBOX_IMAGE, createOptions: JSON.stringify({ Cmd: ['sh', '-c', 'exit 3'], Labels: labels }) },
    });
    agentOf(doc).modules[`stopped-${runId}`] = failing('never');
    agentOf(doc).modules[`looping-${runId}`] = failing('always');
    await call('runtime.apply', { text: JSON.stringify(doc) });
    await waitFor(
      'the looping module to restart again and again',
      async () => {
        const status = await call<RuntimeSnapshot>('runtime.status');
        const looping = status.modules.find((m) => m.name === `looping-${runId}`);
        const stopped = status.modules.find((m) => m.name === `stopped-${runId}`);
        return looping && (looping.runtimeStatus === 'backoff' || looping.restartCount >= 3) && stopped && stopped.runtimeStatus !== 'running' && stopped.runtimeStatus !== 'unknown' ? true : undefined;
      },
      90_000,
    );
    const report = await call<CheckReport>('commissioning.run', { endToEnd: false });
    const running = byId(report, 'runtime.modules-running');
    expect(running.status).toBe('error');
    expect(running.detail).toContain(`stopped-${runId}`);
    expect(running.fix).toContain('gatehouse runtime logs');
    const loop = byId(report, 'runtime.crash-loop');
    expect(loop.status).toBe('error');
    expect(loop.detail).toContain(`looping-${runId}`);
    expect(loop.detail).not.toContain(`stopped-${runId}`);
  }, 150_000);

  it('a stale deployment on a device: desired and reported versions both shown; host checks are the device’s own', async () => {
    const other = `stale-${runId}`;
    await call('cloud.deviceCreate', { deviceId: other, edgeEnabled: true });
    await call('cloud.setModules', { deviceId: other, content: sample() });
    const report = await call<CheckReport>('commissioning.run', { device: other, endToEnd: false });
    expect(report.target).toMatchObject({ deviceId: other, runtime: 'remote' });
    const stale = byId(report, 'runtime.deployment-current');
    expect(stale.status).toBe('error');
    expect(stale.detail).toMatch(/desired version \d+, reported lastDesiredVersion 0/);
    expect(byId(report, 'config.deployment')).toMatchObject({ status: 'ok', data: { source: 'device-twins' } });
    expect(byId(report, 'host.engine').status).toBe('skipped');
    expect(byId(report, 'identity.device').status).toBe('ok');
  }, 60_000);

  it('a regenerated device key: the runtime’s key is refused', async () => {
    await call('cloud.deviceRegenerateKeys', { deviceId: DEVICE, which: 'both' });
    const report = await call<CheckReport>('commissioning.run', { endToEnd: false });
    const key = byId(report, 'identity.key');
    expect(key.status).toBe('error');
    expect(key.fix).toContain('connection string');
  }, 60_000);
});

describe('commissioning checks with Docker not answering and no hub', () => {
  it('the engine check fails with its fix; the checks that need the engine or the hub say why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-commission-nodocker-'));
    const lonely = createHost({ dataDir: dir, shell: 'served', dockerSocketPath: join(dir, 'no-docker.sock'), env: { ...process.env, GATEHOUSE_DEVICE_ID: `nodocker-${runId}` }, localHub: false, edgeHub: false, log: () => undefined });
    try {
      await lonely.ready;
      const result = await lonely.dispatcher.invoke('commissioning.run', { endToEnd: false });
      if (!result.ok) throw new Error(result.error.message);
      const report = result.value as CheckReport;
      expect(byId(report, 'host.engine')).toMatchObject({ status: 'error', fix: expect.stringContaining('Start the engine') });
      expect(byId(report, 'connectivity.dns')).toMatchObject({ status: 'error', fix: expect.stringContaining('Settings › Hubs') });
      expect(byId(report, 'identity.device').status).toBe('skipped');
      expect(report.ok).toBe(false);
    } finally {
      lonely.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
