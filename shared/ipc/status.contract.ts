import { z } from 'zod';
import { RUNTIME_STATES, TONES } from '../runtime/runtime-state';
import { defineContract } from './contract';

/**
 * Container engine as the host sees it.
 *   checking --> available <--> unavailable
 */
export const EngineStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('available'), name: z.string(), version: z.string(), apiVersion: z.string() }),
  z.object({ state: z.literal('unavailable'), reason: z.string() }),
]);
export type EngineStatus = z.infer<typeof EngineStatus>;

/**
 * The local edge runtime in one word, its tone and a sentence: `deriveRuntimeState` (shared/runtime/runtime-state.ts,
 * where each word is defined), computed once on the host. The status bar, the Overview, the Runtime area and the
 * CLI (`status`, `runtime status`, their `--json`) all show this value, never a word of their own.
 */
export const RuntimeState = z.object({ state: z.enum(RUNTIME_STATES), tone: z.enum(TONES), summary: z.string() });
export type RuntimeState = z.infer<typeof RuntimeState>;

/**
 * The console's connection to its IoT Hub (the embedded local hub by default), as the official SDK sees it: a
 * health check (registry statistics) every 30 s and on refresh.
 *   connecting --> connected <--> unreachable
 *   off: no hub (the local hub is off in this process and no cloud hub is configured)
 */
export const HUB_KINDS = ['local', 'cloud'] as const;
export const HubStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting'), hostName: z.string(), kind: z.enum(HUB_KINDS) }),
  z.object({ state: z.literal('connected'), hostName: z.string(), kind: z.enum(HUB_KINDS), devices: z.number().int(), checkedAt: z.string() }),
  z.object({ state: z.literal('unreachable'), hostName: z.string(), kind: z.enum(HUB_KINDS), reason: z.string(), checkedAt: z.string() }),
  z.object({ state: z.literal('off'), reason: z.string() }),
]);
export type HubStatus = z.infer<typeof HubStatus>;

/**
 * One network target the applied deployment needs: a container registry (probed with `GET /v2/`) or the IoT hub
 * upstream. A target's state:
 *   checking --> reachable <--> unreachable      (a new probe every minute and on status.refresh)
 *   not-checked: this host does not probe it (GATEHOUSE_PROBE_SCOPE=loopback limits probes to this machine)
 *   not-needed: not probed, nothing to fetch from it (its images are on this machine; the hub is the local one)
 */
export const TARGET_STATES = ['checking', 'reachable', 'unreachable', 'not-checked', 'not-needed'] as const;
export const ConnectivityTarget = z.object({
  kind: z.enum(['registry', 'hub']),
  /** Registry host[:port] as probed (Docker Hub is registry-1.docker.io), or the hub's name. */
  address: z.string(),
  state: z.enum(TARGET_STATES),
  /** Why, in words: the failure ("connection refused"), or what answered ("HTTPS 401"). */
  reason: z.string().optional(),
  /** Whether the deployment needs it now (a registry: an image of it is not on this machine yet). */
  needed: z.boolean(),
  /** Modules whose images come from this registry. */
  modules: z.array(z.string()),
  /** When the last probe finished (ISO 8601, UTC). */
  checkedAt: z.string().optional(),
});
export type ConnectivityTarget = z.infer<typeof ConnectivityTarget>;

/**
 * Whether the host can reach what the applied deployment needs, in one word (the status bar's "Network" item):
 * not-needed (nothing to fetch: no deployment, or every image is on this machine), checking, online (every needed
 * target answered), partial (some did), offline (none did), unknown (a needed target is not probed from this host).
 */
export const CONNECTIVITY_STATES = ['not-needed', 'checking', 'online', 'partial', 'offline', 'unknown'] as const;
export const Connectivity = z.object({
  state: z.enum(CONNECTIVITY_STATES),
  summary: z.string(),
  targets: z.array(ConnectivityTarget),
});
export type Connectivity = z.infer<typeof Connectivity>;

export const HostStatus = z.object({ engine: EngineStatus, runtime: RuntimeState, hub: HubStatus, connectivity: Connectivity });
export type HostStatus = z.infer<typeof HostStatus>;

export const statusContract = defineContract({
  name: 'status',
  methods: {
    get: { input: z.object({}).strict(), output: HostStatus, summary: 'Engine, runtime and hub status.' },
    refresh: { input: z.object({}).strict(), output: HostStatus, summary: 'Check the engine and the network targets now and return the status.' },
  },
  events: {
    changed: HostStatus,
  },
});
