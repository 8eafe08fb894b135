import { z } from 'zod';
import { defineContract } from './contract';

/**
 * The edge hub of the local runtime (EDGE-CONTRACTS.md §7): where modules connect, the routes it runs, what it
 * holds for each endpoint (the Outbox), the upstream link, and a sampled view of the messages (Telemetry).
 *   starting --> running
 *       \------> failed   (a port is taken or the store cannot open: the console stays up and says why)
 *   off: not started (a CLI command without a running console, or GATEHOUSE_EDGEHUB=off)
 */
export const EdgeHubState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('starting') }),
  z.object({
    state: z.literal('running'),
    /** MQTT over TLS, where modules connect (`IOTEDGE_GATEWAYHOSTNAME`). */
    mqttPort: z.number().int(),
    /** HTTPS: module-to-module methods and MQTT over WebSocket (`/$iothub/websocket`). */
    httpsPort: z.number().int(),
    since: z.string(),
  }),
  z.object({ state: z.literal('failed'), reason: z.string() }),
  z.object({ state: z.literal('off'), reason: z.string() }),
]);
export type EdgeHubState = z.infer<typeof EdgeHubState>;

/** `$edgeHub` reported `lastDesiredStatus`: 200, or 400 "Error while parsing desired properties - …" (the routes in force stay). */
export const RouteConfigStatus = z.object({
  code: z.number().int(),
  description: z.string(),
  lastDesiredVersion: z.number().int().optional(),
  routes: z.array(
    z.object({
      name: z.string(),
      text: z.string(),
      priority: z.number().int(),
      ttlSecs: z.number().int(),
      /** The endpoint id: `$upstream` or `module/<m>/<input>`. */
      endpoint: z.string(),
    }),
  ),
});
export type RouteConfigStatus = z.infer<typeof RouteConfigStatus>;

export const EndpointStatsSchema = z.object({
  endpoint: z.string(),
  depth: z.number().int(),
  oldestAgeMs: z.number(),
  expired: z.number().int(),
  delivered: z.number().int(),
});

export const UpstreamStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('off'), reason: z.string() }),
  z.object({ state: z.literal('connecting'), hubHost: z.string() }),
  z.object({ state: z.literal('connected'), hubHost: z.string(), since: z.string() }),
  z.object({ state: z.literal('offline'), hubHost: z.string(), lastError: z.string(), retryAt: z.string() }),
]);

/**
 * Who drives the runtime's desired state (electron/runtime/agent/desired-source.ts): a local apply, the cloud's
 * `$edgeAgent` desired properties (`version`: their `$version`), or a local apply that overrode the cloud's
 * `cloudVersion`. `connected`: the cloud's twins are connected with a deployment for this device (local applies then
 * need the explicit override).
 */
export const DesiredSourceSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('local') }),
  z.object({ driver: z.literal('cloud'), version: z.number().int(), since: z.string(), connected: z.boolean() }),
  z.object({ driver: z.literal('localOverride'), cloudVersion: z.number().int(), since: z.string(), connected: z.boolean() }),
]);

/** The cloud's `$edgeAgent`/`$edgeHub` twins as the upstream link follows them, and who drives the desired state. */
export const CloudTwinsSchema = z.object({
  twins: z.enum(['off', 'connecting', 'connected', 'offline']),
  lastError: z.string().optional(),
  desired: DesiredSourceSchema,
});

export const Outbox = z.object({
  endpoints: z.array(EndpointStatsSchema),
  upstream: UpstreamStateSchema,
  /** Present when the console composes the edge hub with an agent (additive; issue 12 "Upstream"). */
  cloud: CloudTwinsSchema.optional(),
  /** Downstream (leaf) devices: connected now, and known children of this edge device (additive; issue 12 "Front end"). */
  leafDevices: z.object({ connected: z.number().int().nonnegative(), known: z.number().int().nonnegative() }).optional(),
  /** Bytes the store uses on disk, and its bound (policy when full: new messages are refused, nothing stored is dropped). */
  storeBytes: z.number(),
  storeLimitBytes: z.number(),
});
export type Outbox = z.infer<typeof Outbox>;

/** One message as the tap saw it (sampled: at high rates not every message is sent to the UI). */
export const TappedMessage = z.object({
  /** Increasing per hub process; gaps mean sampling. */
  id: z.number().int(),
  at: z.string(),
  deviceId: z.string(),
  moduleId: z.string().optional(),
  /** The module output (`$.on`), absent for device telemetry. */
  output: z.string().optional(),
  /** Names of the routes that selected it, and the endpoints it went to. */
  routes: z.array(z.string()),
  endpoints: z.array(z.string()),
  systemProperties: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.string()),
  /** UTF-8 text, else base64; cut at 64 KiB (`truncated`). */
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  bodyBytes: z.number().int(),
  truncated: z.boolean().optional(),
});
export type TappedMessage = z.infer<typeof TappedMessage>;

/** Counts over the last second: per source output (`<module>/<output>` or `<device>`) and per route. */
export const HubRates = z.object({
  at: z.string(),
  bySource: z.record(z.string(), z.number()),
  byRoute: z.record(z.string(), z.number()),
});
export type HubRates = z.infer<typeof HubRates>;

const PATH = z.string().min(1).max(4096);

export const edgehubContract = defineContract({
  name: 'edgehub',
  methods: {
    state: { input: z.object({}).strict(), output: EdgeHubState, summary: 'Whether the edge hub runs, and on which ports.' },
    routes: { input: z.object({}).strict(), output: RouteConfigStatus, summary: 'The routes in force and the last `$edgeHub` desired status.' },
    outbox: { input: z.object({}).strict(), output: Outbox, summary: 'Per-endpoint queue depth, oldest age, expired count, and the upstream link.' },
    reported: { input: z.object({}).strict(), output: z.record(z.string(), z.unknown()), summary: '$edgeHub reported properties in IoT Edge shape.' },
    recordStart: {
      input: z.object({ path: PATH }).strict(),
      output: z.object({ path: z.string() }),
      summary: 'Record every message the hub routes to an NDJSON file (one TappedMessage per line, full bodies).',
    },
    recordStop: { input: z.object({}).strict(), output: z.object({ path: z.string(), messages: z.number().int() }), summary: 'Stop recording.' },
    replay: {
      input: z.object({ path: PATH, moduleId: z.string().min(1).max(128), input: z.string().min(1).max(128) }).strict(),
      output: z.object({ delivered: z.number().int() }),
      summary: 'Send every message of a recording to a module input, in order, with its properties.',
    },
  },
  events: {
    changed: EdgeHubState,
    messages: z.array(TappedMessage),
    rates: HubRates,
    outbox: Outbox,
  },
});
