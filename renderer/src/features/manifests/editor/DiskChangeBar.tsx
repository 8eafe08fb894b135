import { Button, Link, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { baseName } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { DISK } from './CompareView';

const NOTICE_MS = 5000;

/**
 * What happened to the active file elsewhere, and the choices it leaves: a change on disk under unsaved edits
 * (compare, reload, keep mine), a deletion (save recreates), or a passing note (reloaded, restored, errors).
 */
export function DiskChangeBar({ path, onReload, onKeepMine, onClose }: { path: string; onReload: () => void; onKeepMine: () => void; onClose: () => void }) {
  const disk = useManifests((s) => s.buffers[path]?.disk);
  const notice = useManifests((s) => (s.notice?.path === path ? s.notice : null));
  const { setCompare, dismissNotice } = useManifests.getState();

  useEffect(() => {
    if (!notice || notice.intent === 'error') return;
    const timer = setTimeout(() => dismissNotice(), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, dismissNotice]);

  if (disk?.kind === 'changed') {
    return (
      <MessageBar intent="warning" layout="multiline" data-testid="disk-changed">
        <MessageBarBody>
          <MessageBarTitle>{baseName(path)} changed on disk</MessageBarTitle>
          Another program changed this file while you have unsaved edits here.{' '}
          <Link as="button" onClick={() => setCompare({ path, versionId: DISK })}>
            Compare
          </Link>
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onReload} data-testid="reload-from-disk">
            Reload from disk
          </Button>
          <Button onClick={onKeepMine} data-testid="keep-mine">
            Keep my version
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
  if (disk?.kind === 'deleted') {
    return (
      <MessageBar intent="warning" data-testid="disk-deleted">
        <MessageBarBody>
          <MessageBarTitle>{baseName(path)} was deleted on disk</MessageBarTitle>
          Save to write it again, or close it.
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onClose}>Close file</Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
  if (notice) {
    return (
      <MessageBar intent={notice.intent} key={notice.seq} data-testid="editor-notice">
        <MessageBarBody>{notice.text}</MessageBarBody>
        <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={dismissNotice} />} />
      </MessageBar>
    );
  }
  return null;
}
