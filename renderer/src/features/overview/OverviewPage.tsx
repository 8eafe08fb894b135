import { Badge, Body1, Caption1, Card, CardHeader, makeStyles, Spinner, Subtitle2, Text, Title2, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, BoxMultipleRegular, CloudRegular, PlugConnectedRegular } from '@fluentui/react-icons';
import type { ReactElement, ReactNode } from 'react';
import { HostButton } from '../../app/HostButton';
import { RuntimeStateBadge } from '../runtime';
import { useAppInfo } from '../settings';
import { useHostStatus, useRefreshStatus } from './queries';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXL, maxWidth: '1100px' },
  header: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  intro: { color: tokens.colorNeutralForeground2, maxWidth: '80ch', margin: 0 },
  action: { alignSelf: 'flex-start' },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', gap: tokens.spacingHorizontalL },
  card: { minHeight: '150px' },
  icon: { fontSize: '24px', color: tokens.colorBrandForeground1 },
  detail: { color: tokens.colorNeutralForeground2 },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, display: 'block', whiteSpace: 'pre' },
});

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
  const engine = status.data?.engine;
  const runtime = status.data?.runtime;
  const hub = status.data?.hub;
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
            <HostButton className={styles.action} icon={<ArrowClockwiseRegular />} size="small" onClick={() => refresh.mutate()} disabled={refresh.isPending}>
              Check again
            </HostButton>
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
          badge={<Badge appearance="tint" color={hub?.state === 'connected' ? 'success' : hub?.state === 'disconnected' ? 'danger' : 'informative'}>{hub?.state ?? '…'}</Badge>}
        >
          <Body1>{hub?.state === 'local' ? hub.detail : hub?.state === 'connected' ? hub.hostName : hub?.reason}</Body1>
        </StatusCard>
      </div>
      <Card>
        <CardHeader header={<Subtitle2 as="h2">From a terminal</Subtitle2>} description={<Caption1>The same services, headless, for scripts and pipelines.</Caption1>} />
        <code className={styles.code}>{`gatehouse status --json\ngatehouse serve --port 4780`}</code>
        {info.data && <Caption1>Data folder: {info.data.dataDir}</Caption1>}
      </Card>
    </div>
  );
}
