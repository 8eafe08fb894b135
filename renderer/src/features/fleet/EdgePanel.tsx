import {
  Badge,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  mergeClasses,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useMemo } from 'react';
import { moduleTone, type ModuleRuntimeStatus } from '../../../../shared/runtime/runtime-state';
import { describeStaleness, edgeAgentModuleTable, edgeHubRouteTable, twinSides, type EdgeAgentModuleRow, type RouteState, type Staleness } from '../../../../shared/twin';
import { TONE_COLOR } from '../runtime';
import { hubProblem } from './hub-error';
import { hubTime } from './IdentityPanel';
import { useTwin } from './queries';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  scroll: { overflowX: 'auto' },
  // Columns as wide as their content needs; the image column takes the rest and wraps at its slashes.
  table: { tableLayout: 'auto', minWidth: '640px' },
  nowrap: { whiteSpace: 'nowrap' },
  image: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', display: 'block' },
  stale: { backgroundColor: tokens.colorPaletteYellowBackground1, boxShadow: `inset 3px 0 0 ${tokens.colorPaletteYellowBorderActive}` },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground2 },
  diff: { display: 'block', color: tokens.colorPaletteDarkOrangeForeground1 },
});

const MODULE_WORDS: ReadonlySet<string> = new Set(['unknown', 'backoff', 'running', 'unhealthy', 'stopped', 'failed', 'dead']);

function StatusBadge({ status }: { status: string | undefined }) {
  if (status === undefined) return <Caption1>not reported</Caption1>;
  const tone = MODULE_WORDS.has(status) ? moduleTone(status as ModuleRuntimeStatus) : 'neutral';
  return (
    <Badge appearance="tint" color={TONE_COLOR[tone]}>
      {status}
    </Badge>
  );
}

function StaleBar({ staleness, who, testId }: { staleness: Staleness; who: string; testId: string }) {
  if (staleness.kind === 'current') {
    return (
      <Caption1 data-testid={testId} data-stale="false">
        {describeStaleness(staleness, who)}
      </Caption1>
    );
  }
  return (
    <MessageBar intent={staleness.kind === 'failed' ? 'error' : 'warning'} layout="multiline" data-testid={testId} data-stale="true">
      <MessageBarBody>
        <MessageBarTitle>{staleness.kind === 'failed' ? `${who} refused the desired properties` : `${who} is not current`}</MessageBarTitle>
        {describeStaleness(staleness, who)}
      </MessageBarBody>
    </MessageBar>
  );
}

function differenceText(row: EdgeAgentModuleRow): string[] {
  return row.differences.map((d) => {
    switch (d.field) {
      case 'presence':
        return d.desired ? 'not reported by the agent' : 'reported, no longer desired';
      case 'image':
        return `image: reported ${d.reported}`;
      case 'version':
        return `version: reported ${d.reported}`;
      case 'status':
        return `status: reported ${d.reported}`;
    }
  });
}

const ROUTE_COLOR: Record<RouteState, 'success' | 'informative' | 'danger' | 'warning'> = { applied: 'success', pending: 'informative', rejected: 'danger', blocked: 'warning' };

/** The edge device's `$edgeAgent` (modules) and `$edgeHub` (routes), desired against reported; stale rows highlighted. */
export function EdgePanel({ deviceId }: { deviceId: string }) {
  const styles = useStyles();
  const agent = useTwin(deviceId, '$edgeAgent');
  const hub = useTwin(deviceId, '$edgeHub');
  const agentTable = useMemo(() => {
    const sides = twinSides(agent.data);
    return agent.data ? edgeAgentModuleTable(sides.desired, sides.reported) : undefined;
  }, [agent.data]);
  const hubTable = useMemo(() => {
    const sides = twinSides(hub.data);
    return hub.data ? edgeHubRouteTable(sides.desired, sides.reported) : undefined;
  }, [hub.data]);

  return (
    <div className={styles.root} data-testid="edge-panel">
      <section className={styles.section} aria-label="$edgeAgent modules">
        <Subtitle2 as="h3">Modules ($edgeAgent)</Subtitle2>
        {agent.isPending && <Spinner size="tiny" label="Reading the $edgeAgent twin…" />}
        {agent.error && (
          <MessageBar intent="error">
            <MessageBarBody>{hubProblem(agent.error, 'read the $edgeAgent twin').message}</MessageBarBody>
          </MessageBar>
        )}
        {agentTable && <StaleBar staleness={agentTable.staleness} who="edgeAgent" testId="edge-agent-staleness" />}
        {agentTable && agentTable.rows.length === 0 && <Caption1 className={styles.muted}>No modules desired or reported: no deployment has been applied to {deviceId}.</Caption1>}
        {agentTable && agentTable.rows.length > 0 && (
          <div className={styles.scroll}>
            <Table size="small" className={styles.table} aria-label={`Modules of ${deviceId}, desired and reported`} data-testid="edge-agent-table">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Module</TableHeaderCell>
                  <TableHeaderCell>Desired</TableHeaderCell>
                  <TableHeaderCell>Reported</TableHeaderCell>
                  <TableHeaderCell>Exit code</TableHeaderCell>
                  <TableHeaderCell>Started</TableHeaderCell>
                  <TableHeaderCell>Restarts</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {agentTable.rows.map((row) => (
                  <TableRow
                    key={row.name}
                    className={mergeClasses(row.stale !== null && styles.stale)}
                    data-testid={`edge-module-${row.name}`}
                    data-stale={row.stale ? 'true' : 'false'}
                    title={row.stale ? describeStaleness(row.stale, 'edgeAgent') : undefined}
                  >
                    <TableCell className={styles.nowrap}>
                      {row.name}
                      {row.stale && (
                        <Badge appearance="outline" color="warning" size="small" style={{ marginLeft: 6 }}>
                          stale
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell>
                      {row.desired ? (
                        <>
                          <span className={styles.image}>{row.desired.image ?? '—'}</span>
                          <Caption1 className={styles.muted}>{[row.desired.version && `version ${row.desired.version}`, row.desired.status].filter(Boolean).join(' · ')}</Caption1>
                        </>
                      ) : (
                        'not desired'
                      )}
                      {differenceText(row).map((t) => (
                        <span key={t} className={styles.diff}>
                          {t}
                        </span>
                      ))}
                    </TableCell>
                    <TableCell>
                      <StatusBadge status={row.reported?.runtimeStatus} />
                      {row.reported?.statusDescription && <Caption1 className={styles.muted}> {row.reported.statusDescription}</Caption1>}
                    </TableCell>
                    <TableCell>{row.reported?.exitCode ?? '—'}</TableCell>
                    <TableCell className={styles.nowrap}>{row.reported ? hubTime(row.reported.lastStartTimeUtc) : '—'}</TableCell>
                    <TableCell>{row.reported?.restartCount ?? '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
      <section className={styles.section} aria-label="$edgeHub routes">
        <Subtitle2 as="h3">Routes ($edgeHub)</Subtitle2>
        {hub.isPending && <Spinner size="tiny" label="Reading the $edgeHub twin…" />}
        {hub.error && (
          <MessageBar intent="error">
            <MessageBarBody>{hubProblem(hub.error, 'read the $edgeHub twin').message}</MessageBarBody>
          </MessageBar>
        )}
        {hubTable && <StaleBar staleness={hubTable.staleness} who="edgeHub" testId="edge-hub-staleness" />}
        {hubTable && hubTable.rows.length === 0 && <Caption1 className={styles.muted}>No routes desired.</Caption1>}
        {hubTable && hubTable.rows.length > 0 && (
          <div className={styles.scroll}>
            <Table size="small" className={styles.table} aria-label={`Routes of ${deviceId}`} data-testid="edge-hub-routes">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Route</TableHeaderCell>
                  <TableHeaderCell>Statement</TableHeaderCell>
                  <TableHeaderCell>Priority · TTL</TableHeaderCell>
                  <TableHeaderCell>edgeHub</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {hubTable.rows.map((row) => (
                  <TableRow key={row.name} className={mergeClasses(row.state !== 'applied' && styles.stale)} data-testid={`edge-route-${row.name}`} data-state={row.state}>
                    <TableCell className={styles.nowrap}>{row.name}</TableCell>
                    <TableCell className={styles.mono}>
                      {row.route}
                      {row.problem && <span className={styles.diff}>{row.problem}</span>}
                    </TableCell>
                    <TableCell>{row.priority === undefined ? '—' : `${row.priority === 2_000_000_000 ? 'default' : row.priority} · ${row.timeToLiveSecs ? `${row.timeToLiveSecs} s` : 'global'}`}</TableCell>
                    <TableCell>
                      <Badge appearance="tint" color={ROUTE_COLOR[row.state]}>
                        {row.state}
                      </Badge>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        {hubTable && hubTable.clients.length > 0 && (
          <Caption1 className={styles.muted}>
            Clients edgeHub reports: {hubTable.clients.map((c) => `${c.id} (${c.status})`).join(', ')}
          </Caption1>
        )}
      </section>
    </div>
  );
}
