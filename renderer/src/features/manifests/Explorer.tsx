import { Button, Caption1, Caption1Strong, CounterBadge, makeStyles, mergeClasses, Spinner, Text, tokens, Tooltip, Tree, TreeItem, TreeItemLayout, type TreeItemValue } from '@fluentui/react-components';
import { ArrowSyncRegular, BoxRegular, BracesRegular, CircleFilled, CodeRegular, DocumentRegular, FolderOpenRegular, FolderRegular, KeyRegular, PanelLeftContractRegular, RocketRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { WorkspaceInfo } from '../../../../shared/ipc/workspace.contract';
import { HostButton } from '../../app/HostButton';
import { ancestorsOf, buildTree, fileKind, type FileKind, type TreeNode } from './file-kinds';
import { useManifests } from './manifests-store';
import { useTree, workspaceKeys } from './queries';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', minHeight: 0, height: '100%', backgroundColor: tokens.colorNeutralBackground2 },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS} ${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  title: { flex: 1, minWidth: 0, textTransform: 'uppercase', letterSpacing: '0.04em', color: tokens.colorNeutralForeground3 },
  scroll: { flex: 1, overflow: 'auto', padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalXS}` },
  item: { borderRadius: tokens.borderRadiusMedium },
  active: {
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    color: tokens.colorNeutralForeground1Selected,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundSelected },
  },
  manifestIcon: { color: tokens.colorBrandForeground1 },
  dirty: { color: tokens.colorNeutralForeground2, fontSize: '8px' },
  // One line per file: a long name ends in an ellipsis (the full path is its tooltip).
  name: { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 },
  main: { minWidth: 0, overflow: 'hidden' },
  aside: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  note: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground3 },
});

const ICONS: Record<FileKind, ReactElement> = {
  manifest: <RocketRegular />,
  json: <BracesRegular />,
  env: <KeyRegular />,
  dockerfile: <BoxRegular />,
  code: <CodeRegular />,
  text: <DocumentRegular />,
};

/** The solution's relevant files as a tree; a click opens the file in the editor. */
export function Explorer({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const tree = useTree(workspace.root);
  const queryClient = useQueryClient();
  const nodes = useMemo(() => buildTree(tree.data?.entries ?? []), [tree.data]);
  const active = useManifests((s) => s.active);
  const buffers = useManifests((s) => s.buffers);
  const kinds = useManifests((s) => s.kinds);
  const counts = useManifests((s) => s.counts);
  const openFile = useManifests((s) => s.openFile);
  const [open, setOpen] = useState<Set<TreeItemValue>>(new Set());
  const [seeded, setSeeded] = useState(false);

  // Folders start open (solutions are small); the active file's folders are always opened.
  useEffect(() => {
    if (seeded || !tree.data) return;
    setOpen(new Set(tree.data.entries.filter((e) => e.kind === 'directory').map((e) => e.path)));
    setSeeded(true);
  }, [seeded, tree.data]);
  useEffect(() => {
    if (active) setOpen((current) => (ancestorsOf(active).every((a) => current.has(a)) ? current : new Set([...current, ...ancestorsOf(active)])));
  }, [active]);

  // An open file's errors (or warnings) as a badge, its unsaved edits as a dot.
  const aside = (path: string): ReactElement | undefined => {
    const found = counts[path];
    const dirty = buffers[path]?.dirty;
    if (!dirty && !found?.errors && !found?.warnings) return undefined;
    return (
      <span className={styles.aside}>
        {found && found.errors > 0 ? (
          <CounterBadge size="small" color="danger" count={found.errors} aria-label={`${found.errors} error${found.errors === 1 ? '' : 's'}`} data-testid="tree-errors" />
        ) : found && found.warnings > 0 ? (
          <CounterBadge size="small" color="important" appearance="ghost" count={found.warnings} aria-label={`${found.warnings} warning${found.warnings === 1 ? '' : 's'}`} data-testid="tree-warnings" />
        ) : null}
        {dirty && <CircleFilled className={styles.dirty} aria-label="unsaved changes" />}
      </span>
    );
  };

  const render = (node: TreeNode): ReactElement => {
    if (node.kind === 'directory') {
      return (
        <TreeItem key={node.path} value={node.path} itemType="branch" data-testid={`tree-${node.path}`}>
          <TreeItemLayout className={styles.item} iconBefore={open.has(node.path) ? <FolderOpenRegular /> : <FolderRegular />}>
            {node.name}
          </TreeItemLayout>
          <Tree>{node.children.map(render)}</Tree>
        </TreeItem>
      );
    }
    // An opened file is what its content says (a deployment named manifest.json gets the manifest icon).
    const judged = kinds[node.path];
    const kind: FileKind = judged !== undefined && judged !== 'unknown' ? 'manifest' : fileKind(node.path);
    return (
      <TreeItem key={node.path} value={node.path} itemType="leaf" onClick={() => openFile(node.path)} aria-current={active === node.path ? 'true' : undefined} data-testid={`tree-${node.path}`}>
        <TreeItemLayout
          className={mergeClasses(styles.item, active === node.path && styles.active)}
          iconBefore={<span className={kind === 'manifest' ? styles.manifestIcon : undefined}>{ICONS[kind]}</span>}
          aside={aside(node.path)}
          main={{ className: styles.main }}
        >
          <span className={styles.name} title={node.path}>
            {node.name}
          </span>
        </TreeItemLayout>
      </TreeItem>
    );
  };

  return (
    <nav className={styles.root} aria-label="Workspace files" data-testid="file-tree">
      <div className={styles.header}>
        <Caption1Strong className={styles.title}>
          Explorer
        </Caption1Strong>
        <Tooltip content="Refresh" relationship="label">
          <HostButton appearance="subtle" size="small" icon={<ArrowSyncRegular />} onClick={() => void queryClient.invalidateQueries({ queryKey: workspaceKeys.tree(workspace.root) })} />
        </Tooltip>
        <Tooltip content="Hide the explorer (more room for the text)" relationship="label">
          <Button appearance="subtle" size="small" icon={<PanelLeftContractRegular />} onClick={() => useManifests.getState().setExplorerOpen(false)} data-testid="explorer-hide" />
        </Tooltip>
      </div>
      <div className={styles.scroll}>
        {tree.isPending && <Spinner size="tiny" label="Reading the folder…" />}
        {tree.isError && <Text className={styles.note}>Could not list the folder: {tree.error.message}</Text>}
        {tree.data && nodes.length === 0 && <Text className={styles.note}>No manifests, module.json, .env or module sources here.</Text>}
        <Tree aria-label="Files" size="small" openItems={open} onOpenChange={(_e, data) => setOpen(new Set(data.openItems))}>
          {nodes.map(render)}
        </Tree>
        {tree.data?.truncated && <Caption1 className={styles.note}>Only the first files are listed: this folder is large.</Caption1>}
      </div>
    </nav>
  );
}
