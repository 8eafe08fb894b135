import { useEffect } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { baseName } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { useFile } from '../queries';
import { createModel, getModel, replaceText } from './models';
import type { monaco } from './monaco-setup';

/**
 * Keeps the editor model of `path` in step with the file on disk (the query cache, which change events refresh):
 * first load creates the model; a newer version on disk reloads a clean buffer (as one undoable edit) and is
 * only flagged on a dirty one, where the user decides. Also tracks dirty = the model moved from its saved state.
 */
export function useFileModel(workspace: WorkspaceInfo, path: string) {
  const { root } = workspace;
  const file = useFile(root, path);
  const hasBuffer = useManifests((s) => s.buffers[path] !== undefined);
  const model = hasBuffer ? getModel(root, path) : null;

  useEffect(() => {
    const data = file.data;
    if (!data) return;
    const store = useManifests.getState();
    const buffer = store.buffers[path];
    const existing = getModel(root, path);
    if (!buffer || !existing) {
      const created = existing ?? createModel(root, path, data.text);
      if (created.getValue() !== data.text) created.setValue(data.text);
      store.setBuffer(path, { baseVersion: data.version, savedAlt: created.getAlternativeVersionId(), dirty: false, disk: { kind: 'same' } });
      return;
    }
    if (buffer.saving || data.version === buffer.baseVersion) return;
    if (buffer.disk.kind === 'changed' && buffer.disk.version === data.version) return; // already asked
    if (!buffer.dirty) {
      replaceText(existing, data.text);
      store.setBuffer(path, { baseVersion: data.version, savedAlt: existing.getAlternativeVersionId(), dirty: false, disk: { kind: 'same' } });
      store.notify(path, `${baseName(path)} was changed outside this editor and has been reloaded.`);
    } else {
      store.markChanged(path, data.version);
    }
  }, [file.data, root, path]);

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
