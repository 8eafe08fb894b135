import { create } from 'zustand';

export type AreaId = 'overview' | 'manifests' | 'runtime' | 'settings';

interface UiState {
  readonly area: AreaId;
  readonly paletteOpen: boolean;
  /** Where the focus was when the palette opened (the editor, a tree item…): it goes back there on close. */
  readonly paletteReturnFocus: HTMLElement | null;
  /** Bumped when the focus should go into the area (Alt+<digit>, the palette's "Go to"). */
  readonly focusArea: number;
  /** The area list shows icons only (null: decided by the window's width). */
  readonly navCollapsed: boolean | null;
  navigate(area: AreaId, options?: { readonly focus?: boolean }): void;
  setNavCollapsed(collapsed: boolean | null): void;
  setPaletteOpen(open: boolean): void;
}

const AREA_IDS: readonly AreaId[] = ['overview', 'manifests', 'runtime', 'settings'];

function areaFromHash(): AreaId {
  const id = location.hash.replace(/^#\/?/, '');
  return (AREA_IDS as readonly string[]).includes(id) ? (id as AreaId) : 'overview';
}

/** UI-only state. The area is mirrored in the URL hash so reload and back/forward keep it. */
export const useUi = create<UiState>((set) => ({
  area: areaFromHash(),
  paletteOpen: false,
  paletteReturnFocus: null,
  focusArea: 0,
  navCollapsed: null,
  setNavCollapsed: (navCollapsed) => set({ navCollapsed }),
  navigate: (area, options) => {
    if (location.hash !== `#/${area}`) history.pushState(null, '', `#/${area}`);
    set((s) => ({ area, ...(options?.focus ? { focusArea: s.focusArea + 1 } : {}) }));
  },
  setPaletteOpen: (paletteOpen) =>
    set((s) => {
      if (!paletteOpen || s.paletteOpen) return { paletteOpen };
      const active = document.activeElement;
      return { paletteOpen, paletteReturnFocus: active instanceof HTMLElement && active !== document.body ? active : null };
    }),
}));

window.addEventListener('popstate', () => useUi.setState({ area: areaFromHash() }));
