import { create } from 'zustand';

export type AreaId = 'overview' | 'manifests' | 'runtime' | 'settings';

interface UiState {
  readonly area: AreaId;
  readonly paletteOpen: boolean;
  navigate(area: AreaId): void;
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
  navigate: (area) => {
    if (location.hash !== `#/${area}`) history.pushState(null, '', `#/${area}`);
    set({ area });
  },
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
}));

window.addEventListener('popstate', () => useUi.setState({ area: areaFromHash() }));
