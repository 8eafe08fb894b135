import { Button, Caption1, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, mergeClasses, Spinner, tokens, Tooltip } from '@fluentui/react-components';
import { CheckmarkRegular, ChevronDownRegular, ChevronRightRegular, CopyRegular, DeleteRegular, FilterRegular, PauseRegular, PlayRegular } from '@fluentui/react-icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { eventAsJson, filterRows, pausedCount, rowModels, type EventRowModel } from './event-format';
import { useActiveHub } from './queries';
import { EVENTS_PER_VIEW, useEventStream } from './use-event-stream';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  bar: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  filter: { flex: '1 1 200px', maxWidth: '360px' },
  muted: { color: tokens.colorNeutralForeground2, whiteSpace: 'nowrap' },
  paused: { color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: tokens.fontWeightSemibold, whiteSpace: 'nowrap' },
  scroller: {
    position: 'relative',
    overflow: 'auto',
    height: 'max(280px, calc(100vh - 390px))',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
  },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, minWidth: 0, flexWrap: 'wrap' },
  time: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  source: { fontWeight: tokens.fontWeightSemibold, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0, maxWidth: '40ch' },
  // Plain spans in Fluent's badge colours: rows are rendered at the sampling rate, so they stay cheap.
  badge: {
    fontSize: tokens.fontSizeBase100,
    lineHeight: '16px',
    padding: `0 ${tokens.spacingHorizontalXS}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorBrandStroke2}`,
    color: tokens.colorBrandForeground2,
    backgroundColor: tokens.colorBrandBackground2,
    whiteSpace: 'nowrap',
  },
  size: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
  grow: { flex: 1 },
  body: {
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: `calc(6 * ${tokens.lineHeightBase200})`,
    overflow: 'hidden',
  },
  bodyOpen: { maxHeight: '320px', overflow: 'auto' },
  props: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: `0 ${tokens.spacingHorizontalM}`, margin: `${tokens.spacingVerticalXS} 0 0`, fontSize: tokens.fontSizeBase200 },
  propsTitle: { gridColumn: '1 / -1', color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold, marginTop: tokens.spacingVerticalXS },
  key: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground2 },
  value: { fontFamily: tokens.fontFamilyMonospace, margin: 0, overflowWrap: 'anywhere' },
  empty: { padding: tokens.spacingVerticalXXL, textAlign: 'center', color: tokens.colorNeutralForeground2 },
});

/**
 * Live device-to-cloud messages, like `az iot hub monitor-events`: of one device, or of all (no `deviceId`).
 * Newest first; a row expands to its system and application properties. Only rows in view are in the DOM, and
 * the list takes a sample of what arrived at most four times a second (useEventStream).
 */
export function EventsPanel({ deviceId }: { deviceId?: string }) {
  const hub = useActiveHub();
  if (hub === undefined) return <Spinner size="small" label="Asking which hub is connected…" />;
  if (hub.kind !== 'local' && !hub.eventHubs) {
    return (
      <MessageBar intent="info" layout="multiline" data-testid="events-cloud-unavailable">
        <MessageBarBody>
          <MessageBarTitle>No live events from {hub.name}</MessageBarTitle>
          Live events from a cloud hub are read from its Event Hubs-compatible endpoint: add the hub again in Settings › Hubs with that connection string (Azure portal › your IoT hub › Hub settings › Built-in endpoints).
        </MessageBarBody>
      </MessageBar>
    );
  }
  return <LiveEvents deviceId={deviceId} />;
}

function LiveEvents({ deviceId }: { deviceId?: string }) {
  const styles = useStyles();
  const stream = useEventStream(deviceId, true);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const rows = useMemo(() => filterRows(rowModels(stream.items), filter), [stream.items, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 72,
    getItemKey: (index) => rows[index]?.seq ?? index,
    overscan: 6,
  });
  const toggle = useCallback((seq: number) => setOpen((s) => (s.has(seq) ? new Set([...s].filter((x) => x !== seq)) : new Set([...s, seq]))), []);
  const what = deviceId ?? 'all devices';
  const kept = stream.items.length;

  return (
    <div className={styles.root} data-testid="events-panel">
      <div className={styles.bar}>
        {stream.paused ? (
          <Button icon={<PlayRegular />} appearance="primary" onClick={stream.resume} data-testid="events-resume">
            Resume
          </Button>
        ) : (
          <Button icon={<PauseRegular />} onClick={stream.pause} data-testid="events-pause">
            Pause
          </Button>
        )}
        <Input
          className={styles.filter}
          contentBefore={<FilterRegular />}
          value={filter}
          onChange={(_e, d) => setFilter(d.value)}
          placeholder="Filter: body or properties"
          aria-label={`Filter the events of ${what}`}
          data-testid="events-filter"
        />
        <Tooltip content={`Remove the messages kept for ${what} from this view`} relationship="description">
          <Button icon={<DeleteRegular />} onClick={stream.clear} data-testid="events-clear">
            Clear
          </Button>
        </Tooltip>
        <span className={styles.grow} />
        {stream.paused ? (
          <Caption1 className={styles.paused} aria-live="polite" data-testid="events-paused-count" data-count={stream.arrivedWhilePaused} title={`${kept} message${kept === 1 ? '' : 's'} shown, newest first`}>
            {pausedCount(stream.arrivedWhilePaused)}
          </Caption1>
        ) : (
          <Caption1 className={styles.muted} data-testid="events-count" title={`Newest first; the newest ${EVENTS_PER_VIEW} messages are kept while this view is open`}>
            {filter.trim() ? `${rows.length} of ${kept}` : `${kept}`} message{kept === 1 ? '' : 's'}, newest first
          </Caption1>
        )}
      </div>
      <div ref={scroller} className={styles.scroller} role="list" aria-label={`Device-to-cloud messages of ${what}`} data-testid="events-list">
        {rows.length === 0 && (
          <div className={styles.empty} data-testid="events-empty">
            {kept > 0
              ? 'No message matches the filter.'
              : `Listening for device-to-cloud messages from ${deviceId ? deviceId : 'every device'} on the local hub. Messages sent from now on appear here, newest first.`}
          </div>
        )}
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return row ? (
              <EventRow key={row.seq} row={row} index={item.index} start={item.start} expanded={open.has(row.seq)} onToggle={toggle} measure={virtualizer.measureElement} />
            ) : null;
          })}
        </div>
      </div>
    </div>
  );
}

const EventRow = memo(function EventRow(props: { row: EventRowModel; index: number; start: number; expanded: boolean; onToggle: (seq: number) => void; measure: (el: Element | null) => void }) {
  const { row, index, start, expanded, onToggle, measure } = props;
  const styles = useStyles();
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(JSON.stringify(eventAsJson(row.event), null, 2));
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(undefined), 2000);
  };
  const { event } = row;
  return (
    <div ref={measure} data-index={index} className={styles.row} style={{ transform: `translateY(${start}px)` }} role="listitem" data-testid="event-row" data-seq={row.seq}>
      <div className={styles.head}>
        <Button
          size="small"
          appearance="subtle"
          icon={expanded ? <ChevronDownRegular /> : <ChevronRightRegular />}
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} the properties of the message from ${row.source} at ${row.time}`}
          onClick={() => onToggle(row.seq)}
          data-testid="event-expand"
        />
        <span className={styles.time} title={row.timeTitle}>
          {row.time}
        </span>
        <span className={styles.source} title={row.source} data-testid="event-source">
          {row.source}
        </span>
        {row.output !== undefined && (
          <span className={styles.badge} title={`Sent on the module output ${row.output}`} data-testid="event-output">
            {row.output}
          </span>
        )}
        <span className={styles.size}>
          {event.bodyBytes.toLocaleString()} B{row.bodyKind === 'base64' ? ', base64' : ''}
          {event.truncated ? ', first 64 KiB' : ''}
        </span>
        <span className={styles.grow} />
        <Tooltip content={copied === 'failed' ? 'This page may not use the clipboard.' : 'Copy the message as JSON (as az iot hub monitor-events prints it)'} relationship="description">
          <Button size="small" appearance="subtle" icon={copied === 'copied' ? <CheckmarkRegular /> : <CopyRegular />} onClick={() => void copy()} aria-label={`Copy the message from ${row.source} at ${row.time} as JSON`} data-testid="event-copy" />
        </Tooltip>
      </div>
      <pre className={mergeClasses(styles.body, expanded && styles.bodyOpen)} data-testid="event-body" data-kind={row.bodyKind}>
        {row.body}
      </pre>
      {expanded && (
        <dl className={styles.props} data-testid="event-properties">
          <PropertyList title="Application properties" record={event.properties} testId="event-props-app" />
          <PropertyList title="System properties" record={event.systemProperties} testId="event-props-system" />
        </dl>
      )}
    </div>
  );
});

function PropertyList({ title, record, testId }: { title: string; record: Record<string, string>; testId: string }) {
  const styles = useStyles();
  const entries = Object.entries(record);
  return (
    <>
      <dt className={styles.propsTitle}>{title}</dt>
      {entries.length === 0 ? (
        <dd className={mergeClasses(styles.value, styles.muted)} data-testid={testId} style={{ gridColumn: '1 / -1' }}>
          none
        </dd>
      ) : (
        entries.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }} data-testid={testId}>
            <dt className={styles.key}>{k}</dt>
            <dd className={styles.value}>{v}</dd>
          </div>
        ))
      )}
    </>
  );
}
