import { useEffect } from 'react';
import { useManifests } from './manifests-store';

/**
 * Asks before the page goes (reload, close, another address) while an editor tab has unsaved edits. The browser
 * shows its own prompt; Electron's main process answers `will-prevent-unload` with a native dialog. Drafts keep
 * the edits either way.
 */
export function useUnsavedEditsGuard(): void {
  const unsaved = useManifests((s) => Object.values(s.buffers).some((b) => b.dirty));
  useEffect(() => {
    if (!unsaved) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [unsaved]);
}
