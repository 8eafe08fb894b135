import { makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { ErrorCircleRegular } from '@fluentui/react-icons';
import { useEffect, useRef } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { errorCode, errorMessage } from '../errors';
import { useManifests } from '../manifests-store';
import { CodeEditor } from './CodeEditor';
import { CompareView } from './CompareView';
import { DiskChangeBar } from './DiskChangeBar';
import { EditorTabs } from './EditorTabs';
import { HistoryPanel } from './HistoryPanel';
import { disposeModelsExcept } from './models';
import './monaco-setup';
import { ProblemsPanel } from './ProblemsPanel';
import { useEditorActions } from './use-editor-actions';
import { useFileModel } from './use-file-model';
import { useProblems } from './use-problems';

const useStyles = makeStyles({
  root: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) auto', minHeight: 0, minWidth: 0 },
  column: { display: 'flex', flexDirection: 'column', minHeight: 0, minWidth: 0, overflow: 'hidden' },
  history: { width: '300px', minHeight: 0, display: 'grid' },
  editor: { flex: 1, minHeight: 0, minWidth: 0, position: 'relative', overflow: 'hidden' },
  message: { display: 'flex', alignItems: 'center', justifyContent: 'center', gap: tokens.spacingHorizontalS, height: '100%', color: tokens.colorNeutralForeground3 },
});

/**
 * The editing side of the Manifests area (loaded lazily, with Monaco): tabs, the editor or a comparison,
 * problems of the open file, and its history.
 */
export default function Workbench({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const active = useManifests((s) => s.active);
  const tabs = useManifests((s) => s.tabs);
  const compare = useManifests((s) => s.compare);
  const historyOpen = useManifests((s) => s.historyOpen);
  const actions = useEditorActions(workspace);
  const save = useRef(actions.save);
  save.current = actions.save;

  useEffect(() => disposeModelsExcept(workspace.root, tabs), [workspace.root, tabs]);

  // Ctrl/Cmd+S outside the editor (tree, panels) saves too, instead of the browser's "Save page".
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 's') return;
      event.preventDefault();
      const path = useManifests.getState().active;
      if (path) void save.current(path);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!active) return null;
  return (
    <div className={styles.root}>
      <div className={styles.column}>
        <EditorTabs workspace={workspace} />
        <DiskChangeBar
          path={active}
          onReload={() => actions.reload(active)}
          onKeepMine={() => actions.keepMine(active)}
          onClose={() => {
            useManifests.getState().closeFile(active);
            disposeModelsExcept(workspace.root, useManifests.getState().tabs);
          }}
        />
        <ActiveFile workspace={workspace} path={active} comparing={compare?.path === active ? compare.versionId : undefined} actions={actions} />
      </div>
      {historyOpen && (
        <div className={styles.history}>
          <HistoryPanel workspace={workspace} path={active} onRestore={(version, label) => actions.restore({ path: active, id: version.id, label })} />
        </div>
      )}
    </div>
  );
}

function ActiveFile({ workspace, path, comparing, actions }: { workspace: WorkspaceInfo; path: string; comparing?: string; actions: ReturnType<typeof useEditorActions> }) {
  const styles = useStyles();
  const { model, file } = useFileModel(workspace, path);
  const { problems, kind } = useProblems(model, path);

  let body;
  if (!model && file.isError) {
    body = (
      <div className={styles.message} role="alert">
        <ErrorCircleRegular />
        <Text>{errorCode(file.error) === 'NOT_FOUND' ? 'This file no longer exists.' : `Could not open this file: ${errorMessage(file.error)}`}</Text>
      </div>
    );
  } else if (!model) {
    body = <Spinner size="small" label="Opening…" />;
  } else if (comparing) {
    body = <CompareView workspace={workspace} path={path} versionId={comparing} onRestore={(version, label) => actions.restore({ path, id: version.id, label })} />;
  } else {
    body = <CodeEditor workspace={workspace} path={path} onSave={(p) => void actions.save(p)} />;
  }
  return (
    <>
      <div className={styles.editor}>{body}</div>
      <ProblemsPanel path={path} problems={problems} kind={kind} onFix={(p) => p.fix && actions.fix(path, p.fix)} />
    </>
  );
}
