/**
 * Route statements: source classification and matching, sinks, references, warnings, evaluation.
 */
import { describe, expect, it } from 'vitest';
import {
  compileRoute, createMessageContext, evaluate, matchesSource, selectRoutes, sourceFromSystemProperties,
  type CompiledRoute, type MessageSource, type RouteMessage,
} from './index';

function route(text: string): CompiledRoute {
  const result = compileRoute(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.value;
}

function msg(source: MessageSource, properties: Record<string, string> = {}, systemProperties: Record<string, string> = {}): RouteMessage {
  return { body: '', properties, systemProperties, source };
}

const device = msg({ kind: 'device', deviceId: 'd1' });
const m1 = msg({ kind: 'module', moduleId: 'm1' });
const m1out = msg({ kind: 'module', moduleId: 'm1', output: 'o1' });
const m10 = msg({ kind: 'module', moduleId: 'm10', output: 'o1' });
const twin = msg({ kind: 'twinChangeNotification', deviceId: 'd1' });

describe('sources', () => {
  it.each([
    // [source, kind, prefix, device, m1 (no output), m1/o1, m10/o1, twin]
    ['/*', 'all', '/', true, true, true, true, true],
    ['/messages', 'allMessages', '/messages/', true, true, true, true, false],
    ['/messages/*', 'allMessages', '/messages/', true, true, true, true, false],
    ['/messages/modules', 'allModules', '/messages/modules/', false, true, true, true, false],
    ['/messages/modules/*', 'allModules', '/messages/modules/', false, true, true, true, false],
    ['/messages/modules*', 'allModules', '/messages/modules/', false, true, true, true, false],
    ['/messages/modules/m1', 'module', '/messages/modules/m1/', false, true, true, false, false],
    ['/messages/modules/M1/*', 'module', '/messages/modules/M1/', false, true, true, false, false],
    ['/messages/modules/m1*', 'module', '/messages/modules/m1/', false, true, true, false, false],
    ['/messages/modules/m1/outputs', 'moduleOutputs', '/messages/modules/m1/outputs/', false, false, true, false, false],
    ['/messages/modules/m1/outputs/*', 'moduleOutputs', '/messages/modules/m1/outputs/', false, false, true, false, false],
    ['/messages/modules/m1/outputs/o1', 'moduleOutput', '/messages/modules/m1/outputs/o1/', false, false, true, false, false],
    ['/MESSAGES/Modules/m1/OUTPUTS/O1/*', 'moduleOutput', '/MESSAGES/Modules/m1/OUTPUTS/O1/', false, false, true, false, false],
    ['/twinChangeNotifications', 'twinChangeNotifications', '/twinChangeNotifications/', false, false, false, false, true],
    ['/messages/events', 'other', '/messages/events/', false, false, false, false, false],
    ['/modules/m1', 'other', '/modules/m1/', false, false, false, false, false],
    ['/messages/modules/*/outputs/o1', 'other', '/messages/modules/*/outputs/o1/', false, false, false, false, false],
    ['/messages/modules/m1/output', 'other', '/messages/modules/m1/output/', false, false, false, false, false],
  ] as const)('%s', (source, kind, prefix, ...expected) => {
    const r = route(`FROM ${source} INTO $upstream`);
    expect(r.source.kind).toBe(kind);
    expect(r.source.prefix).toBe(prefix);
    expect([device, m1, m1out, m10, twin].map((m) => evaluate(r, m))).toEqual(expected);
  });

  it('matches case-insensitively and never lets m1 match m10 (the appended slash), unlike a glob', () => {
    expect(evaluate(route('FROM /messages/modules/M1/outputs/O1 INTO $upstream'), m1out)).toBe(true);
    expect(matchesSource(route('FROM /messages/modules/m1 INTO $upstream'), m10)).toBe(false);
    expect(matchesSource(route('FROM /messages/modules/m INTO $upstream'), m10)).toBe(false);
  });

  it('warns about sources that never match or stars that are not globs', () => {
    expect(route('FROM /messages/events INTO $upstream').warnings[0]?.message).toContain('never matches');
    expect(route('FROM /messages/modules/*/outputs/o1 INTO $upstream').warnings[0]?.message).toContain('is not a wildcard');
    expect(route('FROM /messages/modules/sensor* INTO $upstream').warnings[0]?.message).toContain("matches 'sensor' exactly");
    expect(route('FROM /messages/modules/m1/outputs/* INTO $upstream').warnings).toEqual([]);
  });
});

describe('sinks and references', () => {
  it.each([
    ['$upstream', { kind: 'upstream' }],
    ['$UpStream', { kind: 'upstream' }],
    ['BrokeredEndpoint("/modules/filter/inputs/in1")', { kind: 'moduleInput', module: 'filter', input: 'in1', address: '/modules/filter/inputs/in1' }],
    ["brokeredendpoint('modules/filter/inputs/in1/')", { kind: 'moduleInput', module: 'filter', input: 'in1', address: 'modules/filter/inputs/in1/' }],
    ['BrokeredEndpoint(" /a/b/c/d ")', { kind: 'moduleInput', module: 'b', input: 'd', address: ' /a/b/c/d ' }],
    ['BrokeredEndpoint("/modules/alert\'Logic/inputs/in")', { kind: 'moduleInput', module: "alert'Logic", input: 'in', address: "/modules/alert'Logic/inputs/in" }],
  ])('%s', (sink, expected) => {
    expect(route(`FROM /messages/* INTO ${sink}`).sink).toEqual(expected);
  });

  it.each([
    ['$downstream', 23, 'system endpoint type'],
    ['Endpoint("/modules/a/inputs/b")', 23, 'function endpoint type'],
    ['BrokeredEndpoint("/modules/a/inputs")', 41, 'has 3 part(s)'],
    ['BrokeredEndpoint("/modules/a/inputs/b/c")', 41, 'has 5 part(s)'],
    ['BrokeredEndpoint("  ")', 41, 'found an empty string'],
  ])('rejects %s', (sink, column, fragment) => {
    const result = compileRoute(`FROM /messages/* INTO ${sink}`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain(fragment);
      expect(result.error.column).toBe(column);
      expect(result.error.phase).toBe('parse');
    }
  });

  it('exposes the modules, output and input a route names', () => {
    expect(route('FROM /messages/modules/sensor/outputs/temp INTO BrokeredEndpoint("/modules/filter/inputs/in")').references).toEqual({
      sourceModule: 'sensor', sourceOutput: 'temp', sinkModule: 'filter', sinkInput: 'in', modules: ['sensor', 'filter'],
    });
    expect(route('FROM /messages/modules/loop/* INTO BrokeredEndpoint("/modules/loop/inputs/in")').references.modules).toEqual(['loop']);
    expect(route('FROM /messages/* INTO $upstream').references).toEqual({ modules: [] });
  });

  it('warns about ignored trailing text and odd addresses', () => {
    expect(route('FROM /messages/* INTO $upstream)').warnings[0]?.message).toContain('ignored by edgeHub');
    expect(route('FROM /messages/* INTO BrokeredEndpoint("/a/b/c/d")').warnings[0]?.message).toContain("module 'b' input 'd'");
    expect(route("FROM /messages/* WHERE 'x' INTO $upstream").warnings[0]?.message).toContain('never fires');
  });
});

describe('evaluate', () => {
  it('requires the source to match and the condition to be true (not undefined)', () => {
    const r = route("FROM /messages/modules/m1/* WHERE alert = 'hot' INTO $upstream");
    expect(evaluate(r, msg({ kind: 'module', moduleId: 'm1' }, { Alert: 'hot' }))).toBe(true);
    expect(evaluate(r, msg({ kind: 'module', moduleId: 'm1' }, { alert: 'cold' }))).toBe(false);
    expect(evaluate(r, msg({ kind: 'module', moduleId: 'm1' }))).toBe(false);
    expect(evaluate(r, msg({ kind: 'module', moduleId: 'm2' }, { alert: 'hot' }))).toBe(false);
  });

  it('routes device messages with NOT is_defined($connectionModuleId), as manifests do', () => {
    const r = route('FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream');
    expect(evaluate(r, msg({ kind: 'device', deviceId: 'leaf' }, {}, { connectionDeviceId: 'leaf' }))).toBe(true);
    expect(evaluate(r, msg({ kind: 'module', moduleId: 'm1' }, {}, { connectionModuleId: 'm1' }))).toBe(false);
  });

  it('prefers an application property named $x over the system property x, unless written {$x}', () => {
    const m = msg({ kind: 'device', deviceId: 'd' }, { $contentType: 'app' }, { contentType: 'sys' });
    expect(evaluate(route("FROM /* WHERE $contentType = 'app' INTO $upstream"), m)).toBe(true);
    expect(evaluate(route("FROM /* WHERE {$contentType} = 'sys' INTO $upstream"), m)).toBe(true);
  });

  it('shares one context across routes and picks the lowest priority per sink', () => {
    const entries = [
      { route: route('FROM /messages/* INTO $upstream'), priority: 5 },
      { route: route('FROM /messages/modules/m1/* INTO $upstream'), priority: 1 },
      { route: route('FROM /messages/modules/m1/* INTO BrokeredEndpoint("/modules/f/inputs/i")'), priority: 2_000_000_000 },
      { route: route('FROM /messages/modules/m2/* INTO BrokeredEndpoint("/modules/g/inputs/i")'), priority: 0 },
    ];
    const chosen = selectRoutes(entries, createMessageContext(m1out));
    expect(chosen.map((e) => e.priority).sort()).toEqual([1, 2_000_000_000]);
  });

  it('derives the message source from system properties like edgeHub', () => {
    expect(sourceFromSystemProperties({ connectionDeviceId: 'd', connectionModuleId: 'm', outputName: 'o' })).toEqual({ kind: 'module', moduleId: 'm', output: 'o' });
    expect(sourceFromSystemProperties({ connectionDeviceId: 'd', connectionModuleId: 'm' })).toEqual({ kind: 'module', moduleId: 'm' });
    expect(sourceFromSystemProperties({ connectionDeviceId: 'd' })).toEqual({ kind: 'device', deviceId: 'd' });
    expect(sourceFromSystemProperties({ connectionDeviceId: 'd', messageType: 'twinChangeNotification' })).toEqual({ kind: 'twinChangeNotification', deviceId: 'd' });
  });
});

describe('twin_change_includes', () => {
  const body = JSON.stringify({ properties: { reported: { WeatherTwin: { Temperature: 50, Location: { City: 'Redmond' } } } } });
  const change = { ...twin, body, systemProperties: { contentType: 'application/json', contentEncoding: 'UTF-8' } };
  const text = 'FROM /twinChangeNotifications WHERE twin_change_includes(properties.reported.WeatherTwin.Location) INTO $upstream';

  it('is never valid in a deployed route (edgeHub compiles route sources as custom sources)', () => {
    const result = compileRoute(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ column: 37, phase: 'compile' });
  });

  it('works for twin change sources when enabled, as in edgeHub unit tests', () => {
    const enabled = compileRoute(text, { enableTwinChangeIncludes: true });
    expect(enabled.ok && evaluate(enabled.value, change)).toBe(true);
    const missing = compileRoute(text.replace('Location)', 'Pressure)'), { enableTwinChangeIncludes: true });
    expect(missing.ok && evaluate(missing.value, change)).toBe(false);
    expect(compileRoute(text.replace('/twinChangeNotifications', '/*'), { enableTwinChangeIncludes: true }).ok).toBe(false);
    expect(compileRoute(text.replace('properties.reported.', 'properties.'), { enableTwinChangeIncludes: true }).ok).toBe(false);
  });
});
