import {
  Button,
  Caption1,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  OverlayDrawer,
  Spinner,
  Subtitle2,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TabList,
  Text,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, DismissRegular, LockClosedRegular, PlayRegular, StopRegular } from '@fluentui/react-icons';
import { useState, type ReactNode } from 'react';
import type { ModuleRow } from '../../../../shared/ipc/runtime.contract';
import { HostButton } from '../../app/HostButton';
import { nextRetryText, pastText, restartAvailability } from './format';
import { LogViewer } from './LogViewer';
import { ModuleStatusDialog, type StatusRequest } from './ModuleStatusDialog';
import { useModuleDetails } from './queries';
import { ModuleStatusBadge } from './RuntimeStateBadge';
import { useNow } from './use-now';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, height: '100%' },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    whiteSpace: 'pre',
    overflow: 'auto',
    margin: 0,
  },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  logs: { flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' },
  heading: { margin: `${tokens.spacingVerticalS} 0 0` },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  detail: { whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, margin: `${tokens.spacingVerticalXS} 0 0` },
});

export type DrawerTab = 'details' | 'logs';

/** Status, exit code, restart policy, restarts, next retry, the last failure, and Restart/Stop/Start saying what they do. */
function ModuleStatus({ row, version, onRestart, onSetStatus }: { row: ModuleRow; version: number; onRestart: (name: string) => void; onSetStatus: (request: StatusRequest) => void }) {
  const styles = useStyles();
  const now = useNow();
  const restart = restartAvailability(row);
  const facts: [string, ReactNode][] = [
    ['Status', <ModuleStatusBadge key="s" status={row.runtimeStatus} testId="drawer-runtime-status" />],
    ['Desired status', row.desiredStatus],
    ['Exit code', row.exitCode ?? '—'],
    ['Restart policy', row.restartPolicy],
    ['Restarts', row.restartCount],
    ['Last start', pastText(row.startedAt, now)],
    ['Last exit', row.runtimeStatus === 'running' ? '—' : pastText(row.finishedAt, now)],
    ['Next retry', nextRetryText(row.nextRetryAt, now)],
  ];
  return (
    <>
      <dl className={styles.facts} data-testid="module-status">
        {facts.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.value} data-testid={`module-fact-${term.toLowerCase().replace(/\s+/g, '-')}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {row.problem && (
        <MessageBar intent="error" layout="multiline" data-testid="module-problem">
          <MessageBarBody>
            <MessageBarTitle>Failed at {pastText(row.problem.at, now)}</MessageBarTitle>
            {row.problem.summary}
            {row.problem.gaveUp && ' Gatehouse stopped retrying it: apply the deployment again (or sideload the image) to retry.'}
            {row.problem.detail && (
              <details>
                <summary>Details (the engine&apos;s words)</summary>
                <pre className={styles.detail}>{row.problem.detail}</pre>
              </details>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.actions}>
        <Tooltip content={restart.tip} relationship="description">
          <HostButton icon={<ArrowClockwiseRegular />} disabledFocusable={!restart.enabled} onClick={() => onRestart(row.name)} data-testid="drawer-restart">
            Restart
          </HostButton>
        </Tooltip>
        {row.desiredStatus === 'running' ? (
          <HostButton icon={<StopRegular />} onClick={() => onSetStatus({ module: row.name, status: 'stopped', version, restartPolicy: row.restartPolicy })} data-testid="drawer-stop">
            Stop…
          </HostButton>
        ) : (
          <HostButton icon={<PlayRegular />} onClick={() => onSetStatus({ module: row.name, status: 'running', version, restartPolicy: row.restartPolicy })} data-testid="drawer-start">
            Start…
          </HostButton>
        )}
      </div>
      <Caption1 data-testid="drawer-restart-explanation">
        {restart.tip} Stop and Start change the module&apos;s desired status in the applied deployment (a new version, v{version} → v{version + 1}).
      </Caption1>
    </>
  );
}

export function ModuleDrawer(props: {
  module: string | undefined;
  row: ModuleRow | undefined;
  version: number;
  tab: DrawerTab;
  onTab: (t: DrawerTab) => void;
  onClose: () => void;
  onRestart: (name: string) => void;
}) {
  const { module, row, tab, onTab, onClose } = props;
  const styles = useStyles();
  const details = useModuleDetails(module);
  // Its own confirmation, nested in the drawer: a dialog beside a modal drawer would leave the drawer hidden from
  // assistive technology (aria-hidden) after it closes.
  const [statusRequest, setStatusRequest] = useState<StatusRequest>();
  return (
    <OverlayDrawer open={module !== undefined} position="end" size="large" onOpenChange={(_e, d) => !d.open && onClose()} data-testid="module-drawer">
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}>{module}</DrawerHeaderTitle>
        <TabList selectedValue={tab} onTabSelect={(_e, d) => onTab(d.value as DrawerTab)}>
          <Tab value="details">Details</Tab>
          <Tab value="logs">Logs</Tab>
        </TabList>
      </DrawerHeader>
      <DrawerBody className={styles.body}>
        {tab === 'logs' && module && (
          <div className={styles.logs}>
            <LogViewer module={module} />
          </div>
        )}
        {tab === 'details' && row && <ModuleStatus row={row} version={props.version} onRestart={props.onRestart} onSetStatus={setStatusRequest} />}
        {tab === 'details' && details.isPending && <Spinner size="small" />}
        {tab === 'details' && details.isError && <Text>{details.error.message}</Text>}
        {tab === 'details' && details.data && (
          <>
            <Subtitle2 as="h3" className={styles.heading}>Container</Subtitle2>
            <Text className={styles.mono}>
              {details.data.image}
              {details.data.containerId ? ` · container ${details.data.containerId.slice(0, 12)}` : ' · no container yet'}
            </Text>
            <Subtitle2 as="h3" className={styles.heading}>Environment</Subtitle2>
            <Table size="extra-small" aria-label="Environment" data-testid="module-env">
              <TableBody>
                {details.data.env.map((e) => (
                  <TableRow key={e.name}>
                    <TableCell className={styles.mono}>{e.name}</TableCell>
                    <TableCell className={styles.mono}>
                      {e.masked && <LockClosedRegular aria-label="masked" />} {e.value}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Subtitle2 as="h3" className={styles.heading}>Effective createOptions</Subtitle2>
            <pre className={styles.code} data-testid="module-create-options">
              {JSON.stringify({ ...details.data.createOptions, Labels: details.data.labels }, null, 2)}
            </pre>
          </>
        )}
        <ModuleStatusDialog request={statusRequest} onClose={() => setStatusRequest(undefined)} />
      </DrawerBody>
    </OverlayDrawer>
  );
}
