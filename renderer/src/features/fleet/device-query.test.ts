import { describe, expect, it } from 'vitest';
import { authLabel, buildDeviceQuery, deviceRow, NO_FILTERS, tagCondition, type DeviceFilters } from './device-query';

describe('buildDeviceQuery: the filters as an IoT Hub query', () => {
  it.each<[string, Partial<DeviceFilters>, string]>([
    ['no filter', {}, 'SELECT * FROM devices'],
    ['edge only', { edgeOnly: true }, 'SELECT * FROM devices WHERE capabilities.iotEdge = true'],
    ['connected', { connection: 'Connected' }, "SELECT * FROM devices WHERE connectionState = 'Connected'"],
    ['a bare tag comparison reads under tags', { tag: "site = 'plant-4'" }, "SELECT * FROM devices WHERE tags.site = 'plant-4'"],
    ['a tags. condition stays', { tag: "tags.site = 'x'" }, "SELECT * FROM devices WHERE tags.site = 'x'"],
    ['a function stays', { tag: 'IS_DEFINED(tags.site)' }, 'SELECT * FROM devices WHERE IS_DEFINED(tags.site)'],
    [
      'all together, each in parentheses',
      { edgeOnly: true, connection: 'Disconnected', tag: "region IN ['eu', 'us']", freeQuery: "status = 'enabled' OR deviceId = 'a'" },
      "SELECT * FROM devices WHERE (capabilities.iotEdge = true) AND (connectionState = 'Disconnected') AND (tags.region IN ['eu', 'us']) AND (status = 'enabled' OR deviceId = 'a')",
    ],
    ['a whole query replaces the filters', { edgeOnly: true, freeQuery: "  select deviceId from devices where tags.a = 1 " }, 'select deviceId from devices where tags.a = 1'],
  ])('%s', (_name, filters, query) => expect(buildDeviceQuery({ ...NO_FILTERS, ...filters })).toBe(query));

  it.each([
    ['', ''],
    ['   ', ''],
    ['a.b >= 3', 'tags.a.b >= 3'],
    ["TAGS.site = 'x'", "TAGS.site = 'x'"],
  ])('tagCondition(%j)', (input, output) => expect(tagCondition(input)).toBe(output));
});

describe('deviceRow: a query result as a list row', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    [
      'an edge device twin',
      { deviceId: 'gw-1', status: 'enabled', connectionState: 'Connected', lastActivityTime: '2026-12-03T09:00:00Z', capabilities: { iotEdge: true }, authenticationType: 'sas' },
      { deviceId: 'gw-1', edge: true, status: 'enabled', connectionState: 'Connected', lastActivityTime: '2026-12-03T09:00:00Z', authenticationType: 'sas' },
    ],
    ['never active', { deviceId: 'd', lastActivityTime: '0001-01-01T00:00:00Z', capabilities: { iotEdge: false } }, { deviceId: 'd', edge: false }],
    ['an identity document', { deviceId: 'x', authentication: { type: 'selfSigned' } }, { deviceId: 'x', edge: false, authenticationType: 'selfSigned' }],
    ['no device id', { moduleId: 'm' }, undefined],
  ])('%s', (_name, doc, row) => expect(deviceRow(doc)).toEqual(row));

  it('names authentication types', () => {
    expect(authLabel('sas')).toMatch(/SAS/);
    expect(authLabel('selfSigned')).toMatch(/thumbprint/);
    expect(authLabel('certificateAuthority')).toMatch(/CA/);
    expect(authLabel('other')).toBe('other');
  });
});
