import { describe, expect, it } from 'vitest';
import { edgeAgentModuleTable } from './edge-agent-table';
import { describeStaleness } from './staleness';

const module = (image: string, extra: Record<string, unknown> = {}) => ({ type: 'docker', version: '1.0', status: 'running', restartPolicy: 'always', settings: { image, createOptions: '{}' }, ...extra });

const desired = (version: number, modules: Record<string, unknown> = { tempSensor: module('mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5') }) => ({
  schemaVersion: '1.1',
  runtime: { type: 'docker', settings: {} },
  systemModules: {
    edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
    edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
  },
  modules,
  $version: version,
  $metadata: { $lastUpdated: '2026-12-03T09:00:00Z' },
});

const reportedModule = (image: string, runtimeStatus: string, extra: Record<string, unknown> = {}) => ({
  type: 'docker',
  version: '1.0',
  status: 'running',
  restartPolicy: 'always',
  settings: { image, imageHash: 'sha256:1', createOptions: '{}' },
  runtimeStatus,
  exitCode: 0,
  lastStartTimeUtc: '2026-12-03T09:01:00Z',
  lastExitTimeUtc: '0001-01-01T00:00:00',
  restartCount: 0,
  ...extra,
});

const reported = (lastDesiredVersion: number | undefined, code = 200, modules: Record<string, unknown> = { tempSensor: reportedModule('mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5', 'running') }, description = '') => ({
  schemaVersion: '1.0',
  ...(lastDesiredVersion !== undefined ? { lastDesiredVersion } : {}),
  lastDesiredStatus: { code, description },
  systemModules: {
    edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' }, runtimeStatus: 'running', exitCode: 0, lastStartTimeUtc: '2026-12-03T09:00:30Z' },
    edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' }, runtimeStatus: 'running', exitCode: 0, restartCount: 0 },
  },
  modules,
  $version: 12,
});

describe('edgeAgentModuleTable: one row per module, desired against reported', () => {
  it.each<[string, unknown, unknown, string, string | null, RegExp]>([
    ['applied and running', desired(4), reported(4), 'current', null, /edgeAgent applied desired version 4\./],
    ['the agent is behind', desired(5), reported(4), 'behind', 'behind', /last applied desired version 4; the twin is at desired version 5/],
    ['the agent refused the version', desired(5), reported(5, 400, undefined, 'restartPolicy "sometimes" is not valid'), 'failed', 'failed', /could not apply desired version 5: status 400, restartPolicy "sometimes"/],
    ['the agent failed on an older version and is behind', desired(6), reported(5, 500, undefined, 'image missing'), 'behind', 'behind', /last applied desired version 5 \(and that one failed with 500: image missing\); the twin is at desired version 6/],
    ['nothing reported yet', desired(1), {}, 'notReported', 'notReported', /has not reported yet: desired version 1 is not applied/],
    ['406 before the first pass', desired(2), reported(undefined, 406), 'failed', 'failed', /status 406/],
  ])('%s', (_name, d, r, kind, rowStale, sentence) => {
    const table = edgeAgentModuleTable(d, r);
    expect(table.staleness.kind).toBe(kind);
    expect(describeStaleness(table.staleness, 'edgeAgent')).toMatch(sentence);
    for (const row of table.rows) expect(row.stale?.kind ?? null).toBe(rowStale);
  });

  it('lists the system modules first, then custom modules by name, then modules only reported', () => {
    const d = desired(3, { zeta: module('zeta:1'), alpha: module('alpha:1') });
    const r = reported(3, 200, { alpha: reportedModule('alpha:1', 'running'), zeta: reportedModule('zeta:1', 'backoff', { exitCode: 1, restartCount: 3 }), old: reportedModule('old:1', 'running') });
    const rows = edgeAgentModuleTable(d, r).rows;
    expect(rows.map((row) => row.name)).toEqual(['edgeAgent', 'edgeHub', 'alpha', 'zeta', 'old']);
    expect(rows.map((row) => row.system)).toEqual([true, true, false, false, false]);
    expect(rows[3]).toMatchObject({ desired: { image: 'zeta:1', version: '1.0', status: 'running', restartPolicy: 'always' }, reported: { runtimeStatus: 'backoff', exitCode: 1, restartCount: 3, lastStartTimeUtc: '2026-12-03T09:01:00Z' } });
    expect(rows[4]).toMatchObject({ name: 'old', differences: [{ field: 'presence', reported: 'reported' }] });
    expect(rows[4]!.desired).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, unknown[]]>([
    ['same image, tag implied', module('alpine'), reportedModule('alpine:latest', 'running'), []],
    ['another image', module('sensor:1.1'), reportedModule('sensor:1.0', 'running'), [{ field: 'image', desired: 'sensor:1.1', reported: 'sensor:1.0' }]],
    ['another version', module('sensor:1', { version: '2.0' }), reportedModule('sensor:1', 'running'), [{ field: 'version', desired: '2.0', reported: '1.0' }]],
    ['stopped on purpose, still running', module('sensor:1', { status: 'stopped' }), reportedModule('sensor:1', 'running'), [{ field: 'status', desired: 'stopped', reported: 'running' }]],
  ])('differences: %s', (_name, desiredModule, reportedEntry, differences) => {
    const table = edgeAgentModuleTable(desired(2, { sensor: desiredModule }), reported(1, 200, { sensor: reportedEntry }));
    const row = table.rows.find((r) => r.name === 'sensor')!;
    expect(row.differences).toEqual(differences);
    expect(row.stale).toMatchObject({ kind: 'behind', desiredVersion: 2, reportedVersion: 1 });
  });

  it('a desired module the agent does not report yet is a row without a report', () => {
    const table = edgeAgentModuleTable(desired(2, { fresh: module('fresh:1') }), reported(2, 200, {}));
    expect(table.rows.find((r) => r.name === 'fresh')).toMatchObject({ differences: [{ field: 'presence', desired: 'desired' }], stale: null });
    expect(table.rows.find((r) => r.name === 'fresh')!.reported).toBeUndefined();
  });

  it('edgeAgent and edgeHub are compared without version, edgeAgent without status (§4.1)', () => {
    const table = edgeAgentModuleTable(desired(1), reported(1));
    expect(table.rows.slice(0, 2).map((r) => r.differences)).toEqual([[], []]);
  });

  it('reads odd documents without throwing: wrong types read as absent, null modules are skipped', () => {
    const table = edgeAgentModuleTable({ $version: 'x', modules: { a: null, b: 7, c: { settings: { image: 3 } } } }, { lastDesiredVersion: '4', modules: [] });
    expect(table.staleness.kind).toBe('notReported');
    expect(table.rows.map((r) => r.name)).toEqual(['b', 'c']);
    expect(table.rows[1]!.desired).toEqual({});
    expect(edgeAgentModuleTable(undefined, null).rows).toEqual([]);
  });
});
