import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { workspaceContract, type ContractClient } from '../../../../shared/ipc';
import type { FileContent, FileChangedEvent, WorkspaceInfo } from '../../../../shared/ipc/workspace.contract';
import { createClient, subscribeEvent, unwrap } from '../../ipc/client';
import { useHost } from '../../ipc/host';
import { useSettings, useUpdateSettings } from '../settings';
import { useManifests } from './manifests-store';

export type WorkspaceClient = ContractClient<typeof workspaceContract>;

/** One key factory for the workspace: everything under a folder's root is dropped when another folder opens. */
export const workspaceKeys = {
  all: ['workspace'] as const,
  current: () => [...workspaceKeys.all, 'current'] as const,
  templates: () => [...workspaceKeys.all, 'templates'] as const,
  folder: (root: string) => [...workspaceKeys.all, 'folder', root] as const,
  tree: (root: string) => [...workspaceKeys.folder(root), 'tree'] as const,
  file: (root: string, path: string) => [...workspaceKeys.folder(root), 'file', path] as const,
  versions: (root: string, path: string) => [...workspaceKeys.folder(root), 'versions', path] as const,
  version: (root: string, path: string, id: string) => [...workspaceKeys.folder(root), 'version', path, id] as const,
};

const RECENT_LIMIT = 10;

export function useWorkspaceClient(): WorkspaceClient {
  const { transport } = useHost();
  return useMemo(() => createClient(workspaceContract, transport), [transport]);
}

export function useCurrentWorkspace() {
  const workspace = useWorkspaceClient();
  return useQuery({ queryKey: workspaceKeys.current(), queryFn: async () => (await unwrap(workspace.current({}))).workspace });
}

export function useTemplates() {
  const workspace = useWorkspaceClient();
  return useQuery({ queryKey: workspaceKeys.templates(), queryFn: () => unwrap(workspace.listTemplates({})) });
}

export function useTree(root: string) {
  const workspace = useWorkspaceClient();
  return useQuery({ queryKey: workspaceKeys.tree(root), queryFn: () => unwrap(workspace.listTree({})) });
}

export function useFile(root: string, path: string, enabled = true) {
  const workspace = useWorkspaceClient();
  return useQuery({ queryKey: workspaceKeys.file(root, path), queryFn: () => unwrap(workspace.readFile({ path })), retry: false, enabled });
}

export function useVersions(root: string, path: string) {
  const workspace = useWorkspaceClient();
  return useQuery({ queryKey: workspaceKeys.versions(root, path), queryFn: () => unwrap(workspace.listVersions({ path })) });
}

export function useVersionText(root: string, path: string, id: string | undefined) {
  const workspace = useWorkspaceClient();
  return useQuery({
    queryKey: workspaceKeys.version(root, path, id ?? ''),
    queryFn: async () => (await unwrap(workspace.readVersion({ path, id: id ?? '' }))).text,
    enabled: id !== undefined,
  });
}

/** After a folder opens: it becomes current and goes to the top of the recent folders. */
function useAfterOpen() {
  const queryClient = useQueryClient();
  const settings = useSettings();
  const updateSettings = useUpdateSettings();
  return (info: WorkspaceInfo) => {
    queryClient.setQueryData(workspaceKeys.current(), info);
    const recent = settings.data?.recentFolders ?? [];
    const next = [info.root, ...recent.filter((folder) => folder !== info.root)].slice(0, RECENT_LIMIT);
    if (next.join('\n') !== recent.join('\n')) updateSettings.mutate({ recentFolders: next });
  };
}

export function useOpenFolder() {
  const workspace = useWorkspaceClient();
  const afterOpen = useAfterOpen();
  return useMutation({ mutationFn: (path: string) => unwrap(workspace.open({ path })), onSuccess: afterOpen });
}

export function useCreateSolution() {
  const workspace = useWorkspaceClient();
  const afterOpen = useAfterOpen();
  return useMutation({
    mutationFn: (input: { template: string; parent: string; name: string; createParent?: boolean }) => unwrap(workspace.createFromTemplate(input)),
    onSuccess: afterOpen,
  });
}

export function useCloseFolder() {
  const workspace = useWorkspaceClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(workspace.close({})),
    onSuccess: () => queryClient.setQueryData(workspaceKeys.current(), null),
  });
}

/** Forget recent folders that no longer exist (the picker offers to). */
export function useForgetRecent() {
  const settings = useSettings();
  const updateSettings = useUpdateSettings();
  return (folder: string) => updateSettings.mutate({ recentFolders: (settings.data?.recentFolders ?? []).filter((f) => f !== folder) });
}

/** What a save or restore put on disk goes into the cache directly: the editor sees no change to reload. */
export function rememberFile(queryClient: QueryClient, root: string, file: FileContent): void {
  queryClient.setQueryData(workspaceKeys.file(root, file.path), file);
  void queryClient.invalidateQueries({ queryKey: workspaceKeys.versions(root, file.path) });
}

/**
 * The one subscription of the feature: `opened` replaces the current folder, `fileChanged` refreshes the tree,
 * the history and the file (the editor then reloads a clean buffer or asks about a dirty one).
 */
export function useWorkspaceEvents(): void {
  const { transport } = useHost();
  const queryClient = useQueryClient();
  useEffect(() => {
    // Events are not buffered while the area is closed: whatever was cached may be stale now.
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.all, refetchType: 'active' });
    const offOpened = subscribeEvent(transport, workspaceContract, 'opened', ({ workspace }) => queryClient.setQueryData(workspaceKeys.current(), workspace));
    const offChanged = subscribeEvent(transport, workspaceContract, 'fileChanged', (event) => onFileChanged(queryClient, event));
    return () => {
      offOpened();
      offChanged();
    };
  }, [transport, queryClient]);
}

function onFileChanged(queryClient: QueryClient, event: FileChangedEvent): void {
  const current = queryClient.getQueryData<WorkspaceInfo | null>(workspaceKeys.current());
  if (!current || current.root !== event.root) return;
  const { root, path } = event;
  if (event.change !== 'modified') void queryClient.invalidateQueries({ queryKey: workspaceKeys.tree(root) });
  void queryClient.invalidateQueries({ queryKey: workspaceKeys.versions(root, path) });
  if (event.change === 'deleted') {
    useManifests.getState().markDeleted(path);
    return;
  }
  if (useManifests.getState().buffers[path]?.saving) return; // our own save or restore: its result updates the cache
  const cached = queryClient.getQueryData<FileContent>(workspaceKeys.file(root, path));
  if (cached?.version !== event.version) void queryClient.invalidateQueries({ queryKey: workspaceKeys.file(root, path) });
  else useManifests.getState().markPresent(path);
}
