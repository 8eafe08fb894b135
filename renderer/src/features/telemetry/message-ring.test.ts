import { describe, expect, it } from 'vitest';
import { MessageRing } from './message-ring';

describe('MessageRing', () => {
  it('keeps the newest items, newest first, and counts every arrival', () => {
    const ring = new MessageRing<number>(3);
    for (const n of [1, 2, 3, 4, 5]) ring.push(n);
    expect(ring.newestFirst().map((i) => i.value)).toEqual([5, 4, 3]);
    expect(ring.length).toBe(3);
    expect(ring.total).toBe(5);
  });

  it('gives each item a sequence number that never repeats', () => {
    const ring = new MessageRing<string>(2);
    ring.pushAll(['a', 'b', 'c']);
    expect(ring.newestFirst().map((i) => i.seq)).toEqual([3, 2]);
  });

  it('takes a batch larger than itself as its newest items, still counting the whole batch', () => {
    const ring = new MessageRing<number>(4);
    ring.push(0);
    ring.pushAll(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(ring.newestFirst().map((i) => i.value)).toEqual([1000, 999, 998, 997]);
    expect(ring.newestFirst().map((i) => i.seq)).toEqual([1001, 1000, 999, 998]);
    expect(ring.total).toBe(1001);
  });

  it('starts over when cleared', () => {
    const ring = new MessageRing<number>(2);
    ring.pushAll([1, 2, 3]);
    ring.clear();
    expect(ring.newestFirst()).toEqual([]);
    expect(ring.total).toBe(0);
    ring.push(9);
    expect(ring.newestFirst()).toEqual([{ seq: 1, value: 9 }]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new MessageRing(0)).toThrow(RangeError);
  });
});
