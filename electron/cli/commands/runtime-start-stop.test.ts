import type Dockerode from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeployment } from '../../runtime/agent/agent.test-util';
import { newRunId, removeTestResources, requireEngine, requireTestImages, waitFor } from '../../runtime/drivers/test-engine.test-util';
import { createHost, type Host } from '../../host/host';
import { rendererDir } from '../../host/paths';
import { serveConsole, type ServedConsole } from '../../host/serve';
import { runCli } from '../main';

/**
 * `gatehouse runtime stop` and `start` against a served console (the host and HTTP server `gatehouse serve` runs,
 * on its own data folder and a loopback port; the commands find it through serve.json and call it over HTTP, as a
 * terminal beside the UI does), on the real engine: one new deployment version per command, the containers stopped
 * and started, `--json` in a stable shape.
 */

const runId = newRunId();
const home = mkdtempSync(join(tmpdir(), 'gh-cli-startstop-'));
const env = { ...process.env, GATEHOUSE_HOME: home, GATEHOUSE_PROBE_SCOPE: 'loopback', GATEHOUSE_RECONCILE_PERIOD_MS: '500', GATEHOUSE_LOCALHUB: 'off' };
let docker: Dockerode;
let host: Host | undefined;
let served: ServedConsole | undefined;

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker);
  host = createHost({ dataDir: home, shell: 'served', env, log: () => undefined });
  await host.ready;
  served = await serveConsole({ host, rendererDir: rendererDir(), port: 0 });
}, 120_000);
afterAll(async () => {
  if (served) await cli('runtime', 'apply', join(home, 'empty.json'), '--override-foreign-runtime');
  await host?.agent.settled();
  served?.dispose();
  host?.dispose();
  if (docker) await removeTestResources(docker, runId);
  rmSync(home, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: home, env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const running = async (name: string) => (await docker.getContainer(name).inspect().catch(() => undefined))?.State.Running;
async function word(): Promise<string> {
  return (JSON.parse((await cli('runtime', 'status', '--json')).stdout) as { state: { state: string } }).state.state;
}

describe('gatehouse runtime stop|start (served console, real engine)', () => {
  it('stops every module in one new version and keeps them stopped; start runs them again; --json has a stable shape', async () => {
    const [a, b] = [`ssa-${runId}`, `ssb-${runId}`];
    writeFileSync(join(home, 'empty.json'), testDeployment(runId, {}));
    writeFileSync(join(home, 'two.json'), testDeployment(runId, { [a]: { cmd: ['run'] }, [b]: { cmd: ['run'] } }));
    const applied = await cli('runtime', 'apply', join(home, 'two.json'), '--override-foreign-runtime', '--json');
    expect(JSON.parse((await cli('status', '--json')).stdout)).toMatchObject({ host: 'remote' }); // through the served console, not a host of its own
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ ok: true, version: 1 });
    await waitFor('both running', async () => ((await running(a)) && (await running(b)) ? true : undefined));

    const stopped = await cli('runtime', 'stop', '--json');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toEqual({ ok: true, action: 'stop', status: 'stopped', version: 2, previousVersion: 1, changed: [a, b], unchanged: [] });
    await waitFor('both stopped', async () => ((await running(a)) === false && (await running(b)) === false ? true : undefined));
    await waitFor('runtime reads stopped', async () => ((await word()) === 'stopped' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500)); // a few reconcile periods: they stay stopped
    expect([await running(a), await running(b)]).toEqual([false, false]);

    // Again: nothing to change, no new version.
    const again = await cli('runtime', 'stop');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Nothing changed: ${a}, ${b} already have desired status stopped (deployment v2 stays).`);

    // One module by name, in words; then the rest with --json.
    const one = await cli('runtime', 'start', a);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe(`Deployment v2 → v3: desired status running for ${a}; the agent starts their containers (and restarts them by their restart policy).`);
    await waitFor('a runs', async () => ((await running(a)) ? true : undefined));
    expect(await running(b)).toBe(false);
    const rest = await cli('runtime', 'start', '--json');
    expect(JSON.parse(rest.stdout)).toEqual({ ok: true, action: 'start', status: 'running', version: 4, previousVersion: 3, changed: [b], unchanged: [a] });
    await waitFor('runtime reads running', async () => ((await word()) === 'running' && (await running(b)) ? true : undefined));

    // A module that is not in the deployment: refused, nothing applied.
    const unknown = await cli('runtime', 'stop', `nope-${runId}`, '--json');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: `Module nope-${runId} is not in the applied deployment` } });
    expect((JSON.parse((await cli('runtime', 'status', '--json')).stdout) as { version: number }).version).toBe(4);
  }, 90_000);
});
