import { describe, expect, it } from 'vitest';
import { filterRouteGraph, middleShorten } from './route-graph.filter';
import { buildRouteGraph } from './route-graph.model';
import { syntheticManifest } from './route-graph.test-util';

describe('filterRouteGraph', () => {
  const graph = buildRouteGraph(syntheticManifest(60, 100));

  it('keeps every route for an empty query', () => {
    expect(filterRouteGraph(graph, '  ')).toBe(graph);
  });

  it('keeps the routes a query names and only the nodes they connect', () => {
    const route = graph.edges[17];
    expect(route).toBeDefined();
    const filtered = filterRouteGraph(graph, route!.id);
    expect(filtered.edges.map((e) => e.id)).toContain(route!.id);
    expect(filtered.edges.length).toBeLessThan(graph.edges.length);
    const ends = new Set(filtered.edges.flatMap((e) => [e.from.node, e.to.node]));
    for (const node of filtered.nodes) expect(ends.has(node.id) || node.kind === 'module').toBe(true);
    for (const id of ends) expect(filtered.nodes.some((n) => n.id === id)).toBe(true);
  });

  it('finds routes by a module they touch, and a module no route touches by its name', () => {
    const module = graph.nodes.find((n) => n.kind === 'module');
    expect(module?.kind).toBe('module');
    const name = module?.kind === 'module' ? module.name : '';
    const filtered = filterRouteGraph(graph, name.toUpperCase());
    expect(filtered.nodes.some((n) => n.id === module?.id)).toBe(true);
    expect(filtered.edges.every((e) => `${e.id} ${e.text}`.toLowerCase().includes(name.toLowerCase()) || e.from.node === module?.id || e.to.node === module?.id)).toBe(true);
    expect(filterRouteGraph(graph, 'no-such-thing-anywhere').nodes).toEqual([]);
  });
});

describe('middleShorten', () => {
  it('keeps both ends of a long name, and a short one as it is', () => {
    expect(middleShorten('SimulatedTemperatureSensorWithAVeryLongName', 21)).toBe('SimulatedT…ryLongName');
    expect(middleShorten('SimulatedTemperatureSensor', 26)).toBe('SimulatedTemperatureSensor');
    expect(middleShorten('abcdef', 2)).toBe('a…');
  });
});
