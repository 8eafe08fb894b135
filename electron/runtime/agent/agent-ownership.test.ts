import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import type { ContainerCreateOptions } from '../drivers/driver';
import { BUSYBOX_IMAGE, newRunId, TEST_LABEL, unwrap, waitFor, useTestEngine } from '../drivers/test-engine.test-util';
import { Agent } from './agent';
import { AgentStateStore } from './agent-state.store';
import { iotEdgeLabels, testDeployment, TEST_RUNTIME, withIotEdgeLookalikes, type TestModule } from './agent.test-util';
import { containerSpec } from './container-spec';
import { deploymentFrom } from './desired-state';

/**
 * Issue 9, part 6: ownership is per Gatehouse instance (data folder). On the real engine, with real containers
 * labelled as IoT Edge labels them: another instance's containers, an IoT Edge runtime's and those of Gatehouse
 * versions before instance labels are never stopped, removed or recreated; they show as not managed here with
 * their apparent owner; apply refuses beside a real IoT Edge runtime unless overridden.
 */

const runId = newRunId();
let docker: Dockerode;
const cleanups: (() => Promise<void> | void)[] = [];

useTestEngine({ runId, cleanups, onEngine: (d) => (docker = d), removeAfterEach: true });

async function newAgent(options: { dataDir?: string; aziotSocketPaths?: string[] } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gh-own-'));
  const driver = new DockerDriver();
  // No aziot sockets unless a test provides some: this machine's /run/aziot must not decide the outcome.
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000, stopTimeoutSeconds: 1, aziotSocketPaths: options.aziotSocketPaths ?? [] });
  await agent.start();
  cleanups.push(() => {
    agent.dispose();
    driver.dispose();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return { agent, dataDir };
}

async function applyAndSettle(agent: Agent, modules: Record<string, TestModule>) {
  const applied = unwrap(await agent.apply(testDeployment(runId, modules)), 'apply');
  await agent.settled();
  return applied;
}

const inspect = (name: string) => docker.getContainer(name).inspect();
/** Id, start time and state: equal before and after means the container was not stopped, removed or recreated. */
const fingerprint = async (name: string) => {
  const c = await inspect(name);
  return { id: c.Id, startedAt: c.State.StartedAt, running: c.State.Running };
};
const fingerprints = (names: string[]) => Promise.all(names.map(fingerprint));
const instanceOf = (dataDir: string) => (JSON.parse(readFileSync(join(dataDir, 'runtime', 'instance.json'), 'utf8')) as { id: string }).id;

async function runIotEdgeModule(name: string): Promise<void> {
  const c = await docker.createContainer({ name, Image: BUSYBOX_IMAGE, Cmd: ['run'], Labels: { ...iotEdgeLabels('mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5'), [TEST_LABEL]: runId }, HostConfig: { NetworkMode: 'host' } });
  await c.start();
}

describe('ownership on a real engine', () => {
  it("never touches another instance's or IoT Edge's containers, and shows them as not managed here with their owner", async () => {
    const [a1, a2, b1, edgeModule] = ['a1', 'a2', 'b1', 'iotedge-mod'].map((n) => `${n}-${runId}`) as [string, string, string, string];
    const first = await newAgent();
    await applyAndSettle(first.agent, { [a1]: { cmd: ['run'] }, [a2]: { cmd: ['run'] } });
    expect((await inspect(a1)).Config.Labels).toMatchObject({ 'io.gatehouse.instance': instanceOf(first.dataDir), 'io.gatehouse.data-dir': first.dataDir });
    await runIotEdgeModule(edgeModule);
    const theirs = [a1, a2, edgeModule];
    const before = await fingerprints(theirs);

    // A second Gatehouse on a fresh data folder: its plan has nothing for the others' containers.
    const second = await newAgent();
    expect(instanceOf(second.dataDir)).not.toBe(instanceOf(first.dataDir));
    const preview = unwrap(await second.agent.preview(testDeployment(runId, { [b1]: { cmd: ['run'] } })), 'preview');
    expect(preview.plan.map((p) => p.id)).toEqual([`ensureImage:${b1}`, `create:${b1}`, `start:${b1}`]);
    const mine = <T extends { name: string }>(rows: readonly T[]) => rows.filter((r) => r.name.endsWith(runId));
    expect(mine(preview.notManaged).map((o) => [o.name, o.owner])).toEqual([
      [a1, { kind: 'gatehouse', instanceId: instanceOf(first.dataDir), dataDir: first.dataDir }],
      [a2, { kind: 'gatehouse', instanceId: instanceOf(first.dataDir), dataDir: first.dataDir }],
      [edgeModule, { kind: 'iot-edge' }],
    ]);
    expect(preview.foreignRuntime).toEqual([]); // an IoT Edge custom module alone is not the runtime

    await applyAndSettle(second.agent, { [b1]: { cmd: ['run'] } });
    await waitFor(`${b1} running`, async () => ((await inspect(b1)).State.Running ? true : undefined));
    expect(mine(second.agent.current.notManaged).map((o) => o.name)).toEqual([a1, a2, edgeModule]);
    expect(second.agent.current.observed.map((o) => o.name)).toEqual([b1]);

    // A desired name that another instance's container has: blocked, said so, and that container left alone.
    await applyAndSettle(second.agent, { [b1]: { cmd: ['run'] }, [a1]: { cmd: ['run'] } });
    expect(second.agent.current.lastPlan).toContain(
      `cannot create ${a1}: a container with that name belongs to another Gatehouse (instance ${instanceOf(first.dataDir)}, data folder ${first.dataDir}) and is not managed here, so Gatehouse leaves it alone (rename the module, or remove that container yourself)`,
    );
    expect(second.agent.current.state).toMatchObject({ state: 'failing', reason: expect.stringContaining(`a container named ${a1} belongs to another Gatehouse`) });

    // Its $edgeAgent RestartModule does not reach the others' containers either.
    expect((await second.agent.invokeMethod('RestartModule', { schemaVersion: '1.0', id: a1 })).status).toBeGreaterThanOrEqual(400);

    // An empty deployment removes only its own module.
    await applyAndSettle(second.agent, {});
    await waitFor(`${b1} removed`, async () => ((await inspect(b1).catch(() => undefined)) ? undefined : true));
    expect(await fingerprints(theirs)).toEqual(before);
    expect(before.every((f) => f.running)).toBe(true);
  });

  it('adopts containers an earlier Gatehouse version created for this data folder, and no others', async () => {
    const [kept, dropped, stale, elsewhere] = ['kept', 'dropped', 'stale', 'elsewhere'].map((n) => `${n}-${runId}`) as [string, string, string, string];
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-own-legacy-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // What an earlier version left: its persisted deployment, and containers with IoT Edge's labels and the
    // config-hash label but no instance label (containerSpec without an instance is exactly what it wrote).
    const text = testDeployment(runId, { [kept]: { cmd: ['run'] }, [dropped]: { cmd: ['run'] }, [stale]: { cmd: ['run'] } });
    await new AgentStateStore(dataDir).saveDeployment({ version: 1, appliedAt: new Date().toISOString(), deployment: text });
    const modules = unwrap(deploymentFrom(JSON.parse(text)), 'deployment').modules;
    const legacy = async (name: string, module = modules.find((m) => m.name === name), configHash = module?.configHash ?? '') => {
      if (!module) throw new Error(`no module ${name}`);
      const spec = containerSpec({ ...module, name, configHash }, TEST_RUNTIME) as unknown as ContainerCreateOptions;
      expect(spec.Labels?.['io.gatehouse.instance']).toBeUndefined();
      const c = await docker.createContainer({ ...spec, name } as Dockerode.ContainerCreateOptions);
      await c.start();
    };
    await legacy(kept);
    await legacy(dropped);
    await legacy(stale, undefined, 'a-hash-this-folder-never-applied'); // its name, not its configuration
    await legacy(elsewhere, modules[0]); // another folder's module, with a name this folder never deployed
    const before = await fingerprints([kept, stale, elsewhere]);

    const { agent } = await newAgent({ dataDir });
    await agent.settled();
    expect(agent.current.observed.map((o) => [o.name, o.owner.kind]).sort()).toEqual([
      [dropped, 'adopted'],
      [kept, 'adopted'],
    ]);
    expect(agent.current.notManaged.filter((o) => o.name.endsWith(runId)).map((o) => [o.name, o.owner.kind])).toEqual([
      [elsewhere, 'earlier-gatehouse'],
      [stale, 'earlier-gatehouse'],
    ]);
    // Adopted: running as desired, so not restarted; `stale` is blocked, not replaced.
    expect(await fingerprints([kept, stale, elsewhere])).toEqual(before);
    expect(agent.current.lastPlan.some((l) => l.startsWith(`cannot create ${stale}`))).toBe(true);

    // A deployment without `dropped` (and `stale`) removes the adopted container it no longer wants, only that.
    await applyAndSettle(agent, { [kept]: { cmd: ['run'] } });
    expect(agent.current.lastPlan).toContain(`remove ${dropped} (in the previous deployment, not in this one)`);
    await waitFor(`${dropped} removed`, async () => ((await inspect(dropped).catch(() => undefined)) ? undefined : true));
    expect(await fingerprints([kept, stale, elsewhere])).toEqual(before);
  });

  it('refuses to apply beside a real IoT Edge runtime, naming it, unless overridden; never touches its containers', async () => {
    const mod = `beside-${runId}`;
    const { agent } = await newAgent();
    await withIotEdgeLookalikes(docker, runId, async () => {
      const before = await fingerprints(['edgeAgent', 'edgeHub']);
      const text = testDeployment(runId, { [mod]: { cmd: ['run'] } });
      const preview = unwrap(await agent.preview(text), 'preview');
      expect(preview.foreignRuntime).toEqual(['container edgeAgent', 'container edgeHub']);
      expect(preview.notManaged.filter((o) => o.name.startsWith('edge')).map((o) => [o.name, o.owner])).toEqual([
        ['edgeAgent', { kind: 'iot-edge' }],
        ['edgeHub', { kind: 'iot-edge' }],
      ]);

      const refused = await agent.apply(text);
      expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'foreign-runtime', foreignRuntime: ['container edgeAgent', 'container edgeHub'] } } });
      expect(refused.ok ? '' : refused.error.message).toMatch(/real IoT Edge runtime uses this engine \(container edgeAgent, container edgeHub\); nothing was applied.*--override-foreign-runtime/);
      expect(agent.persistedDeployment).toBeUndefined();
      expect(await inspect(mod).catch(() => undefined)).toBeUndefined();

      unwrap(await agent.apply(text, undefined, { overrideForeignRuntime: true }), 'apply with the override');
      await agent.settled();
      await waitFor(`${mod} running`, async () => ((await inspect(mod)).State.Running ? true : undefined));
      expect(agent.persistedDeployment?.overrideForeignRuntime).toBe(true);
      expect(agent.current.foreignRuntime).toEqual(['container edgeAgent', 'container edgeHub']);
      // Even an empty deployment applied with the override leaves them alone.
      unwrap(await agent.apply(testDeployment(runId, {}), undefined, { overrideForeignRuntime: true }), 'empty apply');
      await agent.settled();
      await waitFor(`${mod} removed`, async () => ((await inspect(mod).catch(() => undefined)) ? undefined : true));
      expect(await fingerprints(['edgeAgent', 'edgeHub'])).toEqual(before);
    });
  });

  it("refuses to apply when the aziot services' sockets are on this machine, naming them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-aziot-run-'));
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'identityd.sock'), resolve));
    cleanups.push(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const { agent } = await newAgent({ aziotSocketPaths: [dir, join(dir, 'no-mgmt.sock')] });
    const text = testDeployment(runId, { [`sock-${runId}`]: { cmd: ['run'] } });
    const refused = await agent.apply(text);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { foreignRuntime: [`socket ${join(dir, 'identityd.sock')}`] } } });
    expect(agent.persistedDeployment).toBeUndefined();
  });
});
