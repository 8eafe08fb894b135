import { describe, expect, it } from 'vitest';
import { drainProgress } from './drain';

describe('drainProgress', () => {
  it('measures what has gone of the peak while the depth falls', () => {
    expect(drainProgress([0, 400, 1000, 750, 500])).toEqual({ peak: 1000, depth: 500, fraction: 0.5 });
  });

  it('holds while the depth stays put during a drain', () => {
    expect(drainProgress([1000, 500, 500])).toEqual({ peak: 1000, depth: 500, fraction: 0.5 });
  });

  it('is not draining while the queue grows, stays flat from the start, or is empty', () => {
    expect(drainProgress([0, 100, 200])).toBeUndefined();
    expect(drainProgress([1000, 500, 600])).toBeUndefined();
    expect(drainProgress([300, 300])).toBeUndefined();
    expect(drainProgress([1000, 0])).toBeUndefined();
    expect(drainProgress([])).toBeUndefined();
  });

  it('takes the peak since the queue was last empty', () => {
    expect(drainProgress([5000, 0, 200, 100])).toEqual({ peak: 200, depth: 100, fraction: 0.5 });
  });
});
