/**
 * buildRouteGraph on every file of the published-manifest corpus (`../shared/fixtures/manifests`, a corpus run:
 * skipped with one line when the corpus is absent, see shared/testing/corpus.test-util.ts): it never
 * throws, and for every file that parses as JSON there is exactly one edge (or skipped entry) per route entry,
 * counted here independently from the parsed value; every edge ends on a node and a handle that exist.
 * The files are read with Vite's `import.meta.glob` (raw text) rather than node:fs, so that no Node types
 * leak into the renderer's type-check.
 */
import { expect, it } from 'vitest';
import { describeCorpus } from '../../../../shared/testing/corpus.test-util';
import { layoutRouteGraph } from './route-graph.layout';
import { buildRouteGraph } from './route-graph.model';
import type { RouteGraph, RouteGraphNode } from './route-graph.types';

// `@gatehouse-corpus` is the corpus folder (vitest.config.ts); an absent corpus globs to nothing.
const manifests = import.meta.glob<string>('@gatehouse-corpus/manifests/*', { query: '?raw', import: 'default', eager: true });
const byName = new Map(Object.entries(manifests).map(([key, text]) => [key.slice(key.lastIndexOf('/') + 1), text] as const));
const files = [...byName.keys()].sort();
const read = (file: string): string => byName.get(file) ?? '';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Route entries of a parsed manifest: `routes` of `$edgeHub` (any case) plus layered `properties.desired.routes.<name>` keys. */
function routeNames(root: unknown): string[] {
  if (!isObject(root)) return [];
  const content = isObject(root['content']) ? root['content'] : undefined;
  const modulesContent = [root['modulesContent'], root['moduleContent'], content?.['modulesContent'], content?.['moduleContent']].find((v) => v !== undefined);
  const hub = isObject(modulesContent) ? modulesContent['$edgeHub'] : undefined;
  if (!isObject(hub)) return [];
  const desired = hub['properties.desired'];
  const routesKey = isObject(desired) ? (Object.keys(desired).find((k) => k === 'routes') ?? Object.keys(desired).find((k) => k.toLowerCase() === 'routes')) : undefined;
  const whole = routesKey !== undefined && isObject(desired) && isObject(desired[routesKey]) ? Object.keys(desired[routesKey]) : [];
  const layered = Object.keys(hub).flatMap((k) => {
    const m = /^properties\.desired\.routes\.([^.]+)$/.exec(k);
    return m?.[1] ? [m[1]] : [];
  });
  return [...new Set([...whole, ...layered])];
}

function handlesOf(node: RouteGraphNode): { in: string[]; out: string[] } {
  switch (node.kind) {
    case 'module':
      return { in: node.inputs.map((i) => `in:${i}`), out: node.outputs.map((o) => `out:${o}`) };
    case 'source':
      return { in: [], out: ['out'] };
    default:
      return { in: ['in'], out: [] };
  }
}

function expectConsistent(graph: RouteGraph): void {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  expect(nodes.size).toBe(graph.nodes.length);
  expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
  for (const edge of graph.edges) {
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    expect(from && handlesOf(from).out, `${edge.id} from`).toContain(edge.from.handle);
    expect(to && handlesOf(to).in, `${edge.id} to`).toContain(edge.to.handle);
  }
}

describeCorpus('buildRouteGraph on the manifest corpus', () => {
  it('has the corpus', () => expect(files.length).toBeGreaterThan(300));

  it.each(files)('%s', (file) => {
    const text = read(file);
    let graph: RouteGraph | undefined;
    expect(() => (graph = buildRouteGraph(text))).not.toThrow();
    if (!graph) return;
    expectConsistent(graph);
    expect(() => layoutRouteGraph(graph as RouteGraph)).not.toThrow();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      return; // not strict JSON: what could be read is drawn, and nothing threw
    }
    const names = routeNames(parsed);
    expect([...graph.edges.map((e) => e.id), ...graph.skipped.map((s) => s.id)].sort()).toEqual([...names].sort());
    for (const edge of graph.edges) {
      const raw = text.slice(edge.offset, edge.offset + edge.length);
      expect(() => JSON.parse(raw), `${edge.id} range`).not.toThrow();
    }
  });
});
