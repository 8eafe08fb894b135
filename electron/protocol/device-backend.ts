import type { Result } from '../../shared/errors';

/**
 * The seam between IoT Hub's device-facing protocol (written once, in this folder) and the two hubs that speak it:
 * the embedded local hub (electron/cloud/localhub) and the edge hub (electron/runtime/hub). The protocol layer
 * parses packets, checks credentials and authorizes topics; a backend stores and routes. A difference between the
 * two hubs is a different backend or policy here, never a second parser (ARCHITECTURE.md "Decisions").
 */

/** A device (`moduleId` absent) or a module on a device. */
export interface IdentityRef {
  readonly deviceId: string;
  readonly moduleId?: string;
}

/** How an identity may authenticate, as the registry keeps it (HUB-CONTRACTS.md §2.3, §2.5). */
export type IdentityCredentials =
  | { readonly type: 'sas'; readonly primaryKey: string; readonly secondaryKey: string }
  /** Self-signed X.509: the client certificate's SHA-1 or SHA-256 thumbprint (hex, any case) must match one. */
  | { readonly type: 'selfSigned'; readonly primaryThumbprint?: string; readonly secondaryThumbprint?: string }
  /** CA-signed X.509: the client certificate chains to a trusted device CA and its CN is the device id. */
  | { readonly type: 'certificateAuthority' }
  /** No credentials of its own (e.g. modules managed by an edge device that authenticate through it). */
  | { readonly type: 'none' };

export interface IdentityRecord extends IdentityRef {
  /** Devices can be disabled; modules are always enabled. */
  readonly status: 'enabled' | 'disabled';
  readonly credentials: IdentityCredentials;
}

/** A device-to-cloud or cloud-to-device message with its decoded property bag (HUB-CONTRACTS.md §6.3). */
export interface HubMessage {
  readonly body: Uint8Array;
  /** System properties by their wire names without the `$.` prefix: `mid`, `cid`, `uid`, `to`, `ct`, `ce`, `on`, `exp`, … */
  readonly systemProperties: Readonly<Record<string, string>>;
  /** Application properties, decoded. */
  readonly properties: Readonly<Record<string, string>>;
}

/** The desired and reported sections of a twin as a device sees them, each with its `$version`. */
export interface TwinSections {
  readonly desired: Record<string, unknown>;
  readonly reported: Record<string, unknown>;
}

/** What a backend refuses with; maps to CONNACK codes, MQTT twin error bodies and log lines. */
export interface BackendError {
  readonly code: 'NOT_FOUND' | 'UNAUTHORIZED' | 'BAD_REQUEST' | 'TOO_LARGE' | 'THROTTLED' | 'UNAVAILABLE' | 'INTERNAL';
  readonly message: string;
}

/**
 * What a hub supplies to the device-facing protocol layer. Every method may be called concurrently for different
 * identities; each must resolve (never reject) and must not throw: failures are `Result` errors.
 */
/** How a telemetry message arrived over MQTT. */
export interface TelemetryDelivery {
  readonly qos: 0 | 1;
}

export interface DeviceBackend {
  /** The registry's record for an identity, or NOT_FOUND. Called on every CONNECT (and device HTTPS request). */
  lookupIdentity(ref: IdentityRef): Promise<Result<IdentityRecord, BackendError>>;
  /**
   * Telemetry from a device or a module output (`systemProperties.on` names the output). Resolves once the message
   * is as durable as this hub promises; only then does the QoS 1 PUBACK (or HTTP 204) go out. `delivery.qos` is how
   * an MQTT client sent it (absent over HTTPS): a QoS 0 sender waits for nothing, so a hub may keep such a message
   * without waiting for the disk.
   */
  acceptTelemetry(from: IdentityRef, message: HubMessage, delivery?: TelemetryDelivery): Promise<Result<void, BackendError>>;
  /** The twin's desired and reported sections for a `$iothub/twin/GET`. */
  getTwin(of: IdentityRef): Promise<Result<TwinSections, BackendError>>;
  /** Merges a reported patch (`null` deletes); resolves with the new reported `$version`. */
  patchReported(of: IdentityRef, patch: Record<string, unknown>): Promise<Result<{ readonly version: number }, BackendError>>;
  /** A connection of this identity opened or closed (for `connectionState`, `lastActivityTime`). */
  connectionChanged(ref: IdentityRef, connected: boolean): void;
  /**
   * A connection of this identity now listens to `feature` (after its SUBACK, or on connect for a persistent
   * session's restored subscriptions): a hub may deliver what waited for it (cloud-to-device messages).
   */
  subscribed?(ref: IdentityRef, feature: 'c2d' | 'inputs' | 'twinResponses' | 'desired' | 'methods'): void;
  /**
   * On-behalf-of authentication (a hub that has it: the local hub, as IoT Hub): the `$edgeHub` module identity of
   * `edgeDeviceId` when `child` is a device in that IoT Edge device's scope (its `deviceScope`, or `parentScopes`
   * naming it), so a token signed with `$edgeHub`'s key authenticates the child, as edgeHub connects its downstream
   * devices upstream. UNAUTHORIZED (with why) when it is not; absent: this hub does not accept such tokens.
   */
  onBehalfOf?(child: IdentityRecord, edgeDeviceId: string): Promise<Result<IdentityRecord, BackendError>>;
}

/** A method call's answer as IoT Hub returns it to the service: `{status, payload}` (HUB-CONTRACTS.md §5). */
export interface MethodResponse {
  readonly status: number;
  readonly payload: unknown;
}

export type MethodFailure =
  /** No connection of that identity is subscribed to methods (Azure: 404, errorCode 404103). */
  | { readonly code: 'NOT_CONNECTED'; readonly message: string }
  /** It did not answer within the response timeout (Azure: 504, errorCode 504101). */
  | { readonly code: 'TIMEOUT'; readonly message: string };

/**
 * What the protocol layer offers the hub that owns it: reaching connected identities. Implemented by the MQTT front
 * end; the local hub's REST server and twin store call it.
 */
export interface DeviceGateway {
  /** Relays a direct method to the live connection of `target` and waits for its answer. */
  invokeMethod(target: IdentityRef, methodName: string, payload: unknown, timeoutMs: number): Promise<Result<MethodResponse, MethodFailure>>;
  /** Pushes a desired-properties patch (including `$version`) to the live connections of `target` that subscribed to it. */
  pushDesired(target: IdentityRef, patch: Record<string, unknown>): void;
  /** Delivers a cloud-to-device message (`input` absent) or a module input message (QoS 1); false when nobody subscribed. */
  deliver(target: IdentityRef, message: HubMessage, input?: string): Promise<boolean>;
  /** Drops every live connection of `target` (identity deleted, disabled or its keys regenerated). */
  disconnect(target: IdentityRef): void;
  isConnected(target: IdentityRef): boolean;
}
