import { Button, Caption1, makeStyles, mergeClasses, Spinner, Text, tokens } from '@fluentui/react-components';
import { ArrowCounterclockwiseRegular, ArrowRightRegular, BranchCompareRegular, DismissRegular } from '@fluentui/react-icons';
import { DiffEditor } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { HostButton } from '../../../app/HostButton';
import type { HistoryVersion, WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { languageOf } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { useFile, useVersions, useVersionText } from '../queries';
import { fileUri } from './models';
import { BASE_OPTIONS, monaco } from './monaco-setup';
import { useElementWidth } from './use-element-size';
import { useThemeMode } from './use-theme-mode';
import { describeVersion } from './version-labels';

const useStyles = makeStyles({
  root: { display: 'grid', gridTemplateRows: 'auto minmax(0, 1fr)', gridTemplateColumns: 'minmax(0, 1fr)', height: '100%', minHeight: 0, overflow: 'hidden' },
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    minHeight: '40px',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS} ${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorBrandBackground2,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  icon: { display: 'flex', fontSize: '18px', color: tokens.colorBrandForeground1, flexShrink: 0 },
  texts: { display: 'flex', flexDirection: 'column', minWidth: 0, flex: 1 },
  line: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, minWidth: 0, whiteSpace: 'nowrap' },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis' },
  muted: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  arrow: { color: tokens.colorNeutralForeground3, flexShrink: 0 },
  button: { whiteSpace: 'nowrap', flexShrink: 0 },
});

/** Below this width of the comparison, the two texts are shown inline (one column). */
const INLINE_BELOW = 900;

/** The id of the pseudo-version "what is on disk now" (compared when the disk changed under a dirty buffer). */
export const DISK = 'disk';

/**
 * A saved version (left, read-only) against the editor's current text (right, editable, unsaved edits
 * included). The right side is the file's own model, so edits made here are edits of the file.
 */
export function CompareView({ workspace, path, versionId, onRestore }: { workspace: WorkspaceInfo; path: string; versionId: string; onRestore: (version: HistoryVersion, label: string) => void }) {
  const styles = useStyles();
  const root = useRef<HTMLDivElement>(null);
  const width = useElementWidth(root);
  // Monaco shows the two versions inline below this width: the legend must say so.
  const inline = width > 0 && width < INLINE_BELOW;
  const originalPath = `gatehouse-version:/${versionId}/${path}`;
  useEffect(
    () => () => {
      setTimeout(() => monaco.editor.getModel(monaco.Uri.parse(originalPath))?.dispose(), 0);
    },
    [originalPath],
  );
  const mode = useThemeMode();
  const versions = useVersions(workspace.root, path);
  const disk = useFile(workspace.root, path);
  const version = versions.data?.find((v) => v.id === versionId);
  const text = useVersionText(workspace.root, path, versionId === DISK ? undefined : versionId);
  const original = versionId === DISK ? disk.data?.text : text.data;
  const label = versionId === DISK ? { when: 'now', what: 'On disk', size: '' } : version ? describeVersion(version) : undefined;

  return (
    // `nokey`: see CodeEditor (the route graph must not take Space and Backspace from the diff editor).
    <div ref={root} className={mergeClasses(styles.root, 'nokey')} data-testid="compare-view" data-inline={inline ? 'true' : 'false'}>
      <div className={styles.bar}>
        <span className={styles.icon}>
          <BranchCompareRegular />
        </span>
        <span className={styles.texts}>
          <span className={styles.line}>
            <Text weight="semibold" className={styles.ellipsis}>
              {label ? `${label.what}, ${label.when}` : '…'}
            </Text>
            <ArrowRightRegular className={styles.arrow} />
            <Text weight="semibold">Editor</Text>
          </span>
          <Caption1 className={styles.muted} data-testid="compare-legend">
            {inline ? 'Inline (the window is narrow): removed lines are this version, added lines your editor' : 'Left: this version, read-only · Right: your editor'}
          </Caption1>
        </span>
        {version && (
          <HostButton size="small" appearance="primary" className={styles.button} icon={<ArrowCounterclockwiseRegular />} onClick={() => onRestore(version, describeVersion(version).when)} data-testid="compare-restore">
            Restore
          </HostButton>
        )}
        <Button size="small" appearance="subtle" className={styles.button} icon={<DismissRegular />} onClick={() => useManifests.getState().setCompare(null)} data-testid="compare-close">
          Close
        </Button>
      </div>
      {original === undefined ? (
        <Spinner size="small" label="Reading the version…" />
      ) : (
        <DiffEditor
          key={versionId}
          original={original}
          originalModelPath={originalPath}
          modifiedModelPath={fileUri(workspace.root, path).toString()}
          keepCurrentModifiedModel
          // Kept, then disposed once the diff editor is gone (see below): disposed first, Monaco throws.
          keepCurrentOriginalModel
          language={languageOf(path)}
          theme={mode === 'dark' ? 'gatehouse-dark' : 'gatehouse-light'}
          options={{ ...BASE_OPTIONS, renderSideBySide: true, renderSideBySideInlineBreakpoint: INLINE_BELOW, useInlineViewWhenSpaceIsLimited: true, originalEditable: false, readOnly: false, renderOverviewRuler: false, ignoreTrimWhitespace: false }}
          loading={<Spinner size="small" />}
          onMount={(editor) => {
            // Open on the first difference, not on line 1 of two identical-looking texts.
            const once = editor.onDidUpdateDiff(() => {
              const first = editor.getLineChanges()?.[0];
              if (!first) return;
              once.dispose();
              const line = Math.max(1, first.modifiedStartLineNumber || first.originalStartLineNumber);
              // Near the top, with two lines of context: still in view when the editor grows after this first
              // diff (centring in a viewport that is not laid out yet scrolled the change out of sight).
              editor.getModifiedEditor().revealLineNearTop(Math.max(1, line - 2));
              editor.getModifiedEditor().setPosition({ lineNumber: line, column: 1 });
            });
          }}
        />
      )}
    </div>
  );
}
