import type Dockerode from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { testDeployment, withIotEdgeLookalikes } from '../../runtime/agent/agent.test-util';
import { newRunId, removeTestResources, requireEngine, requireTestImages } from '../../runtime/drivers/test-engine.test-util';
import { runCli } from '../main';

/**
 * `gatehouse runtime apply` and `status` beside a real-IoT-Edge-looking runtime, on the real engine, through the CLI
 * (in-process host on a fresh data folder): `--dry-run` marks destructive steps and lists what is not managed here;
 * apply refuses, naming edgeAgent and edgeHub, until `--override-foreign-runtime`; their containers are never touched.
 */

const runId = newRunId();
const home = mkdtempSync(join(tmpdir(), 'gh-cli-own-'));
let docker: Dockerode;

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker);
}, 120_000);
afterAll(async () => {
  await removeTestResources(docker, runId);
  rmSync(home, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: home, env: { GATEHOUSE_HOME: home } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

interface DryRun {
  steps: { id: string; description: string; destructive: boolean }[];
  notManaged: { name: string; apparentOwner: string; owner: { kind: string } }[];
  foreignRuntime: string[];
}

describe('gatehouse runtime apply beside a real IoT Edge runtime (real engine)', () => {
  it('marks destructive steps, lists what it leaves alone, refuses without the override and never touches edgeAgent/edgeHub', async () => {
    const mod = `climod-${runId}`;
    const first = join(home, 'first.json');
    const empty = join(home, 'empty.json');
    writeFileSync(first, testDeployment(runId, { [mod]: { cmd: ['run'] } }));
    writeFileSync(empty, testDeployment(runId, {}));
    expect((await cli('runtime', 'status')).code).toBe(0); // the data folder's CA and instance, made outside the window below

    await withIotEdgeLookalikes(docker, runId, async () => {
      const before = await Promise.all(['edgeAgent', 'edgeHub'].map(async (n) => (await docker.getContainer(n).inspect()).State.StartedAt));

      const dry = await cli('runtime', 'apply', first, '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`1. ensure image gatehouse/busybox-module:test for ${mod} (before create)`);
      expect(dry.stdout).toMatch(/Not managed here \(IoT Edge labels, not this Gatehouse's; never touched\):\nNAME +IMAGE +STATE +OWNER/);
      expect(dry.stdout).toMatch(/\nedgeAgent +mcr\.microsoft\.com\/azureiotedge-agent:1\.5 +running +IoT Edge runtime/);
      expect(dry.stdout).toMatch(/\nedgeHub +mcr\.microsoft\.com\/azureiotedge-hub:1\.5 +running +IoT Edge runtime/);
      expect(dry.stdout).toMatch(/A real IoT Edge runtime uses this engine: container edgeAgent, container edgeHub.* Apply refuses unless --override-foreign-runtime\./);

      const refused = await cli('runtime', 'apply', first);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^gatehouse runtime apply: A real IoT Edge runtime uses this engine \(container edgeAgent, container edgeHub.*\); nothing was applied\./);
      expect(refused.stderr).toContain('--override-foreign-runtime');
      const refusedJson = await cli('runtime', 'apply', first, '--json');
      expect(JSON.parse(refusedJson.stdout)).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'foreign-runtime' } } });
      expect(await docker.getContainer(mod).inspect().catch(() => undefined)).toBeUndefined();

      const applied = await cli('runtime', 'apply', first, '--override-foreign-runtime', '--json');
      expect(applied.code, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout)).toMatchObject({ ok: true, version: 1 });

      const status = RuntimeSnapshot.parse(JSON.parse((await cli('runtime', 'status', '--json')).stdout));
      expect(status.modules.map((m) => m.name)).toEqual([mod]);
      expect(status.foreignRuntime).toEqual(expect.arrayContaining(['container edgeAgent', 'container edgeHub']));
      expect(status.notManaged.filter((r) => r.name.startsWith('edge'))).toEqual([
        expect.objectContaining({ name: 'edgeAgent', owner: { kind: 'iot-edge' }, apparentOwner: 'IoT Edge runtime', state: 'running' }),
        expect.objectContaining({ name: 'edgeHub', owner: { kind: 'iot-edge' }, apparentOwner: 'IoT Edge runtime', state: 'running' }),
      ]);
      const human = await cli('runtime', 'status');
      expect(human.stdout).toMatch(/\nedgeAgent +\S+ +running +IoT Edge runtime/);

      // Dropping the module: its stop and remove are destructive, in text and JSON; edgeAgent/edgeHub are in no step.
      const drop = JSON.parse((await cli('runtime', 'apply', empty, '--dry-run', '--json')).stdout) as DryRun;
      expect(drop.steps.map((s) => [s.description, s.destructive])).toEqual([
        [`stop ${mod} (in the previous deployment, not in this one)`, true],
        [`remove ${mod} (in the previous deployment, not in this one)`, true],
      ]);
      expect(drop.notManaged.map((r) => r.name)).toEqual(expect.arrayContaining(['edgeAgent', 'edgeHub']));
      const dropText = await cli('runtime', 'apply', empty, '--dry-run', '--override-foreign-runtime');
      expect(dropText.stdout).toContain(`1. [destructive] stop ${mod} (in the previous deployment, not in this one)\n2. [destructive] remove ${mod} (in the previous deployment, not in this one)`);
      expect(dropText.stdout).not.toContain('Apply refuses');

      expect((await cli('runtime', 'apply', empty, '--override-foreign-runtime')).code).toBe(0);
      expect(await docker.getContainer(mod).inspect().catch(() => undefined)).toBeUndefined();
      const after = await Promise.all(['edgeAgent', 'edgeHub'].map(async (n) => (await docker.getContainer(n).inspect()).State.StartedAt));
      expect(after).toEqual(before);
    });
  }, 120_000);
});
