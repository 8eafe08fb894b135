import { create } from 'zustand';

export type AreaId = 'overview' | 'manifests' | 'runtime' | 'settings' | 'fleet' | 'deployments' | 'telemetry' | 'commissioning';

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

const AREA_IDS: readonly AreaId[] = ['overview', 'manifests', 'runtime', 'settings', 'fleet', 'deployments', 'telemetry', 'commissioning'];

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

/** A drawer or dialog over the page (Fluent's overlay surfaces; the palette is one). */
function openOverlay(): HTMLElement | null {
  return document.querySelector<HTMLElement>('.fui-OverlayDrawer, .fui-DialogSurface');
}

// Back closes a drawer or dialog that is open instead of leaving the area under it (as on a phone): the history
// step is put back and the overlay gets the Escape it closes on.
window.addEventListener('popstate', () => {
  const overlay = openOverlay();
  const { area, paletteOpen } = useUi.getState();
  if ((overlay || paletteOpen) && areaFromHash() !== area) {
    history.pushState(null, '', `#/${area}`);
    if (paletteOpen) {
      useUi.getState().setPaletteOpen(false);
      return;
    }
    if (!overlay) return;
    // On the surface itself: a field inside may take Escape for its own use (a search box clears on it).
    overlay.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', code: 'Escape', bubbles: true, cancelable: true }));
    return;
  }
  useUi.setState({ area: areaFromHash() });
});
