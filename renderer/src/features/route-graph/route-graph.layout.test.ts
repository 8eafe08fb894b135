import { describe, expect, it } from 'vitest';
import { layoutRouteGraph, nodeSize, type Box, type PositionedNode } from './route-graph.layout';
import { buildRouteGraph } from './route-graph.model';
import { manifest, syntheticManifest } from './route-graph.test-util';

/** Label boxes are centred on (x, y); node boxes have (x, y) at the top-left. */
const labelRect = (b: Box): Box => ({ x: b.x - b.width / 2, y: b.y - b.height / 2, width: b.width, height: b.height });
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function pairs<T>(items: readonly T[]): [T, T][] {
  return items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));
}

describe('layoutRouteGraph', () => {
  const graph = buildRouteGraph(syntheticManifest(20, 50));
  const layout = layoutRouteGraph(graph);
  const byKind = (kind: PositionedNode['node']['kind']) => layout.nodes.filter((n) => n.node.kind === kind);

  it('lays out the synthetic gateway: 20 deployed modules, 50 routes', () => {
    expect(graph.nodes.filter((n) => n.kind === 'module' && n.deployed)).toHaveLength(20);
    expect(graph.edges).toHaveLength(50);
    expect(layout.nodes).toHaveLength(graph.nodes.length);
    expect(layout.edges).toHaveLength(50);
    for (const n of layout.nodes) expect([n.x, n.y, n.width, n.height].every(Number.isFinite)).toBe(true);
  });

  it('never overlaps two nodes', () => {
    const clashes = pairs(layout.nodes).filter(([a, b]) => overlaps(a, b)).map(([a, b]) => `${a.node.id} × ${b.node.id}`);
    expect(clashes).toEqual([]);
  });

  it('labels every edge with its route name, and no label covers a node or another label', () => {
    const labelled = layout.edges.filter((e) => e.label);
    expect(labelled.length).toBe(graph.edges.length);
    const onNodes = labelled.flatMap((e) => layout.nodes.filter((n) => overlaps(labelRect(e.label as Box), n)).map((n) => `${e.edge.id} on ${n.node.id}`));
    expect(onNodes).toEqual([]);
    const onLabels = pairs(labelled).filter(([a, b]) => overlaps(labelRect(a.label as Box), labelRect(b.label as Box)));
    expect(onLabels.map(([a, b]) => `${a.edge.id} × ${b.edge.id}`)).toEqual([]);
  });

  it('flows left to right: sources first, $upstream last', () => {
    const modules = byKind('module');
    const [upstream] = byKind('upstream');
    const [source] = byKind('source');
    expect(upstream && source).toBeTruthy();
    for (const m of modules) {
      expect(source && source.x + source.width).toBeLessThanOrEqual(Math.max(...modules.map((n) => n.x + n.width)));
      expect(upstream && upstream.x).toBeGreaterThan(m.x + m.width);
    }
    // In the first column (nodes of one rank share their centre; a narrower one is centred in it).
    const routed = new Set(graph.edges.flatMap((e) => [e.from.node, e.to.node]));
    const centres = layout.nodes.filter((n) => routed.has(n.node.id)).map((n) => n.x + n.width / 2);
    expect(source && source.x + source.width / 2).toBeCloseTo(Math.min(...centres), 0);
  });

  it('sizes nodes to what they show and is deterministic', () => {
    for (const n of layout.nodes) expect({ width: n.width, height: n.height }).toEqual(nodeSize(n.node));
    expect(layoutRouteGraph(buildRouteGraph(syntheticManifest(20, 50)))).toEqual(layout);
  });

  it('copes with cycles, self-loops, broken routes and an empty graph', () => {
    const tricky = buildRouteGraph(
      manifest({
        modules: ['a', 'b'],
        routes: {
          ab: 'FROM /messages/modules/a/outputs/x INTO BrokeredEndpoint("/modules/b/inputs/in")',
          ba: 'FROM /messages/modules/b/outputs/y INTO BrokeredEndpoint("/modules/a/inputs/in")',
          aa: 'FROM /messages/modules/a/outputs/z INTO BrokeredEndpoint("/modules/a/inputs/self")',
          bad: 'nonsense',
        },
      }),
    );
    const placed = layoutRouteGraph(tricky);
    expect(placed.edges).toHaveLength(4);
    expect(pairs(placed.nodes).filter(([a, b]) => overlaps(a, b))).toEqual([]);
    expect(layoutRouteGraph(buildRouteGraph(''))).toMatchObject({ nodes: [], edges: [] });
  });

  it('sets modules without routes in a grid below the routed graph, not in one tall column', () => {
    const idle = Array.from({ length: 14 }, (_, i) => `idleModule${i + 1}`);
    const placed = layoutRouteGraph(buildRouteGraph(manifest({ modules: ['a', ...idle], routes: { r: 'FROM /messages/modules/a/* INTO $upstream' } })));
    const routedBottom = Math.max(...placed.nodes.filter((n) => !n.node.id.includes('idle')).map((n) => n.y + n.height));
    const grid = placed.nodes.filter((n) => n.node.id.includes('idle'));
    expect(grid).toHaveLength(14);
    for (const n of grid) expect(n.y).toBeGreaterThan(routedBottom);
    expect(new Set(grid.map((n) => n.y)).size).toBeLessThanOrEqual(4);
    expect(pairs(placed.nodes).filter(([a, b]) => overlaps(a, b))).toEqual([]);
    expect(layoutRouteGraph(buildRouteGraph(manifest({ modules: idle }))).nodes).toHaveLength(14);
  });

  it('sets each broken route’s marker beside its own module: 60 modules, 100 routes, 20 of them broken', () => {
    const modules = Array.from({ length: 60 }, (_, i) => `sensorGatewayModule${i + 1}`);
    const routes: Record<string, string> = {};
    for (let i = 0; i < 80; i++) routes[`route${i}`] = `FROM /messages/modules/${modules[i % 40]}/outputs/out INTO BrokeredEndpoint("/modules/${modules[40 + (i % 20)]}/inputs/in${i % 3}")`;
    for (let i = 0; i < 20; i++) routes[`broken${i}`] = `FROM /messages/modules/${modules[(i * 3) % 60]}/outputs/raw INTO BrokeredEndpoint("/modules/`;
    const placed = layoutRouteGraph(buildRouteGraph(manifest({ modules, routes })));
    const byId = new Map(placed.nodes.map((n) => [n.node.id, n]));
    const markers = placed.nodes.filter((n) => n.node.kind === 'error');
    expect(markers).toHaveLength(20);
    const columns = [...new Set(placed.nodes.filter((n) => n.node.kind === 'module').map((n) => Math.round(n.x + n.width / 2)))].sort((a, b) => a - b);
    for (const edge of placed.edges.filter((e) => e.edge.to.node.startsWith('error:'))) {
      const source = byId.get(edge.edge.from.node) as PositionedNode;
      const marker = byId.get(edge.edge.to.node) as PositionedNode;
      // Right of its module, with no column of modules in between: a short stub, not a line across the graph.
      expect(marker.x).toBeGreaterThan(source.x + source.width);
      const between = columns.filter((c) => c > source.x + source.width && c < marker.x);
      expect(between, edge.edge.id).toEqual([]);
      expect(marker.width).toBeLessThan(200);
    }
    expect(pairs(placed.nodes).filter(([a, b]) => overlaps(a, b)).map(([a, b]) => `${a.node.id} × ${b.node.id}`)).toEqual([]);
  });
});
