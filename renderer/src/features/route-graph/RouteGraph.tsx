/**
 * The routes of a deployment manifest as a graph: message sources on the left, modules in the middle,
 * `$upstream` on the right, one edge per route. The graph is rebuilt only when `text` changes (the caller
 * debounces typing); clicking a route hands its range in the text to `onSelectRoute` so the editor can
 * select it. Colours are Fluent tokens (React Flow's CSS variables are set from them), so light and dark
 * themes both work; `colorMode` follows the app's `data-theme` unless given.
 */
import { makeStyles, SearchBox, tokens } from '@fluentui/react-components';
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type EdgeMouseHandler,
  type EdgeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type CSSProperties } from 'react';
import { filterRouteGraph } from './route-graph.filter';
import { buildRouteGraph } from './route-graph.model';
import { layoutRouteGraph, type RouteGraphLayout } from './route-graph.layout';
import type { RouteGraph as RouteGraphData, RouteGraphEdge } from './route-graph.types';
import { useLiveRouteRates } from '../telemetry';
import { edgeTone, RouteEdge, RouteRatesContext, RouteSelectContext, TONE_COLOR, type RouteFlowEdge } from './RouteEdge';
import { routeNodeTypes, type RouteFlowNode } from './RouteGraphNodes';

export interface RouteRange {
  readonly offset: number;
  readonly length: number;
  readonly name: string;
}

export interface RouteGraphProps {
  /** The manifest text. */
  readonly text: string;
  /** Called with the route value's range in `text` when a route is clicked. */
  readonly onSelectRoute?: (range: RouteRange) => void;
  /** CSS height of the canvas; 480px by default. */
  readonly height?: number | string;
  readonly colorMode?: 'light' | 'dark';
  /**
   * Messages/s per route name to show on the edges; by default the edge hub's live rates while it runs (matched by
   * route name), none when it does not. `null`: never show rates.
   */
  readonly rates?: Readonly<Record<string, number>> | null;
}

const edgeTypes: EdgeTypes = { route: RouteEdge };
/** Room at the top for the summary and the zoom buttons. */
const FIT_VIEW = { padding: { top: '56px', right: '24px', bottom: '24px', left: '24px' }, maxZoom: 1.25 } as const;

const useStyles = makeStyles({
  root: { position: 'relative', width: '100%', minHeight: '200px', borderRadius: tokens.borderRadiusLarge, overflow: 'hidden', border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  panel: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  tools: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS, maxWidth: 'calc(100% - 140px)' },
  search: { width: '220px', maxWidth: '100%' },
  danger: { color: tokens.colorStatusDangerForeground1, fontWeight: tokens.fontWeightSemibold },
  empty: { display: 'grid', placeItems: 'center', height: '100%', color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyBase, fontSize: tokens.fontSizeBase300 },
});

/** React Flow's own colours, from Fluent tokens. */
const flowVariables = {
  '--xy-background-color': tokens.colorNeutralBackground2,
  '--xy-background-pattern-dots-color': tokens.colorNeutralStroke1,
  '--xy-handle-background-color': tokens.colorNeutralForeground3,
  '--xy-handle-border-color': tokens.colorNeutralBackground1,
  '--xy-edge-label-background-color': tokens.colorNeutralBackground1,
  '--xy-controls-button-background-color': tokens.colorNeutralBackground1,
  '--xy-controls-button-background-color-hover': tokens.colorNeutralBackground1Hover,
  '--xy-controls-button-color': tokens.colorNeutralForeground1,
  '--xy-controls-button-color-hover': tokens.colorNeutralForeground1,
  '--xy-controls-button-border-color': tokens.colorNeutralStroke2,
  '--xy-controls-box-shadow': tokens.shadow4,
  '--xy-attribution-background-color': tokens.colorNeutralBackground1,
} as CSSProperties;

/** Light or dark, as the shell decided it (the `data-theme` attribute of the app root). */
function useThemeAttribute(): 'light' | 'dark' {
  return useSyncExternalStore(
    (onChange) => {
      const observer = new MutationObserver(onChange);
      observer.observe(document.body, { attributes: true, attributeFilter: ['data-theme'], subtree: true });
      return () => observer.disconnect();
    },
    () => (document.querySelector('[data-theme]')?.getAttribute('data-theme') === 'dark' ? 'dark' : 'light'),
  );
}

function toFlow(graph: RouteGraphData, layout: RouteGraphLayout, selected: string | undefined): { nodes: RouteFlowNode[]; edges: RouteFlowEdge[] } {
  const boxes = new Map(layout.nodes.map((placed) => [placed.node.id, placed]));
  const nodes = layout.nodes.map(
    (placed): RouteFlowNode => ({
      id: placed.node.id,
      type: placed.node.kind,
      position: { x: placed.x, y: placed.y },
      data: { placed, layered: graph.layered },
      width: placed.width,
      height: placed.height,
      draggable: false,
      selectable: false,
      connectable: false,
    }),
  );
  const edges = layout.edges.map((placed): RouteFlowEdge => {
    const { edge } = placed;
    const box = edge.from.node === edge.to.node ? boxes.get(edge.from.node) : undefined;
    const color = edge.id === selected ? tokens.colorBrandStroke1 : TONE_COLOR[edgeTone(edge)];
    return {
      id: `route:${edge.id}`,
      type: 'route',
      source: edge.from.node,
      sourceHandle: edge.from.handle,
      target: edge.to.node,
      targetHandle: edge.to.handle,
      selected: edge.id === selected,
      markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color },
      data: { placed, ...(box ? { loopY: box.y + box.height + 22 } : {}) },
    };
  });
  return { nodes, edges };
}

function Summary({ graph, total }: { graph: RouteGraphData; total: RouteGraphData }) {
  const styles = useStyles();
  const modules = graph.nodes.filter((n) => n.kind === 'module').length;
  const broken = graph.edges.filter((e) => e.broken).length;
  const filtered = graph !== total;
  return (
    <div className={styles.panel} data-testid="route-graph-summary">
      <span>
        {filtered
          ? `${graph.edges.length} of ${total.edges.length} route${total.edges.length === 1 ? '' : 's'} · ${modules} module${modules === 1 ? '' : 's'}`
          : `${modules} module${modules === 1 ? '' : 's'} · ${graph.edges.length} route${graph.edges.length === 1 ? '' : 's'}`}
      </span>
      {broken > 0 && <span className={styles.danger}>{`${broken} broken`}</span>}
      {graph.skipped.length > 0 && <span>{`${graph.skipped.length} skipped (blank)`}</span>}
    </div>
  );
}

/** Past this many nodes the first view is not fitted below READABLE_ZOOM. */
const BIG_GRAPH = 24;
const READABLE_ZOOM = 0.7;

/** Above this many routes the graph offers its search box (a handful of routes reads at a glance). */
const SEARCH_FROM = 6;

function Canvas({ graph: total, onSelectRoute, colorMode }: { graph: RouteGraphData; onSelectRoute?: (range: RouteRange) => void; colorMode: 'light' | 'dark' }) {
  const styles = useStyles();
  const [query, setQuery] = useState('');
  const graph = useMemo(() => filterRouteGraph(total, query), [total, query]);
  const layout = useMemo(() => layoutRouteGraph(graph), [graph]);
  const [selected, setSelected] = useState<string>();
  const { nodes, edges } = useMemo(() => toFlow(graph, layout, selected), [graph, layout, selected]);
  const { fitView } = useReactFlow();
  // Refit when nodes come or go, not when a condition is edited (that would undo the user's zoom while typing).
  const shape = useMemo(() => layout.nodes.map((n) => n.node.id).join('\n'), [layout]);
  // A big graph is not shrunk to a thumbnail: it is fitted no smaller than readable (the rest is a pan or a search away).
  const fit = layout.nodes.length > BIG_GRAPH ? { ...FIT_VIEW, minZoom: READABLE_ZOOM } : FIT_VIEW;
  useEffect(() => {
    void fitView(fit);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- refit on shape only (fit follows from it)
  }, [shape, fitView]);
  const select = useCallback(
    (edge: RouteGraphEdge) => {
      setSelected(edge.id);
      onSelectRoute?.({ offset: edge.offset, length: edge.length, name: edge.id });
    },
    [onSelectRoute],
  );
  const onEdgeClick = useCallback<EdgeMouseHandler<RouteFlowEdge>>((_event, edge) => edge.data && select(edge.data.placed.edge), [select]);
  if (total.nodes.length === 0) return <div className={styles.empty}>{total.notice ?? 'No routes.'}</div>;
  return (
    <RouteSelectContext.Provider value={select}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={routeNodeTypes}
        edgeTypes={edgeTypes}
        onEdgeClick={onEdgeClick}
        onPaneClick={() => setSelected(undefined)}
        colorMode={colorMode}
        nodesDraggable={false}
        nodesConnectable={false}
        // The graph is read-only: it must not take Space (pan) or Backspace (delete) from the editor beside it.
        panActivationKeyCode={null}
        deleteKeyCode={null}
        elementsSelectable={false}
        fitView
        fitViewOptions={fit}
        minZoom={0.15}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <Controls showInteractive={false} position="top-right" orientation="horizontal" />
        <Panel position="top-left" className={styles.tools}>
          <Summary graph={graph} total={total} />
          {(total.edges.length >= SEARCH_FROM || query !== '') && (
            <SearchBox
              size="small"
              className={`${styles.search} nokey`}
              placeholder="Find routes or modules"
              aria-label="Find routes or modules in the graph"
              value={query}
              onChange={(_e, data) => setQuery(data.value)}
              data-testid="route-graph-search"
            />
          )}
          {graph.nodes.length === 0 && <div className={styles.panel}>{`No route or module matches “${query}”.`}</div>}
        </Panel>
      </ReactFlow>
    </RouteSelectContext.Provider>
  );
}

export function RouteGraph({ text, onSelectRoute, height = 480, colorMode, rates }: RouteGraphProps) {
  const styles = useStyles();
  const live = useLiveRouteRates();
  const shown = rates === null ? undefined : (rates ?? live);
  const themeAttribute = useThemeAttribute();
  const graph = useMemo(() => buildRouteGraph(text), [text]);
  return (
    <div className={styles.root} style={{ ...flowVariables, height }} data-testid="route-graph" data-live-rates={shown ? 'on' : 'off'}>
      <ReactFlowProvider>
        <RouteRatesContext.Provider value={shown}>
          <Canvas graph={graph} colorMode={colorMode ?? themeAttribute} {...(onSelectRoute ? { onSelectRoute } : {})} />
        </RouteRatesContext.Provider>
      </ReactFlowProvider>
    </div>
  );
}

export default RouteGraph;
