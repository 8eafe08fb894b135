import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointPump, type EndpointPumpOptions, type PumpState } from './endpoint-pump';
import type { MessageStore, QueuedMessage, SendOutcome } from './hub-model';
import { openMessageStore, type DurableMessageStore } from './store/message-store';

// The pump over a real store (classic-level in a temp folder) and a scripted sender; timers are injected, so the
// tests fire backoff timers themselves and assert no timing.

let work: string;
let store: DurableMessageStore;
const pumps: EndpointPump[] = [];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatehouse-pump-'));
  const opened = await openMessageStore({ dir: join(work, 'store'), sweepIntervalMs: 0, now: () => 1_000 });
  if (!opened.ok) throw new Error(opened.error.message);
  store = opened.value;
});
afterEach(async () => {
  for (const pump of pumps.splice(0)) await pump.dispose();
  await store.close();
  await rm(work, { recursive: true, force: true });
});

const ENDPOINT = '$upstream';

async function append(mid: string, priority = 0): Promise<void> {
  const result = await store.append(
    { message: { body: new TextEncoder().encode(mid), systemProperties: { mid }, properties: {} }, source: { deviceId: 'edge', moduleId: 'sensor' }, enqueuedAtMs: 1_000 },
    [{ endpoint: ENDPOINT, priority, ttlSecs: 0 }],
  );
  if (!result.ok) throw new Error(result.error.message);
}

/** A sender that records what it was given and answers from a script (ok when the script has nothing). */
function scriptedSender(script: (mid: string, attempt: number) => SendOutcome | Promise<SendOutcome> = () => ({ ok: true })) {
  const sent: string[] = [];
  const attempts = new Map<string, number>();
  return {
    sent,
    send: async (message: QueuedMessage): Promise<SendOutcome> => {
      const mid = message.message.systemProperties.mid ?? '?';
      const attempt = (attempts.get(mid) ?? 0) + 1;
      attempts.set(mid, attempt);
      sent.push(mid);
      return script(mid, attempt);
    },
  };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  const setTimer = (fire: () => void, ms: number) => {
    const timer = { ms, fire, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const fireLast = () => {
    const timer = timers.at(-1);
    if (!timer || timer.cancelled) throw new Error('no pending timer');
    timer.fire();
  };
  return { timers, setTimer, fireLast };
}

function startPump(options: Omit<EndpointPumpOptions, 'store' | 'endpoint'>): EndpointPump {
  const pump = new EndpointPump({ store, endpoint: ENDPOINT, now: () => 50_000, ...options });
  pumps.push(pump);
  pump.start();
  return pump;
}

/** Resolves when the pump's state matches (now or on a later change). */
function until(pump: EndpointPump, matches: (state: PumpState) => boolean): Promise<PumpState> {
  if (matches(pump.state)) return Promise.resolve(pump.state);
  return new Promise((resolve) => {
    const subscription = pump.onDidChangeState((state) => {
      if (!matches(state)) return;
      subscription.dispose();
      resolve(state);
    });
  });
}

/** Idle with nothing left in the store for the endpoint. */
async function drained(pump: EndpointPump): Promise<void> {
  for (;;) {
    await until(pump, (s) => s.state === 'idle');
    if ((store.stats().find((s) => s.endpoint === ENDPOINT)?.depth ?? 0) === 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('endpoint pump', () => {
  it('delivers what was queued before it started, then what is appended, in delivery order, acking each', async () => {
    await append('p1-a', 1);
    await append('p0-b', 0);
    const sender = scriptedSender();
    const pump = startPump({ sender });
    await drained(pump);
    await append('p0-c', 0);
    await append('p0-d', 0);
    await drained(pump);
    expect(sender.sent).toEqual(['p0-b', 'p1-a', 'p0-c', 'p0-d']);
    expect(store.stats()[0]).toMatchObject({ depth: 0, delivered: 4 });
    expect(pump.status()).toMatchObject({ sent: 4, deadLettered: 0, lastError: undefined });
  });

  it('keeps order under retry: the failing message is resent first, with exponential capped backoff', async () => {
    for (const mid of ['m0', 'm1', 'm2', 'm3']) await append(mid);
    const timers = manualTimers();
    const sender = scriptedSender((mid, attempt) => (mid === 'm1' && attempt <= 4 ? { ok: false, retry: true, reason: `offline #${attempt}` } : { ok: true }));
    const pump = startPump({ sender, setTimer: timers.setTimer, backoff: { initialMs: 250, maxMs: 1_000 } });

    const waits: PumpState[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      waits.push(await until(pump, (s) => s.state === 'backingOff' && s.attempt === attempt));
      expect(store.stats()[0]?.depth).toBe(3); // m1 is still queued, nothing behind it went out
      timers.fireLast();
    }
    await drained(pump);
    expect(sender.sent).toEqual(['m0', 'm1', 'm1', 'm1', 'm1', 'm1', 'm2', 'm3']);
    expect(timers.timers.map((t) => t.ms)).toEqual([250, 500, 1_000, 1_000]);
    expect(waits.map((s) => s.state === 'backingOff' && [s.retryAtMs, s.lastError])).toEqual([
      [50_250, 'offline #1'],
      [50_500, 'offline #2'],
      [51_000, 'offline #3'],
      [51_000, 'offline #4'],
    ]);
    expect(pump.status()).toMatchObject({ sent: 3 + 1, lastError: 'offline #4' });
  });

  it('kick() ends a backoff at once and restarts the doubling', async () => {
    await append('m0');
    const timers = manualTimers();
    let online = false;
    const sender = scriptedSender(() => (online ? { ok: true } : { ok: false, retry: true, reason: 'upstream offline' }));
    const pump = startPump({ sender, setTimer: timers.setTimer, backoff: { initialMs: 100, maxMs: 10_000 } });
    await until(pump, (s) => s.state === 'backingOff' && s.attempt === 1);
    timers.fireLast();
    await until(pump, (s) => s.state === 'backingOff' && s.attempt === 2);
    expect(timers.timers.map((t) => t.ms)).toEqual([100, 200]);
    online = true;
    pump.kick();
    await drained(pump);
    expect(timers.timers[1]?.cancelled).toBe(true);
    expect(sender.sent).toEqual(['m0', 'm0', 'm0']);
  });

  it('treats a sender that throws as a retryable failure', async () => {
    await append('m0');
    const timers = manualTimers();
    const sender = scriptedSender((_mid, attempt) => {
      if (attempt === 1) throw new Error('socket hang up');
      return { ok: true };
    });
    const pump = startPump({ sender, setTimer: timers.setTimer });
    const state = await until(pump, (s) => s.state === 'backingOff');
    expect(state).toMatchObject({ lastError: expect.stringContaining('socket hang up') });
    timers.fireLast();
    await drained(pump);
    expect(sender.sent).toEqual(['m0', 'm0']);
  });

  it('dead-letters a message the sender refuses for good: acked, counted, logged, and the next one goes', async () => {
    for (const mid of ['m0', 'too-big', 'm2']) await append(mid);
    const logged: string[] = [];
    const sender = scriptedSender((mid) => (mid === 'too-big' ? { ok: false, retry: false, reason: 'message too large (262145 bytes)' } : { ok: true }));
    const pump = startPump({ sender, log: (line) => logged.push(line) });
    await drained(pump);
    expect(sender.sent).toEqual(['m0', 'too-big', 'm2']);
    expect(pump.status()).toMatchObject({ sent: 2, deadLettered: 1, lastError: 'message too large (262145 bytes)' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('message too large (262145 bytes)');
    expect(logged[0]).toContain('dead-lettered');
    expect(await store.peek(ENDPOINT, 10)).toEqual([]);
  });

  it('dispose() waits for the send in flight, acks it, and sends nothing after', async () => {
    await append('m0');
    await append('m1');
    let finish: ((outcome: SendOutcome) => void) | undefined;
    const sender = scriptedSender((mid) => (mid === 'm0' ? new Promise<SendOutcome>((resolve) => (finish = resolve)) : { ok: true }));
    const pump = startPump({ sender });
    await until(pump, (s) => s.state === 'delivering');
    let disposed = false;
    const disposing = pump.dispose().then(() => (disposed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(disposed).toBe(false);
    finish?.({ ok: true });
    await disposing;
    expect(pump.state).toEqual({ state: 'stopped' });
    await append('m2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.sent).toEqual(['m0']);
    expect((await store.peek(ENDPOINT, 10)).map((m) => m.message.systemProperties.mid)).toEqual(['m1', 'm2']);
  });

  it('dispose() ends a backoff wait and an idle wait', async () => {
    const idle = startPump({ sender: scriptedSender() });
    await until(idle, (s) => s.state === 'idle');
    await idle.dispose();
    expect(idle.state).toEqual({ state: 'stopped' });

    await append('m0');
    const timers = manualTimers();
    const backingOff = startPump({ sender: scriptedSender(() => ({ ok: false, retry: true, reason: 'offline' })), setTimer: timers.setTimer });
    await until(backingOff, (s) => s.state === 'backingOff');
    await backingOff.dispose();
    expect(backingOff.state).toEqual({ state: 'stopped' });
    expect(timers.timers[0]?.cancelled).toBe(true);
  });
});

describe('endpoint pump with a window of sends in flight', () => {
  /** A sender whose sends stay pending until the test settles them (by mid), recording the start order. */
  function heldSender() {
    const started: string[] = [];
    const pending = new Map<string, (outcome: SendOutcome) => void>();
    let onStart: (() => void) | undefined;
    return {
      started,
      pending,
      send: (message: QueuedMessage): Promise<SendOutcome> => {
        const mid = message.message.systemProperties.mid ?? '?';
        started.push(mid);
        onStart?.();
        return new Promise<SendOutcome>((resolve) => pending.set(mid, resolve));
      },
      /** Resolves once `count` sends were started in all. */
      startedCount: (count: number) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (started.length < count) return;
            onStart = undefined;
            resolve();
          };
          onStart = check;
          check();
        }),
      settle(mid: string, outcome: SendOutcome = { ok: true }) {
        const resolve = pending.get(mid);
        if (!resolve) throw new Error(`${mid} is not in flight`);
        pending.delete(mid);
        resolve(outcome);
      },
    };
  }

  it('starts up to `window` sends in order before the first settles, and acks in order whatever order they settle in', async () => {
    for (const mid of ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']) await append(mid);
    const sender = heldSender();
    const pump = startPump({ sender, window: 4 });
    await sender.startedCount(4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.started).toEqual(['m0', 'm1', 'm2', 'm3']); // the window is full: m4 waits
    sender.settle('m2');
    sender.settle('m1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.stats()[0]?.depth).toBe(6); // m0 is still in flight: nothing behind it is acked
    expect(sender.started).toHaveLength(4);
    sender.settle('m0');
    await sender.startedCount(6);
    expect(sender.started).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    for (const mid of ['m5', 'm4', 'm3']) sender.settle(mid);
    await drained(pump);
    expect(store.stats()[0]).toMatchObject({ depth: 0, delivered: 6 });
    expect(pump.status()).toMatchObject({ sent: 6, deadLettered: 0 });
  });

  it('on a retryable failure starts nothing more, acks only what came before it, and resends from the failed message', async () => {
    for (const mid of ['m0', 'm1', 'm2', 'm3', 'm4']) await append(mid);
    const timers = manualTimers();
    const sender = scriptedSender((mid, attempt) => (mid === 'm1' && attempt === 1 ? { ok: false, retry: true, reason: 'offline' } : { ok: true }));
    const pump = startPump({ sender, window: 3, setTimer: timers.setTimer });
    await until(pump, (s) => s.state === 'backingOff');
    // m1..m3 were in flight together (m3 started when m0 settled); m1 failed, so m2 and m3 (taken by the sender) are
    // not acked and m4 was never started.
    expect(sender.sent).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect((await store.peek(ENDPOINT, 10)).map((m) => m.message.systemProperties.mid)).toEqual(['m1', 'm2', 'm3', 'm4']);
    timers.fireLast();
    await drained(pump);
    expect(sender.sent).toEqual(['m0', 'm1', 'm2', 'm3', 'm1', 'm2', 'm3', 'm4']);
    expect(store.stats()[0]).toMatchObject({ depth: 0, delivered: 5 });
  });

  it('acks a message refused for good inside the window and goes on', async () => {
    for (const mid of ['m0', 'too-big', 'm2', 'm3']) await append(mid);
    const sender = scriptedSender((mid) => (mid === 'too-big' ? { ok: false, retry: false, reason: 'too large' } : { ok: true }));
    const pump = startPump({ sender, window: 8 });
    await drained(pump);
    expect(sender.sent).toEqual(['m0', 'too-big', 'm2', 'm3']);
    expect(pump.status()).toMatchObject({ sent: 3, deadLettered: 1 });
  });

  it('dispose() lets the sends in flight settle and acks them, and starts nothing after', async () => {
    for (const mid of ['m0', 'm1', 'm2', 'm3']) await append(mid);
    const sender = heldSender();
    const pump = startPump({ sender, window: 2 });
    await sender.startedCount(2);
    const disposing = pump.dispose();
    sender.settle('m1');
    sender.settle('m0');
    await disposing;
    expect(sender.started).toEqual(['m0', 'm1']);
    expect((await store.peek(ENDPOINT, 10)).map((m) => m.message.systemProperties.mid)).toEqual(['m2', 'm3']);
  });
});

describe('endpoint pump over a store that breaks its contract', () => {
  it('backs off when peek rejects, then delivers once it answers again', async () => {
    await append('m0');
    let broken = true;
    const flaky: MessageStore = {
      append: (message, targets) => store.append(message, targets),
      peek: (endpoint, max) => (broken ? Promise.reject(new Error('store gone')) : store.peek(endpoint, max)),
      ack: (endpoint, seqs) => store.ack(endpoint, seqs),
      onAppended: (listener) => store.onAppended(listener),
      stats: () => store.stats(),
      close: () => store.close(),
    };
    const timers = manualTimers();
    const sender = scriptedSender();
    const pump = new EndpointPump({ store: flaky, endpoint: ENDPOINT, sender, setTimer: timers.setTimer });
    pumps.push(pump);
    pump.start();
    const state = await until(pump, (s) => s.state === 'backingOff');
    expect(state).toMatchObject({ lastError: expect.stringContaining('store gone') });
    broken = false;
    timers.fireLast();
    await drained(pump);
    expect(sender.sent).toEqual(['m0']);
  });
});
