import { Button, Caption1, Dropdown, Input, makeStyles, mergeClasses, Option, Subtitle2, tokens, Tooltip } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular, DeleteRegular, FilterRegular, PauseRegular, PlayRegular } from '@fluentui/react-icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { TappedMessage } from '../../../../shared/ipc/edgehub.contract';
import type { Sequenced } from '../../app/live-buffer';
import { filterMessages, messageAsJson, messageSources, prettyBody } from './message-view';
import { messageSource } from './numeric-fields';
import { MESSAGES_KEPT } from './telemetry-feed';
import { clockTimeMs } from './time-format';
import { useTelemetryFeed } from './use-telemetry-feed';

const ROW = 34;
const ALL = '';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  bar: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  source: { minWidth: '200px', maxWidth: '280px' },
  filter: { flex: '1 1 180px', maxWidth: '320px' },
  muted: { color: tokens.colorNeutralForeground2, whiteSpace: 'nowrap' },
  paused: { color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: tokens.fontWeightSemibold, whiteSpace: 'nowrap' },
  grow: { flex: 1 },
  split: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr)',
    gap: tokens.spacingHorizontalM,
    height: 'max(300px, calc(100vh - 420px))',
    '@media (max-width: 1199px)': { gridTemplateColumns: 'minmax(0, 1fr)', gridTemplateRows: 'minmax(200px, 1fr) minmax(240px, 1.4fr)', height: 'max(480px, calc(100vh - 380px))' },
  },
  list: { position: 'relative', overflow: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, minHeight: 0 },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    height: `${ROW}px`,
    boxSizing: 'border-box',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    cursor: 'pointer',
    fontSize: tokens.fontSizeBase200,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected, ':hover': { backgroundColor: tokens.colorNeutralBackground1Selected } },
  time: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground2, flexShrink: 0 },
  src: { fontWeight: tokens.fontWeightSemibold, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', flexShrink: 1, minWidth: '60px' },
  preview: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', flex: 1, minWidth: 0 },
  detail: { overflow: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minHeight: 0 },
  detailHead: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  dl: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: `2px ${tokens.spacingHorizontalM}`, margin: 0, fontSize: tokens.fontSizeBase200 },
  dt: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground2 },
  dd: { margin: 0, fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  section: { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase200, marginTop: tokens.spacingVerticalXS },
  body: { margin: 0, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium },
  empty: { padding: tokens.spacingVerticalXXL, textAlign: 'center', color: tokens.colorNeutralForeground2 },
});

function Properties({ title, record, testId }: { title: string; record: Record<string, string>; testId: string }) {
  const styles = useStyles();
  const entries = Object.entries(record);
  return (
    <>
      <div className={styles.section}>{title}</div>
      {entries.length === 0 ? (
        <Caption1 className={styles.muted} data-testid={testId}>
          none
        </Caption1>
      ) : (
        <dl className={styles.dl} data-testid={testId}>
          {entries.map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt className={styles.dt}>{k}</dt>
              <dd className={styles.dd}>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}

function MessageDetail({ message }: { message: TappedMessage }) {
  const styles = useStyles();
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const body = useMemo(() => prettyBody(message), [message]);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(messageAsJson(message));
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(undefined), 2000);
  };
  const source = messageSource(message);
  return (
    <div className={styles.detail} data-testid="telemetry-message-detail" data-id={message.id}>
      <div className={styles.detailHead}>
        <Subtitle2>{source}</Subtitle2>
        <Caption1 className={styles.muted} title={message.at}>
          {clockTimeMs(message.at)} · #{message.id} · {message.bodyBytes.toLocaleString()} B{body.kind === 'base64' ? ', base64' : ''}
          {message.truncated ? ', first 64 KiB' : ''}
        </Caption1>
        <span className={styles.grow} />
        <Tooltip content={copied === 'failed' ? 'This page may not use the clipboard.' : 'Copy the message as JSON'} relationship="description">
          <Button size="small" icon={copied === 'copied' ? <CheckmarkRegular /> : <CopyRegular />} onClick={() => void copy()} data-testid="telemetry-message-copy">
            {copied === 'copied' ? 'Copied' : 'Copy as JSON'}
          </Button>
        </Tooltip>
      </div>
      <div className={styles.section}>Routes</div>
      <Caption1 data-testid="telemetry-message-routes">
        {message.routes.length === 0 ? 'No route selected it.' : `${message.routes.join(', ')} → ${message.endpoints.join(', ')}`}
      </Caption1>
      <Properties title="Application properties" record={message.properties} testId="telemetry-message-app-props" />
      <Properties title="System properties" record={message.systemProperties} testId="telemetry-message-system-props" />
      <div className={styles.section}>Body</div>
      <pre className={styles.body} data-testid="telemetry-message-body" data-kind={body.kind}>
        {body.text}
      </pre>
    </div>
  );
}

/**
 * The sampled messages, newest first (the hub taps a sample at high rates; ids with gaps mean sampling): pick one to
 * see its properties and body. Paused, the list stands still while the feed goes on filling (only the counter moves).
 */
export function MessageInspector() {
  const styles = useStyles();
  const { snapshot, feed } = useTelemetryFeed({ messages: true });
  const [frozen, setFrozen] = useState<{ items: readonly Sequenced<TappedMessage>[]; total: number }>();
  const [source, setSource] = useState<string>(ALL);
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<Sequenced<TappedMessage>>();
  const selectedSeq = selected?.seq;
  const items = frozen?.items ?? snapshot.messages;
  const sources = useMemo(() => messageSources(items), [items]);
  const rows = useMemo(() => filterMessages(items, { source: source === ALL ? undefined : source, text }), [items, source, text]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, getItemKey: (i) => rows[i]?.seq ?? i, overscan: 8 });
  const arrived = frozen ? snapshot.messagesTotal - frozen.total : 0;

  return (
    <section className={styles.root} aria-label="Messages" data-testid="telemetry-inspector">
      <div className={styles.bar}>
        {frozen ? (
          <Button icon={<PlayRegular />} appearance="primary" onClick={() => setFrozen(undefined)} data-testid="telemetry-resume">
            Resume
          </Button>
        ) : (
          <Button icon={<PauseRegular />} onClick={() => setFrozen({ items: snapshot.messages, total: snapshot.messagesTotal })} data-testid="telemetry-pause">
            Pause
          </Button>
        )}
        <Dropdown
          className={styles.source}
          value={source === ALL ? 'All sources' : source}
          selectedOptions={[source]}
          onOptionSelect={(_e, d) => setSource(d.optionValue ?? ALL)}
          aria-label="Show messages of one source"
          data-testid="telemetry-source-filter"
        >
          <Option value={ALL}>All sources</Option>
          {[...new Set([...sources, ...(source === ALL ? [] : [source])])].map((s) => (
            <Option key={s} value={s}>
              {s}
            </Option>
          ))}
        </Dropdown>
        <Input className={styles.filter} contentBefore={<FilterRegular />} value={text} onChange={(_e, d) => setText(d.value)} placeholder="Filter: body or properties" aria-label="Filter the messages by text" data-testid="telemetry-text-filter" />
        <Tooltip content="Remove the messages kept from this view (the charts keep theirs)" relationship="description">
          <Button
            icon={<DeleteRegular />}
            onClick={() => {
              feed.clearMessages();
              setFrozen(undefined);
              setSelected(undefined);
            }}
            data-testid="telemetry-clear"
          >
            Clear
          </Button>
        </Tooltip>
        <span className={styles.grow} />
        {frozen ? (
          <Caption1 className={styles.paused} aria-live="polite" data-testid="telemetry-paused-count" data-count={arrived}>
            Paused · {arrived.toLocaleString()} new
          </Caption1>
        ) : (
          <Caption1 className={styles.muted} data-testid="telemetry-message-count" title={`The newest ${MESSAGES_KEPT} sampled messages are kept`}>
            {rows.length === items.length ? items.length : `${rows.length} of ${items.length}`} message{items.length === 1 ? '' : 's'}, newest first
          </Caption1>
        )}
      </div>
      <div className={styles.split}>
        <div ref={scroller} className={styles.list} role="listbox" aria-label="Sampled messages, newest first" data-testid="telemetry-message-list">
          {rows.length === 0 && (
            <div className={styles.empty} data-testid="telemetry-messages-empty">
              {items.length > 0 ? 'No message matches the filter.' : 'Listening to the edge hub. Messages modules and devices send appear here, newest first (a sample at high rates).'}
            </div>
          )}
          <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const item = rows[v.index];
              if (!item) return null;
              const m = item.value;
              const isSelected = item.seq === selectedSeq;
              return (
                <div
                  key={item.seq}
                  role="option"
                  aria-selected={isSelected}
                  tabIndex={0}
                  className={mergeClasses(styles.row, isSelected && styles.selected)}
                  style={{ transform: `translateY(${v.start}px)` }}
                  onClick={() => setSelected(item)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      setSelected(item);
                    }
                  }}
                  data-testid="telemetry-message-row"
                  data-source={messageSource(m)}
                >
                  <span className={styles.time}>{clockTimeMs(m.at)}</span>
                  <span className={styles.src} title={messageSource(m)}>
                    {messageSource(m)}
                  </span>
                  <span className={styles.preview}>{m.bodyEncoding === 'base64' ? `${m.bodyBytes} B binary` : m.body.slice(0, 160)}</span>
                </div>
              );
            })}
          </div>
        </div>
        {selected ? (
          <MessageDetail message={selected.value} />
        ) : (
          <div className={mergeClasses(styles.detail, styles.empty)} data-testid="telemetry-message-none">
            {items.length > 0 ? 'Pick a message to see its properties and body.' : 'No message yet.'}
          </div>
        )}
      </div>
    </section>
  );
}
