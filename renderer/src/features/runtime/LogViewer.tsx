import { Badge, Button, makeStyles, mergeClasses, SearchBox, Switch, Text, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { logTime } from './format';
import { useLogStream } from './use-log-stream';

const ROW = 20;
const OVERSCAN = 20;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, height: '100%', minHeight: 0 },
  toolbar: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  grow: { flex: 1 },
  viewport: {
    flex: 1,
    minHeight: '240px',
    overflowY: 'auto',
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    position: 'relative',
  },
  row: { position: 'absolute', left: 0, right: 0, height: `${ROW}px`, lineHeight: `${ROW}px`, padding: `0 ${tokens.spacingHorizontalS}`, whiteSpace: 'pre', overflow: 'hidden', textOverflow: 'ellipsis' },
  stderr: { color: tokens.colorPaletteRedForeground1 },
  time: { color: tokens.colorNeutralForeground3, marginRight: tokens.spacingHorizontalS },
  empty: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground3 },
});

/** A module's live log: virtualized rows, follow, search, download. */
export function LogViewer({ module }: { module: string }) {
  const styles = useStyles();
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const stream = useLogStream(module, true);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  const visible = useMemo(() => {
    const q = query.toLowerCase();
    return q ? stream.lines.filter((l) => l.line.toLowerCase().includes(q)) : stream.lines;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- lines is a mutable buffer; revision says when it changed
  }, [stream.revision, query]);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = viewport.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [follow, visible.length]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);

  const download = () => {
    const text = stream.lines.map((l) => `${l.timestamp ?? ''} ${l.stream} ${l.line}`).join('\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${module}.log`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className={styles.root}>
      <div className={styles.toolbar}>
        <SearchBox placeholder="Filter lines" value={query} onChange={(_e, d) => setQuery(d.value)} aria-label="Filter log lines" />
        <Switch label="Follow" checked={follow} onChange={(_e, d) => setFollow(d.checked)} />
        <span className={styles.grow} />
        <Badge
          appearance="tint"
          color={stream.state === 'following' ? 'success' : stream.state === 'error' ? 'danger' : stream.state === 'waiting' ? 'warning' : 'informative'}
          data-testid="log-state"
          title={stream.state === 'waiting' ? 'The module is not running; new lines appear when it runs again' : undefined}
        >
          {stream.state === 'waiting' ? 'waiting for the next run' : stream.state}
        </Badge>
        <Text size={200}>{visible.length.toLocaleString()} lines</Text>
        <Button icon={<ArrowDownloadRegular />} size="small" onClick={download} disabled={!stream.lines.length}>
          Download
        </Button>
      </div>
      <div
        ref={viewport}
        className={styles.viewport}
        data-testid="log-viewport"
        role="log"
        aria-label={`${module} log`}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScrollTop(el.scrollTop);
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
          if (follow !== atBottom) setFollow(atBottom);
        }}
      >
        <div style={{ height: visible.length * ROW }}>
          {visible.slice(first, last).map((line, i) => (
            <div key={first + i} className={mergeClasses(styles.row, line.stream === 'stderr' && styles.stderr)} style={{ top: (first + i) * ROW }}>
              {line.timestamp && <span className={styles.time}>{logTime(line.timestamp)}</span>}
              {line.line}
            </div>
          ))}
        </div>
        {visible.length === 0 && <div className={styles.empty}>{stream.error ?? (query ? 'No line matches the filter.' : 'No output yet.')}</div>}
      </div>
    </div>
  );
}
