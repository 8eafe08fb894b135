import {
  Badge,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  mergeClasses,
  Spinner,
  Text,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { ArrowCounterclockwiseRegular, BranchCompareRegular, DocumentRegular, HistoryRegular, SaveRegular } from '@fluentui/react-icons';
import { useState, type ReactElement } from 'react';
import { HostButton } from '../../../app/HostButton';
import type { HistoryVersion, VersionReason, WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useManifests } from '../manifests-store';
import { useVersions } from '../queries';
import { SidePanel } from './SidePanel';
import { describeVersion } from './version-labels';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: tokens.spacingVerticalXS, overflowY: 'auto', flex: 1 },
  item: {
    display: 'grid',
    gridTemplateColumns: '20px minmax(0, 1fr) auto',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
  },
  comparing: { backgroundColor: tokens.colorBrandBackground2, ':hover': { backgroundColor: tokens.colorBrandBackground2Hover } },
  icon: { display: 'flex', color: tokens.colorNeutralForeground3, fontSize: '16px' },
  text: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  meta: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', gap: '2px' },
  empty: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground3 },
});

const REASON_ICONS: Record<VersionReason, ReactElement> = { save: <SaveRegular />, restore: <ArrowCounterclockwiseRegular />, disk: <DocumentRegular /> };

/** Local history of the active file: every save; compare any version with the editor, or restore it. */
export function HistoryPanel({ workspace, path, onRestore }: { workspace: WorkspaceInfo; path: string; onRestore: (version: HistoryVersion, label: string) => void }) {
  const styles = useStyles();
  const versions = useVersions(workspace.root, path);
  const compare = useManifests((s) => s.compare);
  const buffer = useManifests((s) => s.buffers[path]);
  const { setCompare, togglePanel } = useManifests.getState();
  const [confirm, setConfirm] = useState<HistoryVersion | null>(null);

  const restore = (version: HistoryVersion) => (buffer?.dirty ? setConfirm(version) : onRestore(version, describeVersion(version).when));

  return (
    <SidePanel title="History" icon={<HistoryRegular />} path={path} onClose={() => togglePanel('history', false)} testId="history-panel">
      {versions.isPending && <Spinner size="tiny" className={styles.empty} />}
      {versions.data?.length === 0 && <Text className={styles.empty}>No saved versions yet. Every save (Ctrl+S) keeps one here, in the data folder.</Text>}
      <ul className={styles.list}>
        {versions.data?.map((version, index) => {
          const label = describeVersion(version);
          const isCurrent = buffer?.baseVersion === version.version && index === 0;
          const comparing = compare?.path === path && compare.versionId === version.id;
          return (
            <li key={version.id} className={mergeClasses(styles.item, comparing && styles.comparing)} data-testid="history-version" data-reason={version.reason}>
              <span className={styles.icon}>{REASON_ICONS[version.reason]}</span>
              <span className={styles.text}>
                <Text size={300} weight="semibold" title={new Date(version.savedAt).toLocaleString()}>
                  {label.when}
                </Text>
                <Caption1 className={styles.meta}>
                  {label.what} · {label.size}
                  {isCurrent && (
                    <>
                      {' '}
                      <Badge size="small" appearance="tint" color="success">
                        on disk
                      </Badge>
                    </>
                  )}
                </Caption1>
              </span>
              <span className={styles.actions}>
                <Tooltip content="Compare with the editor" relationship="label">
                  <Button
                    size="small"
                    appearance={comparing ? 'primary' : 'subtle'}
                    icon={<BranchCompareRegular />}
                    onClick={() => setCompare(comparing ? null : { path, versionId: version.id })}
                    data-testid="compare-version"
                  />
                </Tooltip>
                <Tooltip content="Restore this version" relationship="label">
                  <HostButton size="small" appearance="subtle" icon={<ArrowCounterclockwiseRegular />} onClick={() => restore(version)} disabled={isCurrent && !buffer?.dirty} data-testid="restore-version" />
                </Tooltip>
              </span>
            </li>
          );
        })}
      </ul>

      <Dialog open={confirm !== null} onOpenChange={(_e, data) => !data.open && setConfirm(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Restore over unsaved changes?</DialogTitle>
            <DialogContent>The editor has changes you have not saved. Restoring writes the older version to disk; undo (Ctrl+Z) in the editor still brings your changes back.</DialogContent>
            <DialogActions>
              <HostButton
                appearance="primary"
                onClick={() => {
                  if (confirm) onRestore(confirm, describeVersion(confirm).when);
                  setConfirm(null);
                }}
              >
                Restore
              </HostButton>
              <Button appearance="subtle" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </SidePanel>
  );
}
