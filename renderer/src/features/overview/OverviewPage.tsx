import { Badge, Body1, Caption1, Card, CardHeader, makeStyles, Spinner, Subtitle2, Text, Title2, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, BoxMultipleRegular, CloudRegular, GlobeRegular, PlugConnectedRegular } from '@fluentui/react-icons';
import { useState, type ReactElement, type ReactNode } from 'react';
import { HostButton } from '../../app/HostButton';
import { hubItem } from '../../app/hub-status';
import { networkItem, type NetworkTone } from '../../app/network-status';
import { RuntimeStateBadge, TONE_COLOR } from '../runtime';
import type { Tone } from '../../../../shared/runtime/runtime-state';
import { CopyButton, useAppInfo } from '../settings';
import { useHostStatus, useRefreshStatus } from './queries';
import { terminalHint } from './terminal-hint';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXL, maxWidth: '1100px' },
  header: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  intro: { color: tokens.colorNeutralForeground2, maxWidth: '80ch', margin: 0 },
  action: { alignSelf: 'flex-start' },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', gap: tokens.spacingHorizontalL },
  card: { minHeight: '150px' },
  icon: { fontSize: '24px', color: tokens.colorBrandForeground1 },
  detail: { color: tokens.colorNeutralForeground2 },
  checked: { color: tokens.colorNeutralForeground2 },
  actionRow: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  targets: { margin: `${tokens.spacingVerticalS} 0 0`, paddingLeft: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground2 },
  code: { overflowX: 'auto', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, display: 'block', whiteSpace: 'pre' },
});

/** The network item's tones as the shared tones, so its badge has the status bar dot's colour. */
const NETWORK_TONE: Record<NetworkTone, Tone> = { ok: 'ok', warn: 'warning', bad: 'danger', idle: 'neutral', busy: 'busy' };

function StatusCard(props: { testId: string; icon: ReactElement; title: string; badge: ReactElement; children: ReactNode; action?: ReactNode }) {
  const styles = useStyles();
  return (
    <Card className={styles.card} data-testid={props.testId}>
      <CardHeader image={props.icon} header={<Subtitle2 as="h2">{props.title}</Subtitle2>} action={props.badge} />
      <div className={styles.detail}>{props.children}</div>
      {props.action}
    </Card>
  );
}

export function OverviewPage() {
  const styles = useStyles();
  const status = useHostStatus();
  const refresh = useRefreshStatus();
  const info = useAppInfo();
  const [checkedAt, setCheckedAt] = useState<number>();
  const checkAgain = () => refresh.mutate(undefined, { onSuccess: () => setCheckedAt(Date.now()) });
  const hint = info.data ? terminalHint(info.data.dataDir, info.data.platform) : undefined;
  const engine = status.data?.engine;
  const runtime = status.data?.runtime;
  const hubStatus = hubItem(status.data?.hub, Date.now());
  // The same item as the status bar's (the host's answer), with its word as the badge and its lines spelled out.
  const network = networkItem(status.data?.connectivity, Date.now());
  const [networkSummary, ...networkTargets] = network.lines;
  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <Title2 as="h1">Overview</Title2>
        <Body1 as="p" className={styles.intro}>
          This machine as an IoT Edge gateway: the container engine the local runtime drives, the runtime itself, and the hub its
          modules talk to. Everything here works offline.
        </Body1>
      </div>
      {status.isPending && <Spinner label="Asking the host…" />}
      {status.isError && <Text>Could not reach the host: {status.error.message}</Text>}
      <div className={styles.grid}>
        <StatusCard
          testId="card-engine"
          icon={<BoxMultipleRegular className={styles.icon} />}
          title="Container engine"
          badge={
            <Badge appearance="tint" color={engine?.state === 'available' ? 'success' : engine?.state === 'unavailable' ? 'danger' : 'informative'}>
              {engine?.state ?? '…'}
            </Badge>
          }
          action={
            <div className={styles.actionRow}>
              <HostButton icon={refresh.isPending ? <Spinner size="extra-tiny" /> : <ArrowClockwiseRegular />} size="small" onClick={checkAgain} disabled={refresh.isPending} data-testid="check-engine">
                {refresh.isPending ? 'Checking…' : 'Check again'}
              </HostButton>
              <Caption1 className={styles.checked} aria-live="polite" data-testid="check-engine-result">
                {refresh.isError
                  ? `Could not check: ${refresh.error.message}`
                  : checkedAt && engine
                    ? `Checked at ${new Date(checkedAt).toLocaleTimeString()}: ${engine.state === 'available' ? 'the engine answers' : engine.state === 'unavailable' ? 'the engine does not answer' : 'still checking'}.`
                    : ''}
              </Caption1>
            </div>
          }
        >
          {engine?.state === 'available' && (
            <Body1>
              {engine.name} {engine.version}, API {engine.apiVersion}
            </Body1>
          )}
          {engine?.state === 'unavailable' && <Body1>{engine.reason}</Body1>}
          {engine?.state === 'checking' && <Body1>Checking the engine…</Body1>}
        </StatusCard>
        <StatusCard
          testId="card-runtime"
          icon={<PlugConnectedRegular className={styles.icon} />}
          title="Local runtime"
          badge={<RuntimeStateBadge state={runtime} appearance="tint" testId="overview-runtime-state" />}
        >
          <Body1 data-testid="overview-runtime-summary">{runtime?.summary}</Body1>
        </StatusCard>
        <StatusCard
          testId="card-hub"
          icon={<CloudRegular className={styles.icon} />}
          title="Hub"
          badge={
            <Badge appearance="tint" color={TONE_COLOR[NETWORK_TONE[hubStatus.tone]]} data-testid="overview-hub-state" data-tone={hubStatus.tone}>
              {hubStatus.state}
            </Badge>
          }
        >
          <Body1 data-testid="overview-hub-summary">{hubStatus.sentence}</Body1>
        </StatusCard>
        <StatusCard
          testId="card-network"
          icon={<GlobeRegular className={styles.icon} />}
          title="Network"
          badge={
            <Badge appearance="tint" color={TONE_COLOR[NETWORK_TONE[network.tone]]} data-testid="overview-network-state" data-tone={network.tone} title={network.label}>
              {network.word}
            </Badge>
          }
        >
          <Body1 data-testid="overview-network-summary">{networkSummary}</Body1>
          {networkTargets.length > 0 && (
            <ul className={styles.targets} data-testid="overview-network-targets">
              {networkTargets.map((line) => (
                <li key={line}>
                  <Caption1>{line}</Caption1>
                </li>
              ))}
            </ul>
          )}
        </StatusCard>
      </div>
      <Card>
        <CardHeader
          header={<Subtitle2 as="h2">From a terminal</Subtitle2>}
          description={
            <Caption1>
              The same services, headless, for scripts and pipelines. Run them in the Gatehouse folder with <code>npx</code> (or run <code>npm link</code> there once to
              put <code>gatehouse</code> on your PATH).
            </Caption1>
          }
          action={<CopyButton text={hint} size="small" testId="copy-terminal-hint" />}
        />
        <code className={styles.code} data-testid="terminal-hint">
          {hint ?? '…'}
        </code>
      </Card>
    </div>
  );
}
