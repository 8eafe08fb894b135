import { create } from 'zustand';

export type TelemetryTab = 'charts' | 'messages' | 'outbox';

/**
 * The Telemetry area's own state, kept across area changes: the tab, the field toggles, and what this page knows of
 * recording and replaying (the contract has no "is recording" query: the page remembers what it started).
 */
interface TelemetryUiState {
  readonly tab: TelemetryTab;
  /** Field series the user switched on (true) or off (false); the others follow `shownFields`' default. */
  readonly fieldToggles: Readonly<Record<string, boolean>>;
  /** The path the user edits; empty until the default is known (data folder + time). */
  readonly path: string;
  readonly recording: { readonly path: string; readonly since: number } | undefined;
  readonly last: { readonly path: string; readonly messages: number } | undefined;
  readonly replayPath: string;
  readonly replayModule: string;
  readonly replayInput: string;
  set(patch: Partial<Omit<TelemetryUiState, 'set' | 'toggleField'>>): void;
  toggleField(key: string, on: boolean): void;
}

export const useTelemetryUi = create<TelemetryUiState>((set) => ({
  tab: 'charts',
  fieldToggles: {},
  path: '',
  recording: undefined,
  last: undefined,
  replayPath: '',
  replayModule: '',
  replayInput: '',
  set: (patch) => set(patch),
  toggleField: (key, on) => set((s) => ({ fieldToggles: { ...s.fieldToggles, [key]: on } })),
}));
