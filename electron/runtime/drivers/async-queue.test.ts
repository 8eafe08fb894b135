import { describe, expect, it } from 'vitest';
import { AsyncQueue, iterateEvent } from './async-queue';
import { DisposableStore, toDisposable } from './disposable';
import { Emitter, nextEvent } from './event';

describe('AsyncQueue', () => {
  it('delivers pushed values in order, buffered or awaited, then ends', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    const pending = queue.next();
    expect(await pending).toEqual({ value: 1, done: false });
    const later = (async () => {
      const seen: number[] = [];
      for await (const value of queue) seen.push(value);
      return seen;
    })();
    queue.push(3);
    queue.end();
    queue.push(4); // after end: dropped
    expect(await later).toEqual([2, 3]);
  });

  it('pauses the producer above the high-water mark and resumes it when drained', async () => {
    const pressure: boolean[] = [];
    const queue = new AsyncQueue<number>({ highWaterMark: 4, onPressure: (paused) => pressure.push(paused) });
    for (let i = 0; i < 6; i++) queue.push(i);
    expect(pressure).toEqual([true]);
    for (let i = 0; i < 4; i++) await queue.next();
    expect(pressure).toEqual([true, false]);
  });

  it('cancels the producer once when the consumer leaves the loop', async () => {
    let cancelled = 0;
    const queue = new AsyncQueue<number>({ onCancel: () => (cancelled += 1) });
    queue.push(1);
    queue.push(2);
    for await (const value of queue) if (value === 1) break;
    queue.dispose();
    expect(cancelled).toBe(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });
});

describe('iterateEvent', () => {
  it('buffers matching events from the moment of the call and unsubscribes on dispose', async () => {
    const emitter = new Emitter<number>();
    const iterable = iterateEvent(emitter.event, (n) => n % 2 === 0);
    [1, 2, 3, 4].forEach((n) => emitter.fire(n));
    const seen: number[] = [];
    for await (const n of iterable) {
      seen.push(n);
      if (n === 4) break;
    }
    expect(seen).toEqual([2, 4]);
    expect(emitter.hasListeners).toBe(false);
  });
});

describe('Emitter', () => {
  it('delivers to every listener, survives a throwing one, and unsubscribes by disposable', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((error) => errors.push(error));
    const seen: string[] = [];
    emitter.event(() => {
      throw new Error('bad listener');
    });
    const subscription = emitter.event((v) => seen.push(v));
    emitter.fire('a');
    subscription.dispose();
    emitter.fire('b');
    expect(seen).toEqual(['a']);
    expect(errors).toHaveLength(2);
  });

  it('nextEvent resolves with the first match, or undefined when aborted', async () => {
    const emitter = new Emitter<number>();
    const match = nextEvent(emitter.event, (n) => n > 1);
    emitter.fire(1);
    emitter.fire(2);
    expect(await match).toBe(2);
    const controller = new AbortController();
    const aborted = nextEvent(emitter.event, () => true, controller.signal);
    controller.abort();
    expect(await aborted).toBeUndefined();
    expect(emitter.hasListeners).toBe(false);
  });
});

describe('DisposableStore', () => {
  it('disposes in reverse order, once, and disposes latecomers at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(toDisposable(() => order.push('second')));
    store.dispose();
    store.dispose();
    store.add(toDisposable(() => order.push('late')));
    expect(order).toEqual(['second', 'first', 'late']);
    expect(store.isDisposed).toBe(true);
  });

  it('disposes everything even when one throws, then rethrows', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.add(
      toDisposable(() => {
        throw new Error('boom');
      }),
    );
    expect(() => store.dispose()).toThrow('boom');
    expect(order).toEqual(['a']);
  });
});
