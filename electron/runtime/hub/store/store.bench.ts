import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointPump } from '../endpoint-pump';
import type { StoredMessage } from '../hub-model';
import { openMessageStore } from './message-store';

/**
 * Durable appends per second: one at a time (each waits for its own fsync) against 64 concurrent writers (group
 * commit: the appends that arrive during a write share the next one), then how fast one EndpointPump drains what was
 * stored to a sender that accepts at once (peek, send, durable ack). Not wired into scripts; call `benchStore()`.
 */

export interface StoreBenchResult {
  readonly sequential: { readonly appends: number; readonly perSecond: number; readonly batchWrites: number };
  readonly concurrent: { readonly appends: number; readonly writers: number; readonly perSecond: number; readonly batchWrites: number };
  readonly drain: { readonly messages: number; readonly perSecond: number; readonly batchWrites: number };
}

export async function benchStore(options: { sequential?: number; concurrent?: number; writers?: number; bodyBytes?: number; print?: (line: string) => void } = {}): Promise<StoreBenchResult> {
  const sequentialCount = options.sequential ?? 500;
  const concurrentCount = options.concurrent ?? 5_000;
  const writers = options.writers ?? 64;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const body = new Uint8Array(options.bodyBytes ?? 256).fill(0x61);
  const message = (i: number): StoredMessage => ({ message: { body, systemProperties: { mid: String(i) }, properties: { n: String(i) } }, source: { deviceId: 'bench', moduleId: 'sensor' }, enqueuedAtMs: Date.now() });
  const targets = [{ endpoint: '$upstream', priority: 0, ttlSecs: 0 }];

  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-store-bench-'));
  try {
    const opened = await openMessageStore({ dir, sweepIntervalMs: 0 });
    if (!opened.ok) throw new Error(opened.error.message);
    const store = opened.value;
    try {
      let started = performance.now();
      for (let i = 0; i < sequentialCount; i += 1) {
        const result = await store.append(message(i), targets);
        if (!result.ok) throw new Error(result.error.message);
      }
      const sequentialMs = performance.now() - started;
      const sequentialBatches = store.batchWrites();

      started = performance.now();
      let next = 0;
      const writer = async () => {
        while (next < concurrentCount) {
          const result = await store.append(message((next += 1)), targets);
          if (!result.ok) throw new Error(result.error.message);
        }
      };
      await Promise.all(Array.from({ length: writers }, writer));
      const concurrentMs = performance.now() - started;

      const beforeDrain = store.batchWrites();
      const total = sequentialCount + concurrentCount;
      started = performance.now();
      const pump = new EndpointPump({ store, endpoint: '$upstream', sender: { send: () => Promise.resolve({ ok: true }) } });
      const drained = new Promise<void>((resolve) => {
        const check = () => {
          if ((store.stats().find((s) => s.endpoint === '$upstream')?.depth ?? 0) === 0) resolve();
          else setImmediate(check);
        };
        check();
      });
      pump.start();
      await drained;
      await pump.dispose();
      const drainMs = performance.now() - started;

      const result: StoreBenchResult = {
        sequential: { appends: sequentialCount, perSecond: Math.round((sequentialCount / sequentialMs) * 1000), batchWrites: sequentialBatches },
        concurrent: { appends: concurrentCount, writers, perSecond: Math.round((concurrentCount / concurrentMs) * 1000), batchWrites: beforeDrain - sequentialBatches },
        drain: { messages: total, perSecond: Math.round((total / drainMs) * 1000), batchWrites: store.batchWrites() - beforeDrain },
      };
      print(`message store, durable appends (${body.byteLength} B bodies, sync writes):`);
      print(`  sequential     ${String(result.sequential.perSecond).padStart(8)} appends/s  (${result.sequential.appends} appends, ${result.sequential.batchWrites} batch writes)`);
      print(`  ${String(writers).padStart(2)} concurrent  ${String(result.concurrent.perSecond).padStart(8)} appends/s  (${result.concurrent.appends} appends, ${result.concurrent.batchWrites} batch writes)`);
      print(`  pump drain     ${String(result.drain.perSecond).padStart(8)} messages/s (${result.drain.messages} messages, ${result.drain.batchWrites} batch writes for their acks)`);
      return result;
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
