import { useEffect } from 'react';
import { useDraftStore } from '../drafts/drafts-context';
import { baseName } from '../file-kinds';
import { useManifests, type BufferState } from '../manifests-store';
import { getModel } from './models';
import type { monaco } from './monaco-setup';

/** Typing settles this long before its draft is written (and at once when the page hides or goes). */
const WRITE_DELAY_MS = 400;

/**
 * Keeps a draft of every dirty buffer of the folder `root` in the draft store: written shortly after typing
 * stops, when the page is hidden or unloads, and when a tab closes with a write pending; removed as soon as the
 * buffer is clean again (saved, reloaded, restored, undone back to the saved text). A draft that cannot be kept
 * (too large, no room) is said once per file.
 */
export function useDraftKeeper(root: string): void {
  const drafts = useDraftStore();

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const watched = new Map<string, monaco.IDisposable>();
    const warned = new Set<string>();

    const cancel = (path: string) => {
      clearTimeout(timers.get(path));
      timers.delete(path);
    };
    const write = (path: string, buffer: BufferState | undefined = useManifests.getState().buffers[path]) => {
      cancel(path);
      const model = getModel(root, path);
      if (!buffer || !model) return;
      if (!buffer.dirty) return drafts.remove(root, path);
      const baseVersion = buffer.disk.kind === 'deleted' ? null : buffer.baseVersion;
      const outcome = drafts.save({ root, path, text: model.getValue(), baseVersion, savedAt: Date.now() });
      if (outcome === 'saved') {
        warned.delete(path);
      } else if (!warned.has(path)) {
        warned.add(path);
        const why = outcome === 'too-large' ? 'is too large for this browser to keep a copy of its unsaved edits' : 'cannot keep a copy of its unsaved edits: this browser has no room left';
        useManifests.getState().notify(path, `${baseName(path)} ${why}. Save to keep them.`, 'warning');
      }
    };
    const schedule = (path: string) => {
      clearTimeout(timers.get(path));
      timers.set(path, setTimeout(() => write(path), WRITE_DELAY_MS));
    };
    const watch = (path: string) => {
      const model = watched.has(path) ? null : getModel(root, path);
      if (!model) return;
      const changes = model.onDidChangeContent(() => schedule(path));
      const disposal = model.onWillDispose(() => watched.get(path)?.dispose());
      watched.set(path, {
        dispose: () => {
          changes.dispose();
          disposal.dispose();
          watched.delete(path);
        },
      });
    };

    const sync = (state: ReturnType<typeof useManifests.getState>, prev?: ReturnType<typeof useManifests.getState>) => {
      for (const [path, buffer] of Object.entries(state.buffers)) {
        watch(path);
        const before = prev?.buffers[path];
        if (!before || before === buffer) continue; // a new buffer is clean, or restored from its draft
        if (buffer.dirty) schedule(path); // became dirty, or its base changed (keep mine)
        else if (before.dirty) {
          cancel(path);
          drafts.remove(root, path);
        }
      }
      // A tab closed (or the folder changed) with a write pending: write it now, while its model is still there.
      for (const path of [...timers.keys()]) if (!state.buffers[path]) write(path, prev?.buffers[path]);
    };
    sync(useManifests.getState());
    const unsubscribe = useManifests.subscribe(sync);

    const flush = () => [...timers.keys()].forEach((path) => write(path));
    const onVisibility = () => document.visibilityState === 'hidden' && flush();
    window.addEventListener('beforeunload', flush);
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      flush();
      unsubscribe();
      [...watched.values()].forEach((w) => w.dispose());
      window.removeEventListener('beforeunload', flush);
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [root, drafts]);
}
