import { createContext, useContext } from 'react';
import { createDraftStore, type DraftStore } from './draft-store';

/** The draft store the composition root (main.tsx) wires to the browser's storage; by default one that keeps nothing. */
export const DraftsContext = createContext<DraftStore>(createDraftStore(null));

export function useDraftStore(): DraftStore {
  return useContext(DraftsContext);
}
