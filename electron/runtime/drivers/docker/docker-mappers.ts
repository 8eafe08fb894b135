import type Dockerode from 'dockerode';
import type {
  ContainerDetails,
  ContainerRunState,
  ContainerSummary,
  EngineInfo,
  EngineVersion,
  ImageDetails,
  ImageSummary,
  Labels,
} from '../driver-model';

/** Pure mappers from Docker Engine API bodies to the driver model. Docker omits or nulls fields freely. */

const RUN_STATES: readonly ContainerRunState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export function toRunState(value: unknown): ContainerRunState {
  return RUN_STATES.find((s) => s === value) ?? 'unknown';
}

export function trimName(name: string | undefined): string {
  return (name ?? '').replace(/^\//, '');
}

function labelsOf(value: unknown): Labels {
  return value && typeof value === 'object' ? { ...(value as Record<string, string>) } : {};
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return [value];
  return [];
}

/** Docker's zero time (`0001-01-01T00:00:00Z`) means "never". */
function timeOrUndefined(value: string | undefined): string | undefined {
  return !value || value.startsWith('0001-01-01') ? undefined : value;
}

export function toContainerSummary(info: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: info.Id,
    name: trimName(info.Names?.[0]),
    image: info.Image,
    imageId: info.ImageID,
    state: toRunState(info.State),
    status: info.Status ?? '',
    labels: labelsOf(info.Labels),
    createdAt: (info.Created ?? 0) * 1000,
  };
}

export function toContainerDetails(info: Dockerode.ContainerInspectInfo): ContainerDetails {
  const state = info.State;
  const config = info.Config;
  const exited = state.Status === 'exited' || state.Status === 'dead' || Boolean(timeOrUndefined(state.FinishedAt));
  return {
    id: info.Id,
    name: trimName(info.Name),
    image: config?.Image ?? '',
    imageId: info.Image,
    state: toRunState(state.Status),
    status: state.Status,
    labels: labelsOf(config?.Labels),
    createdAt: Date.parse(info.Created),
    running: state.Running,
    exitCode: exited || !state.Running ? state.ExitCode : undefined,
    oomKilled: state.OOMKilled,
    error: state.Error ?? '',
    pid: state.Pid > 0 ? state.Pid : undefined,
    restartCount: info.RestartCount ?? 0,
    startedAt: timeOrUndefined(state.StartedAt),
    finishedAt: timeOrUndefined(state.FinishedAt),
    env: strings(config?.Env),
    cmd: strings(config?.Cmd),
    entrypoint: strings(config?.Entrypoint),
    tty: Boolean(config?.Tty),
  };
}

export function toImageSummary(info: Dockerode.ImageInfo): ImageSummary {
  return {
    id: info.Id,
    repoTags: (info.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    labels: labelsOf(info.Labels),
    createdAt: (info.Created ?? 0) * 1000,
    sizeBytes: info.Size ?? 0,
  };
}

export function toImageDetails(info: Dockerode.ImageInspectInfo): ImageDetails {
  const config = info.Config;
  return {
    id: info.Id,
    repoTags: info.RepoTags ?? [],
    labels: labelsOf(config?.Labels),
    createdAt: Date.parse(info.Created),
    sizeBytes: info.Size ?? 0,
    architecture: info.Architecture ?? '',
    os: info.Os ?? '',
    env: strings(config?.Env),
    cmd: strings(config?.Cmd),
    entrypoint: strings(config?.Entrypoint),
  };
}

export function toEngineVersion(version: Dockerode.DockerVersion): EngineVersion {
  return {
    version: version.Version,
    apiVersion: version.ApiVersion,
    minApiVersion: version.MinAPIVersion,
    os: version.Os,
    arch: version.Arch,
    kernelVersion: version.KernelVersion,
  };
}

/** `/info` is loosely typed upstream; read it defensively. */
export function toEngineInfo(info: Record<string, unknown>): EngineInfo {
  const num = (key: string) => (typeof info[key] === 'number' ? (info[key] as number) : 0);
  const str = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
  return {
    name: str('Name'),
    serverVersion: str('ServerVersion'),
    os: str('OperatingSystem'),
    osType: str('OSType'),
    architecture: str('Architecture'),
    cpus: num('NCPU'),
    memoryBytes: num('MemTotal'),
    containers: {
      total: num('Containers'),
      running: num('ContainersRunning'),
      paused: num('ContainersPaused'),
      stopped: num('ContainersStopped'),
    },
    images: num('Images'),
    storageDriver: str('Driver'),
    cgroupVersion: str('CgroupVersion'),
    systemTime: str('SystemTime'),
  };
}

/** Docker's `filters` query for label selectors: `{label: ["k=v", "k"]}`. */
export function labelFilters(labels: Readonly<Record<string, string | true>> | undefined): string[] {
  return Object.entries(labels ?? {}).map(([key, value]) => (value === true ? key : `${key}=${value}`));
}

export function labelsMatch(labels: Labels, wanted: Readonly<Record<string, string | true>> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([key, value]) => (value === true ? key in labels : labels[key] === value));
}
