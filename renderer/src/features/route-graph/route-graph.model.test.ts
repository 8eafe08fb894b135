import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../../../shared/routes';
import { buildRouteGraph } from './route-graph.model';
import { manifest } from './route-graph.test-util';
import { edgeCaption, type RouteGraph, type RouteGraphEdge, type RouteGraphNode } from './route-graph.types';

const broker = (module: string, input: string) => `BrokeredEndpoint("/modules/${module}/inputs/${input}")`;

function edge(graph: RouteGraph, id: string): RouteGraphEdge {
  const found = graph.edges.find((e) => e.id === id);
  if (!found) throw new Error(`no edge ${id} in ${graph.edges.map((e) => e.id).join(', ')}`);
  return found;
}

function modules(graph: RouteGraph): Record<string, Omit<Extract<RouteGraphNode, { kind: 'module' }>, 'kind' | 'id' | 'name'>> {
  return Object.fromEntries(graph.nodes.flatMap((n) => (n.kind === 'module' ? [[n.name, { deployed: n.deployed, inputs: n.inputs, outputs: n.outputs }]] : [])));
}

describe('buildRouteGraph: one route at a time', () => {
  const cases: { name: string; modules: string[]; route: unknown; from: [string, string]; to: [string, string]; check?: (g: RouteGraph, e: RouteGraphEdge) => void }[] = [
    {
      name: 'module output to module input',
      modules: ['sensor', 'filter'],
      route: `FROM /messages/modules/sensor/outputs/temperature INTO ${broker('filter', 'input1')}`,
      from: ['module:sensor', 'out:temperature'],
      to: ['module:filter', 'in:input1'],
      check: (g) => expect(modules(g)).toEqual({ sensor: { deployed: true, inputs: [], outputs: ['temperature'] }, filter: { deployed: true, inputs: ['input1'], outputs: [] } }),
    },
    {
      name: 'all outputs of a module to $upstream',
      modules: ['filter'],
      route: 'FROM /messages/modules/filter/outputs/* INTO $upstream',
      from: ['module:filter', 'out:*'],
      to: ['$upstream', 'in'],
      check: (g) => expect(g.nodes.some((n) => n.kind === 'upstream')).toBe(true),
    },
    {
      name: 'a module without /outputs reads all its outputs',
      modules: ['filter'],
      route: 'FROM /messages/modules/filter INTO $upstream',
      from: ['module:filter', 'out:*'],
      to: ['$upstream', 'in'],
    },
    {
      name: '/messages/* comes from the device-or-any-module source',
      modules: [],
      route: 'FROM /messages/* INTO $upstream',
      from: ['source:allMessages', 'out'],
      to: ['$upstream', 'in'],
      check: (g) => expect(g.nodes.find((n) => n.kind === 'source')).toMatchObject({ label: 'Device & any module', detail: 'FROM /messages/*' }),
    },
    { name: '/* is every message', modules: [], route: 'FROM /* INTO $upstream', from: ['source:all', 'out'], to: ['$upstream', 'in'] },
    { name: '/messages/modules/* is any module', modules: [], route: 'FROM /messages/modules/* INTO $upstream', from: ['source:allModules', 'out'], to: ['$upstream', 'in'] },
    { name: 'twin change notifications', modules: [], route: 'FROM /twinChangeNotifications INTO $upstream', from: ['source:twinChangeNotifications', 'out'], to: ['$upstream', 'in'] },
    {
      name: 'a source nothing matches is drawn, with its warning',
      modules: [],
      route: 'FROM /telemetry INTO $upstream',
      from: ['source:other', 'out'],
      to: ['$upstream', 'in'],
      check: (_g, e) => expect(e.warnings.join()).toMatch(/never matches/),
    },
    {
      name: 'a route naming a module that is not deployed',
      modules: ['filter'],
      route: `FROM /messages/modules/filter/outputs/* INTO ${broker('ghost', 'in')}`,
      from: ['module:filter', 'out:*'],
      to: ['module:ghost', 'in:in'],
      check: (g) => expect(modules(g)['ghost']).toEqual({ deployed: false, inputs: ['in'], outputs: [] }),
    },
    {
      name: 'source modules match ignoring case, sink modules exactly (as edgeHub delivers)',
      modules: ['filter'],
      route: `FROM /messages/modules/FILTER/outputs/* INTO ${broker('Filter', 'in')}`,
      from: ['module:filter', 'out:*'],
      to: ['module:Filter', 'in:in'],
      check: (g) => expect(modules(g)['Filter']?.deployed).toBe(false),
    },
    {
      name: 'object route with priority and TTL',
      modules: ['filter'],
      route: { route: 'FROM /messages/modules/filter/outputs/alerts WHERE as_number(temp) > 30 INTO $upstream', priority: 0, timeToLiveSecs: 60 },
      from: ['module:filter', 'out:alerts'],
      to: ['$upstream', 'in'],
      check: (_g, e) => {
        expect(e).toMatchObject({ priority: 0, ttl: 60, condition: 'as_number(temp) > 30', label: 'WHERE as_number(temp) > 30' });
        expect(edgeCaption(e)).toBe('WHERE as_number(temp) > 30 · p0 · 60 s');
        expect(e.broken).toBeUndefined();
      },
    },
    {
      name: 'default priority and TTL 0 are left out',
      modules: ['filter'],
      route: { route: 'FROM /messages/modules/filter/* INTO $upstream', priority: 2000000000, timeToLiveSecs: 0 },
      from: ['module:filter', 'out:*'],
      to: ['$upstream', 'in'],
      check: (_g, e) => expect(edgeCaption(e)).toBe(''),
    },
    {
      name: 'a condition that does not compile: drawn where it belongs, with the column',
      modules: ['sensor'],
      route: 'FROM /messages/modules/sensor/outputs/raw WHERE temperature > 30 INTO $upstream',
      from: ['module:sensor', 'out:raw'],
      to: ['$upstream', 'in'],
      check: (_g, e) => {
        expect(e.broken?.column).toBeGreaterThan(40);
        expect(e.label).toBe('WHERE temperature > 30');
      },
    },
    {
      name: 'an unreadable sink: an edge to a marker of its own',
      modules: ['echo'],
      route: 'FROM /messages/modules/echo INTO somewhere',
      from: ['module:echo', 'out:*'],
      to: ['error:r', 'in'],
      check: (g, e) => {
        expect(e.broken?.message).toBeTruthy();
        expect(g.nodes.filter((n) => n.kind === 'error')).toEqual([{ kind: 'error', id: 'error:r', label: 'Unreadable target', route: 'r' }]);
      },
    },
    { name: 'nothing readable at all', modules: [], route: 'garbage', from: ['source:unknown:r', 'out'], to: ['error:r', 'in'] },
    {
      name: 'a bad priority breaks the route but its statement is read exactly',
      modules: ['filter'],
      route: { route: 'FROM /messages/modules/filter/outputs/o INTO $upstream', priority: 12 },
      from: ['module:filter', 'out:o'],
      to: ['$upstream', 'in'],
      check: (_g, e) => expect(e.broken).toMatchObject({ column: 0, message: expect.stringMatching(/priority/) }),
    },
  ];

  it.each(cases)('$name', ({ modules: deployed, route, from, to, check }) => {
    const graph = buildRouteGraph(manifest({ modules: deployed, routes: { r: route } }));
    expect(graph.edges).toHaveLength(1);
    const e = edge(graph, 'r');
    expect([e.from.node, e.from.handle]).toEqual(from);
    expect([e.to.node, e.to.handle]).toEqual(to);
    for (const end of [e.from, e.to]) expect(graph.nodes.map((n) => n.id)).toContain(end.node);
    check?.(graph, e);
  });
});

describe('buildRouteGraph: places in the text', () => {
  it('gives the range of the route value, string or object', () => {
    const routes = { s: 'FROM /* INTO $upstream', o: { route: 'FROM /* INTO $upstream', priority: 1 } };
    const text = manifest({ routes });
    const graph = buildRouteGraph(text);
    for (const [name, value] of Object.entries(routes)) {
      const e = edge(graph, name);
      expect(JSON.parse(text.slice(e.offset, e.offset + e.length))).toEqual(value);
    }
  });

  it.each([
    ['a route without escapes', `FROM /messages/modules/a/outputs/o WHERE temperature > 30 INTO ${broker('a', 'b')}`],
    ['escaped quotes before the error', 'FROM /messages/modules/a/outputs/o WHERE $body.name = "x\\y" AND temperature > 30 INTO $upstream'],
    ['a syntax error after escapes', `FROM /messages/modules/"a"/outputs/o INTO ${broker('a', 'b')} WHERE`],
  ])('points the error offset at the offending text: %s', (_name, route) => {
    const compiled = compileRoute(route);
    expect(compiled.ok).toBe(false);
    const column = compiled.ok ? 0 : compiled.error.column;
    expect(column).toBeGreaterThan(0);
    const text = manifest({ modules: ['a'], routes: { bad: route } });
    const e = edge(buildRouteGraph(text), 'bad');
    expect(e.broken?.column).toBe(column);
    const rest = JSON.stringify(route.slice(column - 1)).slice(1, -1);
    expect(text.slice(e.broken?.offset, (e.broken?.offset ?? 0) + rest.length)).toBe(rest);
  });
});

describe('buildRouteGraph: manifest shapes', () => {
  const layered = JSON.stringify({
    modulesContent: {
      $edgeAgent: { 'properties.desired.modules.m1': { type: 'docker', status: 'running', settings: { image: 'x' } } },
      $edgeHub: {
        'properties.desired.routes.r1': 'FROM /messages/modules/m1/outputs/* INTO $upstream',
        'properties.desired.routes.r2': { route: `FROM /messages/modules/m1/outputs/a INTO ${broker('m2', 'in')}`, priority: 1 },
      },
    },
  });

  it('reads layered properties.desired.routes.<name> keys', () => {
    const graph = buildRouteGraph(layered);
    expect(graph.layered).toBe(true);
    expect(graph.edges.map((e) => e.id)).toEqual(['r1', 'r2']);
    expect(edge(graph, 'r2').priority).toBe(1);
    expect(modules(graph)).toMatchObject({ m1: { deployed: true }, m2: { deployed: false } });
  });

  it.each([
    ['moduleContent (old spelling)', (t: string) => t.replace('"modulesContent"', '"moduleContent"')],
    ['an IoT Hub configuration (content.modulesContent)', (t: string) => JSON.stringify({ id: 'cfg', priority: 10, content: JSON.parse(t) })],
    ['a byte-order mark', (t: string) => `\uFEFF${t}`],
  ])('finds the routes in %s', (_name, shape) => {
    const graph = buildRouteGraph(shape(manifest({ modules: ['a'], routes: { r: 'FROM /messages/modules/a/* INTO $upstream' } })));
    expect(graph.edges.map((e) => e.id)).toEqual(['r']);
    expect(modules(graph)['a']?.deployed).toBe(true);
  });

  it('still finds the routes in invalid JSON', () => {
    const text = manifest({ modules: ['a', 'b'], routes: { r1: `FROM /messages/modules/a/* INTO ${broker('b', 'in')}`, r2: 'FROM /messages/modules/b/* INTO $upstream' } });
    const broken = text.replace('"status": "running",', '"status": "running"').replace(/}\s*$/, ''); // a missing comma, a missing brace
    expect(() => JSON.parse(broken)).toThrow();
    const graph = buildRouteGraph(broken);
    expect(graph.edges.map((e) => e.id)).toEqual(['r1', 'r2']);
    expect(modules(graph)).toMatchObject({ a: { deployed: true }, b: { deployed: true } });
  });

  it('finds $edgeHub even when a missing brace nested it in $edgeAgent', () => {
    const text = manifest({ modules: ['a'], routes: { r: 'FROM /messages/modules/a/* INTO $upstream' } });
    const nested = text.replace(/(\n {6}}\n {4}},)(\n {4}"\$edgeHub")/, '\n      }$2');
    expect(nested).not.toBe(text);
    expect(buildRouteGraph(nested).edges.map((e) => e.id)).toEqual(['r']);
  });

  it('lists schema 1.0 blank routes as skipped, and draws schema 1.0 object routes as broken', () => {
    const graph = buildRouteGraph(manifest({ hubSchema: '1.0', routes: { blank: ' ', nul: null, obj: { route: 'FROM /* INTO $upstream' } } }));
    expect(graph.skipped.map((s) => s.id)).toEqual(['blank', 'nul']);
    expect(edge(graph, 'obj').broken?.message).toMatch(/1\.0/);
    expect(graph.schemaVersion).toBe('1.0');
  });

  it('keeps the last of duplicate route names, as JSON.parse does', () => {
    const text = manifest({ routes: { r: 'FROM /* INTO $upstream' } }).replace('"r": "FROM /* INTO $upstream"', '"r": "FROM /twinChangeNotifications INTO $upstream", "r": "FROM /* INTO $upstream"');
    const graph = buildRouteGraph(text);
    expect(graph.edges).toHaveLength(1);
    expect(edge(graph, 'r').from.node).toBe('source:all');
  });

  it.each([['', 'The manifest is empty.'], ['[1, 2]', 'The text is not a JSON object.'], ['{"a": 1}', 'No modulesContent found.'], ['{{{', 'No modulesContent found.']])(
    'explains an empty graph for %j',
    (text, notice) => {
      const graph = buildRouteGraph(text);
      expect(graph).toMatchObject({ nodes: [], edges: [], notice });
    },
  );

  it('never throws, whatever prefix of a manifest it is given', () => {
    const text = manifest({ modules: ['a', 'b'], routes: { r1: `FROM /messages/modules/a/* WHERE $body.x = 'y' INTO ${broker('b', 'in')}`, r2: { route: 'FROM /* INTO $upstream', priority: 3, timeToLiveSecs: 9 } } });
    for (let end = 0; end <= text.length; end += 3) expect(() => buildRouteGraph(text.slice(0, end))).not.toThrow();
  });
});

describe('buildRouteGraph: many broken routes', () => {
  it('gives each broken route a marker of its own, never one node they all crowd into', () => {
    const routes: Record<string, string> = {};
    for (let i = 0; i < 20; i++) routes[`broken${i}`] = `FROM /messages/modules/m${i % 5}/outputs/o${i} INTO BrokeredEndpoint("/modules/`;
    routes.noSource = '?? INTO $upstream';
    routes.noSource2 = 'garbage INTO $upstream';
    const graph = buildRouteGraph(manifest({ modules: ['m0', 'm1', 'm2', 'm3', 'm4'], routes }));
    const errors = graph.nodes.filter((n) => n.kind === 'error');
    expect(errors).toHaveLength(20);
    const into = (id: string) => graph.edges.filter((e) => e.to.node === id).length;
    for (const n of errors) expect(into(n.id)).toBe(1);
    expect(edge(graph, 'broken7').to.node).toBe('error:broken7');
    const unknownSources = graph.nodes.filter((n) => n.kind === 'source' && n.source === 'unknown').map((n) => n.id);
    expect(unknownSources).toEqual(['source:unknown:noSource', 'source:unknown:noSource2']);
  });
});
