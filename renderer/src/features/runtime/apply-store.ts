import { create } from 'zustand';

/** A deployment waiting to be previewed and applied: from the editor ("apply the manifest open in the editor") or a file. */
interface ApplyState {
  readonly pending: { readonly text: string; readonly fileName: string } | undefined;
  /** How the last dialog ended: the deployment was applied, or the user left without applying. */
  readonly outcome: 'applied' | 'cancelled' | undefined;
  open(text: string, fileName: string): void;
  close(applied: boolean): void;
}

export const useApplyStore = create<ApplyState>((set) => ({
  pending: undefined,
  outcome: undefined,
  open: (text, fileName) => set({ pending: { text, fileName }, outcome: undefined }),
  close: (applied) => set({ pending: undefined, outcome: applied ? 'applied' : 'cancelled' }),
}));
