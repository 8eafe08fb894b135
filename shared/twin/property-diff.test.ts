import { describe, expect, it } from 'vitest';
import { formatPath, twinPropertyDiff } from './property-diff';

const meta = { $metadata: { $lastUpdated: '2026-12-03T09:00:00Z', interval: { $lastUpdated: '2026-12-03T09:00:00Z' } }, $version: 7 };

describe('twinPropertyDiff: what a custom module has not taken up yet', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, unknown[], string[][]]>([
    ['in sync (bookkeeping ignored)', { interval: 5, ...meta }, { interval: 5, $version: 3, $metadata: {} }, [], []],
    ['a desired key not reported', { interval: 5, unit: 'C', ...meta }, { interval: 5 }, [{ path: ['unit'], kind: 'missing', desired: 'C' }], []],
    ['a different value', { interval: 5 }, { interval: 10 }, [{ path: ['interval'], kind: 'different', desired: 5, reported: 10 }], []],
    ['nested keys', { thresholds: { high: 30, low: 5 } }, { thresholds: { high: 25, low: 5 } }, [{ path: ['thresholds', 'high'], kind: 'different', desired: 30, reported: 25 }], []],
    ['a whole desired object missing', { thresholds: { high: 30 } }, {}, [{ path: ['thresholds'], kind: 'missing', desired: { high: 30 } }], []],
    ['an object where the device reports a value', { mode: { name: 'eco' } }, { mode: 'eco' }, [{ path: ['mode'], kind: 'different', desired: { name: 'eco' }, reported: 'eco' }], []],
    ['reported-only keys are not pending', { interval: 5 }, { interval: 5, firmware: '1.2', status: { ok: true } }, [], [['firmware'], ['status']]],
    ['an array compared as one value', { hosts: ['a', 'b'] }, { hosts: ['a'] }, [{ path: ['hosts'], kind: 'different', desired: ['a', 'b'], reported: ['a'] }], []],
  ])('%s', (_name, desired, reported, pending, reportedOnly) => {
    const diff = twinPropertyDiff(desired, reported);
    expect(diff.pending).toEqual(pending);
    expect(diff.reportedOnly).toEqual(reportedOnly);
    expect(diff.delta === undefined).toBe(pending.length === 0 && reportedOnly.length === 0);
  });

  it('does not change its inputs', () => {
    const desired = { a: { b: 1 }, ...meta };
    const reported = { a: { b: 2 } };
    const before = JSON.stringify([desired, reported]);
    twinPropertyDiff(desired, reported);
    expect(JSON.stringify([desired, reported])).toBe(before);
  });

  it.each([
    [['telemetry', 'interval'], 'telemetry.interval'],
    [['a.b', 'c'], '["a.b"].c'],
    [['$edgeHub'], '$edgeHub'],
  ])('formatPath %j', (path, text) => expect(formatPath(path)).toBe(text));
});
