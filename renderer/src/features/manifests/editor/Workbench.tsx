import { makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { ErrorCircleRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { ContributedCommand } from '../../../app/commands';
import { useContributeCommands } from '../../../app/use-commands';
import type { ExpandDiagnostic, WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { errorCode, errorMessage } from '../errors';
import { baseName, dotEnvBeside, mayBeManifest, templateEnv } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { useFile, useWorkspaceClient } from '../queries';
import { CodeEditor } from './CodeEditor';
import { CompareView } from './CompareView';
import { DiskChangeBar } from './DiskChangeBar';
import { EditorTabs } from './EditorTabs';
import { HistoryPanel } from './HistoryPanel';
import { disposeModelsExcept, fileUri } from './models';
import { monaco } from './monaco-setup';
import { ModulesPanel } from './modules/ModulesPanel';
import { ProblemsPanel } from './ProblemsPanel';
import { RoutesPanel } from './RoutesPanel';
import { useDraftStore } from '../drafts/drafts-context';
import { useDraftKeeper } from './use-draft-keeper';
import { useEditorActions } from './use-editor-actions';
import { useFileModel } from './use-file-model';
import { sidePanelBounds, sidePanelWidth } from './panel-sizes';
import { ResizeGrip } from './ResizeGrip';
import { useElementWidth } from './use-element-size';
import { useProblems, type ExpandCheck } from './use-problems';

const useStyles = makeStyles({
  // The toolbar spans the editor and the side panel, so its buttons keep their room when a panel opens.
  root: { display: 'grid', gridTemplateRows: 'auto minmax(0, 1fr)', gridTemplateColumns: 'minmax(0, 1fr)', minHeight: 0, minWidth: 0 },
  toolbar: { gridColumn: '1 / -1' },
  column: { display: 'flex', flexDirection: 'column', minHeight: 0, minWidth: 0, overflow: 'hidden' },
  side: { position: 'relative', minHeight: 0, minWidth: 0, display: 'grid' },
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
  const kind = useManifests((s) => (s.active ? s.kinds[s.active] : undefined));
  // Decided by the content (use-problems judges every open JSON file), not by the name.
  const manifest = active !== null && kind !== undefined;
  // Routes and Modules are for manifests; on another file only History shows.
  const side = panel === 'history' || (manifest && panel !== null) ? panel : null;
  const actions = useEditorActions(workspace);
  const drafts = useDraftStore();
  useDraftKeeper(workspace.root);
  const save = useRef(actions.save);
  save.current = actions.save;

  useEffect(() => disposeModelsExcept(workspace.root, tabs), [workspace.root, tabs]);
  useEditorCommands(workspace, active, kind, actions);
  // The side panel gives way to the text (README: Layout): its chosen width, as far as the text keeps 400 px.
  const rootRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(rootRef);
  const chosen = useManifests((s) => (side ? s.sizes[side] : 0));
  const sideWidth = side ? sidePanelWidth(chosen, width || 1440) : 0;

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
    <div ref={rootRef} className={styles.root} style={side ? { gridTemplateColumns: `minmax(0, 1fr) ${sideWidth}px` } : undefined} data-testid="workbench">
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
          <ResizeGrip edge="left" size={sideWidth} bounds={() => sidePanelBounds(width)} onSize={(size) => useManifests.getState().setSize(side, size)} label={`Resize the ${side === 'history' ? 'history' : 'modules'} panel`} testId="side-panel-grip" />
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
  const client = useWorkspaceClient();
  // What Apply would do first with a template: the host expands it with the folder's .env and module.json files.
  const expand = useCallback<ExpandCheck>(
    async (text) => {
      const result = await client.expandTemplate({ path, text });
      if (result.ok || result.error.code !== 'INVALID_MANIFEST') return [];
      const listed = (result.error.details as { diagnostics?: ExpandDiagnostic[] } | undefined)?.diagnostics;
      return listed?.length ? listed : [{ code: '', severity: 'error', message: result.error.message, line: 1, column: 1, pointer: '' }];
    },
    [client, path],
  );
  // A template is checked with the variables of the .env beside it (as `gatehouse validate` does): unset ones are problems.
  const dotEnv = useFile(workspace.root, dotEnvBeside(path), mayBeManifest(path));
  const env = useMemo(() => templateEnv(dotEnv.data?.text), [dotEnv.data?.text]);
  const { problems, kind } = useProblems(model, path, expand, env);

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

/** The open file's actions in the command palette (Ctrl+K, also from inside the editor). */
function useEditorCommands(workspace: WorkspaceInfo, active: string | null, kind: string | undefined, actions: ReturnType<typeof useEditorActions>): void {
  const routesOpen = useManifests((s) => s.routesOpen);
  const panel = useManifests((s) => s.panel);
  const apply = actions.apply;
  const save = useRef(actions.save);
  save.current = actions.save;
  const commands = useMemo((): ContributedCommand[] => {
    if (!active) return [];
    const name = baseName(active);
    const store = () => useManifests.getState();
    const manifest = kind !== undefined;
    const list: ContributedCommand[] = [
      { id: 'editor.save', title: `Save ${name}`, group: 'Editor', hint: 'Ctrl+S', needsHost: true, run: () => void save.current(active) },
      {
        id: 'editor.validate',
        title: `Validate ${name}: show its problems`,
        group: 'Editor',
        keywords: 'check problems errors diagnostics verdict',
        run: () => {
          store().setProblemsOpen(true);
          // After the panel has rendered: the first problem, or the panel saying there is none.
          setTimeout(() => (document.querySelector<HTMLElement>('[data-testid="problem"]') ?? document.querySelector<HTMLElement>('[data-testid="problems-panel"]'))?.focus(), 0);
        },
      },
      {
        id: 'editor.history',
        title: panel === 'history' ? 'Hide the history' : `Show the history of ${name}`,
        group: 'Editor',
        keywords: 'versions compare restore',
        run: () => store().togglePanel('history'),
      },
      {
        id: 'editor.tabFocus',
        title: 'Editor: Tab key moves the focus / inserts a tab',
        group: 'Editor',
        hint: 'Ctrl+M',
        keywords: 'keyboard accessibility trap focus',
        run: () => {
          const uri = fileUri(workspace.root, active).toString();
          const editor = monaco.editor.getEditors().find((e) => e.getModel()?.uri.toString() === uri);
          editor?.focus();
          editor?.trigger('palette', 'editor.action.toggleTabFocusMode', null);
        },
      },
    ];
    if (manifest) {
      list.push(
        { id: 'editor.routes', title: routesOpen ? 'Hide the route graph' : `Show the routes of ${name} as a graph`, group: 'Editor', keywords: 'edgehub graph', run: () => store().toggleRoutes() },
        { id: 'editor.modules', title: panel === 'modules' ? 'Hide the modules form' : `Show the modules of ${name} as a form`, group: 'Editor', keywords: 'edgeagent form', run: () => store().togglePanel('modules') },
      );
    }
    if (kind === 'deployment' || kind === 'template') {
      list.unshift({ id: 'editor.apply', title: `Apply ${name} to the local runtime…`, group: 'Editor', keywords: 'deploy run plan preview', needsHost: true, run: () => apply(active) });
    }
    return list;
  }, [workspace.root, active, kind, routesOpen, panel, apply]);
  useContributeCommands('editor', commands);
}
