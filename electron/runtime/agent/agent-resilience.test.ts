import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type Dockerode from 'dockerode';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import { UnixSocketProxy } from '../drivers/docker/unix-socket-proxy.test-util';
import { DOCKER_SOCKET, newRunId, unwrap, waitFor, useTestEngine } from '../drivers/test-engine.test-util';
import { Agent } from './agent';
import { BESIDE_TEST_LOOKALIKES, testDeployment, TEST_RUNTIME } from './agent.test-util';

const runId = newRunId();
let docker: Dockerode;
const cleanups: (() => Promise<void> | void)[] = [];
const CLI = resolve(__dirname, '../../../dist/cli.mjs');

useTestEngine({ runId, cleanups, onEngine: (d) => (docker = d) });

describe('agent resilience', () => {
  it('shows an engine outage, and recovers when the engine answers again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-outage-'));
    const proxy = new UnixSocketProxy(join(dir, 'docker.sock'), DOCKER_SOCKET);
    await proxy.start();
    const driver = new DockerDriver({ socketPath: join(dir, 'docker.sock'), backoff: { initialMs: 50, maxMs: 200 } });
    const agent = new Agent({ dataDir: dir, driver, runtime: TEST_RUNTIME, periodMs: 200, stopTimeoutSeconds: 1 });
    cleanups.push(async () => {
      agent.dispose();
      driver.dispose();
      await proxy.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    await agent.start();
    const name = `outage-${runId}`;
    unwrap(await agent.apply(testDeployment(runId, { [name]: { cmd: ['run'] } }), undefined, BESIDE_TEST_LOOKALIKES), 'apply');
    await waitFor('converged', () => (agent.current.state.state === 'converged' && agent.current.modules[0]?.runtimeStatus === 'running' ? true : undefined));

    await proxy.stop();
    await waitFor('engine unavailable shown', () => (agent.current.state.state === 'engineUnavailable' ? true : undefined));
    expect(agent.current.state).toMatchObject({ reason: expect.stringContaining('does not answer') });

    await proxy.start();
    await waitFor('recovered', () => (agent.current.state.state === 'converged' && agent.current.modules[0]?.runtimeStatus === 'running' ? true : undefined));
  });

  it('kill -9 of the host with modules running: the restarted host adopts them (no restarts, no duplicates)', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test builds before it tests)`);
    const home = mkdtempSync(join(tmpdir(), 'gh-kill9-'));
    const env = { ...process.env, GATEHOUSE_HOME: home, GATEHOUSE_RECONCILE_PERIOD_MS: '500' };
    const names = [`k9a-${runId}`, `k9b-${runId}`];
    const file = join(home, 'deployment.json');
    writeFileSync(file, testDeployment(runId, Object.fromEntries(names.map((n) => [n, { cmd: ['run'] }]))));
    const serve = (): ChildProcess => spawn(process.execPath, [CLI, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = async (child: ChildProcess) => new Promise<void>((r) => child.stdout?.once('data', () => r()));

    const first = serve();
    cleanups.push(() => {
      first.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    });
    await started(first);
    const applied = spawnSync(process.execPath, [CLI, 'runtime', 'apply', file, '--json', '--override-foreign-runtime'], { env, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ ok: true, version: 1 });
    const before = await waitFor('both running', async () => {
      const states = await Promise.all(names.map((n) => docker.getContainer(n).inspect().catch(() => undefined)));
      return states.every((s) => s?.State.Running) ? states.map((s) => s?.State.StartedAt) : undefined;
    });

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const second = serve();
    cleanups.push(() => void second.kill('SIGKILL'));
    await started(second);
    const status = await waitFor('adopted and converged', () => {
      const r = spawnSync(process.execPath, [CLI, 'runtime', 'status', '--json'], { env, encoding: 'utf8' });
      const s = JSON.parse(r.stdout) as { agent: { state: string }; modules: { runtimeStatus: string }[] };
      return s.agent.state === 'converged' && s.modules.every((m) => m.runtimeStatus === 'running') ? s : undefined;
    });
    expect(status.modules).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1500)); // a few reconcile periods
    const after = await Promise.all(names.map(async (n) => (await docker.getContainer(n).inspect()).State.StartedAt));
    expect(after).toEqual(before);
    for (const n of names) expect(await docker.listContainers({ all: true, filters: { name: [`^/${n}$`] } })).toHaveLength(1);
    second.kill('SIGKILL');
  }, 60_000);
});
