/**
 * The route graph as data: what a deployment manifest's `$edgeHub` routes connect. Built by `buildRouteGraph`
 * (route-graph.model.ts), laid out by `layoutRouteGraph` (route-graph.layout.ts), drawn by `RouteGraph.tsx`.
 *
 * Handles name the end of an edge on a node: a module has one `out:<output>` handle per output a route reads
 * (`out:*` for "all outputs") and one `in:<input>` handle per input a route writes to; every other node has a
 * single handle, `out` (sources) or `in` ($upstream, the error markers).
 */

/** Where messages come from when the route does not name a module. */
export type SourceNodeKind =
  | 'all' // FROM /* : every message, twin change notifications included
  | 'allMessages' // FROM /messages/* : device telemetry and module outputs
  | 'allModules' // FROM /messages/modules/* : any module's output
  | 'twinChangeNotifications' // FROM /twinChangeNotifications
  | 'other' // compiles, but no edgeHub message source starts with it
  | 'unknown'; // a broken route whose source could not be read

export type RouteGraphNode =
  | {
      readonly kind: 'module';
      readonly id: string;
      readonly name: string;
      /** False when a route names a module that this manifest does not deploy (drawn dashed). */
      readonly deployed: boolean;
      /** Input names that routes deliver to, in first-seen order. */
      readonly inputs: readonly string[];
      /** Output names that routes read (`*` = all outputs), in first-seen order. */
      readonly outputs: readonly string[];
    }
  | { readonly kind: 'upstream'; readonly id: typeof UPSTREAM_ID }
  | { readonly kind: 'source'; readonly id: string; readonly source: SourceNodeKind; readonly label: string; readonly detail: string }
  /**
   * Where a broken route whose target cannot be read ends: one small marker per such route (`errorNodeId(route)`),
   * set beside its source, so many broken routes never crowd into one node.
   */
  | { readonly kind: 'error'; readonly id: string; readonly label: string; readonly route: string };

export interface RouteEnd {
  readonly node: string;
  readonly handle: string;
}

export interface RouteBreak {
  readonly message: string;
  /** 1-based column in the route statement (0: not about a position, e.g. a bad priority). */
  readonly column: number;
  /** Where the column points in the manifest text (the route value's start when column is 0). */
  readonly offset: number;
}

export interface RouteGraphEdge {
  /** The route name (unique within a manifest). */
  readonly id: string;
  readonly from: RouteEnd;
  readonly to: RouteEnd;
  /** The route statement as written (empty when the value has none). */
  readonly text: string;
  /** The WHERE condition as written; undefined when the route has none. */
  readonly condition?: string;
  /** `WHERE <condition>` shortened for a label; '' without a condition. */
  readonly label: string;
  /** 0 (highest) to 9; undefined for the default priority. */
  readonly priority?: number;
  /** Time to live in seconds; undefined when 0 (the global storeAndForwardConfiguration TTL applies). */
  readonly ttl?: number;
  readonly broken?: RouteBreak;
  /** Things edgeHub accepts that probably do not do what was meant (e.g. a source that never matches). */
  readonly warnings: readonly string[];
  /** The route value (string or object) in the manifest text, for the editor to select. */
  readonly offset: number;
  readonly length: number;
}

/** A route edgeHub skips without an error (schema 1.0: a null or blank route). */
export interface SkippedRoute {
  readonly id: string;
  readonly reason: string;
  readonly offset: number;
  readonly length: number;
}

export interface RouteGraph {
  readonly nodes: readonly RouteGraphNode[];
  readonly edges: readonly RouteGraphEdge[];
  readonly skipped: readonly SkippedRoute[];
  /**
   * True for a layered deployment (`properties.desired.<path>` keys): modules deployed by the base deployment
   * are not known, so `deployed: false` means "not in this layer".
   */
  readonly layered: boolean;
  /** The `$edgeHub` schemaVersion when it is a string. */
  readonly schemaVersion?: string;
  /** Why nothing (or not everything) could be read, e.g. "no modulesContent found". */
  readonly notice?: string;
}

export const UPSTREAM_ID = '$upstream';
/** The marker a broken route with an unreadable target ends at. */
export const errorNodeId = (route: string): string => `error:${route}`;
/** The marker a broken route with an unreadable source starts from (one per route, beside its target). */
export const unknownSourceId = (route: string): string => `source:unknown:${route}`;
export const ALL_OUTPUTS = '*';

export const moduleNodeId = (name: string): string => `module:${name}`;
export const outputHandle = (output: string): string => `out:${output}`;
export const inputHandle = (input: string): string => `in:${input}`;

/** `p0`…`p9`; '' for the default priority (which ranks below every explicit one). */
export function formatPriority(priority: number | undefined): string {
  return priority === undefined ? '' : `p${priority}`;
}

/** `60 s`, `2 h`; '' when the global TTL applies. */
export function formatTtl(ttl: number | undefined): string {
  if (ttl === undefined) return '';
  if (ttl >= 3_600 && ttl % 3_600 === 0) return `${ttl / 3_600} h`;
  return `${ttl} s`;
}

/** The edge caption: "WHERE temp > 30 · p0 · 60 s" (parts that are defaults are left out). */
export function edgeCaption(edge: Pick<RouteGraphEdge, 'label' | 'priority' | 'ttl'>): string {
  return [edge.label, formatPriority(edge.priority), formatTtl(edge.ttl)].filter((part) => part !== '').join(' · ');
}
