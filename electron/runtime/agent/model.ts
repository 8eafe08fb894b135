/**
 * The agent's view of modules: what the deployment wants (desired), what the driver sees (observed), and what the
 * agent remembers between reconciles (restart statistics). Values and defaults follow EDGE-CONTRACTS.md §1–§3.
 */
export type RestartPolicy = 'never' | 'on-failure' | 'on-unhealthy' | 'always';
export type ImagePullPolicy = 'on-create' | 'never';
export type DesiredStatus = 'running' | 'stopped';

/** Raw status from the container (edgelet's `runtime_state`). */
export type RawStatus = 'running' | 'stopped' | 'failed' | 'dead' | 'unknown';

/** Reported `runtimeStatus` (lower-case, as edgeAgent reports it). */
export type RuntimeStatus = 'unknown' | 'backoff' | 'running' | 'unhealthy' | 'stopped' | 'failed' | 'dead';

export const DEFAULT_STARTUP_ORDER = 4294967295;
export const OWNER_LABEL = 'net.azure-devices.edge.owner';
export const OWNER_VALUE = 'Microsoft.Azure.Devices.Edge.Agent';
export const ORIGINAL_IMAGE_LABEL = 'net.azure-devices.edge.original-image';
/** Gatehouse's own label: a hash of everything in the desired module that requires a recreate when it changes. */
export const CONFIG_HASH_LABEL = 'io.gatehouse.config-hash';
/** Gatehouse's ownership label: the id of the Gatehouse instance (one per data folder) that created the container. */
export const INSTANCE_LABEL = 'io.gatehouse.instance';
/** The data folder of that instance, so that another Gatehouse can say whose container it is. */
export const DATA_DIR_LABEL = 'io.gatehouse.data-dir';

/**
 * Whose container this is, among those carrying IoT Edge's owner label (see ownership.ts):
 * - `this`: created by this Gatehouse instance (its instance label);
 * - `adopted`: created by an earlier Gatehouse version on this data folder (no instance label yet), recognised
 *   from this data folder's persisted deployment (same name and configuration hash);
 * - `gatehouse`: another Gatehouse instance's (its instance label, and data folder when it said so);
 * - `earlier-gatehouse`: a Gatehouse created it before instance labels existed, and it is not recognisably ours;
 * - `iot-edge`: IoT Edge's labels only: the real IoT Edge runtime (or something imitating it).
 * Only `this` and `adopted` are managed: everything else is shown, never stopped, removed or recreated.
 */
export type ContainerOwner =
  | { readonly kind: 'this' }
  | { readonly kind: 'adopted' }
  | { readonly kind: 'gatehouse'; readonly instanceId: string; readonly dataDir: string | undefined }
  | { readonly kind: 'earlier-gatehouse' }
  | { readonly kind: 'iot-edge' };

export interface DesiredModule {
  readonly name: string;
  readonly version: string;
  readonly image: string;
  /** Parsed Docker ContainerCreate body from createOptions (chunks joined), `{}` when absent. */
  readonly createOptions: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string>>;
  readonly status: DesiredStatus;
  readonly restartPolicy: RestartPolicy;
  readonly imagePullPolicy: ImagePullPolicy;
  readonly startupOrder: number;
  /** Hash of the fields above except status (see CONFIG_HASH_LABEL). */
  readonly configHash: string;
}

export interface DesiredState {
  /** Increments with every accepted apply; reported as lastDesiredVersion. */
  readonly version: number;
  readonly modules: readonly DesiredModule[];
}

/** A container with IoT Edge's owner label, as the driver shows it, before ownership is decided. */
export interface ObservedContainer {
  readonly name: string;
  readonly containerId: string;
  readonly image: string;
  readonly configHash: string | undefined;
  /** INSTANCE_LABEL and DATA_DIR_LABEL, when present. */
  readonly instanceLabel: string | undefined;
  readonly dataDirLabel: string | undefined;
  readonly raw: RawStatus;
  readonly exitCode: number;
  readonly statusDescription: string;
  /** ISO times; undefined when the container never started / never exited. */
  readonly startedAt: string | undefined;
  readonly finishedAt: string | undefined;
}

/** An observed container and whose it is. */
export interface ObservedModule extends ObservedContainer {
  readonly owner: ContainerOwner;
}

export interface RestartStats {
  readonly restartCount: number;
  readonly lastRestartTime: string | undefined;
}

/** What the agent remembers between reconciles, keyed by module name. */
export type AgentMemory = Readonly<Record<string, RestartStats>>;

/** IoT Edge's restart constants (appsettings_agent.json, RestartPolicyManager.cs). */
export interface RestartSettings {
  readonly maxRestartCount: number;
  readonly intensiveCareMs: number;
  readonly coolOffUnitMs: number;
  readonly maxCoolOffMs: number;
}

export const IOT_EDGE_RESTART_SETTINGS: RestartSettings = {
  maxRestartCount: 20,
  intensiveCareMs: 10 * 60_000,
  coolOffUnitMs: 10_000,
  maxCoolOffMs: 300_000,
};
