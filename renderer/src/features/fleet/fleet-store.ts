import { create } from 'zustand';
import { NO_FILTERS, type DeviceFilters } from './device-query';

export type DetailTab = 'identity' | 'twins' | 'edge' | 'methods' | 'messages' | 'events';

/** A direct method call made in this session (kept while the console page lives). */
export interface MethodCallRecord {
  readonly id: number;
  readonly at: string;
  readonly deviceId: string;
  readonly moduleId?: string;
  readonly methodName: string;
  readonly payload: string;
  readonly outcome: { readonly kind: 'answer'; readonly status: number; readonly payload: unknown } | { readonly kind: 'error'; readonly code: string; readonly message: string };
}

interface FleetState {
  readonly filters: DeviceFilters;
  readonly selected: string | undefined;
  readonly tab: DetailTab;
  /** Which twin the Twins tab shows: the device's ('') or a module's. */
  readonly twinModule: string;
  readonly history: readonly MethodCallRecord[];
  /** The hub the selection belongs to: a device of one hub means nothing on another. */
  readonly hubId: string | undefined;
  /** The detail side shows the live events of every device instead of one device. */
  readonly allEvents: boolean;
  setFilters(patch: Partial<DeviceFilters>): void;
  select(deviceId: string | undefined): void;
  setTab(tab: DetailTab): void;
  setTwinModule(moduleId: string): void;
  record(call: Omit<MethodCallRecord, 'id'>): void;
  /** The console now lists the devices of hub `hubId`: a selection made on another hub is dropped. */
  hubChanged(hubId: string): void;
  showAllEvents(show: boolean): void;
}

/** UI state of the Fleet area (server state is in TanStack Query, see queries.ts). */
export const useFleet = create<FleetState>((set) => ({
  filters: NO_FILTERS,
  selected: undefined,
  tab: 'identity',
  twinModule: '',
  history: [],
  hubId: undefined,
  allEvents: false,
  setFilters: (patch) => set((s) => ({ filters: { ...s.filters, ...patch } })),
  select: (selected) => set((s) => (s.selected === selected ? { allEvents: false } : { selected, twinModule: '', allEvents: false })),
  setTab: (tab) => set({ tab }),
  setTwinModule: (twinModule) => set({ twinModule }),
  record: (call) => set((s) => ({ history: [{ ...call, id: (s.history[0]?.id ?? 0) + 1 }, ...s.history].slice(0, 50) })),
  hubChanged: (hubId) => set((s) => (s.hubId === hubId ? {} : s.hubId === undefined ? { hubId } : { hubId, selected: undefined, twinModule: '', tab: 'identity' })),
  showAllEvents: (allEvents) => set({ allEvents }),
}));
