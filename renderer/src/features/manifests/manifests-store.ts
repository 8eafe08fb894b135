import { create } from 'zustand';
import type { ManifestKind } from '../../../../shared/manifest';

/**
 * UI state of the Manifests area. The text of open files lives in the editor's models; here is what the UI
 * shows about them. A buffer's disk state:
 *
 *   same --(changed elsewhere while dirty / save refused)--> changed(version) --(reload | overwrite)--> same
 *   same --(deleted elsewhere)--> deleted --(save recreates | file reappears)--> same
 *
 * A clean buffer never enters `changed`: the editor reloads it at once.
 */
export type DiskState = { readonly kind: 'same' } | { readonly kind: 'changed'; readonly version: string } | { readonly kind: 'deleted' };

export interface BufferState {
  /** The content version on disk this buffer was loaded from or last saved as. */
  readonly baseVersion: string;
  /** The model's alternative version id at that moment: dirty = the model moved away from it. */
  readonly savedAlt: number;
  readonly dirty: boolean;
  readonly disk: DiskState;
  /** A save or restore is in flight: its own change event is not a change from elsewhere. */
  readonly saving?: boolean;
  /** The unsaved edits were restored from a draft written then (epoch ms), after a reload or a crash. */
  readonly restored?: number;
}

export type NoticeIntent = 'info' | 'warning' | 'error';

/** Where the editor should put the cursor (a click in Problems) or what it should select (a route in the graph). */
export interface RevealRequest {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** The end of a selection; absent = just the cursor. */
  readonly end?: { readonly line: number; readonly column: number };
  readonly seq: number;
}

/** The panel beside the editor: one at a time, so the text keeps room at 1360 px. */
export type SidePanel = 'history' | 'modules';

interface ManifestsState {
  /** The folder the tabs belong to (kept when the folder is closed, replaced when another one opens). */
  readonly root: string | null;
  readonly tabs: readonly string[];
  readonly active: string | null;
  readonly buffers: Readonly<Record<string, BufferState>>;
  readonly panel: SidePanel | null;
  /** The route graph under the editor (a left-to-right graph reads best wide). */
  readonly routesOpen: boolean;
  /** What the checks made of each open manifest (deployment, template, layered…), once checked. */
  readonly kinds: Readonly<Record<string, ManifestKind>>;
  readonly problemsOpen: boolean;
  /** A history version shown side by side with the current text of `path`. */
  readonly compare: { readonly path: string; readonly versionId: string } | null;
  readonly reveal: RevealRequest | null;
  /** A short note shown above the editor (e.g. "Reloaded: changed on disk"). */
  readonly notice: { readonly path: string; readonly text: string; readonly intent: NoticeIntent; readonly seq: number } | null;
  /** Errors and warnings of each open file, as its Problems panel lists them (the explorer badges them). */
  readonly counts: Readonly<Record<string, { readonly errors: number; readonly warnings: number }>>;
  /** Sizes the user dragged the panels to (px): each side panel's width, the Problems list's height. */
  readonly sizes: { readonly history: number; readonly modules: number; readonly problems: number };
  /** The explorer beside the editor (collapsed to give the text room on small screens). */
  readonly explorerOpen: boolean;
  /** The palette asked for a folder action: the header opens its form (or the landing focuses it). */
  readonly folderAction: { readonly action: FolderAction; readonly seq: number } | null;

  setRoot(root: string | null): void;
  openFile(path: string): void;
  closeFile(path: string): void;
  setBuffer(path: string, buffer: BufferState): void;
  setDirty(path: string, dirty: boolean): void;
  setSaving(path: string, saving: boolean): void;
  markChanged(path: string, version: string): void;
  markDeleted(path: string): void;
  markPresent(path: string): void;
  /** The user has seen that the edits were restored: the note goes (the edits stay). */
  dismissRestored(path: string): void;
  /** Opens `panel` (closing the other one), or closes it when it is open; `open` forces either. */
  togglePanel(panel: SidePanel, open?: boolean): void;
  toggleRoutes(open?: boolean): void;
  setKind(path: string, kind: ManifestKind | undefined): void;
  setProblemsOpen(open: boolean): void;
  setCompare(compare: { path: string; versionId: string } | null): void;
  revealAt(path: string, line: number, column: number): void;
  selectRange(path: string, start: { line: number; column: number }, end: { line: number; column: number }): void;
  consumeReveal(): void;
  notify(path: string, text: string, intent?: NoticeIntent): void;
  dismissNotice(): void;
  requestFolderAction(action: FolderAction): void;
  setCounts(path: string, counts: { errors: number; warnings: number }): void;
  setSize(panel: 'history' | 'modules' | 'problems', size: number): void;
  setExplorerOpen(open: boolean): void;
  consumeFolderAction(): void;
}

export type FolderAction = 'open-folder' | 'new-solution';

/** Window width below which opening a side panel folds the explorer away. */
export const FOLD_EXPLORER_BELOW = 1200;

function patch(state: ManifestsState, path: string, change: Partial<BufferState>): Partial<ManifestsState> {
  const buffer = state.buffers[path];
  return buffer ? { buffers: { ...state.buffers, [path]: { ...buffer, ...change } } } : {};
}

export const useManifests = create<ManifestsState>((set) => ({
  root: null,
  tabs: [],
  active: null,
  buffers: {},
  panel: null,
  routesOpen: false,
  kinds: {},
  problemsOpen: true,
  compare: null,
  reveal: null,
  notice: null,
  folderAction: null,
  counts: {},
  sizes: { history: 300, modules: 400, problems: 168 },
  explorerOpen: true,

  setRoot: (root) => set((s) => (root === null || s.root === root ? {} : { root, tabs: [], active: null, buffers: {}, kinds: {}, counts: {}, compare: null, reveal: null, notice: null })),
  openFile: (path) => set((s) => ({ tabs: s.tabs.includes(path) ? s.tabs : [...s.tabs, path], active: path, compare: s.compare?.path === path ? s.compare : null })),
  closeFile: (path) =>
    set((s) => {
      const index = s.tabs.indexOf(path);
      const tabs = s.tabs.filter((t) => t !== path);
      const { [path]: _closed, ...buffers } = s.buffers;
      const { [path]: _kind, ...kinds } = s.kinds;
      const { [path]: _counts, ...counts } = s.counts;
      const active = s.active === path ? (tabs[Math.min(index, tabs.length - 1)] ?? null) : s.active;
      return { tabs, buffers, kinds, counts, active, compare: s.compare?.path === path ? null : s.compare };
    }),
  setBuffer: (path, buffer) => set((s) => ({ buffers: { ...s.buffers, [path]: buffer } })),
  setDirty: (path, dirty) => set((s) => (s.buffers[path]?.dirty === dirty ? {} : patch(s, path, { dirty }))),
  setSaving: (path, saving) => set((s) => patch(s, path, { saving })),
  markChanged: (path, version) => set((s) => patch(s, path, { disk: { kind: 'changed', version } })),
  markDeleted: (path) => set((s) => patch(s, path, { disk: { kind: 'deleted' } })),
  markPresent: (path) => set((s) => (s.buffers[path]?.disk.kind === 'deleted' ? patch(s, path, { disk: { kind: 'same' } }) : {})),
  dismissRestored: (path) => set((s) => (s.buffers[path]?.restored === undefined ? {} : patch(s, path, { restored: undefined }))),
  togglePanel: (panel, open) =>
    set((s) => {
      const next = (open ?? s.panel !== panel) ? panel : s.panel === panel ? null : s.panel;
      // A comparison belongs to the History panel: it ends when History closes. On a small screen the explorer folds
      // away when a side panel opens: the text needs the room more (the rail brings it back).
      const fold = next !== null && next !== s.panel && typeof window !== 'undefined' && window.innerWidth < FOLD_EXPLORER_BELOW;
      return { panel: next, compare: next === 'history' ? s.compare : null, ...(fold ? { explorerOpen: false } : {}) };
    }),
  toggleRoutes: (open) => set((s) => ({ routesOpen: open ?? !s.routesOpen })),
  setKind: (path, kind) =>
    set((s) => {
      if (s.kinds[path] === kind) return {};
      const { [path]: _old, ...kinds } = s.kinds;
      return { kinds: kind === undefined ? kinds : { ...kinds, [path]: kind } };
    }),
  setProblemsOpen: (problemsOpen) => set({ problemsOpen }),
  setCompare: (compare) => set({ compare }),
  revealAt: (path, line, column) => set((s) => ({ reveal: { path, line, column, seq: (s.reveal?.seq ?? 0) + 1 }, compare: null })),
  selectRange: (path, start, end) => set((s) => ({ reveal: { path, line: start.line, column: start.column, end, seq: (s.reveal?.seq ?? 0) + 1 }, compare: null })),
  consumeReveal: () => set({ reveal: null }),
  notify: (path, text, intent = 'info') => set((s) => ({ notice: { path, text, intent, seq: (s.notice?.seq ?? 0) + 1 } })),
  dismissNotice: () => set({ notice: null }),
  requestFolderAction: (action) => set((s) => ({ folderAction: { action, seq: (s.folderAction?.seq ?? 0) + 1 } })),
  consumeFolderAction: () => set({ folderAction: null }),
  setCounts: (path, counts) =>
    set((s) => {
      const old = s.counts[path];
      return old?.errors === counts.errors && old.warnings === counts.warnings ? {} : { counts: { ...s.counts, [path]: counts } };
    }),
  setSize: (panel, size) => set((s) => (s.sizes[panel] === size ? {} : { sizes: { ...s.sizes, [panel]: size } })),
  setExplorerOpen: (explorerOpen) => set({ explorerOpen }),
}));
