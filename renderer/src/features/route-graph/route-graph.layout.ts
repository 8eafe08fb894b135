/**
 * Automatic layout of a route graph with dagre, left to right: sources, then modules, then `$upstream`.
 * Pure: the same graph always gives the same positions. Node sizes are computed here from the text they show
 * (an estimate of the rendered width, so RouteGraph.tsx draws nodes at exactly these sizes and places handles
 * with `handleTop`). Edge labels are laid out as dagre edge labels, so they get room of their own and sit on
 * the edge's own route between ranks; `points` are dagre's bends, for the edge component to draw through.
 * Modules that no route touches are set in a grid below the routed graph.
 */
import { graphlib, layout, type GraphLabel } from '@dagrejs/dagre';
import { middleShorten } from './route-graph.filter';
import { edgeCaption, unknownSourceId, UPSTREAM_ID, type RouteGraph, type RouteGraphEdge, type RouteGraphNode } from './route-graph.types';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box extends Point {
  readonly width: number;
  readonly height: number;
}

/** `x`/`y` are the node's top-left corner, as React Flow positions nodes. */
export interface PositionedNode extends Box {
  readonly node: RouteGraphNode;
}

export interface PositionedEdge {
  readonly edge: RouteGraphEdge;
  /** Bends between the two handles (the end points on node borders are left out). */
  readonly points: readonly Point[];
  /** Centre and size of the label; undefined for an edge without a label. */
  readonly label?: Box;
}

export interface RouteGraphLayout {
  readonly nodes: readonly PositionedNode[];
  readonly edges: readonly PositionedEdge[];
  readonly width: number;
  readonly height: number;
}

export const MODULE_HEADER = 40;
/** Module names past this are shortened in the middle (both ends stay readable); the node's tooltip has it all. */
export const MODULE_NAME_MAX = 36;
const MODULE_MAX_WIDTH = 420;
export const HANDLE_ROW = 24;
const BODY_PADDING = 6;
const CHAR = 7.2; // average advance of the 12px UI font, a little generous
const LABEL_CHAR = 6.4; // 11px label font
const LABEL_HEIGHT = 22;

/** The top of handle row `index` in a module node, relative to the node (to the row's centre). */
export function handleTop(index: number): number {
  return MODULE_HEADER + BODY_PADDING + index * HANDLE_ROW + HANDLE_ROW / 2;
}

/** Route names on edges are shortened in the middle past this many characters (the tooltip has the full name). */
export const ROUTE_NAME_MAX = 28;

/**
 * The text shown on an edge: the route's name (which the reader looks for in the text and in Problems), then its
 * caption (condition, priority, TTL), marked when the route is broken.
 */
export function edgeLabelText(edge: RouteGraphEdge): string {
  const name = middleShorten(edge.id, ROUTE_NAME_MAX);
  const caption = edgeCaption(edge);
  const text = caption === '' ? name : `${name} · ${caption}`;
  return edge.broken ? `✕ ${text}` : text;
}

export function nodeSize(node: RouteGraphNode): { width: number; height: number } {
  switch (node.kind) {
    case 'module': {
      const rows = Math.max(1, node.inputs.length, node.outputs.length);
      const longest = (names: readonly string[]) => Math.max(0, ...names.map((n) => n.length));
      const ports = (longest(node.inputs) + longest(node.outputs)) * CHAR + 56;
      const title = Math.min(node.name.length, MODULE_NAME_MAX) * 9.6 + 64; // 14px semibold, after the icon and the badge room
      return { width: Math.round(Math.min(MODULE_MAX_WIDTH, Math.max(180, ports, title))), height: handleTop(rows - 1) + HANDLE_ROW / 2 + BODY_PADDING };
    }
    case 'upstream':
      return { width: 150, height: 56 };
    case 'source':
      return { width: Math.round(Math.max(170, Math.max(node.label.length * CHAR, node.detail.length * 6.2) + 56)), height: 56 };
    case 'error':
      // A small marker (one per broken route): the route's name and error are on its edge and in its tooltip.
      return { width: Math.round(node.label.length * 7.2 + 44), height: 32 };
    default: {
      const unreachable: never = node;
      return unreachable;
    }
  }
}

const UNKNOWN_SOURCE_PREFIX = unknownSourceId('');

type RankGraph = InstanceType<typeof graphlib.Graph<unknown, { rank?: number }, { minlen?: number }>>;

/**
 * Ranks for a left-to-right flow: every node as far left as its predecessors allow (so message sources and
 * modules nobody sends to start at the left edge), then `$upstream` in a column of its own at the right. dagre's
 * default (network simplex) pulls sources next to their first target instead. A broken route's markers stay
 * beside the module they belong to: "Unreadable target" one rank after its source (as any node), "Unreadable
 * source" one rank before its target. dagre calls this after breaking cycles, on its internal graph (edge minlen
 * already doubled for labels, plus a nesting root that precedes every node), so the graph is acyclic here.
 */
function leftToRightRanker(g: RankGraph): void {
  const rank = new Map<string, number>();
  const visit = (v: string): number => {
    const known = rank.get(v);
    if (known !== undefined) return known;
    rank.set(v, 0); // guards against a cycle that dagre did not break; never expected
    const r = Math.max(0, ...(g.inEdges(v) ?? []).map((e) => visit(e.v) + (g.edge(e)?.minlen ?? 1)));
    rank.set(v, r);
    return r;
  };
  g.nodes().forEach(visit);
  const sinks = [UPSTREAM_ID].filter((id) => g.hasNode(id));
  const others = g.nodes().filter((v) => !sinks.includes(v)).map((v) => rank.get(v) ?? 0);
  const last = Math.max(0, ...others);
  for (const id of sinks) {
    const step = Math.max(1, ...(g.inEdges(id) ?? []).map((e) => g.edge(e)?.minlen ?? 1));
    rank.set(id, Math.max(rank.get(id) ?? 0, last + step));
  }
  for (const v of g.nodes().filter((id) => id.startsWith(UNKNOWN_SOURCE_PREFIX))) {
    const before = (g.outEdges(v) ?? []).map((e) => (rank.get(e.w) ?? 0) - (g.edge(e)?.minlen ?? 1));
    if (before.length) rank.set(v, Math.max(0, Math.min(...before)));
  }
  for (const [v, r] of rank) {
    const label = g.node(v);
    if (label) label.rank = r;
  }
}

export interface LayoutOptions {
  readonly nodesep?: number;
  readonly ranksep?: number;
}

const MARGIN = 16;
const GRID_GAP = { x: 28, y: 20 };

/**
 * Modules no route touches are left out of dagre (it would stack them in one tall column) and set in a grid
 * below the routed graph, about as wide as it (and never narrower than a roughly square grid).
 */
function placeIsolated(isolated: readonly RouteGraphNode[], top: number, width: number): PositionedNode[] {
  if (isolated.length === 0) return [];
  const sizes = isolated.map(nodeSize);
  const cell = { width: Math.max(...sizes.map((z) => z.width)), height: Math.max(...sizes.map((z) => z.height)) };
  const square = Math.ceil(Math.sqrt(isolated.length * 2));
  const columns = Math.max(1, Math.min(isolated.length, Math.max(square, Math.floor((width - 2 * MARGIN + GRID_GAP.x) / (cell.width + GRID_GAP.x)))));
  return isolated.map((node, i) => ({
    node,
    x: MARGIN + (i % columns) * (cell.width + GRID_GAP.x),
    y: top + Math.floor(i / columns) * (cell.height + GRID_GAP.y),
    ...(sizes[i] ?? cell),
  }));
}

export function layoutRouteGraph(graph: RouteGraph, options: LayoutOptions = {}): RouteGraphLayout {
  const routed = new Set(graph.edges.flatMap((e) => [e.from.node, e.to.node]));
  const g = new graphlib.Graph({ multigraph: true });
  const ranker = leftToRightRanker as unknown as GraphLabel['ranker'];
  g.setGraph({ rankdir: 'LR', ranker, nodesep: options.nodesep ?? 28, ranksep: options.ranksep ?? 72, edgesep: 16, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) if (routed.has(node.id)) g.setNode(node.id, { ...nodeSize(node) });
  for (const edge of graph.edges) {
    const text = edgeLabelText(edge);
    const label = text === '' ? { width: 0, height: 0 } : { width: Math.round(text.length * LABEL_CHAR + 18), height: LABEL_HEIGHT };
    g.setEdge(edge.from.node, edge.to.node, { ...label, labelpos: 'c', minlen: 1, weight: edge.to.node === edge.from.node ? 0 : 1 }, edge.id);
  }
  if (routed.size > 0) layout(g);
  const size = routed.size > 0 ? (g.graph() as { width?: number; height?: number }) : {};
  const routedNodes = graph.nodes.flatMap((node): PositionedNode[] => {
    if (!routed.has(node.id)) return [];
    const placed = g.node(node.id) as { x: number; y: number; width: number; height: number };
    return [{ node, x: placed.x - placed.width / 2, y: placed.y - placed.height / 2, width: placed.width, height: placed.height }];
  });
  const top = size.height !== undefined ? size.height + GRID_GAP.y : MARGIN;
  const isolated = placeIsolated(graph.nodes.filter((n) => !routed.has(n.id)), top, size.width ?? 0);
  const edges = graph.edges.map((edge): PositionedEdge => {
    const placed = g.edge({ v: edge.from.node, w: edge.to.node, name: edge.id }) as { points?: Point[]; x?: number; y?: number; width: number; height: number };
    const hasLabel = placed.width > 0 && placed.x !== undefined && placed.y !== undefined;
    // One bend per rank between the ends. Nodes sit on every other rank (dagre doubles ranks to make room
    // for labels), so only the bends on node ranks (odd positions) steer round nodes; the others, except the
    // label's own, would only add kinks.
    const points = (placed.points ?? [])
      .slice(1, -1)
      .filter((p, index) => index % 2 === 1 || (hasLabel && p.x === placed.x && p.y === placed.y))
      .map((p) => ({ x: p.x, y: p.y }));
    return { edge, points, ...(hasLabel ? { label: { x: placed.x as number, y: placed.y as number, width: placed.width, height: placed.height } } : {}) };
  });
  const nodes = [...routedNodes, ...isolated];
  const right = Math.max(size.width ?? 0, ...isolated.map((n) => n.x + n.width + MARGIN));
  const bottom = Math.max(size.height ?? 0, ...isolated.map((n) => n.y + n.height + MARGIN));
  return { nodes, edges, width: right, height: bottom };
}
