import { Button, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { ErrorCircleFilled, WarningFilled } from '@fluentui/react-icons';
import type { ReactNode } from 'react';
import { useConnectionState, useHost } from '../ipc/host';
import { localTime } from './format-time';

const useStyles = makeStyles({
  // Text wraps beside the icon; the button stays on the right, whatever the width.
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderBottom: '1px solid',
  },
  warning: { backgroundColor: tokens.colorStatusWarningBackground1, borderBottomColor: tokens.colorStatusWarningBorder1 },
  error: { backgroundColor: tokens.colorStatusDangerBackground1, borderBottomColor: tokens.colorStatusDangerBorder1 },
  icon: { fontSize: '20px', flexShrink: 0, display: 'flex' },
  warningIcon: { color: tokens.colorStatusWarningForeground3 },
  errorIcon: { color: tokens.colorStatusDangerForeground3 },
  text: { flex: 1, minWidth: 0 },
  title: { marginRight: tokens.spacingHorizontalXS },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  action: { flexShrink: 0 },
});

/**
 * Across the top of the page while the served console is not connected to its host: plainly, so that stale
 * data does not pass for live. Two cases: the host does not answer (the page reconnects by itself), or it answers
 * but refuses this page's token (only opening the console's URL with its current token helps).
 */
export function ConnectionBanner() {
  const styles = useStyles();
  const { transport } = useHost();
  const state = useConnectionState();
  if (state === 'connected' || state === 'connecting') return null;
  const since = transport.disconnectedAt;
  const stale = since === null ? '' : ` Data shown is from ${localTime(since, Date.now())} and may be stale.`;

  if (state === 'reconnecting') {
    return (
      <Banner intent="warning" state={state} title="Disconnected from the Gatehouse host" action="Retry now" onAction={() => transport.retryNow()}>
        Reconnecting…{stale} Actions that need the host are disabled until it is back.
      </Banner>
    );
  }
  return (
    <Banner intent="error" state={state} title="This page is no longer authorized" action="Check again" onAction={() => transport.retryNow()}>
      The Gatehouse host at this address no longer accepts this page&apos;s token: it was rotated, or another Gatehouse now serves this address.
      Open the console&apos;s URL with its current token: <span className={styles.code}>gatehouse token show</span> prints it (so does{' '}
      <span className={styles.code}>gatehouse serve</span> when it starts).{stale}
    </Banner>
  );
}

interface BannerProps {
  readonly intent: 'warning' | 'error';
  readonly state: string;
  readonly title: string;
  readonly action: string;
  readonly onAction: () => void;
  readonly children: ReactNode;
}

function Banner({ intent, state, title, action, onAction, children }: BannerProps) {
  const styles = useStyles();
  return (
    <div className={mergeClasses(styles.bar, styles[intent])} role={intent === 'error' ? 'alert' : 'status'} data-testid="connection-banner" data-state={state}>
      <span className={mergeClasses(styles.icon, intent === 'error' ? styles.errorIcon : styles.warningIcon)}>{intent === 'error' ? <ErrorCircleFilled /> : <WarningFilled />}</span>
      <Text className={styles.text}>
        <Text weight="semibold" className={styles.title}>
          {title}
        </Text>{' '}
        {children}
      </Text>
      <Button size="small" className={styles.action} onClick={onAction} data-testid="connection-retry">
        {action}
      </Button>
    </div>
  );
}
