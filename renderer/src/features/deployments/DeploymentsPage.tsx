import {
  Badge,
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  mergeClasses,
  Spinner,
  Subtitle1,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular, DeleteRegular, EditRegular, PlugDisconnectedRegular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { HubDocument } from '../../../../shared/ipc/cloud.contract';
import { HostButton } from '../../app/HostButton';
import type { ContributedCommand } from '../../app/commands';
import { localTime } from '../../app/format-time';
import { useContributeCommands } from '../../app/use-commands';
import { useUi } from '../../app/ui-store';
import { unwrap } from '../../ipc/client';
import { hubProblem } from '../fleet/hub-error';
import { CreateDeploymentDialog } from './CreateDeploymentDialog';
import { EditDeploymentDialog } from './EditDeploymentDialog';
import { deploymentRow, type DeploymentRow } from './deploy-helpers';
import { deploymentKeys, useCloudClient, useDeployments } from './queries';

const useStyles = makeStyles({
  root: { display: 'grid', gridTemplateRows: 'auto minmax(0, 1fr)', height: '100%', minHeight: 0 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, flexWrap: 'wrap' },
  title: { flex: 1, minWidth: '200px', display: 'flex', flexDirection: 'column' },
  muted: { color: tokens.colorNeutralForeground3 },
  // Side by side from 1200 px; below, the detail goes under the list and the two scroll together.
  body: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) minmax(280px, 340px)',
    minHeight: 0,
    overflow: 'hidden',
    '@media (max-width: 1199px)': { gridTemplateColumns: 'minmax(0, 1fr)', gridAutoRows: 'max-content', overflow: 'auto' },
  },
  list: { overflow: 'auto', minHeight: 0, '@media (max-width: 1199px)': { overflow: 'visible' } },
  table: { width: '100%', borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200 },
  th: { textAlign: 'left', fontWeight: tokens.fontWeightSemibold, padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, position: 'sticky', top: 0, backgroundColor: tokens.colorNeutralBackground1, whiteSpace: 'nowrap' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  td: { padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`, borderBottom: `1px solid ${tokens.colorNeutralStroke3}`, verticalAlign: 'top' },
  row: { cursor: 'pointer', ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover }, ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' } },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected },
  code: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-word' },
  labels: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXXS },
  detail: {
    borderLeft: `1px solid ${tokens.colorNeutralStroke2}`,
    overflow: 'auto',
    padding: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    minHeight: 0,
    '& > *': { flexShrink: 0 },
    '@media (max-width: 1199px)': { borderLeft: 'none', borderTop: `1px solid ${tokens.colorNeutralStroke2}`, overflow: 'visible' },
  },
  nowrap: { whiteSpace: 'nowrap' },
  actions: { width: '1px', padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalXS}`, verticalAlign: 'middle' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  visuallyHidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
  dl: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`, margin: 0 },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, minWidth: 0 },
  pre: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, overflow: 'auto', maxHeight: '320px', margin: 0 },
  empty: { display: 'flex', flexDirection: 'column', alignItems: 'center', gap: tokens.spacingVerticalM, padding: tokens.spacingVerticalXXXL, textAlign: 'center' },
  icon: { fontSize: '48px', color: tokens.colorNeutralForeground3 },
});

/** A hub time in the reader's local time (date and time). */
export function hubTime(iso: string | undefined): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : new Date(at).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A hub time for a table cell: the time of day when it is today, the date and time otherwise (`localTime`). */
function shortTime(iso: string | undefined): string {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(at) ? '—' : localTime(at, Date.now());
}

/** The Deployments area: deployments at scale (IoT Hub configurations) with their metrics; create, edit and delete. */
export function DeploymentsPage() {
  const styles = useStyles();
  const list = useDeployments();
  const [selected, setSelected] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string>();
  const [editing, setEditing] = useState<string>();
  const rows = useMemo(() => (list.data ?? []).map(deploymentRow).sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id)), [list.data]);
  const current = rows.find((r) => r.id === selected);
  const currentDoc = list.data?.find((d) => d['id'] === selected);

  const commands = useMemo<readonly ContributedCommand[]>(
    () => [
      { id: 'deployments.create', title: 'Create a deployment at scale…', group: 'Deployments', keywords: 'configuration target condition priority layered', needsHost: true, run: () => setCreating(true) },
      { id: 'deployments.refresh', title: 'Refresh the deployments and their metrics', group: 'Deployments', keywords: 'reload metrics targeted applied', run: () => void list.refetch() },
      ...(current ? [{ id: 'deployments.edit', title: `Edit deployment ${current.id}…`, group: 'Deployments' as const, keywords: 'target condition priority labels metrics update', needsHost: true, run: () => setEditing(current.id) }] : []),
      ...(current ? [{ id: 'deployments.delete', title: `Delete deployment ${current.id}…`, group: 'Deployments' as const, keywords: 'remove configuration', needsHost: true, run: () => setDeleting(current.id) }] : []),
    ],
    [current, list],
  );
  useContributeCommands('deployments', commands);

  return (
    <div className={styles.root}>
      <div className={styles.header}>
        <div className={styles.title}>
          <Subtitle1 as="h1">Deployments</Subtitle1>
          <Caption1 className={styles.muted}>Deployments at scale on the connected hub: which devices they target, and how many applied them.</Caption1>
        </div>
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void list.refetch()} disabled={list.isFetching} data-testid="deployments-refresh">
          Refresh
        </Button>
        <HostButton appearance="primary" icon={<AddRegular />} onClick={() => setCreating(true)} disabled={!list.isSuccess} data-testid="deployments-create">
          New deployment…
        </HostButton>
      </div>
      {list.isPending ? (
        <Spinner label="Reading the deployments…" />
      ) : list.error ? (
        <HubFailure error={list.error} retrying={list.isFetching} onRetry={() => void list.refetch()} />
      ) : (
        <div className={styles.body}>
          <div className={styles.list}>
            {rows.length === 0 ? (
              <div className={styles.empty} data-testid="deployments-empty">
                <Body1>The hub has no deployment at scale yet.</Body1>
                <Caption1 className={styles.muted}>A deployment sends a manifest to every edge device its target condition matches.</Caption1>
              </div>
            ) : (
              <table className={styles.table} data-testid="deployments-table">
                <thead>
                  <tr>
                    <th className={styles.th}>Deployment</th>
                    <th className={mergeClasses(styles.th, styles.num)}>Priority</th>
                    <th className={styles.th}>Target condition</th>
                    <th className={styles.th}>Labels</th>
                    <th className={mergeClasses(styles.th, styles.num)} title="Targeted devices">Targeted</th>
                    <th className={mergeClasses(styles.th, styles.num)} title="Devices whose twin holds this deployment">Applied</th>
                    <th className={mergeClasses(styles.th, styles.num)} title="Reported successful">Success</th>
                    <th className={mergeClasses(styles.th, styles.num)} title="Reported failed">Failed</th>
                    <th className={styles.th}>Updated</th>
                    <th className={styles.th}>
                      <span className={styles.visuallyHidden}>Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr
                      key={row.id}
                      tabIndex={0}
                      aria-selected={row.id === selected}
                      className={mergeClasses(styles.row, row.id === selected && styles.selected)}
                      onClick={() => setSelected(row.id)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          setSelected(row.id);
                        }
                      }}
                      data-testid="deployment-row"
                      data-id={row.id}
                    >
                      <td className={mergeClasses(styles.td, styles.nowrap)}>
                        <strong>{row.id}</strong> {row.layered && <Badge size="small" appearance="tint">layered</Badge>}
                      </td>
                      <td className={mergeClasses(styles.td, styles.num)}>{row.priority}</td>
                      <td className={mergeClasses(styles.td, styles.code)}>{row.targetCondition}</td>
                      <td className={styles.td}>
                        <Labels labels={row.labels} />
                      </td>
                      <td className={mergeClasses(styles.td, styles.num)} data-testid="metric-targeted">{row.system.targeted}</td>
                      <td className={mergeClasses(styles.td, styles.num)} data-testid="metric-applied">{row.system.applied}</td>
                      <td className={mergeClasses(styles.td, styles.num)}>{row.system.reportedSuccessful}</td>
                      <td className={mergeClasses(styles.td, styles.num)}>{row.system.reportedFailed}</td>
                      <td className={mergeClasses(styles.td, styles.nowrap)} title={hubTime(row.updated ?? row.created)}>
                        {shortTime(row.updated ?? row.created)}
                      </td>
                      <td className={mergeClasses(styles.td, styles.actions)}>
                        <HostButton
                          size="small"
                          appearance="subtle"
                          icon={<EditRegular />}
                          aria-label={`Edit ${row.id}`}
                          title={`Edit ${row.id}: target condition, priority, labels, metrics`}
                          onClick={(e) => {
                            e.stopPropagation();
                            setSelected(row.id);
                            setEditing(row.id);
                          }}
                          onKeyDown={(e) => e.stopPropagation()}
                          data-testid="deployment-row-edit"
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <aside className={styles.detail} aria-label="Deployment details" data-testid="deployment-detail">
            {current && currentDoc ? <Detail row={current} doc={currentDoc} onEdit={() => setEditing(current.id)} onDelete={() => setDeleting(current.id)} /> : <Caption1 className={styles.muted}>Select a deployment to see its metrics, queries and content.</Caption1>}
          </aside>
        </div>
      )}
      {creating && (
        <CreateDeploymentDialog
          existing={list.data ?? []}
          onClose={(created) => {
            setCreating(false);
            if (created) setSelected(created);
          }}
        />
      )}
      {editing && list.data?.find((d) => d['id'] === editing) && (
        <EditDeploymentDialog doc={list.data.find((d) => d['id'] === editing)!} onClose={() => setEditing(undefined)} />
      )}
      {deleting && (
        <DeleteDeploymentDialog
          id={deleting}
          onClose={(deleted) => {
            setDeleting(undefined);
            if (deleted && selected === deleting) setSelected(undefined);
          }}
        />
      )}
    </div>
  );
}

function Labels({ labels }: { labels: Readonly<Record<string, string>> }) {
  const styles = useStyles();
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span>—</span>;
  return (
    <span className={styles.labels}>
      {entries.map(([k, v]) => (
        <Badge key={k} size="small" appearance="outline" color="informative">
          {k}={v}
        </Badge>
      ))}
    </span>
  );
}

function Detail({ row, doc, onEdit, onDelete }: { row: DeploymentRow; doc: HubDocument; onEdit: () => void; onDelete: () => void }) {
  const styles = useStyles();
  const content = JSON.stringify((doc['content'] as HubDocument | undefined) ?? {}, null, 2);
  return (
    <>
      <Subtitle2 as="h2" className={styles.code}>
        {row.id}
      </Subtitle2>
      <dl className={styles.dl}>
        <dt className={styles.dt}>Kind</dt>
        <dd className={styles.dd}>{row.layered ? 'Layered deployment' : 'Deployment'}</dd>
        <dt className={styles.dt}>Priority</dt>
        <dd className={styles.dd}>{row.priority}</dd>
        <dt className={styles.dt}>Target condition</dt>
        <dd className={mergeClasses(styles.dd, styles.code)}>{row.targetCondition}</dd>
        <dt className={styles.dt}>Labels</dt>
        <dd className={styles.dd}>
          <Labels labels={row.labels} />
        </dd>
        <dt className={styles.dt}>Created</dt>
        <dd className={styles.dd}>{hubTime(row.created)}</dd>
        <dt className={styles.dt}>Updated</dt>
        <dd className={styles.dd}>{hubTime(row.updated)}</dd>
      </dl>
      <Subtitle2 as="h3">Status</Subtitle2>
      <dl className={styles.dl} data-testid="deployment-system-metrics">
        <dt className={styles.dt}>Targeted</dt>
        <dd className={styles.dd}>{row.system.targeted}</dd>
        <dt className={styles.dt}>Applied</dt>
        <dd className={styles.dd}>{row.system.applied}</dd>
        <dt className={styles.dt}>Reported successful</dt>
        <dd className={styles.dd}>{row.system.reportedSuccessful}</dd>
        <dt className={styles.dt}>Reported failed</dt>
        <dd className={styles.dd}>{row.system.reportedFailed}</dd>
      </dl>
      {Object.keys(row.customQueries).length > 0 && (
        <>
          <Subtitle2 as="h3">Custom metrics</Subtitle2>
          <dl className={styles.dl}>
            {Object.entries(row.customQueries).map(([name, query]) => (
              <div key={name} style={{ display: 'contents' }}>
                <dt className={styles.dt}>
                  {name}: <strong>{row.custom[name] ?? 0}</strong>
                </dt>
                <dd className={mergeClasses(styles.dd, styles.code)}>{query}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <Subtitle2 as="h3">Content</Subtitle2>
      <pre className={styles.pre}>{content}</pre>
      <div className={styles.buttons}>
        <HostButton icon={<EditRegular />} onClick={onEdit} data-testid="deployment-edit">
          Edit…
        </HostButton>
        <HostButton icon={<DeleteRegular />} onClick={onDelete} data-testid="deployment-delete">
          Delete {row.id}…
        </HostButton>
      </div>
    </>
  );
}

function DeleteDeploymentDialog({ id, onClose }: { id: string; onClose: (deleted: boolean) => void }) {
  const cloud = useCloudClient();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => unwrap(cloud.deploymentDelete({ deploymentId: id })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: deploymentKeys.list() });
      onClose(true);
    },
  });
  const problem = remove.error ? hubProblem(remove.error, `delete ${id}`) : undefined;
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose(false)}>
      <DialogSurface data-testid="delete-deployment-dialog">
        <DialogBody>
          <DialogTitle>Delete deployment {id}?</DialogTitle>
          <DialogContent>
            <Body1>The hub stops assigning {id} to devices. Devices keep what they run until another deployment targets them.</Body1>
            {problem && (
              <MessageBar intent="error">
                <MessageBarBody>
                  {problem.title}: {problem.message}
                </MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => onClose(false)}>Cancel</Button>
            <HostButton appearance="primary" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid="delete-deployment-confirm">
              {remove.isPending ? 'Deleting…' : `Delete ${id}`}
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function HubFailure({ error, retrying, onRetry }: { error: unknown; retrying: boolean; onRetry: () => void }) {
  const styles = useStyles();
  const problem = hubProblem(error, 'list the deployments');
  return (
    <div className={styles.empty} role="status" data-testid="deployments-hub-unavailable" data-code={problem.code}>
      <PlugDisconnectedRegular className={styles.icon} aria-hidden />
      <Subtitle1 as="h2">{problem.title}</Subtitle1>
      <div className={styles.code}>{problem.message}</div>
      <div style={{ display: 'flex', gap: tokens.spacingHorizontalS }}>
        <Button appearance="primary" onClick={onRetry} disabled={retrying}>
          {retrying ? 'Asking the hub…' : 'Try again'}
        </Button>
        <Button onClick={() => useUi.getState().navigate('settings')}>Choose a hub in Settings</Button>
      </div>
    </div>
  );
}
