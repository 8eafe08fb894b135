import { describe, expect, it } from 'vitest';
import { parseQuery } from './parser';
import { runQuery } from './run-query';

const devices = [
  { deviceId: 'e1', capabilities: { iotEdge: true }, tags: { site: 'north', env: 'prod' }, properties: { reported: { $version: 3, fw: { status: 'ok' } } } },
  { deviceId: 'd2', capabilities: { iotEdge: false }, tags: { site: 'south' }, properties: { reported: { $version: 1 } } },
  { deviceId: 'e3', capabilities: { iotEdge: true }, tags: { site: 'north', env: 'dev' }, properties: { reported: { $version: 5, fw: { status: 'failed' } } } },
  { deviceId: 'd4', capabilities: { iotEdge: false }, properties: { reported: { $version: 1, fw: { status: 'ok' } } } },
];

const modules = [
  { deviceId: 'e1', moduleId: '$edgeAgent', properties: { reported: { lastDesiredStatus: { code: 200 } } } },
  { deviceId: 'e1', moduleId: '$edgeHub', properties: { reported: {} } },
  { deviceId: 'e3', moduleId: '$edgeAgent', properties: { reported: { lastDesiredStatus: { code: 400 } } } },
];

function run(sql: string, docs: unknown[] = devices): unknown[] {
  const parsed = parseQuery(sql);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return runQuery(parsed.value, docs);
}

describe('runQuery', () => {
  it.each([
    ['SELECT deviceId FROM devices', [{ deviceId: 'e1' }, { deviceId: 'd2' }, { deviceId: 'e3' }, { deviceId: 'd4' }]],
    ['SELECT deviceId, tags.site FROM devices WHERE capabilities.iotEdge = true', [{ deviceId: 'e1', site: 'north' }, { deviceId: 'e3', site: 'north' }]],
    ['SELECT deviceId AS id, tags.env FROM devices', [{ id: 'e1', env: 'prod' }, { id: 'd2' }, { id: 'e3', env: 'dev' }, { id: 'd4' }]],
    ['SELECT properties.reported.$version FROM devices WHERE deviceId = \'e3\'', [{ $version: 5 }]],
    ['SELECT COUNT() AS numberOfDevices FROM devices', [{ numberOfDevices: 4 }]],
    ['SELECT COUNT() AS n FROM devices WHERE tags.site = \'north\'', [{ n: 2 }]],
    ['SELECT COUNT() AS n FROM devices WHERE tags.site = \'west\'', [{ n: 0 }]],
    ['SELECT COUNT() AS a, COUNT() AS b FROM devices WHERE IS_DEFINED(tags.env)', [{ a: 2, b: 2 }]],
    ['SELECT tags.site, COUNT() AS n FROM devices GROUP BY tags.site', [{ site: 'north', n: 2 }, { site: 'south', n: 1 }, { n: 1 }]],
    [
      'SELECT properties.reported.fw.status AS status, COUNT() AS numberOfDevices FROM devices GROUP BY properties.reported.fw.status',
      [{ status: 'ok', numberOfDevices: 2 }, { numberOfDevices: 1 }, { status: 'failed', numberOfDevices: 1 }],
    ],
    ['SELECT tags.site, capabilities.iotEdge, COUNT() AS n FROM devices GROUP BY tags.site, capabilities.iotEdge', [
      { site: 'north', iotEdge: true, n: 2 }, { site: 'south', iotEdge: false, n: 1 }, { iotEdge: false, n: 1 },
    ]],
    ['SELECT tags.site FROM devices GROUP BY tags.site', [{ site: 'north' }, { site: 'south' }, {}]],
    ['SELECT TOP 2 deviceId FROM devices', [{ deviceId: 'e1' }, { deviceId: 'd2' }]],
    ['SELECT TOP 0 * FROM devices', []],
  ])('%s', (sql, expected) => {
    expect(run(sql)).toEqual(expected);
  });

  it('SELECT * returns the matching documents themselves, in input order', () => {
    const rows = run('SELECT * FROM devices WHERE capabilities.iotEdge = false');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe(devices[1]);
    expect(rows[1]).toBe(devices[3]);
  });

  it.each([
    ["SELECT * FROM devices.modules WHERE deviceId='e1' AND moduleId='$edgeAgent'", [modules[0]]],
    ['SELECT deviceId FROM devices.modules WHERE properties.reported.lastDesiredStatus.code != 200', [{ deviceId: 'e3' }]],
    ["SELECT COUNT() AS n FROM devices.modules WHERE moduleId = '$edgeAgent'", [{ n: 2 }]],
  ])('modules: %s', (sql, expected) => {
    expect(run(sql, modules)).toEqual(expected);
  });

  it('accepts any iterable, read once', () => {
    function* twins() {
      yield* devices;
    }
    expect(run('SELECT COUNT() AS n FROM devices', twins() as unknown as unknown[])).toEqual([{ n: 4 }]);
  });
});
