import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startServeProcess, stopServeProcess } from '../served-console.test-util';

/**
 * `gatehouse edgehub …` against a running console (the built bin, as users run it): stable JSON shapes for
 * scripts, the routes of an applied deployment, an empty recording, and clear refusals (no console; a recording
 * that is not .ndjson; a replay of a file that does not exist).
 */

const home = mkdtempSync(join(tmpdir(), 'gh-cli-edgehub-'));
const noConsole = mkdtempSync(join(tmpdir(), 'gh-cli-edgehub-none-'));
let console_: ChildProcess | undefined;

const cli = (args: string[], gatehouseHome = home) =>
  spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, GATEHOUSE_HOME: gatehouseHome }, encoding: 'utf8', timeout: 60_000 });

const json = (args: string[]) => {
  const run = cli([...args, '--json']);
  return { status: run.status, value: JSON.parse(run.stdout || 'null') as Record<string, unknown>, stderr: run.stderr };
};

beforeAll(async () => {
  console_ = await startServeProcess(home);
  for (let i = 0; i < 100 && (json(['edgehub', 'status']).value as { state?: string }).state !== 'running'; i++) await new Promise((r) => setTimeout(r, 200));
}, 60_000);

afterAll(async () => {
  await stopServeProcess(console_);
  rmSync(home, { recursive: true, force: true });
  rmSync(noConsole, { recursive: true, force: true });
});

const DEPLOYMENT = JSON.stringify({
  modulesContent: {
    $edgeAgent: {
      'properties.desired': {
        schemaVersion: '1.1',
        runtime: { type: 'docker', settings: {} },
        systemModules: {
          edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
          edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
        },
        modules: {},
      },
    },
    $edgeHub: {
      'properties.desired': {
        schemaVersion: '1.1',
        routes: { toUpstream: 'FROM /messages/modules/sensor/outputs/* INTO $upstream', toFilter: { route: 'FROM /messages/* INTO BrokeredEndpoint("/modules/filter/inputs/in")', priority: 1 } },
        storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
      },
    },
  },
});

describe('gatehouse edgehub', () => {
  it('status, outbox and reported print one JSON document each, in the contract shapes', () => {
    const status = json(['edgehub', 'status']);
    expect(status.status).toBe(0);
    expect(status.value).toMatchObject({ state: 'running', mqttPort: expect.any(Number), httpsPort: expect.any(Number), since: expect.any(String) });
    const outbox = json(['edgehub', 'outbox']);
    expect(outbox.status).toBe(0);
    expect(outbox.value).toMatchObject({ endpoints: expect.any(Array), upstream: { state: expect.stringMatching(/^(connecting|connected|offline|off)$/) }, storeLimitBytes: expect.any(Number) });
    const reported = json(['edgehub', 'reported']);
    expect(reported.value).toMatchObject({ schemaVersion: '1.0', version: expect.any(Object) });
  });

  it("routes shows what an applied deployment's $edgeHub put in force, with each endpoint", () => {
    const applied = spawnSync(process.execPath, [BIN, 'runtime', 'apply', '-', '--json'], { env: { ...process.env, GATEHOUSE_HOME: home }, input: DEPLOYMENT, encoding: 'utf8', timeout: 60_000 });
    expect(applied.status, applied.stderr).toBe(0);
    const routes = json(['edgehub', 'routes']);
    expect(routes.status).toBe(0);
    expect(routes.value).toMatchObject({ code: 200, description: '' });
    const byName = Object.fromEntries((routes.value.routes as { name: string; endpoint: string; priority: number }[]).map((r) => [r.name, r]));
    expect(byName.toUpstream).toMatchObject({ endpoint: '$upstream' });
    expect(byName.toFilter).toMatchObject({ endpoint: 'module/filter/in', priority: 1 });
    const human = cli(['edgehub', 'routes']);
    expect(human.stdout).toContain('toFilter  →  module/filter/in');
  });

  it('records (nothing routed: zero messages) and refuses a recording that is not NDJSON or a replay of no file', () => {
    const file = join(home, 'rec.ndjson');
    const recorded = json(['edgehub', 'record', '--out', file, '--seconds', '1']);
    expect(recorded).toMatchObject({ status: 0, value: { path: file, messages: 0 } });
    expect(existsSync(file)).toBe(true);
    const wrong = json(['edgehub', 'record', '--out', join(home, 'rec.txt'), '--seconds', '1']);
    expect(wrong.status).toBe(1);
    expect(wrong.value).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('.ndjson') } });
    const replay = json(['edgehub', 'replay', '--file', join(home, 'missing.ndjson'), '--module', 'filter', '--input', 'in']);
    expect(replay.status).toBe(1);
    expect(replay.value).toMatchObject({ error: { message: expect.stringContaining('missing.ndjson') } });
  });

  it('says that the edge hub runs with a console when none runs, and exits 1', () => {
    const run = cli(['edgehub', 'status'], noConsole);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no console is running');
  });
});
