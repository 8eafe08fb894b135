import { describe, expect, it } from 'vitest';
import { Ring, Sampler, type Clock } from './live-buffer';

describe('Ring', () => {
  it('keeps the newest items, newest first, with sequence numbers that never repeat', () => {
    const ring = new Ring<string>(3);
    expect(ring.newestFirst()).toEqual([]);
    for (const x of ['a', 'b']) ring.push(x);
    expect(ring.newestFirst().map((i) => i.value)).toEqual(['b', 'a']);
    for (const x of ['c', 'd', 'e']) ring.push(x);
    expect(ring.newestFirst()).toEqual([
      { seq: 5, value: 'e' },
      { seq: 4, value: 'd' },
      { seq: 3, value: 'c' },
    ]);
    expect(ring.length).toBe(3);
    expect(ring.total).toBe(5);
  });

  it('stays bounded under a burst far larger than it', () => {
    const ring = new Ring<number>(500);
    for (let i = 0; i < 2000; i++) ring.push(i);
    const items = ring.newestFirst();
    expect(items).toHaveLength(500);
    expect(items[0]!.value).toBe(1999);
    expect(items[499]!.value).toBe(1500);
    expect(ring.total).toBe(2000);
  });

  it('hands out copies: a sample does not change when more arrive', () => {
    const ring = new Ring<number>(2);
    ring.push(1);
    const sample = ring.newestFirst();
    ring.push(2);
    ring.push(3);
    expect(sample.map((i) => i.value)).toEqual([1]);
  });

  it('clear empties it and restarts the counter', () => {
    const ring = new Ring<number>(2);
    ring.push(1);
    ring.clear();
    expect(ring.newestFirst()).toEqual([]);
    expect(ring.total).toBe(0);
    ring.push(7);
    expect(ring.newestFirst()).toEqual([{ seq: 1, value: 7 }]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, run, id });
      return id;
    },
    clearTimeout: (id) => (timers = timers.filter((t) => t.id !== id)),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.run();
    }
    now = until;
  };
  return { clock, advance, pending: () => timers.length };
}

describe('Sampler', () => {
  it('flushes once per interval however many changes come, and shows the first change at once', () => {
    const { clock, advance } = manualClock();
    let flushes = 0;
    const sampler = new Sampler(() => flushes++, 250, clock);
    sampler.poke();
    advance(0);
    expect(flushes).toBe(1); // a quiet view shows the first message on the next tick
    // A burst of 2,000 messages over one second: four samples, not 2,000 renders.
    for (let i = 0; i < 2000; i++) {
      sampler.poke();
      advance(0.5);
    }
    expect(flushes).toBeLessThanOrEqual(1 + 4);
    advance(1000);
    expect(flushes).toBe(5); // the last change is shown, once
  });

  it('does nothing without a change, and nothing after dispose', () => {
    const { clock, advance, pending } = manualClock();
    let flushes = 0;
    const sampler = new Sampler(() => flushes++, 250, clock);
    advance(1000);
    expect(flushes).toBe(0);
    sampler.poke();
    sampler.dispose();
    expect(pending()).toBe(0);
    sampler.poke();
    advance(1000);
    expect(flushes).toBe(0);
  });
});

describe('Ring.pushAll', () => {
  it('takes a batch larger than itself as its newest items, still counting the whole batch', () => {
    const ring = new Ring<number>(4);
    ring.push(0);
    ring.pushAll(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(ring.newestFirst().map((i) => i.value)).toEqual([1000, 999, 998, 997]);
    expect(ring.newestFirst().map((i) => i.seq)).toEqual([1001, 1000, 999, 998]);
    expect(ring.total).toBe(1001);
  });
});
