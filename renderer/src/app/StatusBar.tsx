import { makeStyles, mergeClasses, Text, tokens, Tooltip } from '@fluentui/react-components';
import { CircleFilled } from '@fluentui/react-icons';
import { useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import type { RuntimeState } from '../../../shared/ipc/status.contract';
import { useHostStatus } from '../features/overview';
import { useConnectionState, useHost } from '../ipc/host';
import type { ConnectionState } from '../ipc/transport';
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
  },
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  spacer: { flex: 1 },
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

function Item({ tone, label, tip, testId }: { tone: Tone; label: ReactNode; tip: string | ReactElement; testId: string }) {
  const styles = useStyles();
  return (
    <Tooltip content={tip} relationship="description">
      <span className={styles.item} data-testid={testId} data-tone={tone} tabIndex={0}>
        <CircleFilled fontSize={10} className={mergeClasses(styles[tone])} />
        <Text size={200}>{label}</Text>
      </span>
    </Tooltip>
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
  const hub = status?.hub;
  const network = networkItem(status?.connectivity, Date.now());
  return (
    <footer className={styles.bar} role="contentinfo" aria-label="Status">
      <Item
        testId="status-engine"
        tone={engine?.state === 'available' ? 'ok' : engine?.state === 'unavailable' ? 'bad' : 'idle'}
        label={engine?.state === 'available' ? `Docker ${engine.version}` : engine?.state === 'unavailable' ? 'Engine unavailable' : 'Engine…'}
        tip={engine?.state === 'unavailable' ? engine.reason : 'Container engine used by the local runtime'}
      />
      <Item
        testId="status-runtime"
        tone={runtime ? RUNTIME_TONE[runtime.tone] : 'idle'}
        label={`Runtime: ${runtime?.state ?? '…'}`}
        tip={runtime?.summary ?? 'Local edge runtime'}
      />
      <Item
        testId="status-hub"
        tone={hub?.state === 'connected' ? 'ok' : hub?.state === 'disconnected' ? 'bad' : 'idle'}
        label={hub?.state === 'connected' ? `Hub: ${hub.hostName}` : hub?.state === 'disconnected' ? 'Hub: disconnected' : 'Hub: local'}
        tip={hub?.state === 'local' ? hub.detail : hub?.state === 'disconnected' ? hub.reason : 'Connected IoT Hub'}
      />
      <span className={styles.spacer} />
      {transport.kind === 'websocket' && (
        <Item
          testId="status-connection"
          tone={CONNECTION[connection].tone}
          label={CONNECTION[connection].label}
          tip="Connection of this page to the Gatehouse host"
        />
      )}
      <Item
        testId="status-network"
        tone={network.tone}
        label={network.label}
        tip={
          <span className={styles.tipLines} data-testid="status-network-tip">
            {[...network.lines, `This browser reports it is ${online ? 'online' : 'offline'} (a hint only: the host's answer is what counts).`].map((line) => (
              <span key={line}>{line}</span>
            ))}
          </span>
        }
      />
    </footer>
  );
}
