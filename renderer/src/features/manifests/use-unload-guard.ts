import { useEffect } from 'react';
import { useManifests } from './manifests-store';

/**
 * Asks before the page goes (reload, close, another address) while an editor tab has unsaved edits. Only in the
 * browser: in Electron, a beforeunload that objects silently keeps the window from closing or reloading unless
 * the main process answers it with its own dialog (`will-prevent-unload`). Drafts keep the edits in both.
 */
export function useUnsavedEditsGuard(enabled: boolean): void {
  const unsaved = useManifests((s) => Object.values(s.buffers).some((b) => b.dirty));
  useEffect(() => {
    if (!enabled || !unsaved) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [enabled, unsaved]);
}
