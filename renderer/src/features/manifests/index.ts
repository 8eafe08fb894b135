import { lazy } from 'react';
import { useManifests, type FolderAction } from './manifests-store';

/** The Manifests area loads on first visit; its editor (Monaco) loads later still, with the first open file. */
export const ManifestsPage = lazy(() => import('./ManifestsPage').then((m) => ({ default: m.ManifestsPage })));

/** Unsaved edits outlive the page: drafts in the browser's storage (wired in main.tsx), and a prompt before unload. */
export { browserStorage, createDraftStore } from './drafts/draft-store';
export { DraftsContext } from './drafts/drafts-context';
export { useUnsavedEditsGuard } from './use-unload-guard';

/** The palette's folder actions (Open a folder…, New solution…): the Manifests area opens the form. */
export function requestFolderAction(action: FolderAction): void {
  useManifests.getState().requestFolderAction(action);
}
