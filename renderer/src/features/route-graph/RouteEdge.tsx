/**
 * One route drawn by React Flow: a curve from the output handle to the input handle through dagre's bends,
 * its caption at dagre's label position, the route in a tooltip. Broken routes are red and dashed with the
 * error in the tooltip; routes with warnings are amber. Clicking the edge or its label selects the route.
 */
import { makeStyles, mergeClasses, tokens, Tooltip } from '@fluentui/react-components';
import { EdgeLabelRenderer, type Edge, type EdgeProps } from '@xyflow/react';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { formatRate } from '../telemetry';
import { edgeLabelText, type Point, type PositionedEdge } from './route-graph.layout';
import type { RouteGraphEdge } from './route-graph.types';

export type RouteEdgeData = {
  readonly placed: PositionedEdge;
  /** For a route from a module to itself: the y below the node that the loop runs along. */
  readonly loopY?: number;
};
export type RouteFlowEdge = Edge<RouteEdgeData, 'route'>;

/** Who hears about a click on an edge or its label. */
export const RouteSelectContext = createContext<(edge: RouteGraphEdge) => void>(() => undefined);

/**
 * Messages/s per route name while the edge hub runs (`edgehub.rates.byRoute`, routes it counted lately); undefined
 * when it does not, and then no edge shows a rate (nor does a route the hub has not counted). Given by context so a new reading (about once a second) redraws the edges, not the layout.
 */
export const RouteRatesContext = createContext<Readonly<Record<string, number>> | undefined>(undefined);

export type EdgeTone = 'normal' | 'warning' | 'broken';

export function edgeTone(edge: RouteGraphEdge): EdgeTone {
  return edge.broken ? 'broken' : edge.warnings.length > 0 ? 'warning' : 'normal';
}

export const TONE_COLOR: Record<EdgeTone, string> = {
  normal: tokens.colorNeutralStrokeAccessible,
  warning: tokens.colorStatusWarningForeground1,
  broken: tokens.colorStatusDangerForeground1,
};

const useStyles = makeStyles({
  label: {
    position: 'absolute',
    pointerEvents: 'all',
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    padding: `1px ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyBase,
    fontSize: '11px',
    lineHeight: '18px',
    color: tokens.colorNeutralForeground2,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    ':hover': { border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke1}`, color: tokens.colorNeutralForeground1 },
  },
  warning: { border: `${tokens.strokeWidthThin} solid ${tokens.colorStatusWarningBorder1}` },
  broken: { color: tokens.colorStatusDangerForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorStatusDangerBorder1}`, backgroundColor: tokens.colorStatusDangerBackground1 },
  selected: { border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke1}`, color: tokens.colorNeutralForeground1, boxShadow: tokens.shadow4 },
  rate: {
    position: 'absolute',
    pointerEvents: 'none',
    whiteSpace: 'nowrap',
    padding: `0 ${tokens.spacingHorizontalXS}`,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyBase,
    fontSize: '10px',
    lineHeight: '15px',
    fontVariantNumeric: 'tabular-nums',
    color: tokens.colorNeutralForegroundOnBrand,
    backgroundColor: tokens.colorBrandBackground,
  },
  rateIdle: { color: tokens.colorNeutralForeground2, backgroundColor: tokens.colorNeutralBackground3 },
  tipSurface: { maxWidth: '420px' },
  tip: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  tipName: { fontWeight: tokens.fontWeightSemibold },
  tipRoute: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100, overflowWrap: 'anywhere' },
  tipError: { color: tokens.colorStatusDangerForeground1 },
  tipWarning: { color: tokens.colorStatusWarningForeground1 },
});

/** A smooth path through the points, leaving and entering each one horizontally (the graph runs left to right). */
export function pathThrough(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M ${first.x},${first.y}`;
  let previous = first;
  for (const point of rest) {
    const dx = Math.max(24, Math.abs(point.x - previous.x) / 2);
    d += ` C ${previous.x + dx},${previous.y} ${point.x - dx},${point.y} ${point.x},${point.y}`;
    previous = point;
  }
  return d;
}

/** A loop from a module's output (right) round under the node to its own input (left). */
function loopPath(source: Point, target: Point, y: number): string {
  const r = 28;
  return `M ${source.x},${source.y} C ${source.x + r * 1.6},${source.y} ${source.x + r},${y} ${source.x - r},${y} L ${target.x + r},${y} C ${target.x - r},${y} ${target.x - r * 1.6},${target.y} ${target.x},${target.y}`;
}

export function RouteTooltipContent({ edge }: { edge: RouteGraphEdge }): ReactNode {
  const styles = useStyles();
  return (
    <div className={styles.tip}>
      <span className={styles.tipName}>{edge.id}</span>
      {edge.text !== '' && <span className={styles.tipRoute}>{edge.text}</span>}
      {edge.broken && (
        <span className={styles.tipError}>{edge.broken.message}</span>
      )}
      {edge.warnings.map((warning) => (
        <span key={warning} className={styles.tipWarning}>
          {warning}
        </span>
      ))}
    </div>
  );
}

export function RouteEdge({ id, data, sourceX, sourceY, targetX, targetY, markerEnd, selected }: EdgeProps<RouteFlowEdge>) {
  const styles = useStyles();
  const select = useContext(RouteSelectContext);
  const [hovered, setHovered] = useState(false);
  const rates = useContext(RouteRatesContext);
  if (!data) return null;
  const { edge, points, label } = data.placed;
  const tone = edgeTone(edge);
  const source = { x: sourceX, y: sourceY };
  const target = { x: targetX, y: targetY };
  const d = data.loopY !== undefined ? loopPath(source, target, data.loopY) : pathThrough([source, ...points, target]);
  const labelAt = data.loopY !== undefined ? { x: (sourceX + targetX) / 2, y: data.loopY } : label;
  const text = edgeLabelText(edge);
  const stroke = selected || hovered ? tokens.colorBrandStroke1 : TONE_COLOR[tone];
  const hover = { onMouseEnter: () => setHovered(true), onMouseLeave: () => setHovered(false) };
  // A live rate sits just under the caption (its own box: the caption's size, and so the layout, never changes).
  const rate = rates === undefined || edge.broken ? undefined : rates[edge.id];
  return (
    <>
      <path
        id={id}
        className="react-flow__edge-path"
        d={d}
        fill="none"
        markerEnd={markerEnd}
        style={{ stroke, strokeWidth: selected || hovered ? 2.5 : 1.5, strokeDasharray: tone === 'broken' ? '6 4' : undefined }}
      />
      <path className="react-flow__edge-interaction" d={d} fill="none" strokeOpacity={0} strokeWidth={18} style={{ cursor: 'pointer' }} {...hover}>
        <title>{[edge.id, edge.broken?.message ?? edge.text, ...edge.warnings].join('\n')}</title>
      </path>
      {text !== '' && labelAt && (
        <EdgeLabelRenderer>
          <Tooltip content={{ children: <RouteTooltipContent edge={edge} />, className: styles.tipSurface }} relationship="description" withArrow>
            <div
              className={mergeClasses('nodrag', 'nopan', styles.label, tone === 'warning' && styles.warning, tone === 'broken' && styles.broken, selected && styles.selected)}
              style={{ transform: `translate(-50%, -50%) translate(${labelAt.x}px, ${labelAt.y}px)` }}
              onClick={() => select(edge)}
              {...hover}
              data-testid="route-graph-edge-label"
              data-route={edge.id}
            >
              {text}
            </div>
          </Tooltip>
          {rate !== undefined && (
            <div
              className={mergeClasses('nodrag', 'nopan', styles.rate, rate === 0 && styles.rateIdle)}
              style={{ transform: `translate(-50%, 0) translate(${labelAt.x}px, ${labelAt.y + 11}px)` }}
              title={`${edge.id}: ${formatRate(rate).replace('/s', '')} messages per second through the edge hub`}
              data-testid="route-graph-edge-rate"
              data-route={edge.id}
              data-rate={rate}
            >
              {formatRate(rate)}
            </div>
          )}
        </EdgeLabelRenderer>
      )}
    </>
  );
}
