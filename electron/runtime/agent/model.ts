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

export interface ObservedModule {
  readonly name: string;
  readonly containerId: string;
  readonly image: string;
  readonly configHash: string | undefined;
  readonly raw: RawStatus;
  readonly exitCode: number;
  readonly statusDescription: string;
  /** ISO times; undefined when the container never started / never exited. */
  readonly startedAt: string | undefined;
  readonly finishedAt: string | undefined;
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
