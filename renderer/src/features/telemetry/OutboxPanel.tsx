import { Badge, Caption1, makeStyles, ProgressBar, Subtitle2, tokens } from '@fluentui/react-components';
import { useCallback, useMemo } from 'react';
import { TONE_COLOR } from '../runtime';
import { drainProgress } from './drain';
import { formatAge, formatBytes, upstreamWord } from './hub-words';
import { LiveChart } from './LiveChart';
import { clockTime } from './time-format';
import { rowKeys, WINDOW_MS, type SeriesRow } from './time-series';
import { seriesColor } from './LiveChart';
import { useTelemetryFeed } from './use-telemetry-feed';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  sentence: { color: tokens.colorNeutralForeground2, minWidth: 0, flex: '1 1 300px' },
  store: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  storeBar: { width: '200px' },
  tableWrap: { overflowX: 'auto' },
  table: { width: '100%', borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200 },
  th: { textAlign: 'left', fontWeight: tokens.fontWeightSemibold, padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, whiteSpace: 'nowrap' },
  td: { padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`, borderBottom: `1px solid ${tokens.colorNeutralStroke3}`, verticalAlign: 'middle' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  endpoint: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  spark: { width: '180px', minWidth: '120px' },
  drain: { minWidth: '140px', display: 'flex', flexDirection: 'column', gap: '2px' },
  empty: { padding: tokens.spacingVerticalXL, textAlign: 'center', color: tokens.colorNeutralForeground2 },
});

const sparkColor = () => tokens.colorBrandForeground1;

function DepthSpark({ rows, endpoint }: { rows: readonly SeriesRow[]; endpoint: string }) {
  const keys = useMemo(() => [endpoint], [endpoint]);
  return <LiveChart rows={rows} keys={keys} colorOf={sparkColor} height={36} compact format={(v) => Math.round(v).toLocaleString()} label={`Queue depth of ${endpoint} over time`} testId="outbox-depth-chart" empty="—" />;
}

function DepthChart({ rows }: { rows: readonly SeriesRow[] }) {
  const styles = useStyles();
  const keys = useMemo(() => rowKeys(rows), [rows]);
  const colorOf = useCallback((key: string) => seriesColor(keys.indexOf(key)), [keys]);
  return (
    <section aria-label="Queue depth over time" className={styles.root}>
      <div className={styles.head}>
        <Subtitle2>Queue depth</Subtitle2>
        <Caption1 className={styles.muted}>messages waiting per endpoint, last {WINDOW_MS / 60_000} min</Caption1>
      </div>
      <LiveChart rows={rows} keys={keys} colorOf={colorOf} height={200} windowMs={WINDOW_MS} rates format={(v) => Math.round(v).toLocaleString()} label="Queue depth per endpoint over time" testId="outbox-depth-history" empty="No queue readings yet." />
    </section>
  );
}

/**
 * What the edge hub holds for each endpoint (store-and-forward): depth with its recent course, the oldest message's
 * age, expired and delivered counts, and a drain bar while the depth falls; above it, the upstream link in the
 * status vocabulary's tones and the store's disk use against its bound.
 */
export function OutboxPanel() {
  const styles = useStyles();
  const { snapshot } = useTelemetryFeed({ messages: false });
  const { outbox, depth } = snapshot;
  if (!outbox) return <div className={styles.empty} data-testid="outbox-empty">Waiting for the edge hub’s queues…</div>;
  const upstream = upstreamWord(outbox.upstream, clockTime);
  const used = outbox.storeLimitBytes > 0 ? Math.min(1, outbox.storeBytes / outbox.storeLimitBytes) : 0;
  return (
    <div className={styles.root} data-testid="outbox-panel">
      <div className={styles.head}>
        <Subtitle2>Upstream</Subtitle2>
        <Badge appearance="filled" color={TONE_COLOR[upstream.tone]} data-testid="outbox-upstream" data-state={outbox.upstream.state} data-tone={upstream.tone}>
          {upstream.word}
        </Badge>
        <Caption1 className={styles.sentence} data-testid="outbox-upstream-sentence">
          {upstream.sentence}
        </Caption1>
        <div className={styles.store} title="New messages are refused when the store is full; nothing stored is dropped.">
          <Caption1 className={styles.muted} data-testid="outbox-store">
            Store {formatBytes(outbox.storeBytes)} of {formatBytes(outbox.storeLimitBytes)}
          </Caption1>
          <ProgressBar className={styles.storeBar} value={used} max={1} thickness="large" color={used > 0.9 ? 'error' : used > 0.7 ? 'warning' : 'brand'} aria-label="Store disk use" />
        </div>
      </div>
      {outbox.endpoints.length === 0 ? (
        <div className={styles.empty} data-testid="outbox-no-endpoints">
          No endpoints yet: the routes in force deliver to none, or no message has been routed since the hub started.
        </div>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="outbox-table">
            <thead>
              <tr>
                <th className={styles.th}>Endpoint</th>
                <th className={`${styles.th} ${styles.num}`}>Depth</th>
                <th className={styles.th}>Depth, last 2 min</th>
                <th className={`${styles.th} ${styles.num}`}>Oldest</th>
                <th className={`${styles.th} ${styles.num}`}>Expired</th>
                <th className={`${styles.th} ${styles.num}`}>Delivered</th>
                <th className={styles.th}>Drain</th>
              </tr>
            </thead>
            <tbody>
              {outbox.endpoints.map((e) => {
                const drain = drainProgress(depth.map((row) => row.values[e.endpoint]).filter((d): d is number => d !== undefined));
                return (
                  <tr key={e.endpoint} data-testid="outbox-row" data-endpoint={e.endpoint} data-depth={e.depth}>
                    <td className={`${styles.td} ${styles.endpoint}`}>{e.endpoint}</td>
                    <td className={`${styles.td} ${styles.num}`} data-testid="outbox-depth">
                      {e.depth.toLocaleString()}
                    </td>
                    <td className={`${styles.td} ${styles.spark}`}>
                      <DepthSpark rows={depth} endpoint={e.endpoint} />
                    </td>
                    <td className={`${styles.td} ${styles.num}`} title="Age of the oldest message waiting">
                      {formatAge(e.oldestAgeMs)}
                    </td>
                    <td className={`${styles.td} ${styles.num}`} title="Dropped because their time to live passed before delivery">
                      {e.expired.toLocaleString()}
                    </td>
                    <td className={`${styles.td} ${styles.num}`}>{e.delivered.toLocaleString()}</td>
                    <td className={styles.td}>
                      {drain ? (
                        <div className={styles.drain} data-testid="outbox-drain">
                          <ProgressBar value={drain.fraction} max={1} thickness="large" aria-label={`Draining ${e.endpoint}`} />
                          <Caption1>
                            {(drain.peak - drain.depth).toLocaleString()} of {drain.peak.toLocaleString()} sent
                          </Caption1>
                        </div>
                      ) : (
                        <Caption1 className={styles.muted}>{e.depth === 0 ? 'empty' : 'queued'}</Caption1>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <DepthChart rows={depth} />
    </div>
  );
}
