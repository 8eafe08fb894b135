import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { Agent } from '../../electron/runtime/agent/agent';
import { testDeployment, TEST_RUNTIME } from '../../electron/runtime/agent/agent.test-util';
import { DockerDriver } from '../../electron/runtime/drivers/docker/docker-driver';
import { buildLocalImages } from '../../electron/runtime/drivers/images/build-local-images';
import type { Figure } from './bench';

const MODULES = 10;
const RUNS = 3;
const docker = new Dockerode();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function removeLabelled(label: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/** Reference: the same 10 containers with plain `docker run -d`, one after the other. */
function dockerRun(runId: string): number {
  const started = performance.now();
  for (let i = 0; i < MODULES; i++) {
    const r = spawnSync('docker', ['run', '-d', '--name', `ref-${runId}-${i}`, '--network', 'host', '--label', `gatehouse.bench=${runId}`, 'gatehouse/busybox-module:test', 'run'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker run failed: ${r.stderr}`);
  }
  return performance.now() - started;
}

/** Ours: apply a 10-module deployment and wait until the agent reports every module running. */
async function agentApply(runId: string, dataDir: string): Promise<number> {
  const driver = new DockerDriver();
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000 });
  await agent.start();
  const modules = Object.fromEntries(Array.from({ length: MODULES }, (_, i) => [`m-${runId}-${i}`, { cmd: ['run'], createOptions: { Labels: { 'gatehouse.bench': runId } } }]));
  const text = testDeployment(runId, modules);
  const started = performance.now();
  const applied = await agent.apply(text);
  if (!applied.ok) throw new Error(applied.error.message);
  await agent.settled();
  while (!(agent.current.modules.length === MODULES && agent.current.modules.every((m) => m.runtimeStatus === 'running'))) {
    agent.schedule();
    await agent.settled();
  }
  const elapsed = performance.now() - started;
  await agent.apply(testDeployment(runId, {}));
  await agent.settled();
  agent.dispose();
  driver.dispose();
  return elapsed;
}

function procStat(pid: number): { rssKb: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { rssKb, cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

/** The whole runtime idle: `gatehouse serve` (host, agent, served console) with 10 modules applied. */
async function idleRuntime(runId: string): Promise<{ rssMb: number; cpuMsPerCycle: number }> {
  const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.mjs');
  const home = mkdtempSync(join(tmpdir(), 'gatehouse-bench-idle-'));
  const env = { ...process.env, GATEHOUSE_HOME: home, GATEHOUSE_RECONCILE_PERIOD_MS: '1000' };
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const modules = Object.fromEntries(Array.from({ length: MODULES }, (_, i) => [`idle-${runId}-${i}`, { cmd: ['run'] }]));
    const file = join(home, 'deployment.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, testDeployment(runId, modules));
    const applied = spawnSync(process.execPath, [cli, 'runtime', 'apply', file, '--json'], { env, encoding: 'utf8' });
    if (applied.status !== 0) throw new Error(`apply failed: ${applied.stdout}${applied.stderr}`);
    await new Promise((r) => setTimeout(r, 5000));
    const before = procStat(child.pid ?? 0);
    const seconds = 10;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = procStat(child.pid ?? 0);
    const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const cpuMs = ((after.cpuTicks - before.cpuTicks) / ticksPerSecond) * 1000;
    return { rssMb: after.rssKb / 1024, cpuMsPerCycle: cpuMs / seconds };
  } finally {
    child.kill('SIGTERM');
    await removeLabelled(`gatehouse.test=${runId}`);
    rmSync(home, { recursive: true, force: true });
  }
}

export async function runtimeBenchmarks(): Promise<Figure[]> {
  const recipesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'images');
  const built = await buildLocalImages(docker, { names: ['busybox-module'], recipesDir });
  if (!built.ok) throw new Error(built.error.message);
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-agent-'));
  const ours: number[] = [];
  const reference: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const runId = `b${Date.now().toString(36)}${run}`;
      reference.push(dockerRun(runId));
      await removeLabelled(`gatehouse.bench=${runId}`);
      ours.push(await agentApply(runId, dataDir));
      await removeLabelled(`gatehouse.bench=${runId}`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const idle = await idleRuntime(`i${Date.now().toString(36)}`);
  return [
    { key: 'applyMs', label: `Apply → ${MODULES} modules running`, value: median(ours), unit: 'ms', reference: { label: 'plain docker run', value: median(reference) } },
    { key: 'runtimeIdleRssMB', label: `Whole runtime idle RSS (${MODULES} modules)`, value: idle.rssMb, unit: 'MB', reference: { label: 'goal', value: 80 } },
    { key: 'runtimeIdleCpuMsPerSecond', label: 'Runtime idle CPU (1 s reconcile period)', value: idle.cpuMsPerCycle, unit: 'ms/s' },
  ];
}
