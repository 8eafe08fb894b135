import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClassicLevel } from 'classic-level';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHubRegistry } from './registry';

// kill -9 durability: every operation the registry acknowledged is on disk after SIGKILL, and no identity is
// half-written (a module without its device, an edge device without $edgeAgent/$edgeHub).

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..', '..');
let work: string;
let childScript: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatehouse-localhub-crash-'));
  childScript = join(work, 'child.cjs');
  await build({ entryPoints: [join(here, 'registry-crash-child.test-util.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: childScript, external: ['classic-level'], logLevel: 'silent' });
});
afterAll(async () => rm(work, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `acks` operations, then SIGKILLs it; returns the acknowledged lines. */
function runAndKill(dir: string, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, dir], { env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      // Lines read after the kill was sent were still acknowledged before it: keep them.
      lines.push(...parts);
      if (!killed && lines.length >= acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(lines) : reject(new Error(`the writer exited on its own: ${stderr}`))));
  });
}

describe('registry durability under kill -9', () => {
  it('keeps every acknowledged create, twin patch and delete; nothing half-written', { timeout: 120_000 }, async () => {
    const dir = join(work, 'store');
    const lines = await runAndKill(dir, 400);
    expect(lines[0]).toBe('ready');
    const created = new Set<string>();
    const deleted = new Set<string>();
    const patched = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const [verb, id, value] = line.split(' ');
      if (!id) continue;
      if (verb === 'created') created.add(id);
      if (verb === 'deleted') deleted.add(id);
      if (verb === 'patched') patched.set(id, Number(value));
    }
    expect(created.size).toBeGreaterThan(50);

    // The raw keys first: every module key has its device key.
    const db = new ClassicLevel<string, unknown>(dir, { valueEncoding: 'json' });
    const devices = new Set<string>();
    const modules: [string, string][] = [];
    for await (const [key, value] of db.iterator()) {
      if (key.startsWith('dev/')) devices.add((value as { deviceId: string }).deviceId);
      if (key.startsWith('mod/')) modules.push([(value as { deviceId: string }).deviceId, (value as { moduleId: string }).moduleId]);
    }
    await db.close();
    for (const [deviceId] of modules) expect(devices.has(deviceId)).toBe(true);

    const registry = await LocalHubRegistry.open({ dir, hostName: 'localhost' });
    try {
      for (const id of created) {
        const device = registry.getDevice(id);
        if (deleted.has(id)) {
          expect(device.ok).toBe(false);
          continue;
        }
        expect(device.ok).toBe(true);
        const twin = registry.getTwinDocument({ deviceId: id });
        expect(twin.ok).toBe(true);
        const version = patched.get(id);
        if (version !== undefined && twin.ok) {
          expect(twin.value.tags).toEqual({ n: version });
          expect((twin.value.properties as { desired: Record<string, unknown> }).desired.v).toBe(version);
        }
      }
      for (const id of devices) {
        const device = registry.getDevice(id);
        if (!device.ok) throw new Error(`device ${id} on disk but not loaded`);
        const edge = (device.value.capabilities as { iotEdge: boolean }).iotEdge;
        const moduleIds = registry.listModules(id);
        expect(moduleIds.ok && moduleIds.value.map((m) => m.moduleId).sort()).toEqual(edge ? ['$edgeAgent', '$edgeHub'] : []);
      }
    } finally {
      await registry.close();
    }
  });
});
