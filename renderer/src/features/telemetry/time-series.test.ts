import { describe, expect, it } from 'vitest';
import { chartRows, latestValue, thinRows, TimeSeries, windowTicks, type SeriesRow } from './time-series';

const T0 = Date.parse('2026-12-03T12:00:00Z');

describe('TimeSeries', () => {
  it('keeps only the last window by the rows’ own times', () => {
    const series = new TimeSeries(120_000);
    for (let s = 0; s <= 300; s++) series.push(T0 + s * 1000, { 'sensor/out': s });
    const rows = series.snapshot();
    expect(rows[0]!.t).toBe(T0 + 180_000);
    expect(rows[rows.length - 1]!.t).toBe(T0 + 300_000);
    expect(rows).toHaveLength(121);
  });

  it('keeps at most maxRows rows however fast they come (1,000 messages/s)', () => {
    const series = new TimeSeries(120_000, 2_000);
    for (let i = 0; i < 120_000; i++) series.push(T0 + i, { v: i });
    expect(series.length).toBe(2_000);
    expect(series.snapshot()[1_999]!.values.v).toBe(119_999);
  });

  it('keeps rows in time order when one comes late', () => {
    const series = new TimeSeries();
    series.push(T0 + 2000, { a: 2 });
    series.push(T0 + 1000, { a: 1 });
    series.push(T0 + 3000, { a: 3 });
    expect(series.snapshot().map((r) => r.values.a)).toEqual([1, 2, 3]);
  });

  it('lists the keys still present, in first-seen order', () => {
    const series = new TimeSeries(10_000);
    series.push(T0, { old: 1, b: 1 });
    series.push(T0 + 5000, { a: 1, b: 2 });
    expect(series.keys()).toEqual(['old', 'b', 'a']);
    series.push(T0 + 12_000, { a: 2 });
    expect(series.keys()).toEqual(['b', 'a']);
  });

  it('ignores a row without a readable time', () => {
    const series = new TimeSeries();
    series.push(Number.NaN, { a: 1 });
    expect(series.length).toBe(0);
  });
});

describe('chartRows and latestValue', () => {
  const rows: SeriesRow[] = [
    { t: 1, values: { a: 1, b: 10 } },
    { t: 2, values: { b: 20 } },
    { t: 3, values: { c: 5 } },
  ];

  it('gives recharts points with only the keys asked for', () => {
    expect(chartRows(rows, ['a', 'b'])).toEqual([
      { t: 1, a: 1, b: 10 },
      { t: 2, b: 20 },
    ]);
    expect(chartRows(rows, [])).toEqual([]);
  });

  it('fills what a row lacks when told to (rates: not counted in that second is 0)', () => {
    expect(chartRows(rows, ['a', 'b'], 0)).toEqual([
      { t: 1, a: 1, b: 10 },
      { t: 2, a: 0, b: 20 },
      { t: 3, a: 0, b: 0 },
    ]);
  });

  it('finds the newest value of a key', () => {
    expect(latestValue(rows, 'b')).toBe(20);
    expect(latestValue(rows, 'a')).toBe(1);
    expect(latestValue(rows, 'z')).toBeUndefined();
  });
});

describe('windowTicks', () => {
  it('marks whole half minutes inside the window', () => {
    const end = Date.parse('2026-12-03T12:02:10Z');
    expect(windowTicks(end, 120_000).map((t) => new Date(t).toISOString().slice(11, 19))).toEqual(['12:00:30', '12:01:00', '12:01:30', '12:02:00']);
  });
});

describe('thinRows', () => {
  const many: SeriesRow[] = Array.from({ length: 1200 }, (_, i) => ({ t: i, values: { v: i } }));

  it('keeps at most max rows, spread evenly, the first and the newest included', () => {
    const thin = thinRows(many, 300);
    expect(thin).toHaveLength(300);
    expect(thin[0]!.t).toBe(0);
    expect(thin[299]!.t).toBe(1199);
    expect(thin.every((row, i) => i === 0 || row.t > thin[i - 1]!.t)).toBe(true);
  });

  it('leaves a short series as it is', () => {
    const few = many.slice(0, 10);
    expect(thinRows(few, 300)).toBe(few);
  });
});
