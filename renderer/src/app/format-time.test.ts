import { describe, expect, it } from 'vitest';
import { localTime } from './format-time';

describe('localTime', () => {
  const now = new Date(2026, 2, 12, 18, 30).getTime();

  it('says only the time of day for today', () => {
    expect(localTime(new Date(2026, 2, 12, 9, 5).getTime(), now, 'en-GB')).toBe('09:05');
  });

  it('adds the date for another day', () => {
    expect(localTime(new Date(2026, 2, 11, 23, 59).getTime(), now, 'en-GB')).toBe('11 Mar, 23:59');
  });
});
