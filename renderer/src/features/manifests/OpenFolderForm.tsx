import { Caption1, Field, Input, makeStyles, mergeClasses, Text, tokens, Tooltip } from '@fluentui/react-components';
import { DismissRegular, FolderOpenRegular, FolderRegular, HistoryRegular } from '@fluentui/react-icons';
import { useState, type FormEvent } from 'react';
import { HostButton } from '../../app/HostButton';
import { useHost } from '../../ipc/host';
import { useAppInfo, useSettings } from '../settings';
import { errorCode, errorMessage } from './errors';
import { useForgetRecent, useOpenFolder } from './queries';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'start' },
  grow: { flex: 1, minWidth: 0 },
  openButton: { marginTop: '26px' },
  recentTitle: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground3 },
  recentList: { display: 'flex', flexDirection: 'column', gap: '2px', listStyle: 'none', margin: 0, padding: 0 },
  recentItem: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  recentButton: { flex: 1, minWidth: 0, justifyContent: 'flex-start', textAlign: 'start', paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  recentText: { display: 'flex', flexDirection: 'column', minWidth: 0, alignItems: 'flex-start' },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
  missing: { textDecorationLine: 'line-through' },
});

function folderName(path: string): string {
  return path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || path;
}

/**
 * A path field (absolute, or ~/…) plus the recent folders; the desktop app adds its native folder dialog
 * (`app.pickFolder`), which the served console does not have. Used on the landing page and in the header's
 * "Open folder" popover.
 */
export function OpenFolderForm({ onOpened, autoFocus }: { onOpened?: () => void; autoFocus?: boolean }) {
  const styles = useStyles();
  const [path, setPath] = useState('');
  const [missing, setMissing] = useState<ReadonlySet<string>>(new Set());
  const open = useOpenFolder();
  const forget = useForgetRecent();
  const recent = useSettings().data?.recentFolders ?? [];
  const desktop = useAppInfo().data?.shell === 'electron';
  const { app } = useHost();
  const browse = async () => {
    const picked = await app.pickFolder({ title: 'Open a solution folder' });
    if (picked.ok && picked.value.path) {
      setPath(picked.value.path);
      openPath(picked.value.path);
    }
  };

  const openPath = (target: string) =>
    open.mutate(target, {
      onSuccess: () => onOpened?.(),
      onError: (error) => {
        if (errorCode(error) === 'NOT_FOUND' && recent.includes(target)) setMissing((m) => new Set([...m, target]));
      },
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) openPath(path.trim());
  };
  const failure = open.isError && !recent.includes(open.variables ?? '') ? open.error : undefined;

  return (
    <div className={styles.form}>
      <form className={styles.row} onSubmit={submit}>
        <Field
          label="Folder path"
          className={styles.grow}
          validationState={failure ? 'error' : 'none'}
          validationMessage={failure ? describeOpenError(failure) : undefined}
          hint={failure ? undefined : 'An absolute path on this machine, or ~/… for your home folder.'}
        >
          <Input
            value={path}
            onChange={(_e, data) => setPath(data.value)}
            placeholder="~/edge/my-solution"
            contentBefore={<FolderRegular />}
            autoFocus={autoFocus}
            data-testid="folder-path"
          />
        </Field>
        <HostButton type="submit" appearance="primary" icon={<FolderOpenRegular />} className={styles.openButton} disabled={!path.trim() || open.isPending} data-testid="open-folder">
          Open
        </HostButton>
        {desktop && (
          <HostButton icon={<FolderRegular />} className={styles.openButton} onClick={() => void browse()} disabled={open.isPending} data-testid="browse-folder">
            Browse…
          </HostButton>
        )}
      </form>

      {recent.length === 0 && <Caption1 className={styles.muted}>Folders you open are listed here for next time.</Caption1>}
      {recent.length > 0 && (
        <div>
          <Caption1 className={styles.recentTitle}>
            <HistoryRegular /> Recent folders
          </Caption1>
          <ul className={styles.recentList} data-testid="recent-folders">
            {recent.map((folder) => (
              <li key={folder} className={styles.recentItem}>
                <HostButton appearance="subtle" className={styles.recentButton} icon={<FolderRegular />} onClick={() => openPath(folder)} disabled={open.isPending}>
                  <span className={styles.recentText}>
                    <Text weight="semibold" className={mergeClasses(styles.ellipsis, missing.has(folder) && styles.missing)}>
                      {folderName(folder)}
                    </Text>
                    <Caption1 className={mergeClasses(styles.ellipsis, styles.muted)}>{missing.has(folder) ? `${folder} — not found` : folder}</Caption1>
                  </span>
                </HostButton>
                <Tooltip content="Remove from recent folders" relationship="label">
                  <HostButton appearance="transparent" size="small" icon={<DismissRegular />} onClick={() => forget(folder)} />
                </Tooltip>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function describeOpenError(error: unknown): string {
  switch (errorCode(error)) {
    case 'NOT_FOUND':
      return 'There is no folder at this path.';
    case 'BAD_REQUEST':
    case 'IO':
    case 'CONFLICT':
      return errorMessage(error);
    default:
      return `Could not open the folder: ${errorMessage(error)}`;
  }
}
