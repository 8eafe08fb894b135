/**
 * `buildRouteGraph(text)`: the routes of a deployment manifest as a graph. Pure and total: any text gives a
 * graph (possibly empty, with a `notice`), never an exception.
 *
 * Every route entry becomes exactly one edge, except those edgeHub skips silently (schema 1.0 null or blank
 * routes), which are listed in `skipped`. A route that does not compile is still drawn, from the source and
 * sink that can be recognised (route-recognise.ts), or to/from a marker of its own ("Unreadable target",
 * "Unreadable source": one per broken route, so twenty broken routes are twenty short stubs beside their modules,
 * not a crowd of edges into one node), and it carries its error. Module names follow edgeHub: a source module matches a deployed module ignoring case
 * (source prefixes are compared case-insensitively), a sink module must match exactly (delivery goes to the
 * module identity with exactly that name), so `BrokeredEndpoint("/modules/Filter/...")` next to a deployed
 * `filter` draws a separate, undeployed `Filter`.
 */
import type { Node } from 'jsonc-parser';
import { DEFAULT_ROUTE_PRIORITY, parseRouteEntry, type RouteError, type RouteSink, type RouteSource } from '../../../../shared/routes';
import { readManifestRoutes, type ManifestRoute } from './manifest-routes';
import { offsetInString, recogniseRoute, shorten } from './route-recognise';
import {
  ALL_OUTPUTS,
  errorNodeId,
  inputHandle,
  moduleNodeId,
  outputHandle,
  UPSTREAM_ID,
  type RouteEnd,
  type RouteGraph,
  type RouteGraphEdge,
  type RouteGraphNode,
  type SkippedRoute,
  type SourceNodeKind,
  unknownSourceId,
} from './route-graph.types';

const LABEL_MAX = 42;

const SOURCE_NODES: Record<SourceNodeKind, { label: string; detail: string }> = {
  all: { label: 'All messages', detail: 'FROM /*' },
  allMessages: { label: 'Device & any module', detail: 'FROM /messages/*' },
  allModules: { label: 'Any module', detail: 'FROM /messages/modules/*' },
  twinChangeNotifications: { label: 'Twin changes', detail: 'FROM /twinChangeNotifications' },
  other: { label: 'Unmatched source', detail: 'no message source starts with it' },
  unknown: { label: 'Unreadable source', detail: 'broken route' },
};

interface ModuleDraft {
  name: string;
  deployed: boolean;
  inputs: string[];
  outputs: string[];
}

/** Collects nodes while edges are built; insertion order is the order nodes are listed in. */
class GraphDraft {
  private readonly modules = new Map<string, ModuleDraft>();
  private readonly sources = new Set<SourceNodeKind>();
  private upstream = false;
  /** Broken routes with an unreadable source, and with an unreadable target: each gets a marker of its own. */
  private readonly unknownSources: string[] = [];
  private readonly errors: string[] = [];

  constructor(deployed: readonly string[]) {
    for (const name of deployed) this.modules.set(name, { name, deployed: true, inputs: [], outputs: [] });
  }

  from(source: RouteSource | undefined, route: string): RouteEnd {
    if (source === undefined) {
      this.unknownSources.push(route);
      return { node: unknownSourceId(route), handle: 'out' };
    }
    switch (source.kind) {
      case 'module':
      case 'moduleOutputs':
      case 'moduleOutput': {
        const lower = source.module.toLowerCase();
        const existing = [...this.modules.values()].find((m) => m.name.toLowerCase() === lower && m.deployed)
          ?? [...this.modules.values()].find((m) => m.name.toLowerCase() === lower);
        const module = existing ?? this.addModule(source.module);
        const output = source.kind === 'moduleOutput' ? source.output : ALL_OUTPUTS;
        if (!module.outputs.includes(output)) module.outputs.push(output);
        return { node: moduleNodeId(module.name), handle: outputHandle(output) };
      }
      default:
        return this.sourceNode(source.kind);
    }
  }

  to(sink: RouteSink | undefined, route: string): RouteEnd {
    if (sink === undefined) {
      this.errors.push(route);
      return { node: errorNodeId(route), handle: 'in' };
    }
    if (sink.kind === 'upstream') {
      this.upstream = true;
      return { node: UPSTREAM_ID, handle: 'in' };
    }
    const module = this.modules.get(sink.module) ?? this.addModule(sink.module);
    if (!module.inputs.includes(sink.input)) module.inputs.push(sink.input);
    return { node: moduleNodeId(module.name), handle: inputHandle(sink.input) };
  }

  nodes(): RouteGraphNode[] {
    const sources = [...this.sources].map((source): RouteGraphNode => ({ kind: 'source', id: `source:${source}`, source, ...SOURCE_NODES[source] }));
    const modules = [...this.modules.values()].map((m): RouteGraphNode => ({ kind: 'module', id: moduleNodeId(m.name), ...m }));
    const unknown = this.unknownSources.map((route): RouteGraphNode => ({ kind: 'source', id: unknownSourceId(route), source: 'unknown', ...SOURCE_NODES.unknown }));
    const errors = this.errors.map((route): RouteGraphNode => ({ kind: 'error', id: errorNodeId(route), label: 'Unreadable target', route }));
    return [...sources, ...unknown, ...modules, ...(this.upstream ? [{ kind: 'upstream', id: UPSTREAM_ID } as const] : []), ...errors];
  }

  private sourceNode(kind: SourceNodeKind): RouteEnd {
    this.sources.add(kind);
    return { node: `source:${kind}`, handle: 'out' };
  }

  private addModule(name: string): ModuleDraft {
    const module = { name, deployed: false, inputs: [], outputs: [] };
    this.modules.set(name, module);
    return module;
  }
}

/** The string node that holds the route statement: the value itself, or its `route` member. */
function statementNode(node: Node): Node | undefined {
  if (node.type === 'string') return node;
  if (node.type !== 'object') return undefined;
  const members = (node.children ?? []).filter((p) => typeof p.children?.[0]?.value === 'string' && p.children[0].value.toLowerCase() === 'route');
  const exact = members.filter((p) => p.children?.[0]?.value === 'route').pop() ?? members.pop();
  const value = exact?.children?.[1];
  return value?.type === 'string' ? value : undefined;
}

function buildEdge(text: string, route: ManifestRoute, schemaVersion: string | undefined, draft: GraphDraft): RouteGraphEdge | SkippedRoute {
  const range = { offset: route.node.offset, length: route.node.length };
  const entry = parseRouteEntry(route.name, route.value, schemaVersion === undefined ? {} : { schemaVersion });
  if (entry.ok && entry.value.kind === 'skipped') return { id: route.name, reason: entry.value.reason, ...range };
  const stringNode = statementNode(route.node);
  const statement = typeof stringNode?.value === 'string' ? stringNode.value : '';
  if (entry.ok && entry.value.kind === 'route') {
    const { route: compiled, priority, timeToLiveSecs } = entry.value;
    const condition = compiled.condition?.text;
    return {
      id: route.name,
      from: draft.from(compiled.source, route.name),
      to: draft.to(compiled.sink, route.name),
      text: statement,
      ...(condition !== undefined ? { condition } : {}),
      label: condition !== undefined ? shorten(`WHERE ${condition}`, LABEL_MAX) : '',
      ...(priority !== DEFAULT_ROUTE_PRIORITY ? { priority } : {}),
      ...(timeToLiveSecs !== 0 ? { ttl: timeToLiveSecs } : {}),
      warnings: compiled.warnings.map((w) => w.message),
      ...range,
    };
  }
  const error: RouteError = entry.ok ? { message: 'unreadable route', column: 0, phase: 'parse' } : entry.error;
  const recognised = recogniseRoute(statement);
  const priority = numberMember(route.value, 'priority');
  const ttl = numberMember(route.value, 'timeToLiveSecs');
  const offset = error.column > 0 && stringNode ? offsetInString(text, stringNode, error.column - 1) : route.node.offset;
  return {
    id: route.name,
    from: draft.from(recognised.source, route.name),
    to: draft.to(recognised.sink, route.name),
    text: statement,
    ...(recognised.condition !== undefined ? { condition: recognised.condition } : {}),
    label: recognised.condition !== undefined ? shorten(`WHERE ${recognised.condition}`, LABEL_MAX) : '',
    ...(priority !== undefined && priority !== DEFAULT_ROUTE_PRIORITY ? { priority } : {}),
    ...(ttl ? { ttl } : {}),
    broken: { message: error.message, column: error.column, offset },
    warnings: [],
    ...range,
  };
}

/** A numeric member of an object route value (for the label of a broken route), case-insensitively. */
function numberMember(value: unknown, name: string): number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  const found = key === undefined ? undefined : (value as Record<string, unknown>)[key];
  return typeof found === 'number' && Number.isInteger(found) && found >= 0 ? found : undefined;
}

/** Reads a deployment manifest's text (tolerantly) into the graph of its routes. */
export function buildRouteGraph(text: string): RouteGraph {
  const manifest = readManifestRoutes(text);
  const draft = new GraphDraft(manifest.modules);
  const edges: RouteGraphEdge[] = [];
  const skipped: SkippedRoute[] = [];
  for (const route of manifest.routes) {
    const built = buildEdge(text, route, manifest.schemaVersion, draft);
    if ('from' in built) edges.push(built);
    else skipped.push(built);
  }
  return {
    nodes: draft.nodes(),
    edges,
    skipped,
    layered: manifest.layered,
    ...(manifest.schemaVersion !== undefined ? { schemaVersion: manifest.schemaVersion } : {}),
    ...(manifest.notice !== undefined ? { notice: manifest.notice } : {}),
  };
}
