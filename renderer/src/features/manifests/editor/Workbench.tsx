import { makeStyles, mergeClasses, Spinner, Text, tokens } from '@fluentui/react-components';
import { ErrorCircleRegular } from '@fluentui/react-icons';
import { useEffect, useRef, type ReactNode } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { errorCode, errorMessage } from '../errors';
import { isManifestPath } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { CodeEditor } from './CodeEditor';
import { CompareView } from './CompareView';
import { DiskChangeBar } from './DiskChangeBar';
import { EditorTabs } from './EditorTabs';
import { HistoryPanel } from './HistoryPanel';
import { disposeModelsExcept } from './models';
import { ModulesPanel } from './modules/ModulesPanel';
import './monaco-setup';
import { ProblemsPanel } from './ProblemsPanel';
import { RoutesPanel } from './RoutesPanel';
import { useDraftStore } from '../drafts/drafts-context';
import { useDraftKeeper } from './use-draft-keeper';
import { useEditorActions } from './use-editor-actions';
import { useFileModel } from './use-file-model';
import { useProblems } from './use-problems';

const useStyles = makeStyles({
  // The toolbar spans the editor and the side panel, so its buttons keep their room when a panel opens.
  root: { display: 'grid', gridTemplateRows: 'auto minmax(0, 1fr)', gridTemplateColumns: 'minmax(0, 1fr)', minHeight: 0, minWidth: 0 },
  withHistory: { gridTemplateColumns: 'minmax(0, 1fr) 300px' },
  withModules: { gridTemplateColumns: 'minmax(0, 1fr) 400px' },
  toolbar: { gridColumn: '1 / -1' },
  column: { display: 'flex', flexDirection: 'column', minHeight: 0, minWidth: 0, overflow: 'hidden' },
  side: { minHeight: 0, minWidth: 0, display: 'grid' },
  editor: { flex: 1, minHeight: 0, minWidth: 0, position: 'relative', overflow: 'hidden' },
  message: { display: 'flex', alignItems: 'center', justifyContent: 'center', gap: tokens.spacingHorizontalS, height: '100%', color: tokens.colorNeutralForeground3 },
});

/**
 * The editing side of the Manifests area (loaded lazily, with Monaco): tabs and toolbar, the editor or a
 * comparison, its route graph and its problems, and one side panel: its history or its modules form.
 */
export default function Workbench({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const active = useManifests((s) => s.active);
  const tabs = useManifests((s) => s.tabs);
  const compare = useManifests((s) => s.compare);
  const panel = useManifests((s) => s.panel);
  const routesOpen = useManifests((s) => s.routesOpen);
  const manifest = active !== null && isManifestPath(active);
  // Routes and Modules are for manifests; on another file only History shows.
  const side = panel === 'history' || (manifest && panel !== null) ? panel : null;
  const actions = useEditorActions(workspace);
  const drafts = useDraftStore();
  useDraftKeeper(workspace.root);
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
    <div className={mergeClasses(styles.root, side === 'history' && styles.withHistory, side === 'modules' && styles.withModules)}>
      <div className={styles.toolbar}>
        <EditorTabs workspace={workspace} />
      </div>
      <div className={styles.column}>
        <DiskChangeBar
          path={active}
          onReload={() => actions.reload(active)}
          onKeepMine={() => actions.keepMine(active)}
          onClose={() => {
            useManifests.getState().closeFile(active);
            disposeModelsExcept(workspace.root, useManifests.getState().tabs);
            drafts.remove(workspace.root, active);
          }}
        />
        <ActiveFile
          workspace={workspace}
          path={active}
          comparing={compare?.path === active ? compare.versionId : undefined}
          actions={actions}
          routes={manifest && routesOpen ? <RoutesPanel workspace={workspace} path={active} /> : null}
        />
      </div>
      {side && (
        <div className={styles.side}>
          {side === 'history' && <HistoryPanel workspace={workspace} path={active} onRestore={(version, label) => actions.restore({ path: active, id: version.id, label })} />}
          {side === 'modules' && <ModulesPanel key={active} workspace={workspace} path={active} />}
        </div>
      )}
    </div>
  );
}

interface ActiveFileProps {
  readonly workspace: WorkspaceInfo;
  readonly path: string;
  readonly comparing?: string;
  readonly actions: ReturnType<typeof useEditorActions>;
  /** The route graph, between the text and its problems. */
  readonly routes: ReactNode;
}

function ActiveFile({ workspace, path, comparing, actions, routes }: ActiveFileProps) {
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
      {routes}
      <ProblemsPanel path={path} problems={problems} kind={kind} onFix={(p) => p.fix && actions.fix(path, p.fix)} />
    </>
  );
}
