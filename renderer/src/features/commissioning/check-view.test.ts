import { describe, expect, it } from 'vitest';
import type { CheckInfo, CheckResult, CheckStatus } from '../../../../shared/commissioning/check-model';
import { checkIdOf, codeParts, dataEntries, expandable, formatDuration, groupRows, problemKeys, progressView, rowDetail, verdict } from './check-view';

const info = (id: string, group: CheckInfo['group'], title = id): CheckInfo => ({ id, title, group, dependsOn: [] });
const result = (id: string, group: CheckResult['group'], status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  title: `title of ${id}`,
  group,
  status,
  detail: `detail of ${id}`,
  durationMs: 3,
  ...extra,
});

// Run order as a registry gives it: not group order (the runner orders by dependencies).
const REGISTRY: CheckInfo[] = [
  info('host.docker', 'host'),
  info('config.manifest', 'configuration'),
  info('conn.tcp', 'connectivity'),
  info('config.secrets', 'configuration'),
  info('runtime.modules', 'runtime'),
  info('e2e.route', 'end-to-end'),
];

describe('groupRows', () => {
  it('lists the groups in GROUP_TITLES order and the checks of each in run order', () => {
    const groups = groupRows(REGISTRY, [], true);
    expect(groups.map((g) => g.title)).toEqual(['Configuration', 'Host', 'Connectivity and identity', 'Runtime', 'End to end']);
    expect(groups[0]?.rows.map((r) => r.key)).toEqual(['config.manifest', 'config.secrets']);
  });

  it('while running, a check without a result waits; results fill in their rows as they come', () => {
    const groups = groupRows(REGISTRY, [result('config.secrets', 'configuration', 'error')], true);
    const config = groups.find((g) => g.group === 'configuration');
    expect(config?.rows.map((r) => [r.key, r.status])).toEqual([
      ['config.manifest', 'waiting'],
      ['config.secrets', 'error'],
    ]);
    expect(config?.status).toBe('error');
    expect(config?.caption).toBe('1 error, 1 waiting');
    expect(groups.find((g) => g.group === 'host')?.status).toBe('waiting');
  });

  it('gives each subject of a check its own row, under that check, in arrival order', () => {
    const results = [result('conn.tcp:8883', 'connectivity', 'ok'), result('conn.tcp:443', 'connectivity', 'warning'), result('conn.tcp:5671', 'connectivity', 'ok')];
    const conn = groupRows(REGISTRY, results, false).find((g) => g.group === 'connectivity');
    expect(conn?.rows.map((r) => r.key)).toEqual(['conn.tcp:8883', 'conn.tcp:443', 'conn.tcp:5671']);
    expect(conn?.status).toBe('warning');
    expect(conn?.caption).toBe('1 warning, 2 passed');
  });

  it('leaves out, once finished, checks without a result and groups with no rows', () => {
    const groups = groupRows(REGISTRY, [result('host.docker', 'host', 'ok'), result('e2e.route:r1', 'end-to-end', 'skipped')], false);
    expect(groups.map((g) => [g.group, g.rows.length])).toEqual([
      ['host', 1],
      ['end-to-end', 1],
    ]);
    expect(groups[1]?.caption).toBe('1 skipped');
  });

  it('shows a report without the registry: every result in its group, in report order', () => {
    const groups = groupRows([], [result('b', 'runtime', 'ok'), result('a', 'configuration', 'error'), result('c', 'runtime', 'skipped')], false);
    expect(groups.map((g) => [g.group, g.rows.map((r) => r.key)])).toEqual([
      ['configuration', ['a']],
      ['runtime', ['b', 'c']],
    ]);
  });

  it('puts a result of a check the registry does not know last in its group', () => {
    const groups = groupRows(REGISTRY, [result('config.new', 'configuration', 'ok'), result('config.manifest', 'configuration', 'ok')], false);
    expect(groups[0]?.rows.map((r) => r.key)).toEqual(['config.manifest', 'config.new']);
  });
});

describe('checkIdOf', () => {
  it.each([
    ['conn.tcp', 'conn.tcp'],
    ['conn.tcp:443', 'conn.tcp'],
    ['conn.tcpx', undefined],
    ['conn.tls:hub:443', 'conn.tls'],
    ['conn.tls.chain:x', 'conn.tls.chain'],
  ])('%s belongs to %s', (id, check) => {
    expect(checkIdOf(id, [info('conn.tcp', 'connectivity'), info('conn.tls', 'connectivity'), info('conn.tls.chain', 'connectivity')])).toBe(check);
  });
});

describe('verdict', () => {
  it.each([
    [{ ok: 9, warning: 1, error: 2, skipped: 3 }, 'danger', '2 errors, 1 warning — not ready', '15 checks: 9 passed, 3 skipped'],
    [{ ok: 5, warning: 0, error: 1, skipped: 0 }, 'danger', '1 error — not ready', '6 checks: 5 passed'],
    [{ ok: 5, warning: 2, error: 0, skipped: 1 }, 'warning', '2 warnings — ready, with reservations', '8 checks: 5 passed, 1 skipped'],
    [{ ok: 12, warning: 0, error: 0, skipped: 0 }, 'ok', 'All checks passed', '12 checks: 12 passed'],
    [{ ok: 4, warning: 0, error: 0, skipped: 2 }, 'ok', 'All checks passed', '6 checks: 4 passed, 2 skipped'],
    [{ ok: 0, warning: 0, error: 0, skipped: 3 }, 'neutral', 'Every check was skipped', '3 checks: 0 passed, 3 skipped'],
    [{ ok: 0, warning: 0, error: 0, skipped: 0 }, 'neutral', 'No checks ran', '0 checks: 0 passed'],
  ])('%j is %s: %s (%s)', (counts, tone, headline, tally) => {
    expect(verdict(counts)).toEqual({ tone, headline, tally });
  });
});

describe('progressView', () => {
  it.each([
    [0, 0, 0, 'Starting the checks…'],
    [0, 18, 0, '0 of 18 checks done'],
    [9, 18, 0.5, '9 of 18 checks done'],
    [1, 1, 1, '1 of 1 check done'],
    [20, 18, 1, '18 of 18 checks done'],
  ])('%i of %i', (done, total, fraction, label) => {
    expect(progressView(done, total)).toMatchObject({ fraction, label });
  });
});

describe('expandable', () => {
  const row = (r: CheckResult) => ({ key: r.id, title: r.title, status: r.status, result: r });
  it('opens every problem, and other rows only when they have a fix or data', () => {
    expect(expandable(row(result('a', 'host', 'error')))).toBe(true);
    expect(expandable(row(result('a', 'host', 'warning')))).toBe(true);
    expect(expandable(row(result('a', 'host', 'ok')))).toBe(false);
    expect(expandable(row(result('a', 'host', 'ok', { data: { latencyMs: 40 } })))).toBe(true);
    expect(expandable(row(result('a', 'host', 'ok', { data: {} })))).toBe(false);
    expect(expandable(row(result('a', 'host', 'skipped')))).toBe(false);
    expect(expandable(row(result('a', 'host', 'skipped', { fix: 'Start Docker' })))).toBe(true);
    expect(expandable({ key: 'w', title: 'w', status: 'waiting' })).toBe(false);
  });
});

describe('dataEntries', () => {
  it('shows text as is, numbers localised, booleans in words, lists joined, anything else as JSON', () => {
    expect(dataEntries({ desired: 4, reported: 3, bytes: 1234567, host: 'hub.local', ok: false, ports: [443, 8883], nested: { a: 1 }, none: null })).toEqual([
      { key: 'desired', value: '4' },
      { key: 'reported', value: '3' },
      { key: 'bytes', value: '1,234,567' },
      { key: 'host', value: 'hub.local' },
      { key: 'ok', value: 'no' },
      { key: 'ports', value: '443, 8883' },
      { key: 'nested', value: '{"a":1}' },
      { key: 'none', value: '—' },
    ]);
    expect(dataEntries(undefined)).toEqual([]);
  });
});

describe('formatDuration', () => {
  it.each([
    [3, '3 ms'],
    [999.6, '1.0 s'],
    [59_990, '1 min 0 s'],
    [4200, '4.2 s'],
    [65_000, '1 min 5 s'],
  ])('%f ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('rowDetail', () => {
  it.each([
    ['skipped', 'Skipped: "Deployment manifest is valid" failed.', '"Deployment manifest is valid" failed.'],
    ['skipped', 'skipped, the end-to-end wait was turned off.', 'The end-to-end wait was turned off.'],
    ['skipped', 'Not applicable: no X.509 identity.', 'Not applicable: no X.509 identity.'],
    ['skipped', 'Skipped:', 'Skipped:'],
    ['error', 'Skipped: this is an error', 'Skipped: this is an error'],
  ] as const)('%s %j reads %j', (status, detail, shown) => {
    expect(rowDetail({ status, detail })).toBe(shown);
  });
});

describe('codeParts', () => {
  it('splits `code` spans out of a sentence, and leaves an unpaired backtick as text', () => {
    expect(codeParts('Run `gatehouse apply <file>`, then `gatehouse check`.')).toEqual([
      { code: false, text: 'Run ' },
      { code: true, text: 'gatehouse apply <file>' },
      { code: false, text: ', then ' },
      { code: true, text: 'gatehouse check' },
      { code: false, text: '.' },
    ]);
    expect(codeParts('no code here')).toEqual([{ code: false, text: 'no code here' }]);
    expect(codeParts('one ` tick')).toEqual([{ code: false, text: 'one ` tick' }]);
  });
});

describe('problemKeys', () => {
  it('lists the errors, then the warnings, in list order; never a passed, skipped or waiting row', () => {
    const groups = groupRows(
      REGISTRY,
      [result('host.docker', 'host', 'warning'), result('config.manifest', 'configuration', 'ok'), result('conn.tcp:443', 'connectivity', 'error'), result('config.secrets', 'configuration', 'error'), result('runtime.modules', 'runtime', 'skipped')],
      true,
    );
    expect(problemKeys(groups)).toEqual(['config.secrets', 'conn.tcp:443', 'host.docker']);
    expect(problemKeys([])).toEqual([]);
  });
});
