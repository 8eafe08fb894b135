import type { Result } from '../../../shared/errors';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';

/**
 * The edge hub's seams (EDGE-CONTRACTS.md §7, ARCHITECTURE.md "Messages"):
 *
 *   module/device --MQTT--> IotHubMqttFrontEnd (electron/protocol) --acceptTelemetry--> EdgeHubBackend
 *     --> Router (shared/routes, compiled from `$edgeHub` desired) --> MessageStore.append (durable, one write for
 *     every endpoint the message goes to) --> PUBACK
 *   MessageStore --> one EndpointPump per endpoint --> EndpointSender: a module input (DeviceGateway.deliver) or
 *     `$upstream` (UpstreamLink, azure-iot-device to IoT Hub or the local hub) --> ack (checkpoint advances)
 *
 * Endpoint ids: `$upstream`, or `module/<moduleId>/<inputName>` for BrokeredEndpoint("/modules/<m>/inputs/<i>"), or
 * `c2d/<deviceId>` for cloud-to-device messages the upstream hub sent a downstream (leaf) device.
 */

export const UPSTREAM_ENDPOINT = '$upstream';

export function moduleInputEndpoint(moduleId: string, input: string): string {
  return `module/${moduleId}/${input}`;
}

/** `{moduleId, input}` of a module-input endpoint id, undefined for `$upstream`. */
export function parseModuleInputEndpoint(endpoint: string): { moduleId: string; input: string } | undefined {
  if (!endpoint.startsWith('module/')) return undefined;
  const rest = endpoint.slice('module/'.length);
  const slash = rest.lastIndexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { moduleId: rest.slice(0, slash), input: rest.slice(slash + 1) };
}

export function deviceC2dEndpoint(deviceId: string): string {
  return `c2d/${deviceId}`;
}

/** The leaf of a cloud-to-device endpoint id (`c2d/<deviceId>`), undefined for any other. */
export function parseDeviceC2dEndpoint(endpoint: string): string | undefined {
  if (!endpoint.startsWith('c2d/')) return undefined;
  const deviceId = endpoint.slice('c2d/'.length);
  return deviceId !== '' && !deviceId.includes('/') ? deviceId : undefined;
}

/** A message as the hub keeps it: what the client sent, who sent it, when the hub took it. */
export interface StoredMessage {
  readonly message: HubMessage;
  /** The authenticated sender (IoT Hub's connectionDeviceId / connectionModuleId). */
  readonly source: IdentityRef;
  /** When the hub accepted it (ms since epoch); IoT Hub's `iothub-enqueuedtime` upstream. */
  readonly enqueuedAtMs: number;
}

/** Where one routed message goes, with the route's priority (0 first; 2000000000 = default) and TTL (0 = the hub's). */
export interface EndpointTarget {
  readonly endpoint: string;
  readonly priority: number;
  /** Seconds; 0 means the hub's `storeAndForwardConfiguration.timeToLiveSecs`. */
  readonly ttlSecs: number;
}

/** A message waiting on one endpoint. `seq` increases per endpoint in append order and never repeats. */
export interface QueuedMessage extends StoredMessage {
  readonly endpoint: string;
  readonly seq: number;
  readonly priority: number;
  /** Absolute expiry (ms since epoch), or undefined for never. */
  readonly expiresAtMs: number | undefined;
}

export interface StoreError {
  /** FULL: the disk bound is reached (policy: refuse new messages; nothing acknowledged is dropped). */
  readonly code: 'FULL' | 'IO' | 'CLOSED';
  readonly message: string;
}

export interface EndpointStats {
  readonly endpoint: string;
  /** Messages stored and not yet delivered. */
  readonly depth: number;
  /** Age of the oldest undelivered message (ms), 0 when empty. */
  readonly oldestAgeMs: number;
  /** Messages dropped because their TTL passed before delivery, since the store was created. */
  readonly expired: number;
  /** Messages delivered (acked) since the process started. */
  readonly delivered: number;
}

/**
 * The durable store-and-forward log: an append-only log per endpoint with a checkpoint (classic-level).
 * `append` resolves only once the message is on disk (fsync'd, several appends sharing one sync: group commit);
 * that is when the front end sends the QoS 1 PUBACK. Delivery order per endpoint: by priority (lower first), then
 * append order. Every method resolves (never rejects).
 */
/**
 * `sync: false` (a QoS 0 message: its sender gets no acknowledgement): resolve once the store has written it, without
 * waiting for fsync; it survives the hub's crash (the OS has it), not a power cut, until the next synced write.
 */
export interface AppendOptions {
  readonly sync?: boolean;
}

export interface MessageStore {
  append(message: StoredMessage, targets: readonly EndpointTarget[], options?: AppendOptions): Promise<Result<void, StoreError>>;
  /** Up to `max` undelivered messages of one endpoint in delivery order; expired ones are counted and dropped. */
  peek(endpoint: string, max: number): Promise<readonly QueuedMessage[]>;
  /** Marks messages delivered; the checkpoint moves past them durably. */
  ack(endpoint: string, seqs: readonly number[]): Promise<void>;
  /** Called (synchronously, cheaply) after an append that added a message to `endpoint`. */
  onAppended(listener: (endpoint: string) => void): { dispose(): void };
  stats(): readonly EndpointStats[];
  close(): Promise<void>;
}

export type SendOutcome =
  | { readonly ok: true }
  /** Try again later (offline, module not connected); the pump backs off and keeps order. */
  | { readonly ok: false; readonly retry: true; readonly reason: string }
  /** Will never succeed (e.g. the hub refuses the message as too large): counted as dead-lettered, acked, logged. */
  | { readonly ok: false; readonly retry: false; readonly reason: string };

/** Delivers queued messages of one endpoint, in order. */
export interface EndpointSender {
  send(message: QueuedMessage): Promise<SendOutcome>;
}

/** The upstream connection as the Outbox shows it. */
export type UpstreamState =
  | { readonly state: 'off'; readonly reason: string }
  | { readonly state: 'connecting'; readonly hubHost: string }
  | { readonly state: 'connected'; readonly hubHost: string; readonly since: string }
  | { readonly state: 'offline'; readonly hubHost: string; readonly lastError: string; readonly retryAt: string };
