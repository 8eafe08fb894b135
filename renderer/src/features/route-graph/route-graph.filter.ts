/**
 * Narrowing a big route graph (60 modules, 100 routes) to what the reader is after: the routes whose name,
 * statement, source or target module mentions every word of the query, the nodes they connect, and modules
 * whose name matches (even when no route touches them). Pure.
 */
import type { RouteGraph, RouteGraphNode } from './route-graph.types';

function nodeName(node: RouteGraphNode | undefined): string {
  if (!node) return '';
  if (node.kind === 'module') return node.name;
  if (node.kind === 'upstream') return '$upstream';
  return node.label;
}

export function filterRouteGraph(graph: RouteGraph, query: string): RouteGraph {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const matches = (text: string) => {
    const haystack = text.toLowerCase();
    return words.every((w) => haystack.includes(w));
  };
  const edges = graph.edges.filter((e) => matches(`${e.id} ${e.text} ${nodeName(byId.get(e.from.node))} ${nodeName(byId.get(e.to.node))}`));
  const kept = new Set(edges.flatMap((e) => [e.from.node, e.to.node]));
  const nodes = graph.nodes.filter((n) => kept.has(n.id) || (n.kind === 'module' && matches(n.name)));
  return { ...graph, nodes, edges, skipped: graph.skipped.filter((s) => matches(s.id)) };
}

/** `SimulatedTemperatureSensorWithAVeryLongName` → `SimulatedTempera…VeryLongName`: both ends stay readable. */
export function middleShorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(-tail) : ''}`;
}
