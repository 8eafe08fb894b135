/**
 * The data a container driver speaks: plain, serialisable, engine-neutral shapes.
 * Create options are the exception on purpose: IoT Edge `createOptions` ARE a Docker Engine `ContainerCreate`
 * body (EDGE-CONTRACTS §2.1), so they keep Docker's PascalCase field names; another driver maps what it can.
 */

/** Docker's container states, plus `unknown` for anything an engine invents later (EDGE-CONTRACTS §3.2). */
export type ContainerRunState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

export type Labels = Readonly<Record<string, string>>;

export interface ContainerSummary {
  readonly id: string;
  /** Without Docker's leading `/`: the module name for containers the agent creates. */
  readonly name: string;
  /** The image reference the container was created from (as given, e.g. `gatehouse/busybox-module:test`). */
  readonly image: string;
  readonly imageId: string;
  readonly state: ContainerRunState;
  /** Human text such as `Up 3 seconds` or `Exited (1) 2 minutes ago`. Display only. */
  readonly status: string;
  readonly labels: Labels;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface ContainerDetails extends ContainerSummary {
  readonly running: boolean;
  readonly exitCode: number | undefined;
  readonly oomKilled: boolean;
  /** The engine's error for the last start, e.g. an entrypoint that does not exist. Empty when none. */
  readonly error: string;
  readonly pid: number | undefined;
  /** Engine-side restarts (always 0 for agent-managed modules: the agent restarts them itself). */
  readonly restartCount: number;
  /** ISO 8601 with the engine's precision; undefined when never started / never finished. */
  readonly startedAt: string | undefined;
  readonly finishedAt: string | undefined;
  readonly env: readonly string[];
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
  readonly tty: boolean;
}

/** The well-known part of Docker's HostConfig; unknown fields pass through untouched. */
export interface HostConfigOptions {
  readonly Binds?: readonly string[];
  readonly Mounts?: readonly Readonly<Record<string, unknown>>[];
  readonly PortBindings?: Readonly<Record<string, readonly { HostIp?: string; HostPort?: string }[]>>;
  readonly NetworkMode?: string;
  readonly Privileged?: boolean;
  readonly CapAdd?: readonly string[];
  readonly CapDrop?: readonly string[];
  readonly RestartPolicy?: { readonly Name?: string; readonly MaximumRetryCount?: number };
  readonly Memory?: number;
  readonly AutoRemove?: boolean;
  readonly [field: string]: unknown;
}

/** A Docker Engine `ContainerCreate` body (API v1.25+ field names), i.e. IoT Edge createOptions plus `Image`. */
export interface ContainerCreateOptions {
  readonly Image: string;
  readonly Cmd?: readonly string[];
  readonly Entrypoint?: readonly string[];
  /** `KEY=value` entries. */
  readonly Env?: readonly string[];
  readonly Labels?: Labels;
  readonly WorkingDir?: string;
  readonly User?: string;
  readonly Tty?: boolean;
  readonly ExposedPorts?: Readonly<Record<string, Readonly<Record<string, never>>>>;
  readonly StopSignal?: string;
  readonly StopTimeout?: number;
  readonly HostConfig?: HostConfigOptions;
  readonly NetworkingConfig?: { readonly EndpointsConfig?: Readonly<Record<string, unknown>> };
  readonly [field: string]: unknown;
}

export interface CreatedContainer {
  readonly id: string;
  readonly warnings: readonly string[];
}

/** Start/stop/restart are idempotent: asking for the state a container is already in succeeds with `changed: false`. */
export interface StateChange {
  readonly changed: boolean;
}

export interface ContainerFilter {
  /** Include stopped containers (default true). */
  readonly all?: boolean;
  /** `key: value` matches the value; `key: true` only requires the label. All entries must match. */
  readonly labels?: Readonly<Record<string, string | true>>;
}

export type ContainerEventKind =
  | 'create'
  | 'start'
  | 'restart'
  | 'die'
  | 'kill'
  | 'oom'
  | 'stop'
  | 'pause'
  | 'unpause'
  | 'rename'
  | 'destroy'
  | 'health';

interface ContainerEventBase {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** The container's labels (Docker mixes them into the event attributes; known attribute keys are removed). */
  readonly labels: Labels;
  /** Milliseconds since the epoch (engine clock). */
  readonly time: number;
  /** Nanoseconds since the epoch, as a decimal string (engine clock): the ordering key. */
  readonly timeNano: string;
}

/** A container lifecycle event. `die` carries the exit code, `kill` the signal, `health` the new status. */
export type ContainerEvent =
  | (ContainerEventBase & { readonly kind: Exclude<ContainerEventKind, 'die' | 'kill' | 'health'> })
  | (ContainerEventBase & { readonly kind: 'die'; readonly exitCode: number })
  | (ContainerEventBase & { readonly kind: 'kill'; readonly signal: string })
  | (ContainerEventBase & { readonly kind: 'health'; readonly healthStatus: string });

export interface ContainerEventFilter {
  readonly kinds?: readonly ContainerEventKind[];
  readonly containerIds?: readonly string[];
  readonly labels?: Readonly<Record<string, string | true>>;
}

export interface LogOptions {
  /** Keep the stream open and deliver new lines until the container stops or the stream is disposed. */
  readonly follow?: boolean;
  /** Only the last N lines (default all). */
  readonly tail?: number | 'all';
  readonly since?: Date;
  readonly until?: Date;
  /** Ask the engine for a timestamp per line (RFC 3339 with nanoseconds), returned in `LogLine.timestamp`. */
  readonly timestamps?: boolean;
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  /** One line without its line break. */
  readonly line: string;
  readonly timestamp?: string;
}

export interface ImageSummary {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly labels: Labels;
  readonly createdAt: number;
  readonly sizeBytes: number;
}

export interface ImageDetails extends ImageSummary {
  readonly architecture: string;
  readonly os: string;
  readonly env: readonly string[];
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
}

export interface ImageFilter {
  readonly labels?: Readonly<Record<string, string | true>>;
  /** A repository or `repo:tag` pattern, as Docker's `reference` filter. */
  readonly reference?: string;
}

/** Progress of an offline image load: bytes we sent, then the engine's per-layer messages. */
export type ImageLoadProgress =
  | { readonly kind: 'upload'; readonly bytes: number }
  | { readonly kind: 'layer'; readonly id: string; readonly status: string; readonly current?: number; readonly total?: number }
  | { readonly kind: 'message'; readonly text: string };

export interface ImageLoadResult {
  /** `repo:tag` for tagged images, `sha256:…` ids for untagged ones. */
  readonly loaded: readonly string[];
}

export interface EngineVersion {
  readonly version: string;
  readonly apiVersion: string;
  readonly minApiVersion: string;
  readonly os: string;
  readonly arch: string;
  readonly kernelVersion: string;
}

export interface EngineInfo {
  readonly name: string;
  readonly serverVersion: string;
  readonly os: string;
  readonly osType: string;
  readonly architecture: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly containers: { readonly total: number; readonly running: number; readonly paused: number; readonly stopped: number };
  readonly images: number;
  readonly storageDriver: string;
  readonly cgroupVersion: string;
  /** The engine's clock, ISO 8601. */
  readonly systemTime: string;
}
