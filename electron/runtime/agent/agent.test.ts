import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import { newRunId, unwrap, waitFor, useTestEngine } from '../drivers/test-engine.test-util';
import { Agent } from './agent';
import { BESIDE_TEST_LOOKALIKES, testDeployment, TEST_RUNTIME, type TestModule } from './agent.test-util';

const runId = newRunId();
let docker: Dockerode;
const cleanups: (() => Promise<void> | void)[] = [];

useTestEngine({ runId, cleanups, onEngine: (d) => (docker = d), removeAfterEach: true });

let seq = 0;
/** Module names are container names: unique per test run. */
const uniq = (name: string) => `${name}-${runId}-${seq}`;

async function newAgent(options: { dataDir?: string; now?: () => number } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gh-agent-'));
  const driver = new DockerDriver();
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000, now: options.now, stopTimeoutSeconds: 2 });
  await agent.start();
  cleanups.push(() => {
    agent.dispose();
    driver.dispose();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return { agent, driver, dataDir };
}

async function applyAndSettle(agent: Agent, modules: Record<string, TestModule>) {
  const applied = unwrap(await agent.apply(testDeployment(runId, modules), undefined, BESIDE_TEST_LOOKALIKES), 'apply');
  await agent.settled();
  return applied;
}

const inspect = (name: string) => docker.getContainer(name).inspect();
const running = async (name: string) => ((await inspect(name).catch(() => undefined))?.State.Running ? true : undefined);

describe('Agent on a real Docker engine', () => {
  it('applies three modules: running, with IoT Edge names, labels and env', async () => {
    seq++;
    const { agent } = await newAgent();
    const [a, b, c] = [uniq('a'), uniq('b'), uniq('c')];
    const progress: string[] = [];
    const sub = agent.onDidChange((s) => s.state.state === 'reconciling' && s.state.step && progress.push(`${s.state.done}/${s.state.total} ${s.state.step}`));
    const applied = await applyAndSettle(agent, { [a]: { env: { GREETING: 'hello' } }, [b]: {}, [c]: {} });
    sub.dispose();
    expect(progress[0]).toMatch(/^0\/9 ensure image/);
    expect(progress.at(-1)).toMatch(/^8\/9 start /);
    expect(applied.plan.filter((l) => l.startsWith('create'))).toHaveLength(3);
    for (const name of [a, b, c]) await waitFor(`${name} running`, () => running(name));
    const details = await inspect(a);
    expect(details.Name).toBe(`/${a}`);
    expect(details.Config.Labels).toMatchObject({
      'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent',
      'net.azure-devices.edge.original-image': 'gatehouse/busybox-module:test',
    });
    expect(details.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', `IOTEDGE_MODULEID=${a}`, 'IOTEDGE_DEVICEID=test-gateway', 'IOTEDGE_AUTHSCHEME=sasToken']));
    expect(details.HostConfig.NetworkMode).toBe('host');
    await waitFor('converged', () => (agent.current.state.state === 'converged' && agent.current.modules.every((m) => m.runtimeStatus === 'running') ? true : undefined));
  });

  it('recreates only the module whose env, createOptions or image changed; status-only changes do not recreate', async () => {
    seq++;
    const { agent } = await newAgent();
    const [a, b, c] = [uniq('a'), uniq('b'), uniq('c')];
    const base: Record<string, TestModule> = { [a]: { env: { V: '1' } }, [b]: {}, [c]: {} };
    await applyAndSettle(agent, base);
    const ids = async () => Object.fromEntries(await Promise.all([a, b, c].map(async (n) => [n, (await inspect(n)).Id])));
    const before = await ids();

    await applyAndSettle(agent, { ...base, [a]: { env: { V: '2' } } });
    let after = await ids();
    expect(after[a]).not.toBe(before[a]);
    expect([after[b], after[c]]).toEqual([before[b], before[c]]);
    expect((await inspect(a)).Config.Env).toContain('V=2');

    await applyAndSettle(agent, { ...base, [a]: { env: { V: '2' } }, [b]: { createOptions: { StopTimeout: 3 } } });
    const third = await ids();
    expect(third[b]).not.toBe(after[b]);
    expect([third[a], third[c]]).toEqual([after[a], after[c]]);
    after = third;

    await applyAndSettle(agent, { ...base, [a]: { env: { V: '2' } }, [b]: { createOptions: { StopTimeout: 3 } }, [c]: { status: 'stopped' } });
    await waitFor(`${c} stopped`, async () => ((await inspect(c)).State.Running ? undefined : true));
    expect((await ids())[c]).toBe(after[c]);

    // A new image tag recreates that module only.
    const retagged = `gatehouse/busybox-module:retag-${runId}`;
    await docker.getImage('gatehouse/busybox-module:test').tag({ repo: 'gatehouse/busybox-module', tag: `retag-${runId}` });
    cleanups.push(async () => void (await docker.getImage(retagged).remove({ noprune: true }).catch(() => undefined)));
    const beforeTag = await ids();
    await applyAndSettle(agent, { ...base, [a]: { env: { V: '2' }, image: retagged }, [b]: { createOptions: { StopTimeout: 3 } }, [c]: { status: 'stopped' } });
    const afterTag = await ids();
    expect(afterTag[a]).not.toBe(beforeTag[a]);
    expect([afterTag[b], afterTag[c]]).toEqual([beforeTag[b], beforeTag[c]]);
    expect((await inspect(a)).Config.Labels['net.azure-devices.edge.original-image']).toBe(retagged);
  });

  it('removes a module that is no longer desired and leaves containers it did not create alone', async () => {
    seq++;
    const { agent } = await newAgent();
    const [a, b, stranger] = [uniq('a'), uniq('b'), uniq('stranger')];
    const foreign = await docker.createContainer({ name: stranger, Image: 'gatehouse/busybox-module:test', Labels: { 'gatehouse.test': runId } });
    await applyAndSettle(agent, { [a]: {}, [b]: {} });
    await applyAndSettle(agent, { [a]: {} });
    await waitFor(`${b} removed`, async () => ((await inspect(b).catch(() => undefined)) ? undefined : true));
    expect((await foreign.inspect()).Name).toBe(`/${stranger}`);
    expect(await running(a)).toBe(true);
  });

  it('refuses an invalid manifest whole: nothing changes', async () => {
    seq++;
    const { agent, dataDir } = await newAgent();
    const a = uniq('a');
    await applyAndSettle(agent, { [a]: {} });
    const id = (await inspect(a)).Id;
    const broken = testDeployment(runId, { [a]: { restartPolicy: 'sometimes' }, [uniq('new')]: {} });
    const result = await agent.apply(broken);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_MANIFEST' } });
    expect(result.ok ? [] : (result.error.details as { diagnostics: { line: number }[] }).diagnostics[0]?.line).toBeGreaterThan(1);
    await agent.settled();
    expect((await inspect(a)).Id).toBe(id);
    expect(agent.persistedDeployment?.version).toBe(1);
    const reloaded = await newAgent({ dataDir });
    expect(reloaded.agent.persistedDeployment?.version).toBe(1);
  });

  it('honours startupOrder when creating', async () => {
    seq++;
    const { agent } = await newAgent();
    const [first, second, last] = [uniq('first'), uniq('second'), uniq('last')];
    await applyAndSettle(agent, { [last]: {}, [second]: { startupOrder: 2 }, [first]: { startupOrder: 1 } });
    const started = await Promise.all([first, second, last].map(async (n) => Date.parse((await inspect(n)).State.StartedAt)));
    expect(started).toEqual([...started].sort((x, y) => x - y));
  });

  it('restarts a crash-looping module with backoff, counting restarts (fake clock, real engine)', async () => {
    seq++;
    let offset = 0;
    const { agent } = await newAgent({ now: () => Date.now() + offset });
    const crash = uniq('crash');
    await applyAndSettle(agent, { [crash]: { cmd: ['crashloop', '3'] } });
    const row = () => agent.current.modules.find((m) => m.name === crash);
    await waitFor('first crash', async () => (agent.schedule(), await agent.settled(), row()?.exitCode === 3 ? true : undefined));
    expect(row()).toMatchObject({ runtimeStatus: 'backoff', restartCount: 0 });

    for (const [restarts, coolOffSeconds] of [[1, 10], [2, 20], [3, 40]] as const) {
      // Not yet due: still waiting, no restart.
      agent.schedule();
      await agent.settled();
      expect(row()?.restartCount).toBe(restarts - 1);
      offset += (coolOffSeconds + 1) * 1000;
      await waitFor(`restart #${restarts}`, async () => (agent.schedule(), await agent.settled(), row()?.restartCount === restarts ? true : undefined));
      await waitFor(`crash after restart #${restarts}`, async () => ((await inspect(crash)).State.Running ? undefined : true));
    }
    expect(agent.restartMemory[crash]?.restartCount).toBe(3);
  }, 60_000);

  it('a restarted agent adopts running containers without restarting them', async () => {
    seq++;
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-agent-adopt-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await newAgent({ dataDir });
    const [a, b] = [uniq('a'), uniq('b')];
    await applyAndSettle(first.agent, { [a]: {}, [b]: {} });
    const before = await Promise.all([a, b].map(async (n) => (await inspect(n)).State.StartedAt));
    first.agent.dispose();

    const second = await newAgent({ dataDir });
    await second.agent.settled();
    expect(second.agent.current.state).toMatchObject({ state: 'converged' });
    const after = await Promise.all([a, b].map(async (n) => (await inspect(n)).State.StartedAt));
    expect(after).toEqual(before);
    const containers = await docker.listContainers({ all: true, filters: { name: [a] } });
    expect(containers.filter((c) => c.Names.includes(`/${a}`))).toHaveLength(1);
  });

  it('answers $edgeAgent direct methods on real containers: GetModuleLogs and RestartModule', async () => {
    seq++;
    const { agent } = await newAgent();
    const a = uniq('logger');
    await applyAndSettle(agent, { [a]: { cmd: ['run'], env: { LOG_PREFIX: 'logger', TICK_SECONDS: '0.2' } } });
    await waitFor('a few log lines', async () => ((await docker.getContainer(a).logs({ stdout: true, tail: 5 })).toString().includes('logger tick 3') ? true : undefined));
    const logs = await agent.invokeMethod('GetModuleLogs', { schemaVersion: '1.0', items: [{ id: `^${a}$`, filter: { tail: 2 } }], contentType: 'text' });
    expect(logs.status).toBe(200);
    const entries = logs.payload as { id: string; payload: string }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.id).toBe(a);
    expect(entries[0]?.payload.split('\n')).toHaveLength(2);
    expect(entries[0]?.payload).toMatch(/^logger tick \d+\nlogger tick \d+$/);

    const before = (await inspect(a)).State.StartedAt;
    expect(await agent.invokeMethod('restartModule', { schemaVersion: '1.0', id: a })).toEqual({ status: 200 });
    expect((await inspect(a)).State.StartedAt).not.toBe(before);
    expect(await agent.invokeMethod('RestartModule', { schemaVersion: '1.0', id: 'not-deployed' })).toMatchObject({ status: 500 });
  });

  it('an image that is not here and cannot be pulled fails that module with a clear message, and the rest still runs', async () => {
    seq++;
    const { agent } = await newAgent();
    const [ok1, missing] = [uniq('ok'), uniq('missing')];
    const applied = unwrap(await agent.apply(testDeployment(runId, { [ok1]: { startupOrder: 1 }, [missing]: { image: '127.0.0.1:5999/gatehouse/nowhere:1', startupOrder: 2 } }), undefined, BESIDE_TEST_LOOKALIKES), 'apply');
    expect(applied.notes.join(' ')).toMatch(/Gatehouse's own agent/);
    await agent.settled();
    // A sentence first, naming the image, the registry and what to do; the engine's own words only as detail.
    const sentence = /^The image 127\.0\.0\.1:5999\/gatehouse\/nowhere:1 for \S+ is not on this machine and could not be pulled: the registry 127\.0\.0\.1:5999 cannot be reached \(offline\?\)\. Sideload it/;
    expect(agent.current.state).toMatchObject({ state: 'failing', reason: expect.stringMatching(sentence) });
    expect(agent.current.lastDesiredStatus.code).toBe(500);
    const row = agent.current.modules.find((m) => m.name === missing);
    expect(row?.problem).toMatchObject({ summary: expect.stringMatching(sentence), detail: expect.stringMatching(/127\.0\.0\.1:5999/) });
    expect(row?.problem?.summary).not.toMatch(/\d{4}-\d\d-\d\dT|HTTP|\b500\b/);
    // When it is tried again is data (for the reader's local time), not text.
    expect(Date.parse(row?.nextRetryAt ?? '')).toBeGreaterThan(Date.now());
    expect(await running(ok1)).toBe(true);

    // A later pass of the same version, waiting for the retry, says the same and keeps the time.
    agent.schedule();
    await agent.settled();
    expect(agent.current.state).toMatchObject({ state: 'failing', reason: expect.stringMatching(sentence) });
    expect(agent.current.state.state === 'failing' && agent.current.state.reason).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(agent.current.modules.find((m) => m.name === missing)?.nextRetryAt).toBe(row?.nextRetryAt);
  });

  it('keeps the applied deployment sealed at rest: registry passwords are not in the file', async () => {
    seq++;
    const { agent, dataDir } = await newAgent();
    const a = uniq('sealed');
    const credentials = { acr: { address: 'myacr.azurecr.io', username: 'gateway', password: 'very-secret-password' } };
    unwrap(await agent.apply(testDeployment(runId, { [a]: {} }, credentials), undefined, BESIDE_TEST_LOOKALIKES), 'apply');
    await agent.settled();
    const stored = readFileSync(join(dataDir, 'runtime', 'deployment.json'), 'utf8');
    expect(stored).not.toContain('very-secret-password');
    expect(stored).not.toContain('myacr.azurecr.io');
    const reloaded = await newAgent({ dataDir });
    expect(reloaded.agent.desiredDeployment?.registryCredentials).toEqual([{ address: 'myacr.azurecr.io', username: 'gateway', password: 'very-secret-password' }]);
  });
});
