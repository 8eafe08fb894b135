import { useEffect } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useDraftStore } from '../drafts/drafts-context';
import { decideRestore } from '../drafts/restore-decision';
import { errorCode } from '../errors';
import { baseName } from '../file-kinds';
import { useManifests, type DiskState } from '../manifests-store';
import { useFile } from '../queries';
import { createModel, getModel, replaceText } from './models';
import type { monaco } from './monaco-setup';

const SAME: DiskState = { kind: 'same' };

/**
 * Keeps the editor model of `path` in step with the file on disk (the query cache, which change events refresh):
 * first load creates the model, with the file's draft restored over it when there is one (a reload or a crash
 * left unsaved edits); a newer version on disk reloads a clean buffer (as one undoable edit) and is only flagged
 * on a dirty one, where the user decides. Also tracks dirty = the model moved from its saved state.
 */
export function useFileModel(workspace: WorkspaceInfo, path: string) {
  const { root } = workspace;
  const drafts = useDraftStore();
  const file = useFile(root, path);
  const hasBuffer = useManifests((s) => s.buffers[path] !== undefined);
  const model = hasBuffer ? getModel(root, path) : null;
  const missing = file.isError && errorCode(file.error) === 'NOT_FOUND';

  useEffect(() => {
    const data = file.data;
    const store = useManifests.getState();
    const buffer = store.buffers[path];
    const existing = getModel(root, path);
    if (!buffer || !existing) {
      if (!data && !missing) return;
      const draft = drafts.load(root, path);
      const decision = decideRestore(draft, data ?? null);
      if (decision.kind === 'drop') drafts.remove(root, path);
      if (!data && decision.kind !== 'restore') return; // a missing file and no draft: the editor says it is gone
      const diskText = data?.text ?? '';
      const created = existing ?? createModel(root, path, diskText);
      if (created.getValue() !== diskText) created.setValue(diskText);
      const clean = { baseVersion: data?.version ?? '', savedAlt: created.getAlternativeVersionId(), dirty: false, disk: SAME };
      if (decision.kind !== 'restore' || !draft) {
        store.setBuffer(path, clean);
        return;
      }
      // One undoable edit over the file as it is now: Ctrl+Z shows what is on disk.
      replaceText(created, draft.text);
      const disk: DiskState = decision.disk === 'same' ? SAME : data && decision.disk === 'changed' ? { kind: 'changed', version: data.version } : { kind: 'deleted' };
      store.setBuffer(path, { ...clean, baseVersion: draft.baseVersion ?? '', dirty: true, disk, restored: draft.savedAt });
      return;
    }
    if (!data) return;
    if (buffer.saving || data.version === buffer.baseVersion) return;
    if (buffer.disk.kind === 'changed' && buffer.disk.version === data.version) return; // already asked
    if (!buffer.dirty) {
      replaceText(existing, data.text);
      store.setBuffer(path, { baseVersion: data.version, savedAlt: existing.getAlternativeVersionId(), dirty: false, disk: SAME });
      store.notify(path, `${baseName(path)} was changed outside this editor and has been reloaded.`);
    } else {
      store.markChanged(path, data.version);
    }
  }, [file.data, missing, root, path, drafts]);

  useEffect(() => {
    if (!model) return;
    const subscription = model.onDidChangeContent(() => {
      const buffer = useManifests.getState().buffers[path];
      if (buffer) useManifests.getState().setDirty(path, model.getAlternativeVersionId() !== buffer.savedAlt);
    });
    return () => subscription.dispose();
  }, [model, path]);

  return { model: model as monaco.editor.ITextModel | null, file };
}
