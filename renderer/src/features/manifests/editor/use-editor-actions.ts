import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { QuickFix } from '../../../../../shared/manifest';
import type { ExpandDiagnostic, FileContent, WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useUi } from '../../../app/ui-store';
import { useApplyStore } from '../../runtime';
import { errorCode, errorMessage } from '../errors';
import { baseName } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { rememberFile, useWorkspaceClient, workspaceKeys } from '../queries';
import { applyFix } from './apply-fix';
import { getModel, replaceText } from './models';

const CLEAN = { kind: 'same' } as const;

/** What the editor does with a file: save, reload from disk, keep mine over a change on disk, restore, fix, apply. */
export function useEditorActions(workspace: WorkspaceInfo) {
  const { root } = workspace;
  const client = useWorkspaceClient();
  const queryClient = useQueryClient();

  const save = useMutation({
    mutationFn: async (path: string) => {
      const store = useManifests.getState();
      const model = getModel(root, path);
      const buffer = store.buffers[path];
      if (!model || !buffer) return;
      const text = model.getValue();
      const alt = model.getAlternativeVersionId();
      store.setSaving(path, true);
      const baseVersion = buffer.disk.kind === 'deleted' ? undefined : buffer.baseVersion;
      const result = await client.writeFile({ path, text, ...(baseVersion ? { baseVersion } : {}) }).finally(() => store.setSaving(path, false));
      if (result.ok) {
        rememberFile(queryClient, root, { path, text, version: result.value.version, size: result.value.size });
        store.setBuffer(path, { baseVersion: result.value.version, savedAlt: alt, dirty: model.getAlternativeVersionId() !== alt, disk: CLEAN });
        return;
      }
      const details = result.error.details as { reason?: string; version?: string } | undefined;
      if (result.error.code === 'CONFLICT' && details?.reason === 'CHANGED_ON_DISK' && details.version) {
        store.markChanged(path, details.version);
        void queryClient.invalidateQueries({ queryKey: workspaceKeys.file(root, path) });
        return;
      }
      store.notify(path, `Could not save ${baseName(path)}: ${result.error.message}`, 'error');
    },
  });

  const restore = useMutation({
    mutationFn: async ({ path, id, label }: { path: string; id: string; label: string }) => {
      const store = useManifests.getState();
      store.setSaving(path, true);
      const result = await client.restoreVersion({ path, id }).finally(() => store.setSaving(path, false));
      if (!result.ok) {
        store.notify(path, `Could not restore: ${result.error.message}`, errorCode(result.error) === 'NOT_FOUND' ? 'warning' : 'error');
        return;
      }
      const model = getModel(root, path);
      if (model) {
        replaceText(model, result.value.file.text);
        store.setBuffer(path, { baseVersion: result.value.file.version, savedAlt: model.getAlternativeVersionId(), dirty: false, disk: CLEAN });
      }
      rememberFile(queryClient, root, result.value.file);
      store.setCompare(null);
      store.notify(path, `Restored the version from ${label}. Undo (Ctrl+Z) brings back what was there.`);
    },
  });

  /** Take the disk's version: the buffer's unsaved edits are replaced (one undoable edit). */
  const reload = (path: string) => {
    const store = useManifests.getState();
    const model = getModel(root, path);
    const disk = queryClient.getQueryData<FileContent>(workspaceKeys.file(root, path));
    if (!model || !disk) return;
    replaceText(model, disk.text);
    store.setBuffer(path, { baseVersion: disk.version, savedAlt: model.getAlternativeVersionId(), dirty: false, disk: CLEAN });
    store.setCompare(null);
  };

  /** Keep the buffer: the next save replaces what is on disk now. */
  const keepMine = (path: string) => {
    const store = useManifests.getState();
    const buffer = store.buffers[path];
    if (buffer?.disk.kind === 'changed') store.setBuffer(path, { ...buffer, baseVersion: buffer.disk.version, disk: CLEAN, restored: undefined });
    store.setCompare(null);
  };

  const fix = (path: string, quickFix: QuickFix) => {
    const model = getModel(root, path);
    if (!model) return;
    try {
      replaceText(model, applyFix(model.getValue(), quickFix));
    } catch (error) {
      useManifests.getState().notify(path, `Could not apply "${quickFix.title}": ${errorMessage(error)}`, 'error');
    }
  };

  /**
   * "Apply to local runtime": the buffer's text as it is now (saved or not) goes to the Runtime area's plan
   * preview and apply dialog. A deployment goes as is; a template is expanded first by the host with its folder's
   * .env and modules/<name>/module.json, for this machine's platform. A template that does not expand stays
   * here: a note says why and the cursor goes to the first problem.
   */
  const apply = useMutation({
    mutationFn: async (path: string) => {
      const store = useManifests.getState();
      const model = getModel(root, path);
      const kind = store.kinds[path];
      if (!model || (kind !== 'deployment' && kind !== 'template')) return;
      const text = model.getValue();
      if (kind === 'deployment') return openApply(text, baseName(path));
      const result = await client.expandTemplate({ path, text }).catch((error: unknown) => ({ ok: false as const, error: { code: 'DISCONNECTED' as const, message: errorMessage(error) } }));
      if (result.ok) return openApply(result.value.text, result.value.outputName);
      store.notify(path, `Not applied: ${result.error.message}`, 'error');
      const details = result.error.code === 'INVALID_MANIFEST' ? (result.error.details as { diagnostics?: ExpandDiagnostic[] } | undefined) : undefined;
      const first = details?.diagnostics?.[0];
      if (first) store.revealAt(path, first.line, first.column);
    },
  });

  return {
    save: (path: string) => save.mutateAsync(path),
    saving: save.isPending,
    restore: restore.mutate,
    restoring: restore.isPending,
    reload,
    keepMine,
    fix,
    apply: apply.mutate,
    applying: apply.isPending,
  };
}

/**
 * The plan preview and apply dialog live in the Runtime area. Cancelled, the dialog brings the user back to the
 * editor they came from; applied, they stay to watch it run. (The dialog says which: the runtime's version is not
 * a reliable sign, since it may not have been loaded before the dialog opened.)
 */
function openApply(text: string, fileName: string): void {
  useApplyStore.getState().open(text, fileName);
  useUi.getState().navigate('runtime');
  const unsubscribe = useApplyStore.subscribe((state) => {
    if (state.pending !== undefined) return;
    unsubscribe();
    if (state.outcome === 'applied' || useUi.getState().area !== 'runtime') return;
    // Forward to the editor, not history.back(): the dialog's surface is still on screen while it closes, and Back
    // with an overlay open is taken as "close the overlay" (ui-store), which would keep the user in Runtime.
    useUi.getState().navigate('manifests');
  });
}
