import { z } from 'zod';
import { defineContract } from './contract';

/**
 * The embedded local hub: an IoT Hub-compatible server that starts with the console (the "embedded default"), so
 * that the fleet, twins, deployments and methods work on a laptop with no cloud account.
 *   starting --> running
 *       \------> failed      (a port is taken, the store cannot open: the console stays up and says why)
 *   off: not started (GATEHOUSE_LOCALHUB=off, or a CLI command running without a console)
 */
export const LocalHubEndpoint = z.object({
  /** The host name in connection strings and certificates (`localhost` by default). */
  host: z.string(),
  httpsPort: z.number().int(),
  mqttPort: z.number().int(),
  /** The Event Hubs-compatible endpoint (AMQPS; AMQP over WebSockets is on the HTTPS port); absent when it is off. */
  amqpPort: z.number().int().optional(),
  /** PEM file of the root CA its TLS certificate chains to. */
  caFile: z.string(),
});
export type LocalHubEndpoint = z.infer<typeof LocalHubEndpoint>;

export const LocalHubState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('starting') }),
  z.object({ state: z.literal('running'), endpoint: LocalHubEndpoint, since: z.string() }),
  z.object({ state: z.literal('failed'), reason: z.string() }),
  z.object({ state: z.literal('off'), reason: z.string() }),
]);
export type LocalHubState = z.infer<typeof LocalHubState>;

/** What `gatehouse localhub info --json` prints: `{connectionString, host, httpsPort, mqttPort, caFile}`. */
export const LocalHubInfo = LocalHubEndpoint.extend({
  /** Service connection string of the `iothubowner` policy (full rights). */
  connectionString: z.string(),
  /** `Endpoint=sb://<host>:<amqpPort>/;SharedAccessKeyName=iothubowner;SharedAccessKey=…;EntityPath=<hub name>`. */
  eventHubsConnectionString: z.string().optional(),
  /** Only when asked with `withCaKey`: the device CA that signs certificates of CA-authenticated devices. */
  deviceCaCert: z.string().optional(),
  deviceCaKey: z.string().optional(),
});
export type LocalHubInfo = z.infer<typeof LocalHubInfo>;

export const localhubContract = defineContract({
  name: 'localhub',
  methods: {
    state: { input: z.object({}).strict(), output: LocalHubState, summary: 'Whether the embedded local hub runs, and where.' },
    info: {
      input: z.object({ withCaKey: z.boolean().optional() }).strict(),
      output: LocalHubInfo,
      summary: "The running local hub's service connection string, ports and CA file (with the device CA's key only when asked).",
    },
  },
  events: {
    changed: LocalHubState,
  },
});
