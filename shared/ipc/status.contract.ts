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

/** Connection of the runtime's hub to an IoT Hub (the bundled local hub by default). */
export const HubStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('local'), detail: z.string() }),
  z.object({ state: z.literal('connected'), hostName: z.string() }),
  z.object({ state: z.literal('disconnected'), reason: z.string() }),
]);
export type HubStatus = z.infer<typeof HubStatus>;

export const HostStatus = z.object({ engine: EngineStatus, runtime: RuntimeState, hub: HubStatus });
export type HostStatus = z.infer<typeof HostStatus>;

export const statusContract = defineContract({
  name: 'status',
  methods: {
    get: { input: z.object({}).strict(), output: HostStatus, summary: 'Engine, runtime and hub status.' },
    refresh: { input: z.object({}).strict(), output: HostStatus, summary: 'Check the engine now and return the status.' },
  },
  events: {
    changed: HostStatus,
  },
});
