import { z } from 'zod';
import { defineContract } from './contract';

/**
 * The connected IoT Hub (the embedded local hub by default) through the official `azure-iothub` SDK: identities,
 * twins, deployments and direct methods. Documents are the hub's own JSON, as `az iot hub …` prints them; they are
 * validated as objects at this edge and read by the code that shows them.
 */

const DEVICE_ID = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9\-.%_*?!(),:=@$']+$/, 'a device id has at most 128 letters, digits and - . % _ * ? ! ( ) , : = @ $ \'');
const MODULE_ID = DEVICE_ID;
export const HubDocument = z.record(z.string(), z.unknown());
export type HubDocument = z.infer<typeof HubDocument>;

export const DevicePage = z.object({ items: z.array(HubDocument), continuationToken: z.string().optional() });
export type DevicePage = z.infer<typeof DevicePage>;

export const DeviceAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sas') }),
  z.object({
    type: z.literal('selfSigned'),
    primaryThumbprint: z.string().regex(/^[0-9A-Fa-f:]{40,95}$/, 'a thumbprint is the hex SHA-1 or SHA-256 of the certificate'),
    secondaryThumbprint: z.string().regex(/^[0-9A-Fa-f:]{40,95}$/).optional(),
  }),
  z.object({ type: z.literal('certificateAuthority') }),
]);

export const MethodResult = z.object({ status: z.number(), payload: z.unknown() });

/** IoT Hub's limits for a cloud-to-device message: 48 hours to live at most (the body's 64 KiB is the hub's to refuse). */
export const C2D_MAX_EXPIRY_SECONDS = 48 * 60 * 60;
const C2D_TEXT = z.string().min(1).max(128);

/** A cloud-to-device message (az iot device c2d-message send); the hub queues it for the device (50 at most waiting). */
export const CloudToDeviceSend = z
  .object({
    deviceId: DEVICE_ID,
    /** The body: text (default) or base64 (`bodyEncoding`). */
    body: z.string().max(262_144),
    bodyEncoding: z.enum(['utf8', 'base64']).optional(),
    /** Application properties. */
    properties: z.record(z.string().min(1).max(128), z.string().max(4096)).optional(),
    /** Default: a new UUID, returned. */
    messageId: C2D_TEXT.optional(),
    correlationId: C2D_TEXT.optional(),
    userId: C2D_TEXT.optional(),
    contentType: C2D_TEXT.optional(),
    contentEncoding: C2D_TEXT.optional(),
    /** Delivery feedback asked of the hub (`iothub-ack`). */
    ack: z.enum(['none', 'positive', 'negative', 'full']).optional(),
    /** Time to live from now; default the hub's (1 hour). */
    expirySeconds: z.number().int().min(1).max(C2D_MAX_EXPIRY_SECONDS).optional(),
  })
  .strict();
export type CloudToDeviceSend = z.infer<typeof CloudToDeviceSend>;

/** A device-to-cloud message as the hub received it (what `az iot hub monitor-events` shows). */
export const TelemetryEvent = z.object({
  deviceId: z.string(),
  moduleId: z.string().optional(),
  enqueuedTimeUtc: z.string(),
  /** System properties without the `$.` prefix (`mid`, `cid`, `ct`, `ce`, `on` for a module output, …). */
  systemProperties: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.string()),
  /** The body as text when it is UTF-8, else base64; cut at 64 KiB (`truncated`). */
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  bodyBytes: z.number().int(),
  truncated: z.boolean().optional(),
});
export type TelemetryEvent = z.infer<typeof TelemetryEvent>;

/** A hub the console can connect to: the embedded local hub (`local`) or one added by connection string. */
export const HubEntry = z.object({
  id: z.string(),
  name: z.string(),
  hostName: z.string(),
  policy: z.string(),
  kind: z.enum(['local', 'cloud']),
  /** ISO 8601, UTC; absent for the local hub. */
  addedAt: z.string().optional(),
  /** A cloud hub whose Event Hubs-compatible endpoint is known: its events are read there (entity and consumer group). */
  eventHubs: z.object({ entityPath: z.string(), consumerGroup: z.string() }).optional(),
});
export type HubEntry = z.infer<typeof HubEntry>;

/**
 * Where the connected hub's device-to-cloud messages come from: the local hub pushes them (`local`), a cloud hub's
 * Event Hubs-compatible endpoint is read (`eventHubs`), or none can be read (`none`: a cloud hub added without that
 * endpoint's connection string; `message` says where to find it).
 */
export const EventsSource = z.object({
  source: z.enum(['local', 'eventHubs', 'none']),
  hostName: z.string(),
  entityPath: z.string().optional(),
  consumerGroup: z.string().optional(),
  /** What to tell the user: where the events come from, why there are none, or the reader's last error. */
  message: z.string(),
  /** The reader's last failure (e.g. UNAUTHORIZED after a key was regenerated); absent while it reads. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type EventsSource = z.infer<typeof EventsSource>;

/**
 * The hubs, the active one, and where their connection strings are kept: `keychain` (sealed under a key in the OS
 * keychain) or `file` (sealed under a key in a 0600 file of the data folder: whoever reads the data folder reads them).
 */
export const HubList = z.object({ active: z.string(), hubs: z.array(HubEntry), secretStorage: z.enum(['keychain', 'file']) });
export type HubList = z.infer<typeof HubList>;

const HUB_ID = z.string().min(1).max(64);
const HUB_NAME = z.string().trim().min(1, 'a name is needed').max(100);

const target = { deviceId: DEVICE_ID, moduleId: MODULE_ID.optional() };

export const cloudContract = defineContract({
  name: 'cloud',
  methods: {
    query: {
      input: z.object({ query: z.string().min(1).max(8192), pageSize: z.number().int().min(1).max(1000).optional(), continuationToken: z.string().max(4096).optional() }).strict(),
      output: DevicePage,
      summary: 'One page of an IoT Hub query (SELECT * FROM devices WHERE …), with a continuation token while more remain.',
    },
    deviceShow: { input: z.object({ deviceId: DEVICE_ID }).strict(), output: HubDocument, summary: 'A device identity (az iot hub device-identity show).' },
    deviceCreate: {
      input: z.object({ deviceId: DEVICE_ID, edgeEnabled: z.boolean().optional(), auth: DeviceAuth.optional() }).strict(),
      output: HubDocument,
      summary: 'Create a device identity; SAS keys are generated by the hub.',
    },
    deviceDelete: { input: z.object({ deviceId: DEVICE_ID }).strict(), output: z.object({}), summary: 'Delete a device identity with its twin and modules.' },
    deviceRegenerateKeys: {
      input: z.object({ deviceId: DEVICE_ID, which: z.enum(['primary', 'secondary', 'both']) }).strict(),
      output: HubDocument,
      summary: 'New symmetric keys; connections with the old key are dropped.',
    },
    connectionString: {
      input: z.object({ ...target, key: z.enum(['primary', 'secondary']).optional() }).strict(),
      output: z.object({ connectionString: z.string() }),
      summary: 'The device or module connection string (az iot hub device-identity connection-string show).',
    },
    moduleList: { input: z.object({ deviceId: DEVICE_ID }).strict(), output: z.array(HubDocument), summary: 'Module identities of a device.' },
    twinShow: { input: z.object(target).strict(), output: HubDocument, summary: 'A device or module twin (az iot hub module-twin show).' },
    twinUpdate: {
      input: z.object({ ...target, patch: HubDocument, etag: z.string().max(200).optional() }).strict(),
      output: HubDocument,
      summary: 'Patch tags and desired properties; a stale etag is CONFLICT (reload and re-apply).',
    },
    setModules: {
      input: z.object({ deviceId: DEVICE_ID, content: HubDocument }).strict(),
      output: z.object({ deviceId: z.string(), modules: z.array(HubDocument) }),
      summary: 'Apply a deployment manifest to one edge device (az iot edge set-modules); validated first, nothing sent when invalid.',
    },
    deploymentList: { input: z.object({}).strict(), output: z.array(HubDocument), summary: 'Deployments at scale (configurations).' },
    deploymentShow: { input: z.object({ deploymentId: z.string().min(1).max(128) }).strict(), output: HubDocument, summary: 'One deployment with its metrics.' },
    deploymentCreate: {
      input: z
        .object({
          deploymentId: z.string().min(1).max(128),
          content: HubDocument,
          targetCondition: z.string().max(8192),
          priority: z.number().int().min(0).optional(),
          labels: z.record(z.string(), z.string()).optional(),
          metrics: z.record(z.string(), z.string()).optional(),
          layered: z.boolean().optional(),
        })
        .strict(),
      output: HubDocument,
      summary: 'Create a deployment at scale (az iot edge deployment create).',
    },
    deploymentUpdate: {
      input: z
        .object({
          deploymentId: z.string().min(1).max(128),
          etag: z.string().min(1).max(200),
          targetCondition: z.string().max(8192).optional(),
          priority: z.number().int().min(0).optional(),
          labels: z.record(z.string(), z.string()).optional(),
          metrics: z.record(z.string(), z.string()).optional(),
        })
        .strict(),
      output: HubDocument,
      summary:
        "Change a deployment's target condition, priority, labels or metric queries (az iot edge deployment update); the content cannot change (IoT Hub refuses it). A stale etag is CONFLICT (reload); '*' is unconditional.",
    },
    deploymentDelete: { input: z.object({ deploymentId: z.string().min(1).max(128) }).strict(), output: z.object({}), summary: 'Delete a deployment.' },
    invokeMethod: {
      input: z
        .object({
          ...target,
          methodName: z.string().min(1).max(128),
          payload: z.unknown().optional(),
          responseTimeoutInSeconds: z.number().int().min(5).max(300).optional(),
          connectTimeoutInSeconds: z.number().int().min(0).max(300).optional(),
        })
        .strict(),
      output: MethodResult,
      summary: "A direct method on a device or module; the result is the device's {status, payload}.",
    },
    c2dMessageSend: {
      input: CloudToDeviceSend,
      output: z.object({ deviceId: z.string(), messageId: z.string() }),
      summary:
        'Send a cloud-to-device message (az iot device c2d-message send): queued by the hub until the device takes it. An unknown device is NOT_FOUND, a full queue (50) CONFLICT, a body over 64 KiB BAD_REQUEST.',
    },
    hubs: { input: z.object({}).strict(), output: HubList, summary: 'The hubs the console can connect to, the active one, and how their secrets are kept.' },
    hubAdd: {
      input: z
        .object({
          connectionString: z.string().min(1).max(4096),
          name: HUB_NAME.optional(),
          /** The hub's Event Hubs-compatible endpoint (Built-in endpoints), for its events; checked and stored sealed too. */
          eventHubsConnectionString: z.string().min(1).max(4096).optional(),
          /** Default `$Default`. */
          eventHubsConsumerGroup: z.string().trim().min(1).max(50).optional(),
        })
        .strict(),
      output: HubEntry,
      summary: 'Add a hub by its service connection string; it is connected first (a wrong key is UNAUTHORIZED, a wrong host DISCONNECTED) and stored sealed.',
    },
    eventsSource: {
      input: z.object({}).strict(),
      output: EventsSource,
      summary: "Where the connected hub's device-to-cloud messages (cloud.telemetry) come from, or why there are none.",
    },
    hubRename: { input: z.object({ id: HUB_ID, name: HUB_NAME }).strict(), output: HubEntry, summary: 'Rename a hub.' },
    hubRemove: { input: z.object({ id: HUB_ID }).strict(), output: HubList, summary: 'Forget a hub and its connection string; the local hub becomes active if it was.' },
    hubSelect: { input: z.object({ id: HUB_ID }).strict(), output: HubList, summary: 'Connect the console to another hub.' },
    hubReveal: { input: z.object({ id: HUB_ID }).strict(), output: z.object({ connectionString: z.string() }), summary: "A hub's connection string (only on this explicit request)." },
  },
  events: {
    /** Device-to-cloud messages arriving at the connected hub (the local hub pushes them as they arrive). */
    telemetry: TelemetryEvent,
  },
});
