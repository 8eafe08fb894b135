import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendOptions, EndpointTarget, StoredMessage } from '../hub-model';
import { openMessageStore, type DurableMessageStore, type MessageStoreOptions } from './message-store';
import { bodyKey, queueKey } from './store-codec';

let work: string;
const open: DurableMessageStore[] = [];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatehouse-msgstore-'));
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  await rm(work, { recursive: true, force: true });
});

async function openStore(options: Partial<MessageStoreOptions> = {}): Promise<DurableMessageStore> {
  const opened = await openMessageStore({ dir: join(work, 'store'), sweepIntervalMs: 0, ...options });
  if (!opened.ok) throw new Error(opened.error.message);
  open.push(opened.value);
  return opened.value;
}

async function reopen(store: DurableMessageStore, options: Partial<MessageStoreOptions> = {}): Promise<DurableMessageStore> {
  await store.close();
  open.splice(open.indexOf(store), 1);
  return openStore(options);
}

function message(text: string, enqueuedAtMs = 1_000): StoredMessage {
  const label = text.slice(0, 20);
  return {
    message: { body: new TextEncoder().encode(text), systemProperties: { mid: label, ct: 'application/json' }, properties: { n: label } },
    source: { deviceId: 'edge1', moduleId: 'sensor' },
    enqueuedAtMs,
  };
}

const target = (endpoint: string, priority = 2_000_000_000, ttlSecs = 0): EndpointTarget => ({ endpoint, priority, ttlSecs });
const bodies = (messages: readonly { message: { body: Uint8Array } }[]) => messages.map((m) => new TextDecoder().decode(m.message.body));

async function appendOk(store: DurableMessageStore, stored: StoredMessage, targets: readonly EndpointTarget[], options?: AppendOptions): Promise<void> {
  const result = await store.append(stored, targets, options);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
}

describe('message store: order', () => {
  it('peeks lower priority numbers first, then append order within a priority', async () => {
    const store = await openStore();
    await appendOk(store, message('a-low'), [target('$upstream', 5)]);
    await appendOk(store, message('b-high'), [target('$upstream', 0)]);
    await appendOk(store, message('c-low'), [target('$upstream', 5)]);
    await appendOk(store, message('d-default'), [target('$upstream')]);
    await appendOk(store, message('e-high'), [target('$upstream', 0)]);
    const queued = await store.peek('$upstream', 10);
    expect(bodies(queued)).toEqual(['b-high', 'e-high', 'a-low', 'c-low', 'd-default']);
    expect(queued.map((m) => m.seq)).toEqual([1, 4, 0, 2, 3]);
    expect(queued[0]).toMatchObject({ endpoint: '$upstream', priority: 0, source: { deviceId: 'edge1', moduleId: 'sensor' }, message: { systemProperties: { mid: 'b-high' }, properties: { n: 'b-high' } } });
    expect(bodies(await store.peek('$upstream', 2))).toEqual(['b-high', 'e-high']);
  });

  it('keeps concurrent appends in call order, and stores a message once for several endpoints', async () => {
    const store = await openStore();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(message(`m${i}`), [target('$upstream'), target('module/filter/input1')])));
    expect(results.every((r) => r.ok)).toBe(true);
    const expected = Array.from({ length: 50 }, (_, i) => `m${i}`);
    expect(bodies(await store.peek('$upstream', 100))).toEqual(expected);
    expect(bodies(await store.peek('module/filter/input1', 100))).toEqual(expected);
    const bytesBoth = store.bytes();
    await store.ack('$upstream', (await store.peek('$upstream', 100)).map((m) => m.seq));
    // The bodies are still referenced by the module input's queue: only the entries went.
    expect(bodies(await store.peek('module/filter/input1', 100))).toEqual(expected);
    expect(store.bytes()).toBeGreaterThan(0);
    expect(store.bytes()).toBeLessThan(bytesBoth);
    await store.ack('module/filter/input1', (await store.peek('module/filter/input1', 100)).map((m) => m.seq));
    expect(store.bytes()).toBe(0);
  });

  it('tells listeners which endpoint got a message, after the append is on disk', async () => {
    const store = await openStore();
    const heard: string[] = [];
    const subscription = store.onAppended((endpoint) => heard.push(endpoint));
    await appendOk(store, message('x'), [target('$upstream'), target('module/a/in')]);
    subscription.dispose();
    await appendOk(store, message('y'), [target('$upstream')]);
    expect(heard).toEqual(['$upstream', 'module/a/in']);
  });
});

describe('message store: ack and reopen', () => {
  it('returns exactly the unacked messages after reopen, and seq continues without repeating', async () => {
    let store = await openStore();
    for (let i = 0; i < 6; i += 1) await appendOk(store, message(`m${i}`), [target('$upstream', i % 2)]);
    const first = await store.peek('$upstream', 10);
    expect(bodies(first)).toEqual(['m0', 'm2', 'm4', 'm1', 'm3', 'm5']);
    await store.ack('$upstream', [first[0]!.seq, first[1]!.seq]);
    store = await reopen(store);
    const after = await store.peek('$upstream', 10);
    expect(bodies(after)).toEqual(['m4', 'm1', 'm3', 'm5']);
    expect(after[0]).toMatchObject({ source: { deviceId: 'edge1', moduleId: 'sensor' }, enqueuedAtMs: 1_000, message: { properties: { n: 'm4' } } });

    // Ack everything, reopen: the seq high-water mark survives an empty queue.
    await store.ack('$upstream', after.map((m) => m.seq));
    store = await reopen(store);
    expect(await store.peek('$upstream', 10)).toEqual([]);
    await appendOk(store, message('next'), [target('$upstream')]);
    const next = await store.peek('$upstream', 10);
    expect(next.map((m) => m.seq)).toEqual([6]);
    expect(store.stats()).toEqual([{ endpoint: '$upstream', depth: 1, oldestAgeMs: expect.any(Number), expired: 0, delivered: 0 }]);
  });

  it('counts delivered and depth per endpoint; oldestAgeMs from the injected clock', async () => {
    let clock = 10_000;
    const store = await openStore({ now: () => clock });
    await appendOk(store, message('a', 4_000), [target('$upstream', 1)]);
    await appendOk(store, message('b', 3_000), [target('$upstream', 0), target('module/m/in')]);
    clock = 12_000;
    const byEndpoint = () => Object.fromEntries(store.stats().map((s) => [s.endpoint, s]));
    expect(byEndpoint()).toEqual({
      $upstream: { endpoint: '$upstream', depth: 2, oldestAgeMs: 9_000, expired: 0, delivered: 0 },
      'module/m/in': { endpoint: 'module/m/in', depth: 1, oldestAgeMs: 9_000, expired: 0, delivered: 0 },
    });
    await store.ack('$upstream', [(await store.peek('$upstream', 1))[0]!.seq]);
    expect(byEndpoint().$upstream).toEqual({ endpoint: '$upstream', depth: 1, oldestAgeMs: 8_000, expired: 0, delivered: 1 });
  });

  it('answers CLOSED after close, and peek/ack do nothing', async () => {
    const store = await openStore();
    await store.close();
    const result = await store.append(message('late'), [target('$upstream')]);
    expect(result).toMatchObject({ ok: false, error: { code: 'CLOSED' } });
    expect(await store.peek('$upstream', 5)).toEqual([]);
    await store.ack('$upstream', [0]);
  });

  it('answers IO when the folder is held by another open store', async () => {
    await openStore();
    const second = await openMessageStore({ dir: join(work, 'store'), sweepIntervalMs: 0 });
    expect(second).toMatchObject({ ok: false, error: { code: 'IO' } });
  });
});

describe('message store: what it finds on disk', () => {
  it('drops queue entries without a readable body, removes orphan bodies, skips unknown keys, and says so', async () => {
    let store = await openStore();
    await appendOk(store, message('good'), [target('$upstream')]);
    await store.close();
    open.splice(0);
    const raw = new ClassicLevel<string, Uint8Array>(join(work, 'store'), { keyEncoding: 'utf8', valueEncoding: 'view' });
    await raw.open();
    const enc = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    await raw.batch([
      { type: 'put', key: queueKey('$upstream', 0, 7), value: enc({ b: 999, n: 10, t: 1, x: null }) }, // its body is missing
      { type: 'put', key: queueKey('$upstream', 0, 8), value: enc({ nonsense: true }) },
      { type: 'put', key: bodyKey(500), value: new Uint8Array([0, 0, 0, 2, 123, 125]) }, // no entry refers to it
      { type: 'put', key: 'q\u0000broken', value: enc(1) },
      { type: 'put', key: 'zz/not-ours', value: enc(1) }, // outside the store's key ranges: left alone, unread
    ]);
    await raw.close();

    const logged: string[] = [];
    store = await openStore({ log: (line) => logged.push(line) });
    expect(bodies(await store.peek('$upstream', 10))).toEqual(['good']);
    expect(store.stats()[0]).toMatchObject({ depth: 1 });
    expect(logged).toHaveLength(3);
    expect(logged.join('\n')).toContain('unknown key');
    expect(logged.filter((l) => l.includes('malformed queue entry'))).toHaveLength(2);
    // The next seq is past the dropped ones (seqs never repeat), and the bytes count only what is live.
    await appendOk(store, message('next'), [target('$upstream')]);
    expect((await store.peek('$upstream', 10)).map((m) => m.seq)).toEqual([0, 9]);
    const live = store.bytes();
    store = await reopen(store, { log: (line) => logged.push(line) });
    expect(store.bytes()).toBe(live);
    expect(logged).toHaveLength(4); // only the unknown key again: the repairs were written
  });
});

describe('message store: TTL', () => {
  it('drops expired messages at peek and counts them (persisted across reopen)', async () => {
    let clock = 100_000;
    let store = await openStore({ now: () => clock, defaultTtlSecs: 60 });
    await appendOk(store, message('route-ttl-10', clock), [target('$upstream', 0, 10)]);
    await appendOk(store, message('default-ttl-60', clock), [target('$upstream', 0, 0)]);
    await appendOk(store, message('route-ttl-3600', clock), [target('$upstream', 0, 3600)]);
    expect((await store.peek('$upstream', 10)).map((m) => m.expiresAtMs)).toEqual([110_000, 160_000, 3_700_000]);

    clock += 10_000; // the 10 s TTL has passed (expiry is inclusive)
    expect(bodies(await store.peek('$upstream', 10))).toEqual(['default-ttl-60', 'route-ttl-3600']);
    expect(store.stats()[0]).toMatchObject({ depth: 2, expired: 1 });
    clock += 60_000;
    expect(bodies(await store.peek('$upstream', 10))).toEqual(['route-ttl-3600']);
    expect(store.stats()[0]).toMatchObject({ depth: 1, expired: 2, delivered: 0 });

    store = await reopen(store, { now: () => clock, defaultTtlSecs: 60 });
    expect(store.stats()[0]).toMatchObject({ depth: 1, expired: 2 });
    expect(bodies(await store.peek('$upstream', 10))).toEqual(['route-ttl-3600']);
  });

  it('never expires with no default TTL (edgeHub -1) and ttlSecs 0', async () => {
    let clock = 0;
    const store = await openStore({ now: () => clock, defaultTtlSecs: -1 });
    await appendOk(store, message('forever', 0), [target('$upstream')]);
    clock = 10 * 365 * 24 * 3600 * 1000;
    const queued = await store.peek('$upstream', 1);
    expect(bodies(queued)).toEqual(['forever']);
    expect(queued[0]!.expiresAtMs).toBeUndefined();
  });

  it('purgeExpired drops expired messages of every endpoint without a peek', async () => {
    let clock = 0;
    const store = await openStore({ now: () => clock });
    store.setDefaultTtlSecs(5);
    await appendOk(store, message('a', 0), [target('$upstream'), target('module/m/in')]);
    await appendOk(store, message('b', 0), [target('module/m/in', 0, 100)]);
    clock = 5_000;
    expect(await store.purgeExpired()).toBe(2);
    expect(Object.fromEntries(store.stats().map((s) => [s.endpoint, [s.depth, s.expired]]))).toEqual({ $upstream: [0, 1], 'module/m/in': [1, 1] });
  });
});

describe('message store: bounded disk', () => {
  it('refuses with FULL past the bound, says the bound and what to do, and drops nothing stored', async () => {
    let store = await openStore({ limitBytes: 2_000 });
    const big = 'x'.repeat(300);
    let accepted = 0;
    let refusal: { code: string; message: string } | undefined;
    for (let i = 0; i < 20 && !refusal; i += 1) {
      const result = await store.append(message(`${i}:${big}`), [target('$upstream')]);
      if (result.ok) accepted += 1;
      else refusal = result.error;
    }
    expect(accepted).toBeGreaterThan(2);
    expect(refusal?.code).toBe('FULL');
    expect(refusal?.message).toContain('bound');
    expect(refusal?.message).toContain('2.0 KiB');
    expect(refusal?.message).toContain('maxSizeBytes');
    expect(store.bytes()).toBeLessThanOrEqual(2_000);
    expect(await store.peek('$upstream', 100)).toHaveLength(accepted);

    // Delivering one frees room again.
    await store.ack('$upstream', [(await store.peek('$upstream', 1))[0]!.seq]);
    expect((await store.append(message(`again:${big}`), [target('$upstream')])).ok).toBe(true);
    const bytes = store.bytes();
    store = await reopen(store, { limitBytes: 2_000 });
    expect(store.bytes()).toBe(bytes);
    expect(await store.peek('$upstream', 100)).toHaveLength(accepted);
  });

  it('counts concurrent appends in flight against the bound', async () => {
    const store = await openStore({ limitBytes: 3_000 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.append(message(`${i}:${'y'.repeat(200)}`), [target('$upstream')])));
    const okCount = results.filter((r) => r.ok).length;
    expect(okCount).toBeGreaterThan(0);
    expect(okCount).toBeLessThan(30);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'FULL')).toBe(true);
    expect(store.bytes()).toBeLessThanOrEqual(3_000);
  });

  it('makes room by dropping expired messages before refusing', async () => {
    let clock = 0;
    const store = await openStore({ limitBytes: 1_500, now: () => clock });
    const big = 'z'.repeat(400);
    await appendOk(store, message(`old:${big}`, 0), [target('$upstream', 0, 1)]);
    await appendOk(store, message(`old2:${big}`, 0), [target('$upstream', 0, 1)]);
    expect((await store.append(message(`new:${big}`, 0), [target('$upstream')])).ok).toBe(false);
    clock = 1_000;
    await appendOk(store, message(`new:${big}`, 1_000), [target('$upstream')]);
    expect(store.stats()[0]).toMatchObject({ depth: 1, expired: 2 });
  });
});

describe('message store: group commit', () => {
  it('serves peeks of bodies appended by this process from memory (within bodyCacheBytes), the same as from disk', async () => {
    let store = await openStore();
    for (let i = 0; i < 5; i += 1) await appendOk(store, message(`m${i}`), [target('$upstream'), target('module/filter/input1')]);
    const live = await store.peek('$upstream', 10);
    expect(store.bodyReads()).toBe(0);
    store = await reopen(store);
    const fromDisk = await store.peek('$upstream', 10);
    expect(store.bodyReads()).toBe(5);
    expect(live.map((m) => ({ ...m, message: { ...m.message, body: bodies([m]) } }))).toEqual(fromDisk.map((m) => ({ ...m, message: { ...m.message, body: bodies([m]) } })));

    // A body leaves the cache with its last entry; a cache too small for a body reads it from disk.
    const small = await reopen(store, { bodyCacheBytes: 0 });
    await appendOk(small, message('late'), [target('$upstream')]);
    expect(bodies(await small.peek('$upstream', 10))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'late']);
    expect(small.bodyReads()).toBe(6);
  });

  it('writes an append as its body and entries only; the seq mark goes with the acks that delete entries', async () => {
    const batches: number[] = [];
    let store = await openStore({ onBatchWrite: (batch) => void batches.push(batch.ops) });
    await appendOk(store, message('m0'), [target('$upstream')]);
    expect(batches).toEqual([2]);
    await appendOk(store, message('m1'), [target('$upstream'), target('module/filter/input1')]);
    expect(batches).toEqual([2, 3]);
    const queued = await store.peek('$upstream', 10);
    await store.ack('$upstream', queued.map((m) => m.seq));
    expect(batches).toEqual([2, 3, 4]); // two entries, m0's body, the seq mark (m1's body is still queued for filter)
    store = await reopen(store);
    await appendOk(store, message('m2'), [target('$upstream')]);
    expect((await store.peek('$upstream', 10)).map((m) => m.seq)).toEqual([2]);
  });

  it('writes many concurrent appends in far fewer synced batches', async () => {
    const batches: { ops: number; requests: number }[] = [];
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const store = await openStore({
      onBatchWrite: async (batch) => {
        batches.push(batch);
        if (batches.length === 1) await held; // keep the first write in flight while the rest arrive
      },
    });
    const first = store.append(message('first'), [target('$upstream')]);
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is now being written
    const rest = Array.from({ length: 200 }, (_, i) => store.append(message(`m${i}`), [target('$upstream')]));
    release?.();
    const results = await Promise.all([first, ...rest]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.requests).toBe(200);
    expect(store.batchWrites()).toBe(2);
    expect(bodies(await store.peek('$upstream', 300))).toEqual(['first', ...Array.from({ length: 200 }, (_, i) => `m${i}`)]);
  });

  it('writes a sync: false append (QoS 0) without fsync unless a synced request shares its batch; it is stored all the same', async () => {
    const batches: { requests: number; sync: boolean }[] = [];
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let store = await openStore({
      onBatchWrite: async (batch) => {
        batches.push({ requests: batch.requests, sync: batch.sync });
        if (batches.length === 2) await held; // the second batch stays in flight while two more appends arrive
      },
    });
    await appendOk(store, message('q0-alone'), [target('$upstream')], { sync: false });
    const second = store.append(message('q0-second'), [target('$upstream')], { sync: false });
    await new Promise((resolve) => setImmediate(resolve));
    const mixed = [store.append(message('q0-mixed'), [target('$upstream')], { sync: false }), store.append(message('q1-mixed'), [target('$upstream')])];
    release?.();
    expect((await Promise.all([second, ...mixed])).every((r) => r.ok)).toBe(true);
    await appendOk(store, message('q1-alone'), [target('$upstream')]);
    expect(batches).toEqual([
      { requests: 1, sync: false },
      { requests: 1, sync: false },
      { requests: 2, sync: true },
      { requests: 1, sync: true },
    ]);
    const queued = await store.peek('$upstream', 10);
    expect(bodies(queued)).toEqual(['q0-alone', 'q0-second', 'q0-mixed', 'q1-mixed', 'q1-alone']);
    await store.ack('$upstream', [queued[0]!.seq]);
    expect(batches.at(-1)).toEqual({ requests: 1, sync: true }); // the checkpoint is synced as before
    store = await reopen(store);
    expect(bodies(await store.peek('$upstream', 10))).toEqual(['q0-second', 'q0-mixed', 'q1-mixed', 'q1-alone']);
  });

  it('caps a group commit by bytes, so a burst of large messages is written in several ordered batches', async () => {
    const batches: { bytes: number; requests: number }[] = [];
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const store = await openStore({
      maxBatchBytes: 8_192,
      onBatchWrite: async (batch) => {
        batches.push(batch);
        if (batches.length === 1) await held;
      },
    });
    const first = store.append(message('first'), [target('$upstream')]);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 40 }, (_, i) => store.append(message(`m${i}:${'k'.repeat(1_000)}`), [target('$upstream')]));
    release?.();
    expect((await Promise.all([first, ...rest])).every((r) => r.ok)).toBe(true);
    const later = batches.slice(1);
    expect(later.reduce((sum, b) => sum + b.requests, 0)).toBe(40);
    expect(later.length).toBeGreaterThan(3);
    expect(later.length).toBeLessThan(40);
    for (const batch of later) expect(batch.bytes).toBeLessThanOrEqual(8_192);
    expect(bodies(await store.peek('$upstream', 100)).map((b) => b.split(':')[0])).toEqual(['first', ...Array.from({ length: 40 }, (_, i) => `m${i}`)]);
  });

  it('resolves an append only after its batch is written', async () => {
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const store = await openStore({ onBatchWrite: () => held });
    let settled = false;
    const pending = store.append(message('m'), [target('$upstream')]).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(await store.peek('$upstream', 1)).toEqual([]);
    release?.();
    await pending;
    expect(bodies(await store.peek('$upstream', 1))).toEqual(['m']);
  });

  it('answers IO to every append of a failed batch and does not index them', async () => {
    let fail = true;
    const store = await openStore({
      onBatchWrite: () => {
        if (fail) throw new Error('disk on fire');
      },
    });
    const results = await Promise.all([store.append(message('a'), [target('$upstream')]), store.append(message('b'), [target('$upstream')])]);
    expect(results.map((r) => !r.ok && r.error.code)).toEqual(['IO', 'IO']);
    expect(store.bytes()).toBe(0);
    fail = false;
    await appendOk(store, message('c'), [target('$upstream')]);
    expect(bodies(await store.peek('$upstream', 5))).toEqual(['c']);
  });
});
