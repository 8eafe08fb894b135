import { Badge, Body1, Caption1, Dropdown, Input, Label, makeStyles, Option, mergeClasses, MessageBar, MessageBarBody, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Title3, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, CheckmarkStarburstRegular, DocumentCheckmarkRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { driftContract } from '../../../../shared/ipc';
import { HostButton } from '../../app/HostButton';
import { createClient, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';
import { mayBeManifest } from '../manifests/file-kinds';
import { useCurrentWorkspace, useTree } from '../manifests/queries';
import { desiredSourceWords, driftRows, VERDICT_WORDS } from './drift-view';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  controls: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  /** Label, field and button that wrap together. */
  group: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  intro: { color: tokens.colorNeutralForeground2, margin: 0, maxWidth: '90ch' },
  table: { tableLayout: 'fixed' },
  value: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  changed: { backgroundColor: tokens.colorPaletteYellowBackground2, fontWeight: tokens.fontWeightSemibold },
  differs: { color: tokens.colorStatusWarningForeground1, fontWeight: tokens.fontWeightSemibold },
  moduleCell: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
});

const driftKey = (deviceId: string | undefined) => ['drift', 'report', deviceId ?? ''] as const;
/** Drift is compared again this often while the view is open (it reads the engine: not more often). */
const REFRESH_MS = 15_000;

/**
 * Drift, three ways: the approved deployment ↔ the device's desired state ↔ what runs, one row per module and field,
 * the cell that differs highlighted; "Approve what runs now" makes the applied deployment the approved one, and a
 * manifest of the open workspace can be approved instead. Compared again every 15 s while open.
 */
export function DriftView() {
  const styles = useStyles();
  const { transport } = useHost();
  const client = useMemo(() => createClient(driftContract, transport), [transport]);
  const queryClient = useQueryClient();
  // Blank: this machine's runtime. A device id: that device through the hub (its twins and what its agent reports).
  const [deviceDraft, setDeviceDraft] = useState('');
  const [deviceId, setDeviceId] = useState<string | undefined>(undefined);
  const report = useQuery({ queryKey: driftKey(deviceId), queryFn: () => unwrap(client.drift(deviceId ? { deviceId } : {})), retry: false, refetchInterval: REFRESH_MS });
  const approve = useMutation({
    mutationFn: (input: { from: 'running' } | { workspacePath: string }) => unwrap(client.approve(input)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['drift', 'report'] }),
  });
  const compare = () => {
    const next = deviceDraft.trim() || undefined;
    if (next === deviceId) void report.refetch();
    else setDeviceId(next);
  };
  const workspace = useCurrentWorkspace();
  const root = workspace.data?.root;
  const rows = useMemo(() => (report.data ? driftRows(report.data) : []), [report.data]);
  const data = report.data;

  return (
    <section className={styles.section} aria-label="Drift" data-testid="drift-view" data-drifted={data ? String(data.drifted) : undefined}>
      <Title3 as="h2">Drift</Title3>
      <Body1 as="p" className={styles.intro}>
        The approved deployment, the desired state on the device and what runs, module by module (<code>gatehouse drift [--device &lt;id&gt;]</code>).
      </Body1>
      <div className={styles.controls}>
        <HostButton icon={approve.isPending ? <Spinner size="extra-tiny" /> : <CheckmarkStarburstRegular />} onClick={() => approve.mutate({ from: 'running' })} disabled={approve.isPending} data-testid="drift-approve-running">
          Approve what runs now
        </HostButton>
        {root && <ApproveWorkspaceManifest root={root} pending={approve.isPending} onApprove={(workspacePath) => approve.mutate({ workspacePath })} />}
        <span className={styles.group}>
        <Label htmlFor="drift-device" size="small">
          Device
        </Label>
        <Input
          id="drift-device"
          size="small"
          placeholder="this gateway"
          value={deviceDraft}
          onChange={(_e, d) => setDeviceDraft(d.value)}
          onKeyDown={(e) => e.key === 'Enter' && compare()}
          aria-description="Blank compares this machine's runtime; a device id compares that device through the hub"
          data-testid="drift-device"
          style={{ width: '14rem' }}
        />
        <HostButton appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={compare} disabled={report.isFetching} data-testid="drift-refresh">
          Compare
        </HostButton>
        </span>
        {data && (
          <Badge appearance="filled" color={data.drifted ? 'warning' : 'success'} data-testid="drift-verdict">
            {data.drifted ? (data.approved ? 'Drifted' : 'Nothing approved') : 'In sync'}
          </Badge>
        )}
        {data?.approved && (
          <Caption1 data-testid="drift-approved">
            Approved {new Date(data.approved.approvedAt).toLocaleString()} by {data.approved.approvedBy}, from{' '}
            {data.approved.source.kind === 'file' ? data.approved.source.path : `what ran (version ${data.approved.source.version ?? '?'})`}, sha256 {data.approved.sha256.slice(0, 12)}…
          </Caption1>
        )}
      </div>
      {data && <Caption1 data-testid="drift-desired-source">{desiredSourceWords(data.desired)}</Caption1>}
      {(report.isError || approve.isError) && (
        <MessageBar intent="error" data-testid="drift-error">
          <MessageBarBody>{(report.error ?? approve.error)?.message}</MessageBarBody>
        </MessageBar>
      )}
      {data?.notes.map((note) => (
        <Caption1 key={note} data-testid="drift-note">
          {note}
        </Caption1>
      ))}
      {report.isPending && <Spinner size="small" label="Comparing…" />}
      {rows.length > 0 && (
        <Table size="small" className={styles.table} aria-label="Approved, desired and running, by module and field" data-testid="drift-table">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '16%' }}>Module</TableHeaderCell>
              <TableHeaderCell style={{ width: '10%' }}>Field</TableHeaderCell>
              <TableHeaderCell>Approved</TableHeaderCell>
              <TableHeaderCell>Desired</TableHeaderCell>
              <TableHeaderCell>Running</TableHeaderCell>
              <TableHeaderCell style={{ width: '14%' }}>Verdict</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.key} data-testid={`drift-row-${r.key}`} data-verdict={r.verdict}>
                <TableCell className={styles.moduleCell}>{r.module}</TableCell>
                <TableCell>{r.field}</TableCell>
                <TableCell className={mergeClasses(styles.value, r.highlight === 'module' && styles.changed)} data-cell="approved">
                  {r.approved}
                </TableCell>
                <TableCell className={mergeClasses(styles.value, (r.highlight === 'desired' || r.highlight === 'module') && styles.changed)} data-cell="desired" data-changed={r.highlight === 'desired'}>
                  {r.desired}
                </TableCell>
                <TableCell className={mergeClasses(styles.value, (r.highlight === 'running' || r.highlight === 'module') && styles.changed)} data-cell="running" data-changed={r.highlight === 'running'}>
                  {r.running}
                </TableCell>
                <TableCell>
                  <Caption1 className={r.verdict === 'in-sync' ? undefined : styles.differs}>{VERDICT_WORDS[r.verdict] ?? r.verdict}</Caption1>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

/** Approve a deployment manifest of the open workspace (the saved file): a picker of its manifests and a button. */
function ApproveWorkspaceManifest({ root, pending, onApprove }: { root: string; pending: boolean; onApprove: (path: string) => void }) {
  const tree = useTree(root);
  const manifests = useMemo(() => (tree.data?.entries ?? []).filter((e) => e.kind === 'file' && mayBeManifest(e.path)).map((e) => e.path), [tree.data]);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const chosen = picked !== undefined && manifests.includes(picked) ? picked : manifests[0];
  if (manifests.length === 0) return null;
  return (
    <>
      <Dropdown
        aria-label="A manifest of the workspace to approve"
        value={chosen ?? ''}
        selectedOptions={chosen ? [chosen] : []}
        onOptionSelect={(_e, d) => setPicked(d.optionValue)}
        data-testid="drift-workspace-manifest"
        style={{ minWidth: '16rem' }}
      >
        {manifests.map((path) => (
          <Option key={path} value={path}>
            {path}
          </Option>
        ))}
      </Dropdown>
      <HostButton icon={<DocumentCheckmarkRegular />} onClick={() => chosen && onApprove(chosen)} disabled={pending || !chosen} data-testid="drift-approve-workspace">
        Approve this manifest
      </HostButton>
    </>
  );
}
