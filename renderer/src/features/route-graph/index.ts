/**
 * The route graph: a deployment manifest's `$edgeHub` routes drawn as sources → modules → `$upstream`.
 *
 *   <RouteGraph text={manifestText} onSelectRoute={({ offset, length }) => editor.select(offset, length)} />
 *
 * The default export is the component, so it can be split off with
 * `const RouteGraph = lazy(() => import('../route-graph'))` (React Flow, dagre and React Flow's CSS then load
 * with the first graph). Importing anything else from this index statically pulls the component in too.
 */
export { RouteGraph, type RouteGraphProps, type RouteRange } from './RouteGraph';
export { RouteGraph as default } from './RouteGraph';
export { buildRouteGraph } from './route-graph.model';
export { layoutRouteGraph, type RouteGraphLayout, type PositionedNode, type PositionedEdge } from './route-graph.layout';
export { edgeCaption, type RouteGraph as RouteGraphData, type RouteGraphEdge, type RouteGraphNode, type RouteBreak, type SkippedRoute } from './route-graph.types';
