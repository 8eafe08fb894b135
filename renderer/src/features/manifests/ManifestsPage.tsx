import { Body1, Button, Caption1, Card, CardHeader, makeStyles, mergeClasses, Spinner, Subtitle2, Text, Title2, tokens, Tooltip } from '@fluentui/react-components';
import { AddRegular, DocumentBulletListRegular, FolderOpenRegular, PanelLeftExpandRegular } from '@fluentui/react-icons';
import { lazy, Suspense, useEffect, useRef } from 'react';
import type { WorkspaceInfo } from '../../../../shared/ipc/workspace.contract';
import { useDraftStore } from './drafts/drafts-context';
import { Explorer } from './Explorer';
import { useManifests } from './manifests-store';
import { NewSolutionForm } from './NewSolutionForm';
import { OpenFolderForm } from './OpenFolderForm';
import { useCurrentWorkspace, useTree, useWorkspaceEvents } from './queries';
import { WorkspaceHeader } from './WorkspaceHeader';

const loadWorkbench = () => import('./editor/Workbench');
const Workbench = lazy(loadWorkbench);

const useStyles = makeStyles({
  page: { display: 'grid', gridTemplateRows: 'auto minmax(0, 1fr)', gap: tokens.spacingVerticalL, height: '100%', minHeight: '480px' },
  body: {
    display: 'grid',
    gridTemplateColumns: '260px minmax(0, 1fr)',
    '@media (max-width: 1279px)': { gridTemplateColumns: '220px minmax(0, 1fr)' },
    minHeight: 0,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    overflow: 'hidden',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  // The explorer folded away: a rail with the button that brings it back.
  bodyFolded: { gridTemplateColumns: '40px minmax(0, 1fr)', '@media (max-width: 1279px)': { gridTemplateColumns: '40px minmax(0, 1fr)' } },
  explorer: { borderRight: `1px solid ${tokens.colorNeutralStroke2}`, minHeight: 0, minWidth: 0 },
  rail: { display: 'flex', flexDirection: 'column', alignItems: 'center', paddingTop: tokens.spacingVerticalXS, backgroundColor: tokens.colorNeutralBackground2 },
  landing: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXL, maxWidth: '1080px' },
  intro: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, maxWidth: '760px' },
  muted: { color: tokens.colorNeutralForeground3, margin: 0 },
  title: { margin: 0 },
  cards: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(380px, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  cardIcon: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    width: '40px',
    height: '40px',
    borderRadius: tokens.borderRadiusLarge,
    fontSize: '22px',
    color: tokens.colorBrandForeground1,
    backgroundColor: tokens.colorBrandBackground2,
  },
  card: { padding: tokens.spacingHorizontalXL, gap: tokens.spacingVerticalL },
  empty: { display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: tokens.spacingVerticalM, height: '100%', color: tokens.colorNeutralForeground3 },
  emptyIcon: { fontSize: '48px', color: tokens.colorNeutralForeground4 },
  center: { display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%' },
});

/** The Manifests area: pick a folder (or create a solution), then browse, edit, validate and version its files. */
export function ManifestsPage() {
  const styles = useStyles();
  useWorkspaceEvents();
  const current = useCurrentWorkspace();
  if (current.isPending) return <Spinner label="Loading the workspace…" />;
  if (!current.data) return <Landing />;
  return (
    <div className={styles.page}>
      <WorkspaceHeader workspace={current.data} />
      <WorkspaceBody workspace={current.data} />
    </div>
  );
}

function WorkspaceBody({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const setRoot = useManifests((s) => s.setRoot);
  const root = useManifests((s) => s.root);
  const hasTabs = useManifests((s) => s.tabs.length > 0);
  const explorerOpen = useManifests((s) => s.explorerOpen);
  const drafts = useDraftStore();
  useEffect(() => setRoot(workspace.root), [setRoot, workspace.root]);
  // Unsaved edits left by a reload, a crash or a restart come back: their files open (the editor restores them).
  useEffect(() => {
    const store = useManifests.getState();
    if (root !== workspace.root || store.tabs.length > 0) return;
    for (const draft of drafts.list(root)) store.openFile(draft.path);
  }, [root, workspace.root, drafts]);
  // Start fetching the editor while the user looks at the tree.
  useEffect(() => void loadWorkbench(), []);
  if (root !== workspace.root) return null;
  return (
    <div className={mergeClasses(styles.body, !explorerOpen && styles.bodyFolded)}>
      <div className={mergeClasses(styles.explorer, !explorerOpen && styles.rail)}>
        {explorerOpen ? (
          <Explorer workspace={workspace} />
        ) : (
          <Tooltip content="Show the explorer" relationship="label" positioning="after">
            <Button appearance="subtle" icon={<PanelLeftExpandRegular />} onClick={() => useManifests.getState().setExplorerOpen(true)} data-testid="explorer-show" />
          </Tooltip>
        )}
      </div>
      {hasTabs ? (
        <Suspense fallback={<Spinner className={styles.center} label="Loading the editor…" />}>
          <Workbench workspace={workspace} />
        </Suspense>
      ) : (
        <NoFileOpen workspace={workspace} />
      )}
    </div>
  );
}

function NoFileOpen({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const tree = useTree(workspace.root);
  const openFile = useManifests((s) => s.openFile);
  const manifest = tree.data?.entries.find((e) => e.kind === 'file' && /(^|\/)deployment[^/]*\.json$/i.test(e.path));
  return (
    <div className={styles.empty}>
      <DocumentBulletListRegular className={styles.emptyIcon} />
      <Text size={400} weight="semibold">
        Open a file from the explorer
      </Text>
      <Body1>Deployment manifests are checked as you type; every save keeps a version you can compare and restore.</Body1>
      {manifest && (
        <Button appearance="primary" onClick={() => openFile(manifest.path)}>
          Open {manifest.path}
        </Button>
      )}
    </div>
  );
}

function Landing() {
  const styles = useStyles();
  const ref = useRef<HTMLDivElement>(null);
  const folderAction = useManifests((s) => s.folderAction);
  // The palette's "Open a folder…" / "New solution…": both forms are here, the asked one gets the focus.
  useEffect(() => {
    if (!folderAction) return;
    const field = folderAction.action === 'open-folder' ? 'folder-path' : 'solution-name';
    ref.current?.querySelector<HTMLElement>(`[data-testid="${field}"] input, input[data-testid="${field}"]`)?.focus();
    useManifests.getState().consumeFolderAction();
  }, [folderAction]);
  return (
    <div className={styles.landing} data-testid="manifests-landing" ref={ref}>
      <div className={styles.intro}>
        <Title2 as="h1" className={styles.title}>
          Manifests
        </Title2>
        <Body1 className={styles.muted} as="p">
          Work on an IoT Edge solution folder (the VS Code IoT Edge layout: deployment.template.json, modules/*/module.json, .env). Everything stays on this
          machine and works offline.
        </Body1>
      </div>
      <div className={styles.cards}>
        <Card className={styles.card}>
          <CardHeader
            image={
              <span className={styles.cardIcon}>
                <FolderOpenRegular />
              </span>
            }
            header={<Subtitle2 as="h2">Open a folder</Subtitle2>}
            description={<Caption1>An existing solution, or any folder with deployment manifests.</Caption1>}
          />
          <OpenFolderForm />
        </Card>
        <Card className={styles.card}>
          <CardHeader
            image={
              <span className={styles.cardIcon}>
                <AddRegular />
              </span>
            }
            header={<Subtitle2 as="h2">New solution from a template</Subtitle2>}
            description={<Caption1>A ready-to-run solution with real IoT Edge manifests.</Caption1>}
          />
          <NewSolutionForm />
        </Card>
      </div>
    </div>
  );
}
