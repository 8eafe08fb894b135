/**
 * How the Manifests area shares its room (README: "Layout"): the text keeps at least EDITOR_MIN_WIDTH, a side
 * panel gives way to it, and the toolbar drops its labels before it would push the tabs out.
 */
export const EDITOR_MIN_WIDTH = 400;
export const SIDE_MIN_WIDTH = 240;
export const EDITOR_MIN_HEIGHT = 140;
export const PROBLEMS_MIN_HEIGHT = 56;

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

export function clampSize(value: number, { min, max }: Bounds): number {
  return Math.round(Math.max(min, Math.min(value, Math.max(min, max))));
}

/** A side panel (History, Modules) beside the text in a workbench `width` wide. */
export function sidePanelBounds(width: number): Bounds {
  return { min: SIDE_MIN_WIDTH, max: Math.max(SIDE_MIN_WIDTH, width - EDITOR_MIN_WIDTH) };
}

/** The width a side panel gets: what the user chose, as far as the text keeps its minimum. */
export function sidePanelWidth(chosen: number, width: number): number {
  return clampSize(chosen, sidePanelBounds(width));
}

/** The Problems list under the text in a column `height` tall (the route graph, if open, takes `taken`). */
export function problemsBounds(height: number, taken = 0): Bounds {
  return { min: PROBLEMS_MIN_HEIGHT, max: Math.max(PROBLEMS_MIN_HEIGHT, height - taken - EDITOR_MIN_HEIGHT) };
}

/** Below this width of the tab bar the toolbar shows icons only (names in tooltips and for screen readers). */
export const COMPACT_TOOLBAR_BELOW = 760;
