import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'azure-iothub';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { attachLocalHubAgent } from '../iothub/local-adapter';

/**
 * kill -9 of the whole console (issue 11, "Tests"): a served console (the built bin, as users run it) is written to
 * through the official azure-iothub Registry by concurrent lanes that create devices (every third edge-enabled) and
 * patch their twins (tags and desired); an operation is recorded only once the SDK call resolved. The console is
 * SIGKILLed mid-stream and a new console is started on the same data folder: every acknowledged create and twin
 * patch is there, no identity is half-written, and the hub keeps its iothubowner key and its CA.
 * (registry-durability.test.ts kills the registry alone; this one kills the process the user runs.)
 */

const BIN = resolve(__dirname, '../../../bin/gatehouse.mjs');
const home = mkdtempSync(join(tmpdir(), 'gh-console-crash-'));
const consoles: ChildProcess[] = [];

interface Info {
  connectionString: string;
  httpsPort: number;
  caFile: string;
}

async function startConsole(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], { env: { ...process.env, GATEHOUSE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  consoles.push(child);
  await new Promise<void>((ready, fail) => {
    let out = '';
    let errOut = '';
    child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), out.includes('\n') && ready()));
    child.stderr!.on('data', (d: Buffer) => (errOut += d.toString()));
    child.once('exit', (code) => fail(new Error(`gatehouse serve exited with ${code}: ${errOut}`)));
  });
  return child;
}

/** `localhub info --json` of the running console; the hub starts beside it, so it is asked again for a while. */
async function localHubInfo(): Promise<Info> {
  for (let i = 0; ; i++) {
    const run = spawnSync(process.execPath, [BIN, 'localhub', 'info', '--json'], { env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 60_000 });
    if (run.status === 0) return JSON.parse(run.stdout) as Info;
    if (i >= 100) throw new Error(`localhub info failed: ${run.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function sdkRegistry(info: Info): { registry: Registry; agent: Agent } {
  const registry = Registry.fromConnectionString(info.connectionString);
  const agent = attachLocalHubAgent(registry, { httpsPort: info.httpsPort, ca: readFileSync(info.caFile, 'utf8') });
  return { registry, agent };
}

const killConsole = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

afterEach(async () => {
  for (const child of consoles.splice(0)) await killConsole(child);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('console durability under kill -9', () => {
  it('keeps every create and twin patch the SDK saw acknowledged, nothing half-written, same key and CA', { timeout: 180_000 }, async () => {
    const first = await startConsole();
    const before = await localHubInfo();
    const caBefore = readFileSync(before.caFile, 'utf8');
    const writer = sdkRegistry(before);

    const created = new Map<string, boolean>(); // deviceId → edge-enabled
    const patched = new Map<string, { n: number; version: number }>(); // last acknowledged patch per device
    let stop = false;
    let killed = false;
    const failures: string[] = [];
    const lane = async (l: number) => {
      for (let i = 0; !stop; i++) {
        const deviceId = `c${l}-d${i}`;
        const edge = i % 3 === 0;
        try {
          await writer.registry.create({ deviceId, status: 'enabled', capabilities: { iotEdge: edge } });
          created.set(deviceId, edge);
          const result = await writer.registry.updateTwin(deviceId, { tags: { lane: l, n: i }, properties: { desired: { n: i } } }, '*');
          patched.set(deviceId, { n: i, version: (result.responseBody as unknown as { version: number }).version });
        } catch (error) {
          // The kill landed on this call: it was never acknowledged, so nothing is recorded for it.
          if (!killed) failures.push(String(error));
          return;
        }
      }
    };
    const lanes = Promise.all([0, 1, 2, 3, 4, 5].map(lane));
    await new Promise((r) => setTimeout(r, 3_000));
    killed = true;
    await killConsole(first);
    stop = true;
    await lanes;
    writer.agent.destroy();
    expect(failures).toEqual([]);
    expect(created.size).toBeGreaterThan(20);
    expect(patched.size).toBeGreaterThan(10);
    for (const { version } of patched.values()) expect(version).toBeGreaterThan(1);

    await startConsole();
    const after = await localHubInfo();
    expect(new URL(`https://x/?${after.connectionString.replaceAll(';', '&')}`).searchParams.get('SharedAccessKey')).toBe(
      new URL(`https://x/?${before.connectionString.replaceAll(';', '&')}`).searchParams.get('SharedAccessKey'),
    );
    expect(after.connectionString).toBe(before.connectionString);
    expect(after.caFile).toBe(before.caFile);
    expect(readFileSync(after.caFile, 'utf8')).toBe(caBefore);

    const reader = sdkRegistry(after);
    try {
      // Every acknowledged create and patch.
      for (const [deviceId, edge] of created) {
        const device = await reader.registry.get(deviceId);
        expect(device.responseBody.capabilities?.iotEdge ?? false).toBe(edge);
      }
      for (const [deviceId, { n, version }] of patched) {
        const twin = (await reader.registry.getTwin(deviceId)).responseBody;
        expect(twin.tags).toMatchObject({ n });
        expect((twin.properties.desired as Record<string, unknown>).n).toBe(n);
        expect((twin as unknown as { version: number }).version).toBeGreaterThanOrEqual(version);
      }
      // Nothing half-written, over every identity on disk (acknowledged or not).
      const devices = (await reader.registry.list()).responseBody;
      const ids = new Set(devices.map((d) => d.deviceId));
      for (const device of devices) {
        const twin = await reader.registry.getTwin(device.deviceId);
        expect(twin.responseBody.deviceId).toBe(device.deviceId);
        const modules = (await reader.registry.getModulesOnDevice(device.deviceId)).responseBody.map((m) => m.moduleId).sort();
        if (device.capabilities?.iotEdge) expect(modules).toEqual(expect.arrayContaining(['$edgeAgent', '$edgeHub']));
        else expect(modules).toEqual([]);
      }
      const query = reader.registry.createQuery('SELECT * FROM devices.modules', 500);
      let moduleTwins = 0;
      while (query.hasMoreResults) {
        for (const moduleTwin of (await query.nextAsTwin()).result) {
          expect(ids.has(moduleTwin.deviceId)).toBe(true);
          moduleTwins += 1;
        }
      }
      expect(moduleTwins).toBeGreaterThanOrEqual(2 * [...created.values()].filter(Boolean).length);
      console.log(`console kill -9: ${created.size} creates and ${patched.size} twin patches acknowledged; after restart ${devices.length} devices, ${moduleTwins} module twins`);
    } finally {
      reader.agent.destroy();
    }
  });
});
