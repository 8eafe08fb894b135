import { z } from 'zod';
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

/** The local edge runtime (agent). `idle` until a deployment is applied. */
export const RuntimeStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle'), detail: z.string() }),
  z.object({ state: z.literal('running'), modules: z.number().int().nonnegative(), detail: z.string() }),
  z.object({ state: z.literal('degraded'), detail: z.string() }),
]);
export type RuntimeStatus = z.infer<typeof RuntimeStatus>;

/** Connection of the runtime's hub to an IoT Hub (the bundled local hub by default). */
export const HubStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('local'), detail: z.string() }),
  z.object({ state: z.literal('connected'), hostName: z.string() }),
  z.object({ state: z.literal('disconnected'), reason: z.string() }),
]);
export type HubStatus = z.infer<typeof HubStatus>;

export const HostStatus = z.object({ engine: EngineStatus, runtime: RuntimeStatus, hub: HubStatus });
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
