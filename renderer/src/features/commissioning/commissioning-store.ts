import { create } from 'zustand';

/** The Commissioning area's own state, kept across area changes: the run option and which rows are open. */
interface CommissioningUiState {
  /** Wait for a message on each route into `$upstream` (the run's `endToEnd`). */
  readonly endToEnd: boolean;
  /** Rows opened to their fix and data, by result id (kept for "run again": the same check stays open). */
  readonly open: Readonly<Record<string, boolean>>;
  setEndToEnd(endToEnd: boolean): void;
  toggle(id: string): void;
  setOpen(ids: readonly string[], open: boolean): void;
}

export const useCommissioningUi = create<CommissioningUiState>((set) => ({
  endToEnd: true,
  open: {},
  setEndToEnd: (endToEnd) => set({ endToEnd }),
  toggle: (id) => set((s) => ({ open: { ...s.open, [id]: !s.open[id] } })),
  setOpen: (ids, open) => set((s) => ({ open: { ...s.open, ...Object.fromEntries(ids.map((id) => [id, open])) } })),
}));
