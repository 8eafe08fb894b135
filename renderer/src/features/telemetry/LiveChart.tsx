import { makeStyles, tokens } from '@fluentui/react-components';
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartRows, thinRows, windowTicks, type SeriesRow } from './time-series';

/** Points drawn per chart at most (a chart is at most ~1,100 px wide). */
const MAX_POINTS = 360;

/** Series colours from Fluent's palette (CSS variables, so light and dark both read); a key keeps its colour by index. */
export const SERIES_COLORS = [
  tokens.colorPaletteBlueForeground2,
  tokens.colorPaletteDarkOrangeForeground1,
  tokens.colorPaletteGreenForeground1,
  tokens.colorPaletteBerryForeground1,
  tokens.colorPaletteMarigoldForeground1,
  tokens.colorPaletteLightTealForeground2,
  tokens.colorPaletteRedForeground1,
  tokens.colorPalettePurpleForeground2,
] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

const useStyles = makeStyles({
  empty: {
    display: 'grid',
    placeItems: 'center',
    textAlign: 'center',
    padding: tokens.spacingHorizontalL,
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    border: `1px dashed ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    boxSizing: 'border-box',
  },
});

const pad = (n: number) => String(n).padStart(2, '0');
/** `14:03:07`: chart ticks in the reader's local time. */
export function clockTick(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** What recharts hands a custom tick. */
interface TickProps {
  readonly x?: number | string;
  readonly y?: number | string;
  readonly payload?: { readonly value?: unknown };
}

/**
 * Plain SVG tick labels: recharts' own <Text> measures each label in the DOM and parses CSS calc() on every redraw,
 * which was the largest part of a chart's redraw under a burst (profiled: most of the long tasks).
 */
function tickRenderer(format: (value: number) => string, place: 'x' | 'y') {
  return function Tick({ x, y, payload }: TickProps) {
    const nx = Number(x ?? 0);
    const ny = Number(y ?? 0);
    return (
      <text x={place === 'y' ? nx - 4 : nx} y={place === 'y' ? ny + 4 : ny + 12} textAnchor={place === 'y' ? 'end' : 'middle'} fontSize={11} fill={tokens.colorNeutralForeground3}>
        {format(Number(payload?.value ?? 0))}
      </text>
    );
  };
}

export interface LiveChartProps {
  readonly rows: readonly SeriesRow[];
  /** The series drawn, and their colour index (stable while a key is known). */
  readonly keys: readonly string[];
  readonly colorOf: (key: string) => string;
  readonly height: number;
  readonly format: (value: number) => string;
  readonly empty: string;
  readonly label: string;
  readonly testId: string;
  /** A small chart (the Outbox's depth): no legend, no grid, no axis text. */
  readonly compact?: boolean;
  /** Draw a series through rows that lack it (fields: rows of other sources come between); rates keep gaps. */
  readonly connectGaps?: boolean;
  /** Rates: a series a row lacks is 0 there, and the y axis starts at 0. */
  readonly rates?: boolean;
  /** Draw the legend under the chart (off where toggles above the chart already name the series). */
  readonly legend?: boolean;
  /** The span of the x axis, ending at the newest row (a fixed window: the line grows in from the right). */
  readonly windowMs?: number;
}

/**
 * A line chart of live series (recharts, no animation: it is redrawn up to 10 times a second). Time runs along x in
 * local time; gaps stay gaps (a source that sent nothing is not drawn as a line through the gap).
 */
export const LiveChart = memo(function LiveChart({ rows, keys, colorOf, height, format, empty, label, testId, compact, connectGaps = false, rates = false, legend = true, windowMs }: LiveChartProps) {
  const styles = useStyles();
  const xTick = useMemo(() => tickRenderer(clockTick, 'x'), []);
  const yTick = useMemo(() => tickRenderer(format, 'y'), [format]);
  const data = useMemo(() => chartRows(thinRows(rows, MAX_POINTS), keys, rates ? 0 : undefined), [rows, keys, rates]);
  if (data.length === 0 || keys.length === 0) {
    return (
      <div className={styles.empty} style={{ height }} data-testid={testId} data-points={0} role="img" aria-label={`${label}: ${empty}`}>
        {empty}
      </div>
    );
  }
  const lastT = data[data.length - 1]!.t ?? 0;
  // For tests and tooltips of the whole chart: the highest value drawn.
  const max = Math.max(...data.map((point) => Math.max(...keys.map((key) => point[key] ?? Number.NEGATIVE_INFINITY))));
  return (
    <div style={{ height, minWidth: 0 }} data-testid={testId} data-points={data.length} data-last-t={lastT} data-max={max} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={compact ? { top: 4, right: 4, bottom: 4, left: 4 } : { top: 8, right: 16, bottom: 0, left: 0 }}>
          {!compact && <CartesianGrid stroke={tokens.colorNeutralStroke3} strokeDasharray="3 3" />}
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={windowMs ? [lastT - windowMs, lastT] : ['dataMin', 'dataMax']}
            allowDataOverflow={windowMs !== undefined}
            {...(windowMs ? { ticks: windowTicks(lastT, windowMs) } : {})}
            hide={compact}
            stroke={tokens.colorNeutralForeground3}
            tick={xTick}
            minTickGap={48}
          />
          <YAxis
            hide={compact}
            width={56}
            stroke={tokens.colorNeutralForeground3}
            tick={yTick}
            allowDecimals
            domain={compact || rates ? [0, 'auto'] : ['auto', 'auto']}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => clockTick(Number(t))}
            formatter={(value) => format(Number(value))}
            contentStyle={{ backgroundColor: tokens.colorNeutralBackground1, border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: 4, fontSize: 12 }}
            labelStyle={{ color: tokens.colorNeutralForeground2 }}
          />
          {!compact && legend && <Legend wrapperStyle={{ fontSize: 12 }} iconType="plainline" />}
          {keys.map((key) => (
            <Line key={key} dataKey={key} name={key} type="linear" stroke={colorOf(key)} strokeWidth={1.75} dot={false} isAnimationActive={false} connectNulls={connectGaps} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
