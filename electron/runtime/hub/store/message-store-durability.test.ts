import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuedMessage } from '../hub-model';
import { openMessageStore } from './message-store';

// kill -9 durability: every append the store acknowledged (QoS 1: the PUBACK would have gone out) is there after
// SIGKILL, in order, and readable; every ack that resolved stays acked; seq continues without repeating.

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');
let work: string;
let childScript: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatehouse-msgstore-crash-'));
  childScript = join(work, 'child.cjs');
  await build({ entryPoints: [join(here, 'message-store-crash-child.test-util.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: childScript, external: ['classic-level'], logLevel: 'silent' });
});
afterAll(async () => rm(work, { recursive: true, force: true }));

/** Runs the writer until it has printed `lines` acknowledgements, then SIGKILLs it; returns every line it printed. */
function runAndKill(dir: string, round: number, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, dir, String(round)], { env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }, stdio: ['ignore', 'pipe', 'pipe'] });
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

const idOf = (m: QueuedMessage) => m.message.systemProperties.mid ?? '';
const laneAndIndex = (id: string) => {
  const match = /^r(\d+)l(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`unexpected id ${id}`);
  return { round: Number(match[1]), lane: Number(match[2]), i: Number(match[3]) };
};

describe('message store durability under kill -9', () => {
  it('keeps every acknowledged append in order, none half-written; resolved acks stay acked', { timeout: 120_000 }, async () => {
    const dir = join(work, 'store');
    // Two rounds: the second writer reopens what the first left and continues the seqs.
    const first = await runAndKill(dir, 1, 1_500);
    const second = await runAndKill(dir, 2, 1_500);
    const lines = [...first, ...second];
    expect(first[0]).toBe('ready');
    const appended = lines.filter((l) => l.startsWith('appended ')).map((l) => l.slice('appended '.length));
    expect(second[0]).toBe('ready');
    const acking = new Set(lines.filter((l) => l.startsWith('acking ')).map((l) => l.slice('acking '.length)));
    const delivered = new Set(lines.filter((l) => l.startsWith('delivered ')).map((l) => l.slice('delivered '.length)));
    expect(appended.length).toBeGreaterThan(500);
    expect(delivered.size).toBeGreaterThan(50);

    const logged: string[] = [];
    const opened = await openMessageStore({ dir, sweepIntervalMs: 0, log: (line) => logged.push(line) });
    if (!opened.ok) throw new Error(opened.error.message);
    const store = opened.value;
    try {
      const upstream = await store.peek('$upstream', 1_000_000);
      const moduleInput = await store.peek('module/m/in', 1_000_000);
      expect(logged).toEqual([]);

      // Every acknowledged append is there (more may be: written, killed before the line was printed).
      const upstreamIds = new Set(upstream.map(idOf));
      for (const id of appended) expect(upstreamIds.has(id)).toBe(true);
      const moduleIds = new Set(moduleInput.map(idOf));
      // An ack that was under way at the kill may or may not have landed; one that resolved has.
      for (const id of appended) if (!acking.has(id)) expect(moduleIds.has(id)).toBe(true);
      for (const id of delivered) expect(moduleIds.has(id)).toBe(false);

      // Readable and whole: the body, properties and source agree with the id.
      for (const m of [...upstream, ...moduleInput]) {
        const { lane, i } = laneAndIndex(idOf(m));
        const body = JSON.parse(new TextDecoder().decode(m.message.body)) as { lane: number; i: number; pad: string };
        expect([body.lane, body.i, body.pad.length]).toEqual([lane, i, 64 + ((lane * 37 + i * 11) % 400)]);
        expect(m.message.properties).toEqual({ lane: String(lane), i: String(i) });
        expect(m.source).toEqual({ deviceId: 'edge', moduleId: `m${lane}` });
      }

      // Order: priority 0 (even lanes) before 1; within a lane (one writer, sequential appends) by index.
      const priorities = upstream.map((m) => m.priority);
      expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
      for (const queue of [upstream, moduleInput]) {
        const lastByLane = new Map<string, number>();
        for (const m of queue) {
          const { round, lane, i } = laneAndIndex(idOf(m));
          expect(i).toBeGreaterThan(lastByLane.get(`${round}/${lane}`) ?? -1);
          lastByLane.set(`${round}/${lane}`, i);
        }
        const seqs = queue.map((m) => m.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
      }

      // seq continues past everything ever handed out on that endpoint.
      const maxSeq = Math.max(...upstream.map((m) => m.seq));
      const result = await store.append(
        { message: { body: new Uint8Array([1]), systemProperties: { mid: 'after' }, properties: {} }, source: { deviceId: 'edge' }, enqueuedAtMs: Date.now() },
        [{ endpoint: '$upstream', priority: 0, ttlSecs: 0 }],
      );
      expect(result.ok).toBe(true);
      const after = (await store.peek('$upstream', 1_000_000)).find((m) => idOf(m) === 'after');
      expect(after?.seq).toBeGreaterThan(maxSeq);
    } finally {
      await store.close();
    }
  });
});
