import { makeStyles, mergeClasses, Text, tokens, Tooltip } from '@fluentui/react-components';
import { CircleFilled } from '@fluentui/react-icons';
import { useSyncExternalStore, type ReactElement } from 'react';
import type { RuntimeState } from '../../../shared/ipc/status.contract';
import { useHostStatus } from '../features/overview';
import { useConnectionState, useHost } from '../ipc/host';
import type { ConnectionState } from '../ipc/transport';
import { hubItem } from './hub-status';
import { networkItem } from './network-status';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXL,
    height: '28px',
    padding: `0 ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    fontSize: tokens.fontSizeBase200,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  },
  // An item may shrink (its detail gets an ellipsis), never its dot or its status word.
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, minWidth: 0 },
  dot: { flexShrink: 0 },
  word: { flexShrink: 0, whiteSpace: 'nowrap' },
  detail: { minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  // The runtime's sentence beside its word only where the bar has room for it; the tooltip always has it.
  wideOnly: { '@media (max-width: 1279px)': { display: 'none' } },
  spacer: { flex: '1 1 0', minWidth: tokens.spacingHorizontalXL },
  tipLines: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteMarigoldForeground1 },
  bad: { color: tokens.colorPaletteRedForeground1 },
  idle: { color: tokens.colorNeutralForeground3 },
  busy: { color: tokens.colorPaletteBlueForeground2 },
});

type Tone = 'ok' | 'warn' | 'bad' | 'idle' | 'busy';

/** The runtime's shared tones (shared/runtime/runtime-state.ts) as this bar's dots. */
const RUNTIME_TONE: Record<RuntimeState['tone'], Tone> = { ok: 'ok', warning: 'warn', danger: 'bad', neutral: 'idle', busy: 'busy' };

/** The page's connection to its host, in the same words as the banner at the top. */
const CONNECTION: Record<ConnectionState, { readonly tone: Tone; readonly label: string }> = {
  connecting: { tone: 'idle', label: 'Connecting…' },
  connected: { tone: 'ok', label: 'Console connected' },
  reconnecting: { tone: 'warn', label: 'Reconnecting…' },
  unauthorized: { tone: 'bad', label: 'Not authorized' },
};

/**
 * One status: a dot, the status word (never shortened) and, optionally, what follows it on the same line, cut with
 * an ellipsis when the bar is short of room. The tooltip has the whole text.
 */
function Item(props: { tone: Tone; word: string; detail?: string; join?: ':' | '—'; wideOnly?: boolean; tip: string | ReactElement; testId: string }) {
  const { tone, word, detail, join = ':', wideOnly, tip, testId } = props;
  const styles = useStyles();
  return (
    <Tooltip content={tip} relationship="description">
      {/* Only an item with a detail gives way; the runtime's sentence (wideOnly) first and most. */}
      <span className={styles.item} style={{ flexShrink: detail ? (wideOnly ? 100 : 1) : 0 }} data-testid={testId} data-tone={tone} tabIndex={0}>
        <CircleFilled fontSize={10} className={mergeClasses(styles.dot, styles[tone])} />
        <Text size={200} className={styles.word} data-testid={`${testId}-word`}>
          {/* The space keeps the item's text whole for a reader (flex items are laid out apart). */}
          {detail ? `${word}${join === ':' ? ':' : ''} ` : word}
        </Text>
        {detail && (
          <Text size={200} className={mergeClasses(styles.detail, wideOnly && styles.wideOnly)} data-testid={`${testId}-detail`}>
            {join === '—' ? `— ${detail}` : detail}
          </Text>
        )}
      </span>
    </Tooltip>
  );
}

/** A tooltip of lines; the first is the item's whole text. */
function TipLines({ lines, testId }: { lines: readonly string[]; testId?: string }) {
  const styles = useStyles();
  return (
    <span className={styles.tipLines} data-testid={testId}>
      {lines.map((line) => (
        <span key={line}>{line}</span>
      ))}
    </span>
  );
}

function useOnline(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      window.addEventListener('online', onChange);
      window.addEventListener('offline', onChange);
      return () => (window.removeEventListener('online', onChange), window.removeEventListener('offline', onChange));
    },
    () => navigator.onLine,
  );
}

export function StatusBar() {
  const styles = useStyles();
  const status = useHostStatus().data;
  const connection = useConnectionState();
  const { transport } = useHost();
  const online = useOnline();
  const engine = status?.engine;
  const runtime = status?.runtime;
  const hubStatus = hubItem(status?.hub, Date.now());
  const network = networkItem(status?.connectivity, Date.now());
  return (
    <footer className={styles.bar} role="contentinfo" aria-label="Status">
      <Item
        testId="status-engine"
        tone={engine?.state === 'available' ? 'ok' : engine?.state === 'unavailable' ? 'bad' : 'idle'}
        word={engine?.state === 'available' ? `Docker ${engine.version}` : engine?.state === 'unavailable' ? 'Engine unavailable' : 'Engine…'}
        tip={engine?.state === 'unavailable' ? engine.reason : 'Container engine used by the local runtime'}
      />
      <Item
        testId="status-runtime"
        tone={runtime ? RUNTIME_TONE[runtime.tone] : 'idle'}
        word={`Runtime: ${runtime?.state ?? '…'}`}
        detail={runtime?.state === 'running' || runtime?.state === 'idle' ? undefined : runtime?.summary}
        join="—"
        wideOnly
        tip={runtime ? <TipLines lines={[`Runtime: ${runtime.state}`, runtime.summary]} /> : 'Local edge runtime'}
      />
      <Item testId="status-hub" tone={hubStatus.tone} word={hubStatus.word} detail={hubStatus.detail} tip={<TipLines lines={hubStatus.lines} />} />
      <span className={styles.spacer} />
      {transport.kind === 'websocket' && (
        <Item testId="status-connection" tone={CONNECTION[connection].tone} word={CONNECTION[connection].label} tip="Connection of this page to the Gatehouse host" />
      )}
      <Item
        testId="status-network"
        tone={network.tone}
        word={network.word}
        detail={network.detail}
        tip={<TipLines testId="status-network-tip" lines={[...(network.detail ? [network.label] : []), ...network.lines, `This browser reports it is ${online ? 'online' : 'offline'} (a hint only: the host's answer is what counts).`]} />}
      />
    </footer>
  );
}
