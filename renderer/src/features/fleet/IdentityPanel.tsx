import {
  Badge,
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular, EyeOffRegular, EyeRegular } from '@fluentui/react-icons';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { HubDocument } from '../../../../shared/ipc/cloud.contract';
import { authLabel, isNever } from './device-query';
import { moduleKeyless } from './keys';
import { useFleet } from './fleet-store';
import { hubProblem } from './hub-error';
import { useConnectionString } from './queries';
import { hasSecret, maskConnectionString } from './secrets';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  facts: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`, margin: 0 },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  secret: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', minWidth: 0, flex: '1 1 240px' },
  csCell: { width: '50%', paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

/** A time from the hub in the reader's local time; the hub's "never" reads as never. */
export function hubTime(iso: unknown): string {
  if (typeof iso !== 'string' || isNever(iso)) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** The connection string, masked until revealed; Copy fetches it without showing it. */
function ConnectionString({ deviceId, moduleId, testId = 'connection-string' }: { deviceId: string; moduleId?: string; testId?: string }) {
  const styles = useStyles();
  // Read at once and shown masked; the key shows only on Reveal.
  const [asked, setAsked] = useState(true);
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const cs = useConnectionString(deviceId, moduleId, asked);
  const what = moduleId ? `${deviceId}/${moduleId}` : deviceId;
  const copy = async () => {
    setAsked(true);
    try {
      const value = cs.data?.connectionString ?? (await cs.refetch()).data?.connectionString;
      if (!value || !navigator.clipboard) throw new Error('nothing to copy');
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(undefined), 2000);
  };
  const text = cs.data?.connectionString;
  return (
    <div className={styles.secret}>
      <span className={styles.mono} data-testid={testId}>
        {text ? (revealed || !hasSecret(text) ? text : maskConnectionString(text)) : cs.isFetching ? '…' : cs.error ? hubProblem(cs.error, `read the connection string of ${what}`).message : 'HostName=…;DeviceId=…;SharedAccessKey=••••••••'}
      </span>
      <Button
        size="small"
        icon={revealed ? <EyeOffRegular /> : <EyeRegular />}
        onClick={() => {
          setAsked(true);
          setRevealed((r) => !r);
        }}
        aria-label={revealed ? `Hide the connection string of ${what}` : `Reveal the connection string of ${what}`}
        data-testid={`${testId}-reveal`}
      >
        {revealed ? 'Hide' : 'Reveal'}
      </Button>
      <Tooltip content={copied === 'failed' ? 'This page may not use the clipboard: reveal it and copy by hand.' : `Copy the connection string of ${what}`} relationship="description">
        <Button size="small" icon={copied === 'copied' ? <CheckmarkRegular /> : <CopyRegular />} onClick={() => void copy()} data-testid={`${testId}-copy`} aria-live="polite">
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Could not copy' : 'Copy'}
        </Button>
      </Tooltip>
    </div>
  );
}

export function IdentityPanel({ device, modules }: { device: HubDocument | undefined; modules: UseQueryResult<HubDocument[]> }) {
  const styles = useStyles();
  const setTab = useFleet((s) => s.setTab);
  const setTwinModule = useFleet((s) => s.setTwinModule);
  if (!device) return null;
  const deviceId = String(device.deviceId);
  const auth = (device.authentication as { type?: string; x509Thumbprint?: { primaryThumbprint?: string } } | undefined) ?? {};
  const status = String(device.status ?? 'unknown');
  const connection = String(device.connectionState ?? 'unknown');
  return (
    <div className={styles.root} data-testid="identity-panel">
      <dl className={styles.facts}>
        <dt className={styles.term}>Status</dt>
        <dd className={styles.value}>
          <Badge appearance="tint" color={status === 'enabled' ? 'success' : 'warning'} data-testid="identity-status">
            {status}
          </Badge>
          {typeof device.statusReason === 'string' && device.statusReason ? ` ${device.statusReason}` : ''}
        </dd>
        <dt className={styles.term}>Connection</dt>
        <dd className={styles.value}>
          <Badge appearance="tint" color={connection === 'Connected' ? 'success' : 'subtle'} data-testid="identity-connection">
            {connection}
          </Badge>
          {hubTime(device.connectionStateUpdatedTime) !== 'never' && <Caption1> since {hubTime(device.connectionStateUpdatedTime)}</Caption1>}
        </dd>
        <dt className={styles.term}>Last activity</dt>
        <dd className={styles.value}>{hubTime(device.lastActivityTime)}</dd>
        <dt className={styles.term}>Authentication</dt>
        <dd className={styles.value} data-testid="identity-auth">
          {authLabel(auth.type)}
          {auth.type === 'selfSigned' && auth.x509Thumbprint?.primaryThumbprint ? ` · ${auth.x509Thumbprint.primaryThumbprint}` : ''}
        </dd>
        <dt className={styles.term}>Connection string</dt>
        <dd className={styles.value}>
          <ConnectionString deviceId={deviceId} />
        </dd>
      </dl>
      <section className={styles.section} aria-label="Module identities">
        <Subtitle2 as="h3">Module identities</Subtitle2>
        {modules.isPending && <Spinner size="tiny" label="Reading modules…" />}
        {modules.error && (
          <MessageBar intent="error">
            <MessageBarBody>{hubProblem(modules.error, `list the modules of ${deviceId}`).message}</MessageBarBody>
          </MessageBar>
        )}
        {modules.data && modules.data.length === 0 && <Caption1>No module identities.</Caption1>}
        {modules.data && modules.data.length > 0 && (
          <Table size="small" aria-label={`Modules of ${deviceId}`} data-testid="module-identities">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Module</TableHeaderCell>
                <TableHeaderCell>Connection</TableHeaderCell>
                <TableHeaderCell>Last activity</TableHeaderCell>
                <TableHeaderCell className={styles.csCell}>Connection string</TableHeaderCell>
                <TableHeaderCell>Twin</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {modules.data.map((m) => {
                const id = String(m.moduleId);
                const keyless = moduleKeyless((m.authentication as { type?: string } | undefined)?.type);
                return (
                  <TableRow key={id} data-testid={`module-row-${id}`}>
                    <TableCell>{id}</TableCell>
                    <TableCell>{String(m.connectionState ?? 'unknown')}</TableCell>
                    <TableCell>{hubTime(m.lastActivityTime)}</TableCell>
                    <TableCell className={styles.csCell}>
                      {keyless ? (
                        <Caption1 data-testid={`module-connection-string-${id}`}>{keyless}</Caption1>
                      ) : (
                        <ConnectionString deviceId={deviceId} moduleId={id} testId={`module-connection-string-${id}`} />
                      )}
                    </TableCell>
                    <TableCell>
                      <Button
                        size="small"
                        appearance="subtle"
                        onClick={() => {
                          setTwinModule(id);
                          setTab('twins');
                        }}
                        aria-label={`Show the twin of ${id}`}
                      >
                        Twin
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </section>
    </div>
  );
}
