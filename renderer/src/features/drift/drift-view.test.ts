import { describe, expect, it } from 'vitest';
import type { DriftReport } from '../../../../shared/ipc/drift.contract';
import { cellText, desiredSourceWords, driftRows } from './drift-view';

const report: DriftReport = {
  drifted: true,
  approved: null,
  desired: { source: 'local-runtime', version: 2 },
  notes: [],
  at: '2026-12-03T16:00:00.000Z',
  modules: [
    {
      name: 'm',
      presence: { approved: true, desired: true, running: true },
      verdict: 'desired-differs',
      fields: [
        { field: 'image', approved: 'i', desired: 'i', running: 'i', verdict: 'in-sync' },
        { field: 'env', approved: { MODE: 'a' }, desired: { MODE: 'b' }, running: { MODE: 'b' }, verdict: 'desired-differs' },
        { field: 'status', approved: 'running', desired: 'running', running: 'backoff', verdict: 'running-differs' },
      ],
    },
    { name: 'gone', presence: { approved: true, desired: false, running: false }, verdict: 'missing', fields: [{ field: 'image', approved: 'x', verdict: 'in-sync' }] },
  ],
};

describe('driftRows', () => {
  it('one row per module and field, the differing cell marked; a missing module gets a presence row', () => {
    const rows = driftRows(report);
    expect(rows.map((r) => [r.key, r.highlight])).toEqual([
      ['m/image', null],
      ['m/env', 'desired'],
      ['m/status', 'running'],
      ['gone/module', 'module'],
      ['gone/image', null],
    ]);
    expect(rows[1]).toMatchObject({ approved: '{"MODE":"a"}', desired: '{"MODE":"b"}', running: '{"MODE":"b"}' });
    expect(rows[3]).toMatchObject({ approved: 'present', desired: 'absent', running: 'absent' });
    expect(rows[4]!.desired).toBe('—');
  });

  it('cellText', () => {
    expect([cellText(undefined), cellText('x'), cellText({}), cellText({ a: 1 })]).toEqual(['—', 'x', '{}', '{"a":1}']);
  });
});

it('desiredSourceWords', () => {
  expect(desiredSourceWords({ source: 'local-runtime', version: 2 })).toBe("Desired: this machine's applied deployment, version 2");
  expect(desiredSourceWords({ source: 'hub', deviceId: 'gw', version: 7 })).toBe("Desired: gw's $edgeAgent/$edgeHub twins on the hub, version 7");
  expect(desiredSourceWords({ source: 'none' })).toBe('Desired: no deployment applied');
});
