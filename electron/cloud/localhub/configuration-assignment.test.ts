import { describe, expect, it } from 'vitest';
import { manifest, module } from '../../../shared/manifest/manifest.test-util';
import { parseQuery, runQuery } from '../../../shared/query';
import {
  assignConfigurations,
  configurationKind,
  type AssignableConfiguration,
  type JsonObject,
  type TwinDocuments,
} from './configuration-assignment';
import { annotateTwins, configurationMetrics } from './configuration-assignment-metrics';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-02-01T00:00:00Z';

function config(id: string, priority: number, targetCondition: string, content: JsonObject, extra: Partial<AssignableConfiguration> = {}): AssignableConfiguration {
  return { id, priority, targetCondition, createdTimeUtc: T0, content, ...extra };
}
const base = (id: string, priority: number, condition: string, extra: Partial<AssignableConfiguration> = {}) =>
  config(id, priority, condition, manifest({ modules: { [`${id}Module`]: module() } }), extra);
const layer = (id: string, priority: number, condition: string, modulesContent: JsonObject, extra: Partial<AssignableConfiguration> = {}) =>
  config(id, priority, condition, { modulesContent }, extra);

const device = (deviceId: string, tags: JsonObject = {}, iotEdge = true): JsonObject => ({ deviceId, capabilities: { iotEdge }, tags, properties: { desired: { $version: 1 }, reported: { $version: 1 } } });
const twins = (devices: JsonObject[], modules: JsonObject[] = []): TwinDocuments => ({ devices, modules });

describe('configurationKind', () => {
  it.each([
    ['a base deployment', manifest(), 'edge'],
    ['a layered deployment', { modulesContent: { $edgeHub: { 'properties.desired.routes.r1': 'FROM /messages INTO $upstream' } } }, 'layered'],
    ['a layer setting a whole custom module twin and a path', { modulesContent: { m: { 'properties.desired': {} }, $edgeAgent: { 'properties.desired.modules.m': module() } } }, 'layered'],
    ['a device configuration', { deviceContent: { 'properties.desired.x': 1 } }, 'device'],
    ['a module configuration', { moduleContent: { 'properties.desired.x': 1 } }, 'module'],
    ['empty content', {}, undefined],
  ])('%s → %s', (_, content, kind) => {
    expect(configurationKind({ content: content as JsonObject })).toBe(kind);
  });
});

describe('which base deployment applies to an edge device', () => {
  const prod = device('e1', { env: 'prod', site: 'north' });
  it.each([
    ['the only match', [base('a', 10, "tags.env='prod'")], 'a'],
    ['the highest priority', [base('a', 10, "tags.env='prod'"), base('b', 20, "tags.site='north'"), base('c', 5, '*')], 'b'],
    ['equal priorities: the most recently created', [base('old', 10, '*', { createdTimeUtc: T0 }), base('new', 10, '*', { createdTimeUtc: T1 })], 'new'],
    ['equal priorities: the most recently created, whatever the input order', [base('new', 10, '*', { createdTimeUtc: T1 }), base('old', 10, '*', { createdTimeUtc: T0 })], 'new'],
    ['equal priority and time: the greater id', [base('a', 10, '*'), base('b', 10, '*')], 'b'],
    ['a higher priority that does not match loses to a lower one that does', [base('a', 1, '*'), base('b', 99, "tags.env='dev'")], 'a'],
    ['none matches', [base('a', 10, "tags.env='dev'")], undefined],
    ['a missing tag never matches, even negated', [base('a', 10, "NOT tags.missing = 'x'")], undefined],
  ])('%s', (_, configurations, expected) => {
    const assignment = assignConfigurations(configurations, twins([prod]));
    expect(assignment.edge.get('e1')?.baseId).toBe(expected);
  });

  it('targets edge devices only: a leaf device matching the condition gets nothing', () => {
    const assignment = assignConfigurations([base('a', 10, '*')], twins([device('leaf', {}, false), device('e1')]));
    expect([...assignment.edge.keys()]).toEqual(['e1']);
    expect([...(assignment.status.get('a') ?? [])]).toEqual([['e1', 'Applied']]);
  });

  it('the desired documents are the base deployment\'s, one per module twin', () => {
    const content = manifest({ twins: { sensor: { 'properties.desired': { period: 5 } } } });
    const assignment = assignConfigurations([config('a', 10, '*', content)], twins([prod]));
    const desired = assignment.edge.get('e1')?.desired ?? {};
    expect(Object.keys(desired)).toEqual(['$edgeAgent', '$edgeHub', 'sensor']);
    const modulesContent = content['modulesContent'] as Record<string, JsonObject>;
    expect(desired['$edgeAgent']).toEqual(modulesContent['$edgeAgent']?.['properties.desired']);
    expect(desired['$edgeAgent']).not.toBe(modulesContent['$edgeAgent']?.['properties.desired']); // a copy
    expect(desired['sensor']).toEqual({ period: 5 });
  });
});

describe('layered deployments stack on the base deployment', () => {
  const e1 = device('e1', { env: 'prod' });
  const routeLayer = (id: string, priority: number, route: string, extra: Partial<AssignableConfiguration> = {}) =>
    layer(id, priority, '*', { $edgeHub: { 'properties.desired.routes.shared': route } }, extra);

  it.each([
    ['a layer above the base adds its route', [base('b', 10, '*'), routeLayer('l1', 20, 'R1')], ['l1'], 'R1'],
    ['the higher-priority layer wins a shared route', [base('b', 10, '*'), routeLayer('l2', 30, 'R2'), routeLayer('l1', 20, 'R1')], ['l1', 'l2'], 'R2'],
    ['equal-priority layers: the most recent wins', [base('b', 10, '*'), routeLayer('new', 20, 'NEW', { createdTimeUtc: T1 }), routeLayer('old', 20, 'OLD', { createdTimeUtc: T0 })], ['old', 'new'], 'NEW'],
    ['a layer below the base is not applied', [base('b', 10, '*'), routeLayer('low', 5, 'LOW')], [], undefined],
    ['a layer at the base\'s priority is not applied', [base('b', 10, '*'), routeLayer('eq', 10, 'EQ')], [], undefined],
  ])('%s', (_, configurations, layerIds, route) => {
    const assignment = assignConfigurations(configurations, twins([e1]));
    const applied = assignment.edge.get('e1');
    expect(applied?.baseId).toBe('b');
    expect(applied?.layerIds).toEqual(layerIds);
    const routes = (applied?.desired['$edgeHub'] as JsonObject | undefined)?.['routes'] as JsonObject | undefined;
    expect(routes?.['shared']).toBe(route);
    expect(routes?.['sensorToUpstream']).toBe('FROM /messages/modules/sensor/outputs/* INTO $upstream');
  });

  it('a layer without a base deployment applies nowhere, but counts as targeted', () => {
    const assignment = assignConfigurations([routeLayer('l1', 20, 'R1')], twins([e1]));
    expect(assignment.edge.size).toBe(0);
    expect(assignment.status.get('l1')?.get('e1')).toBe('Targeted');
  });

  it('a layer adds modules to $edgeAgent and whole twins for its modules, leaving the base intact', () => {
    const modulesContent = {
      $edgeAgent: { 'properties.desired.modules.extra': module() },
      extra: { 'properties.desired': { threshold: 3 } },
    };
    const configurations = [base('b', 10, '*'), layer('l1', 20, "tags.env='prod'", modulesContent)];
    const before = JSON.stringify(configurations);
    const desired = assignConfigurations(configurations, twins([e1])).edge.get('e1')?.desired ?? {};
    expect(Object.keys((desired['$edgeAgent'] as JsonObject)['modules'] as JsonObject)).toEqual(['bModule', 'extra']);
    expect(desired['extra']).toEqual({ threshold: 3 });
    expect(JSON.stringify(configurations)).toBe(before);
  });
});

describe('device and module configurations', () => {
  const devices = [device('d1', { floor: 1 }, false), device('d2', { floor: 2 }, false), device('e1', { floor: 1 })];
  const modules = [
    { deviceId: 'd1', moduleId: 'm1', tags: { kind: 'pump' } },
    { deviceId: 'd1', moduleId: 'm2', tags: { kind: 'fan' } },
    { deviceId: 'e1', moduleId: '$edgeAgent', tags: { kind: 'pump' } },
  ];

  it.each([
    ['the matching configuration sets desired paths', [config('c1', 1, 'tags.floor = 1', { deviceContent: { 'properties.desired.chiller.speed': 3 } })], { d1: ['c1', { chiller: { speed: 3 } }], e1: ['c1', { chiller: { speed: 3 } }] }],
    ['the highest priority wins per device', [
      config('low', 1, '*', { deviceContent: { 'properties.desired.mode': 'low' } }),
      config('high', 2, 'tags.floor = 2', { deviceContent: { 'properties.desired.mode': 'high' } }),
    ], { d1: ['low', { mode: 'low' }], d2: ['high', { mode: 'high' }], e1: ['low', { mode: 'low' }] }],
  ])('devices: %s', (_, configurations, expected) => {
    const assignment = assignConfigurations(configurations, twins(devices));
    expect(Object.fromEntries([...assignment.devices].map(([id, a]) => [id, [a.configurationId, a.desired]]))).toEqual(expected);
  });

  it.each([
    ['a bare condition', "tags.kind = 'pump'"],
    ['the FROM devices.modules WHERE form', "FROM devices.modules WHERE tags.kind = 'pump'"],
  ])('modules: %s targets module twins, never the edge system modules', (_, targetCondition) => {
    const assignment = assignConfigurations([config('mc', 1, targetCondition, { moduleContent: { 'properties.desired.rpm': 900 } })], twins(devices, modules));
    expect([...assignment.modules]).toEqual([['d1/m1', { configurationId: 'mc', desired: { rpm: 900 } }]]);
  });
});

describe('configurations that cannot be assigned', () => {
  it.each([
    ['a condition that does not parse', config('bad', 1, "tags.env = 'x", manifest()), { message: 'unterminated string at 11', offset: 11, length: 2 }],
    ['a module condition, positioned in the original text', config('badm', 1, 'FROM devices.modules WHERE FOO(x)', { moduleContent: {} }), { message: 'unknown function FOO at 27', offset: 27, length: 3 }],
    ['content of no kind', config('empty', 1, '*', {}), { message: 'content holds none of modulesContent, deviceContent, moduleContent', offset: 0, length: 0 }],
  ])('%s', (_, configuration, error) => {
    const assignment = assignConfigurations([configuration], twins([device('e1')]));
    expect(assignment.invalid.get(configuration.id)).toEqual(error);
    expect(assignment.edge.size + assignment.devices.size).toBe(0);
  });
});

describe('metrics', () => {
  const agent = (deviceId: string, desiredVersion: number, reported: JsonObject): JsonObject => ({
    deviceId, moduleId: '$edgeAgent', properties: { desired: { $version: desiredVersion }, reported },
  });
  const devices = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'].map((id) => device(id, { env: 'prod' })).concat([device('e7', { env: 'dev' }), device('leaf', { env: 'prod' }, false)]);
  const modules = [
    agent('e1', 4, { lastDesiredVersion: 4, lastDesiredStatus: { code: 200 } }), // success
    agent('e2', 4, { lastDesiredVersion: 3, lastDesiredStatus: { code: 200 } }), // an older version: not yet
    agent('e3', 4, { lastDesiredVersion: 4, lastDesiredStatus: { code: 500, description: 'boom' } }), // failed
    agent('e4', 4, { lastDesiredVersion: 4, lastDesiredStatus: { code: 406 } }), // failed (Unknown)
    agent('e5', 4, {}), // nothing reported
    // e6 has no $edgeAgent twin
    agent('e7', 2, { lastDesiredVersion: 2, lastDesiredStatus: { code: 200 } }),
  ];
  const prod = base('prod', 10, "tags.env = 'prod'", {
    metrics: {
      queries: {
        applied: "SELECT deviceId FROM devices.modules WHERE moduleId = '$edgeAgent' AND configurations.[[prod]].status = 'Applied'",
        counted: 'SELECT COUNT() AS n FROM devices WHERE capabilities.iotEdge = true',
        grouped: 'SELECT tags.env, COUNT() AS n FROM devices GROUP BY tags.env',
        broken: 'SELECT deviceId FROM devices WHERE',
      },
    },
  });
  const fallback = base('fallback', 1, '*');
  const layered = layer('routes', 20, "tags.env = 'prod' AND deviceId != 'e6'", { $edgeHub: { 'properties.desired.routes.r1': 'FROM /messages INTO $upstream' } });
  const floors = config('floors', 1, "tags.env = 'prod'", { deviceContent: { 'properties.desired.x': 1 } });
  const configurations = [prod, fallback, layered, floors];
  const docs = twins(devices, modules);
  const assignment = assignConfigurations(configurations, docs);
  const metrics = configurationMetrics(configurations, assignment, docs);

  it.each([
    ['prod', { targetedCount: 6, appliedCount: 6, reportedSuccessfulCount: 1, reportedFailedCount: 2 }],
    ['fallback', { targetedCount: 7, appliedCount: 1, reportedSuccessfulCount: 1, reportedFailedCount: 0 }],
    ['routes', { targetedCount: 5, appliedCount: 5, reportedSuccessfulCount: 1, reportedFailedCount: 2 }],
    ['floors', { targetedCount: 7, appliedCount: 7 }],
  ])('system metrics of %s', (id, results) => {
    expect(metrics.get(id)?.systemMetrics.results).toEqual(results);
  });

  it('custom queries run over the annotated twins; one that does not parse is an error, not a throw', () => {
    expect(metrics.get('prod')?.metrics).toEqual({
      results: { applied: 5, counted: 7, grouped: 2 },
      errors: { broken: { message: 'expected a value, a property path or a function at 34, found end of input', offset: 34, length: 0 } },
    });
  });

  it('the system metric queries, run over the annotated twins, give the computed results', () => {
    const annotated = annotateTwins(docs, assignment);
    for (const [id, m] of metrics) {
      const fromQueries = Object.fromEntries(Object.entries(m.systemMetrics.queries).map(([name, text]) => {
        const parsed = parseQuery(text);
        if (!parsed.ok) throw new Error(`${id}.${name}: ${parsed.error.message}`);
        return [name, runQuery(parsed.value, parsed.value.source === 'devices' ? annotated.devices : annotated.modules).length];
      }));
      // e6 has no $edgeAgent twin, so the module-twin query cannot see that prod is applied there.
      const expected = id === 'prod' ? { ...m.systemMetrics.results, appliedCount: 5 } : m.systemMetrics.results;
      expect(fromQueries, id).toEqual(expected);
    }
  });

  it('annotation copies: the input twins keep no configurations', () => {
    const annotated = annotateTwins(docs, assignment);
    expect(annotated.devices[0]?.['configurations']).toEqual({ floors: { status: 'Applied' } });
    expect(annotated.modules[0]?.['configurations']).toEqual({ prod: { status: 'Applied' }, fallback: { status: 'Targeted' }, routes: { status: 'Applied' } });
    expect(docs.devices.some((d) => 'configurations' in d) || docs.modules.some((m) => 'configurations' in m)).toBe(false);
  });
});
