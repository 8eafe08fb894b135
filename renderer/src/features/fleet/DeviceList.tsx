import { Caption1, makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type KeyboardEvent } from 'react';
import type { DeviceRow } from './device-query';

const ROW_HEIGHT = 52;
/** Ask for the next page when the view is this many rows from the end of what is loaded. */
const PREFETCH_ROWS = 40;

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  head: { padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, color: tokens.colorNeutralForeground2 },
  scroller: {
    flex: 1,
    minHeight: 0,
    overflow: 'auto',
    position: 'relative',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    height: `${ROW_HEIGHT}px`,
    boxSizing: 'border-box',
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    gap: '2px',
    padding: `0 ${tokens.spacingHorizontalM}`,
    cursor: 'pointer',
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
  },
  selected: {
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundSelected },
  },
  active: { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  name: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', fontSize: tokens.fontSizeBase300, lineHeight: tokens.lineHeightBase300 },
  nameSelected: { fontWeight: tokens.fontWeightSemibold },
  // Plain spans in Fluent's badge colours: a list row is rendered often while scrolling, so it stays cheap.
  badge: {
    fontSize: tokens.fontSizeBase100,
    lineHeight: '16px',
    fontWeight: tokens.fontWeightSemibold,
    padding: `0 ${tokens.spacingHorizontalXS}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground3,
    backgroundColor: tokens.colorNeutralBackground4,
    whiteSpace: 'nowrap',
  },
  edge: { color: tokens.colorBrandForeground2, backgroundColor: tokens.colorBrandBackground2, border: `1px solid ${tokens.colorBrandStroke2}` },
  connected: { color: tokens.colorPaletteGreenForeground1, backgroundColor: tokens.colorPaletteGreenBackground1, border: `1px solid ${tokens.colorPaletteGreenBorder1}` },
  disabled: { color: tokens.colorPaletteDarkOrangeForeground1, backgroundColor: tokens.colorPaletteDarkOrangeBackground1, border: `1px solid ${tokens.colorPaletteDarkOrangeBorder1}` },
  badges: { display: 'flex', gap: tokens.spacingHorizontalXS, alignItems: 'center', minWidth: 0, overflow: 'hidden' },
  more: { position: 'absolute', left: 0, right: 0, display: 'flex', alignItems: 'center', justifyContent: 'center', height: `${ROW_HEIGHT}px` },
  empty: { padding: tokens.spacingVerticalL, color: tokens.colorNeutralForeground2, textAlign: 'center' },
});

/**
 * The devices of the query: only the rows in view are in the DOM (@tanstack/react-virtual), so 10,000 devices
 * scroll like 10; the next page is asked for as the view nears the end. A listbox: arrows, Home/End move the
 * selection.
 */
export function DeviceList(props: {
  rows: readonly DeviceRow[];
  loading: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  failed: boolean;
  onNeedMore: () => void;
  selected: string | undefined;
  onSelect: (deviceId: string) => void;
}) {
  const { rows, loading, hasMore, loadingMore, failed, onNeedMore, selected, onSelect } = props;
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const count = rows.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onNeedMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onNeedMore]);

  const selectedIndex = selected === undefined ? -1 : rows.findIndex((r) => r.deviceId === selected);
  const move = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    onSelect(row.deviceId);
    virtualizer.scrollToIndex(rows.indexOf(row), { align: 'auto' });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (event.key in steps) move((selectedIndex < 0 ? (steps[event.key]! > 0 ? -1 : rows.length) : selectedIndex) + steps[event.key]!);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(rows.length - 1);
    else return;
    event.preventDefault();
  };

  const headText = loading ? 'Asking the hub…' : `${rows.length.toLocaleString()} device${rows.length === 1 ? '' : 's'}${hasMore ? ' loaded, more as you scroll' : ''}`;
  return (
    <div className={styles.root} data-testid="device-list">
      <Caption1 className={styles.head} aria-live="polite" data-testid="device-count">
        {headText}
      </Caption1>
      <div
        ref={scroller}
        className={styles.scroller}
        role="listbox"
        aria-label="Devices"
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={selectedIndex >= 0 ? `device-option-${selectedIndex}` : undefined}
        data-testid="device-scroller"
      >
        {loading && <Spinner size="small" label="Loading devices" className={styles.empty} />}
        {!loading && rows.length === 0 && !failed && <div className={styles.empty}>No devices.</div>}
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) {
              return (
                <div key="more" className={styles.more} style={{ transform: `translateY(${item.start}px)` }} data-testid="device-list-more">
                  <Spinner size="tiny" label="Loading more devices…" />
                </div>
              );
            }
            return <DeviceOption key={row.deviceId} row={row} index={item.index} start={item.start} selected={row.deviceId === selected} onSelect={onSelect} />;
          })}
        </div>
      </div>
    </div>
  );
}

/** One row, memoized: while scrolling only the rows that come into view render. */
const DeviceOption = memo(function DeviceOption({ row, index, start, selected, onSelect }: { row: DeviceRow; index: number; start: number; selected: boolean; onSelect: (deviceId: string) => void }) {
  const styles = useStyles();
  return (
    <div
      id={`device-option-${index}`}
      role="option"
      aria-selected={selected}
      className={mergeClasses(styles.row, selected && styles.selected)}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onSelect(row.deviceId)}
      data-testid={`device-row-${row.deviceId}`}
      title={row.deviceId}
    >
      <span className={mergeClasses(styles.name, selected && styles.nameSelected)}>{row.deviceId}</span>
      <span className={styles.badges}>
        {row.edge && <span className={mergeClasses(styles.badge, styles.edge)}>IoT Edge</span>}
        <span className={mergeClasses(styles.badge, row.connectionState === 'Connected' && styles.connected)}>{row.connectionState ?? 'unknown'}</span>
        {row.status === 'disabled' && <span className={mergeClasses(styles.badge, styles.disabled)}>disabled</span>}
      </span>
    </div>
  );
});
