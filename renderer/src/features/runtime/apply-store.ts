import { create } from 'zustand';

/** A deployment waiting to be previewed and applied: from the editor ("apply the manifest open in the editor") or a file. */
interface ApplyState {
  readonly pending: { readonly text: string; readonly fileName: string } | undefined;
  open(text: string, fileName: string): void;
  close(): void;
}

export const useApplyStore = create<ApplyState>((set) => ({
  pending: undefined,
  open: (text, fileName) => set({ pending: { text, fileName } }),
  close: () => set({ pending: undefined }),
}));
