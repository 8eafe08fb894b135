import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { buildLocalImages } from '../../electron/runtime/drivers/images/build-local-images';
import type { Figure } from './bench';

/**
 * Commissioning: the full `gatehouse check` (without the end-to-end wait) and `gatehouse evidence` on the sample
 * deployment running in containers, each timed as a user runs it (the CLI against a running `gatehouse serve`),
 * against `gatehouse runtime status` through the same console as the reference. Goals: check under 5 s, evidence
 * under 2 s.
 */

const RUNS = 3;
const docker = new Dockerode();
const here = dirname(fileURLToPath(import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function timed(cli: string, args: string[], env: NodeJS.ProcessEnv, okCodes: number[] = [0]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (!okCodes.includes(run.status ?? -1)) throw new Error(`gatehouse ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return elapsed;
}

export async function commissioningBenchmarks(): Promise<Figure[]> {
  const recipesDir = join(here, '..', 'resources', 'images');
  const built = await buildLocalImages(docker, { names: ['sample-temperature-sensor', 'sample-filter'], recipesDir });
  if (!built.ok) throw new Error(built.error.message);
  const runId = `c${Date.now().toString(36)}`;
  const cli = join(here, 'cli.mjs');
  const home = mkdtempSync(join(tmpdir(), 'gatehouse-bench-commission-'));
  const env = {
    ...process.env,
    GATEHOUSE_HOME: home,
    GATEHOUSE_DEVICE_ID: `bench-${runId}`,
    GATEHOUSE_LOCALHUB_HTTPS_PORT: '0',
    GATEHOUSE_LOCALHUB_MQTT_PORT: '0',
    GATEHOUSE_LOCALHUB_AMQP_PORT: '0',
    GATEHOUSE_EDGEHUB_MQTT_PORT: '0',
    GATEHOUSE_EDGEHUB_HTTPS_PORT: '0',
  };
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // The sample, with module names of this run (container names are module names).
    const sample = readFileSync(join(here, '..', 'resources', 'samples', 'sensor-filter.deployment.json'), 'utf8')
      .replaceAll('"tempSensor"', `"sensor-${runId}"`)
      .replaceAll('/modules/tempSensor/', `/modules/sensor-${runId}/`)
      .replaceAll('"filter"', `"filter-${runId}"`)
      .replaceAll('/modules/filter/', `/modules/filter-${runId}/`);
    const file = join(home, 'sample.json');
    writeFileSync(file, sample);
    timed(cli, ['runtime', 'apply', file, '--json'], env);
    for (let i = 0; i < 60; i++) {
      const status = JSON.parse(spawnSync(process.execPath, [cli, 'runtime', 'status', '--json'], { env, encoding: 'utf8' }).stdout) as { modules: { runtimeStatus: string }[] };
      if (status.modules.length === 2 && status.modules.every((m) => m.runtimeStatus === 'running')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const reference: number[] = [];
    const check: number[] = [];
    const evidence: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      reference.push(timed(cli, ['runtime', 'status', '--json'], env));
      // A warning (e.g. container logs without rotation) still exits 0; an error exits 1: both are a finished check.
      check.push(timed(cli, ['check', '--skip-end-to-end', '--json'], env, [0, 1]));
      evidence.push(timed(cli, ['evidence', '--out', join(home, `evidence-${run}`), '--json'], env));
    }
    return [
      { key: 'checkMs', label: 'gatehouse check (no end-to-end wait)', value: median(check), unit: 'ms', reference: { label: 'gatehouse runtime status', value: median(reference) } },
      { key: 'evidenceMs', label: 'gatehouse evidence (signed report)', value: median(evidence), unit: 'ms', reference: { label: 'gatehouse runtime status', value: median(reference) } },
      { key: 'checkGoalRatio', label: 'check ÷ 5 s goal', value: median(check) / 5000, unit: '×' },
      { key: 'evidenceGoalRatio', label: 'evidence ÷ 2 s goal', value: median(evidence) / 2000, unit: '×' },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    const containers = await docker.listContainers({ all: true });
    await Promise.all(containers.filter((c) => c.Names.some((n) => n.includes(runId))).map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    rmSync(home, { recursive: true, force: true });
  }
}
