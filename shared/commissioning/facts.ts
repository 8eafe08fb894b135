/**
 * What the checks judge, gathered once per run (electron/services/commissioning/ gathers them). Each fact is plain
 * data; a fact that could not be gathered says why (`Unavailable`), so that a verdict can tell "broken" from
 * "could not look". No secrets travel here: keys are compared where they are gathered, only the outcome is a fact.
 */

export interface Unavailable {
  readonly available: false;
  readonly reason: string;
}

export type Maybe<T> = ({ readonly available: true } & T) | Unavailable;

/** The deployment the gateway is meant to run: the runtime's applied deployment, or the device's `$edgeAgent`/`$edgeHub` desired. */
export interface DeploymentFact {
  readonly source: 'local-runtime' | 'device-twins';
  /** The deployment as JSON text (as applied, or rebuilt from the twins' desired properties). */
  readonly text: string;
  readonly version: number;
}

export interface ImageFact {
  readonly image: string;
  readonly modules: readonly string[];
  readonly present: boolean;
  readonly pullPolicy: 'on-create' | 'never';
  /** For a missing image: whether its registry answers (`unknown`: not probed). */
  readonly registry: 'reachable' | 'unreachable' | 'unknown';
  readonly registryAddress: string;
  readonly registryDetail?: string;
}

export interface EngineFact {
  readonly version: string;
  readonly apiVersion: string;
  /** From the deployment's `runtime.settings.minDockerVersion`, when it sets one. */
  readonly minDockerVersion?: string;
}

export interface DiskFact {
  readonly path: string;
  readonly freeBytes: number;
  readonly totalBytes: number;
}

export interface ContainerFact {
  readonly module: string;
  readonly containerId: string;
  readonly logDriver: string;
  readonly logOptions: Readonly<Record<string, string>>;
}

export interface ClockFact {
  /** The hub's `Date` header (second resolution). */
  readonly hubDate: string;
  /** Local time at the middle of the request, and the difference hub − local in ms. */
  readonly localAt: string;
  readonly skewMs: number;
}

export interface EndpointReachFact {
  readonly host: string;
  readonly port: number;
  /** What the port is for (e.g. "MQTT (8883)", "AMQP (5671)", "HTTPS and MQTT/AMQP over WebSocket (443)"). */
  readonly purpose: string;
  readonly tcp: { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string };
  /** The TLS handshake with the trust store the runtime uses; absent when TCP failed. */
  readonly tls?:
    | { readonly ok: true; readonly ms: number; readonly subject: string; readonly issuer: string; readonly validTo: string }
    | { readonly ok: false; readonly error: string; readonly untrusted: boolean };
}

export interface HubFact {
  /** host[:port] of the hub's HTTPS endpoint, as clients use it. */
  readonly hostName: string;
  readonly host: string;
  readonly kind: 'local' | 'cloud';
  readonly dns: { readonly ok: true; readonly addresses: readonly string[] } | { readonly ok: false; readonly error: string };
  readonly endpoints: readonly EndpointReachFact[];
}

export interface DeviceFact {
  readonly deviceId: string;
  readonly exists: boolean;
  readonly edgeEnabled: boolean;
  readonly status: string;
  readonly authType: string;
  /** Whether the key the runtime holds is one of the device's keys in the hub (undefined: not known here). */
  readonly keyMatches?: boolean;
  /** The upstream link's verdict on the device's credentials, when it has tried them. */
  readonly upstream?: { readonly state: 'connected' | 'offline' | 'connecting' | 'off'; readonly error?: string };
}

export interface CertificateFact {
  /** What the certificate is for ("edge CA", "hub server certificate", "device X.509"). */
  readonly name: string;
  readonly subject: string;
  readonly validTo: string;
}

export interface ModuleFact {
  readonly name: string;
  readonly desiredStatus: 'running' | 'stopped';
  readonly runtimeStatus: string;
  readonly restartCount: number;
  readonly lastRestartTime?: string;
  readonly exitCode?: number;
  readonly problem?: string;
}

export interface RuntimeFact {
  readonly modules: readonly ModuleFact[];
  /** The desired `$version` and the one reported as last applied, with its status. */
  readonly desiredVersion: number;
  readonly reportedVersion: number;
  readonly lastDesiredStatus: { readonly code: number; readonly description: string };
  /** Who drives the runtime: a local apply, the cloud's twins, or a local override of the cloud. */
  readonly driver: 'local' | 'cloud' | 'localOverride';
}

export interface RoutesFact {
  /** `$edgeHub` reported `lastDesiredStatus` (200 when the routes in force are the desired ones). */
  readonly code: number;
  readonly description: string;
  readonly routes: readonly { readonly name: string; readonly text: string; readonly endpoint: string }[];
}

export interface OutboxFact {
  readonly upstream: { readonly state: 'off' | 'connecting' | 'connected' | 'offline'; readonly detail?: string };
  /** Two samples of each endpoint's queue, `intervalMs` apart. */
  readonly intervalMs: number;
  readonly endpoints: readonly { readonly endpoint: string; readonly depthBefore: number; readonly depthAfter: number; readonly oldestAgeMs: number; readonly expired: number }[];
}

export interface RouteArrivalFact {
  readonly route: string;
  readonly source: string;
  /** A message from the route's source reached the hub (ms after the edge hub routed it), or none did in time. */
  readonly arrived: boolean;
  readonly latencyMs?: number;
  readonly waitedMs: number;
}

export interface Facts {
  readonly now: string;
  readonly target: { readonly deviceId: string; readonly runtime: 'local' | 'remote' };
  readonly deployment: Maybe<{ readonly deployment: DeploymentFact | undefined }>;
  readonly images: Maybe<{ readonly images: readonly ImageFact[] }>;
  readonly engine: Maybe<EngineFact>;
  readonly disk: Maybe<DiskFact>;
  readonly containers: Maybe<{ readonly containers: readonly ContainerFact[] }>;
  readonly clock: Maybe<ClockFact>;
  readonly hub: Maybe<HubFact>;
  readonly device: Maybe<DeviceFact>;
  readonly moduleIdentities: Maybe<{ readonly modules: readonly string[] }>;
  readonly certificates: Maybe<{ readonly certificates: readonly CertificateFact[] }>;
  readonly runtime: Maybe<RuntimeFact>;
  readonly routes: Maybe<RoutesFact>;
  readonly outbox: Maybe<OutboxFact>;
  readonly arrivals: Maybe<{ readonly arrivals: readonly RouteArrivalFact[] }>;
}

export type FactName = keyof Facts;
