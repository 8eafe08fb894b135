import { Caption1, makeStyles, Subtitle2, tokens, ToggleButton, Tooltip } from '@fluentui/react-components';
import { useCallback, useMemo } from 'react';
import { formatRate } from './hub-words';
import { LiveChart, seriesColor } from './LiveChart';
import { shownFields } from './message-view';
import { useTelemetryUi } from './telemetry-store';
import { latestValue, rowKeys, WINDOW_MS, type SeriesRow } from './time-series';
import { useSampled } from './use-sampled';
import { useTelemetryFeed } from './use-telemetry-feed';

/** The charts redraw at most this often (rates come once a second). */
const CHART_MS = 1_000;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  pair: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))', gap: tokens.spacingHorizontalL, minWidth: 0 },
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  head: { display: 'flex', alignItems: 'baseline', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  grow: { flex: 1 },
  toggles: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  swatch: { display: 'inline-block', width: '10px', height: '3px', borderRadius: '2px', marginRight: tokens.spacingHorizontalXS, verticalAlign: 'middle' },
  toggle: { fontWeight: tokens.fontWeightRegular, maxWidth: '100%' },
  toggleText: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
});

const windowText = `last ${WINDOW_MS / 60_000} min`;

function RateChart({ title, rows, what, testId }: { title: string; rows: readonly SeriesRow[]; what: string; testId: string }) {
  const styles = useStyles();
  const keys = useMemo(() => rowKeys(rows), [rows]);
  const colorOf = useCallback((key: string) => seriesColor(keys.indexOf(key)), [keys]);
  const newest = rows.slice(-1);
  const total = keys.reduce((sum, key) => sum + (latestValue(newest, key) ?? 0), 0);
  return (
    <section className={styles.card} aria-label={title}>
      <div className={styles.head}>
        <Subtitle2>{title}</Subtitle2>
        <Caption1 className={styles.muted}>messages/s, {windowText}</Caption1>
        <span className={styles.grow} />
        {rows.length > 0 && (
          <Caption1 data-testid={`${testId}-total`} title="Over the last second, all together">
            {formatRate(total)} now
          </Caption1>
        )}
      </div>
      <LiveChart rows={rows} keys={keys} colorOf={colorOf} height={220} format={formatRate} rates windowMs={WINDOW_MS} label={`${title}, messages per second`} testId={testId} empty={`No messages ${what} yet. The hub counts them every second while modules send.`} />
    </section>
  );
}

/** Messages/s per module output and per route (from `edgehub.rates`), and numeric fields of sampled JSON bodies. */
export function ChartsTab() {
  const styles = useStyles();
  const { snapshot: live } = useTelemetryFeed({ messages: true });
  const snapshot = useSampled(live, CHART_MS);
  const toggles = useTelemetryUi((s) => s.fieldToggles);
  const toggleField = useTelemetryUi((s) => s.toggleField);
  const shown = useMemo(() => shownFields(snapshot.fieldKeys, toggles), [snapshot.fieldKeys, toggles]);
  const fieldColor = useCallback((key: string) => seriesColor(snapshot.fieldKeys.indexOf(key)), [snapshot.fieldKeys]);
  const format = useCallback((v: number) => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString() : String(Math.round(v * 100) / 100)), []);
  return (
    <div className={styles.root} data-testid="telemetry-charts">
      <div className={styles.pair}>
        <RateChart title="By module output" rows={snapshot.bySource} what="from a module output or device" testId="telemetry-rate-source" />
        <RateChart title="By route" rows={snapshot.byRoute} what="through a route" testId="telemetry-rate-route" />
      </div>
      <section className={styles.card} aria-label="Fields in message bodies">
        <div className={styles.head}>
          <Subtitle2>Fields in message bodies</Subtitle2>
          <Caption1 className={styles.muted}>numbers in sampled JSON messages, {windowText}</Caption1>
        </div>
        {snapshot.fieldKeys.length > 0 && (
          <div className={styles.toggles} role="group" aria-label="Fields drawn" data-testid="telemetry-field-toggles">
            {snapshot.fieldKeys.map((key) => {
              const on = shown.includes(key);
              return (
                <Tooltip key={key} content={on ? `Hide ${key}` : `Draw ${key}`} relationship="description">
                  <ToggleButton size="small" checked={on} className={styles.toggle} appearance={on ? 'outline' : 'subtle'} onClick={() => toggleField(key, !on)} data-testid="telemetry-field-toggle" data-field={key}>
                    <span className={styles.swatch} style={{ backgroundColor: on ? fieldColor(key) : tokens.colorNeutralStroke1 }} />
                    <span className={styles.toggleText}>{key}</span>
                  </ToggleButton>
                </Tooltip>
              );
            })}
          </div>
        )}
        <LiveChart
          rows={snapshot.fields}
          keys={shown}
          colorOf={fieldColor}
          height={260}
          format={format}
          windowMs={WINDOW_MS}
          connectGaps
          legend={false}
          label="Numeric fields of sampled messages"
          testId="telemetry-fields-chart"
          empty={snapshot.fieldKeys.length > 0 ? 'Switch a field on to draw it.' : 'No numbers yet: fields of JSON message bodies (machine.temperature…) are drawn here as sampled messages arrive.'}
        />
      </section>
    </div>
  );
}
