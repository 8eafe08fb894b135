import { Body1, Button, Caption1, makeStyles, Subtitle1, tokens } from '@fluentui/react-components';
import { PlugDisconnectedRegular } from '@fluentui/react-icons';
import type { LocalHubState } from '../../../../shared/ipc/localhub.contract';
import { useUi } from '../../app/ui-store';
import type { HubProblem } from './hub-error';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXXL}`,
    textAlign: 'center',
    alignSelf: 'start',
    maxWidth: '640px',
    justifySelf: 'center',
  },
  icon: { fontSize: '48px', color: tokens.colorNeutralForeground3 },
  reason: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground1,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    wordBreak: 'break-word',
  },
  muted: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', justifyContent: 'center' },
});

/** The local hub's state in a line (the console starts an embedded hub unless it is turned off); its reason only when the error does not already say it. */
function localHubSentence(hub: LocalHubState | undefined, message: string | undefined): string | undefined {
  const why = (reason: string) => (message?.includes(reason) ? '' : `: ${reason}`);
  switch (hub?.state) {
    case undefined:
      return undefined;
    case 'starting':
      return 'Local hub: starting. The list fills when it is up.';
    case 'running':
      return `Local hub: running at ${hub.endpoint.host}:${hub.endpoint.httpsPort}.`;
    case 'failed':
      return `Local hub: failed to start${why(hub.reason)}`;
    case 'off':
      return `Local hub: off${why(hub.reason)}`;
  }
}

/**
 * No hub to show: why (the hub's or the host's words, from the error), what the local hub is doing, and a way to
 * ask again. Nothing else is on screen: no list, no made-up devices.
 */
export function HubUnavailable({ problem, hub, retrying, onRetry }: { problem: HubProblem | undefined; hub: LocalHubState | undefined; retrying: boolean; onRetry: () => void }) {
  const styles = useStyles();
  const local = localHubSentence(hub, problem?.message);
  return (
    <div className={styles.root} role="status" data-testid="fleet-hub-unavailable" data-code={problem?.code}>
      <PlugDisconnectedRegular className={styles.icon} aria-hidden />
      <Subtitle1 as="h2">{problem?.title ?? 'The hub is not reachable'}</Subtitle1>
      <Body1 className={styles.muted}>Devices, twins and direct methods appear here once the console is connected to an IoT hub (the embedded local hub by default).</Body1>
      <div className={styles.reason} data-testid="fleet-hub-reason">
        {problem?.message ?? 'no answer yet'}
      </div>
      {local && <Caption1 className={styles.muted} data-testid="fleet-localhub-state">{local}</Caption1>}
      <div className={styles.actions}>
        <Button appearance="primary" onClick={onRetry} disabled={retrying} data-testid="fleet-retry">
          {retrying ? 'Asking the hub…' : 'Try again'}
        </Button>
        <Button onClick={() => useUi.getState().navigate('settings')} data-testid="fleet-choose-hub">
          Choose a hub in Settings
        </Button>
      </div>
    </div>
  );
}
