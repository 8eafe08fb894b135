import { Button, Link, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { localTime } from '../../../app/format-time';
import { baseName } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { DISK } from './CompareView';

const NOTICE_MS = 5000;

/**
 * What happened to the active file elsewhere, and the choices it leaves: a change on disk under unsaved edits
 * (compare, reload, keep mine), a deletion (save recreates), unsaved edits restored from a draft after a reload
 * or a crash (keep them, or discard them), or a passing note (reloaded, restored, errors).
 */
export function DiskChangeBar({ path, onReload, onKeepMine, onClose }: { path: string; onReload: () => void; onKeepMine: () => void; onClose: () => void }) {
  const disk = useManifests((s) => s.buffers[path]?.disk);
  const restored = useManifests((s) => s.buffers[path]?.restored);
  const notice = useManifests((s) => (s.notice?.path === path ? s.notice : null));
  const { setCompare, dismissNotice, dismissRestored } = useManifests.getState();
  const name = baseName(path);
  const when = restored === undefined ? '' : localTime(restored, Date.now());

  useEffect(() => {
    if (!notice || notice.intent === 'error') return;
    const timer = setTimeout(() => dismissNotice(), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, dismissNotice]);

  if (disk?.kind === 'changed') {
    return (
      <MessageBar intent="warning" layout="multiline" data-testid="disk-changed" data-restored={restored !== undefined}>
        <MessageBarBody>
          <MessageBarTitle>{restored === undefined ? `${name} changed on disk` : `Restored unsaved changes from ${when}, but ${name} changed on disk since`}</MessageBarTitle>
          {restored === undefined
            ? 'It was saved from somewhere else (another Gatehouse window or tab, or another program) while you have unsaved edits here.'
            : 'The file is no longer the version these edits started from.'}{' '}
          <Link as="button" onClick={() => setCompare({ path, versionId: DISK })} data-testid="compare-disk">
            Compare
          </Link>
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onReload} data-testid="reload-from-disk">
            {restored === undefined ? 'Reload from disk' : 'Discard my changes'}
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
          <MessageBarTitle>{restored === undefined ? `${name} was deleted on disk` : `Restored unsaved changes from ${when}, but ${name} was deleted on disk`}</MessageBarTitle>
          Save to write it again, or close it.
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onClose}>Close file</Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
  return (
    <>
      {restored !== undefined && (
        <MessageBar intent="info" data-testid="draft-restored">
          <MessageBarBody>
            <MessageBarTitle>Restored unsaved changes from {when}</MessageBarTitle>
            They had not been saved when this page was last closed or reloaded.
          </MessageBarBody>
          <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={() => dismissRestored(path)} />}>
            <Button onClick={onReload} data-testid="discard-draft">
              Discard
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {notice && (
        <MessageBar intent={notice.intent} key={notice.seq} data-testid="editor-notice">
          <MessageBarBody>{notice.text}</MessageBarBody>
          <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={dismissNotice} />} />
        </MessageBar>
      )}
    </>
  );
}
