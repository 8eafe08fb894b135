import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { ok, type Result } from '../../../../shared/errors';
import { iterateEvent } from '../async-queue';
import { DisposableStore, type Disposable } from '../disposable';
import type { ContainerDriver, DisposableAsyncIterable, DriverState, ImageLoadOptions, ImageTarball, LogStream, PullImageOptions, RemoveOptions, StopOptions } from '../driver';
import type {
  ContainerCreateOptions,
  ContainerDetails,
  ContainerEvent,
  ContainerEventFilter,
  ContainerFilter,
  ContainerSummary,
  CreatedContainer,
  EngineInfo,
  EngineVersion,
  ImageDetails,
  ImageFilter,
  ImageLoadResult,
  ImageSummary,
  LogOptions,
  StateChange,
} from '../driver-model';
import { EngineConnection, type AvailableDetails, type BackoffOptions } from '../engine-connection';
import type { Event } from '../event';
import { DockerContainers } from './docker-containers';
import { buildLocalImages, type BuildLocalImagesOptions, type LocalImage } from '../images/build-local-images';
import { createInvoke, type DockerInvoke } from './docker-errors';
import { eventMatches } from './docker-event-parser';
import { DockerEventStream } from './docker-event-stream';
import { DockerImages, pullImage } from './docker-images';
import { DockerLogs } from './docker-logs';
import { toEngineInfo, toEngineVersion } from './docker-mappers';

export interface DockerDriverOptions {
  /** Unix socket (or Windows named pipe) of the engine. Default: dockerode's (DOCKER_HOST, else the platform socket). */
  readonly socketPath?: string;
  /** Full dockerode options, for TCP/TLS engines; `socketPath` wins when both are given. */
  readonly dockerode?: Dockerode.DockerOptions;
  readonly backoff?: BackoffOptions;
  readonly heartbeatMs?: number;
  readonly attemptTimeoutMs?: number;
}

/**
 * The socket docker-modem picks when none is configured (it decides later, asynchronously): Docker Desktop's
 * per-user socket when it exists, the system socket otherwise.
 */
export function defaultUnixSocket(home = homedir()): string {
  const user = join(home, '.docker', 'run', 'docker.sock');
  return existsSync(user) ? user : '/var/run/docker.sock';
}

/** Where a dockerode client points, for messages, states and Settings. */
export function describeEndpoint(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: number | string; protocol?: string };
  // Without DOCKER_HOST, docker-modem holds a function that finds the default socket when first used.
  const socketPath = typeof modem.socketPath === 'function' ? defaultUnixSocket() : modem.socketPath;
  if (typeof socketPath === 'string') {
    return socketPath.startsWith('//./pipe/') ? `npipe:${socketPath}` : `unix://${socketPath}`;
  }
  return `${modem.protocol ?? 'http'}://${modem.host ?? 'localhost'}${modem.port ? `:${modem.port}` : ''}`;
}

/** dockerode's ping/version/info accept `{abortSignal}` at runtime; its typings do not say so. */
function callWithSignal<T>(docker: Dockerode, method: unknown, signal: AbortSignal | undefined): Promise<T> {
  const call = method as (this: Dockerode, options: { abortSignal?: AbortSignal }) => Promise<T>;
  return call.call(docker, signal ? { abortSignal: signal } : {});
}

/**
 * ContainerDriver on the Docker Engine API (dockerode). Starts connecting on construction; `dispose` stops
 * the reconnect loop, the heartbeat and the event stream. Operations are attempted in every state (a call
 * that finds the engine gone fails with ENGINE_UNAVAILABLE and makes the driver re-check at once).
 */
export class DockerDriver implements ContainerDriver {
  readonly kind = 'docker' as const;
  readonly endpoint: string;
  readonly onDidChangeState: Event<DriverState>;

  private readonly store = new DisposableStore();
  private readonly docker: Dockerode;
  private readonly invoke: DockerInvoke;
  private readonly connection: EngineConnection;
  private readonly events: DockerEventStream;
  private readonly containers: DockerContainers;
  private readonly images: DockerImages;
  private readonly logStreams: DockerLogs;

  constructor(options: DockerDriverOptions = {}) {
    this.docker = new Dockerode({ ...options.dockerode, ...(options.socketPath ? { socketPath: options.socketPath } : {}) });
    this.endpoint = describeEndpoint(this.docker);
    this.invoke = createInvoke(this.endpoint, () => this.connection.suspect());
    this.events = this.store.add(new DockerEventStream(this.docker, this.invoke));
    this.connection = this.store.add(
      new EngineConnection({
        endpoint: this.endpoint,
        engineName: 'Docker engine',
        connect: (signal) => this.connect(signal),
        ping: (signal) => this.ping(signal),
        onLost: () => this.events.close(),
        ...(options.backoff ? { backoff: options.backoff } : {}),
        ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
        ...(options.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: options.attemptTimeoutMs }),
      }),
    );
    this.onDidChangeState = this.connection.onDidChangeState;
    this.store.add(this.events.onLost(() => this.connection.suspect()));
    this.containers = new DockerContainers(this.docker, this.invoke);
    this.images = new DockerImages(this.docker, this.invoke);
    this.logStreams = new DockerLogs(this.docker, this.invoke, this.endpoint);
    this.connection.start();
  }

  get state(): DriverState {
    return this.connection.state;
  }

  /** The underlying client, for Docker-only tooling (image builds, `docker save`) that is not part of the driver contract. */
  get client(): Dockerode {
    return this.docker;
  }

  dispose(): void {
    this.store.dispose();
  }

  async ping(signal?: AbortSignal): Promise<Result<void>> {
    return this.invoke('ping the engine', () => callWithSignal<unknown>(this.docker, this.docker.ping, signal).then(() => undefined), signal);
  }

  async version(signal?: AbortSignal): Promise<Result<EngineVersion>> {
    return this.invoke(
      'read the engine version',
      async () => toEngineVersion(await callWithSignal<Dockerode.DockerVersion>(this.docker, this.docker.version, signal)),
      signal,
    );
  }

  async info(signal?: AbortSignal): Promise<Result<EngineInfo>> {
    return this.invoke(
      'read engine info',
      async () => toEngineInfo(await callWithSignal<Record<string, unknown>>(this.docker, this.docker.info, signal)),
      signal,
    );
  }

  listContainers(filter?: ContainerFilter): Promise<Result<ContainerSummary[]>> {
    return this.containers.list(filter);
  }
  inspectContainer(idOrName: string): Promise<Result<ContainerDetails>> {
    return this.containers.inspect(idOrName);
  }
  createContainer(name: string, options: ContainerCreateOptions): Promise<Result<CreatedContainer>> {
    return this.containers.create(name, options);
  }
  startContainer(idOrName: string): Promise<Result<StateChange>> {
    return this.containers.start(idOrName);
  }
  stopContainer(idOrName: string, options?: StopOptions): Promise<Result<StateChange>> {
    return this.containers.stop(idOrName, options);
  }
  restartContainer(idOrName: string, options?: StopOptions): Promise<Result<void>> {
    return this.containers.restart(idOrName, options);
  }
  removeContainer(idOrName: string, options?: RemoveOptions): Promise<Result<void>> {
    return this.containers.remove(idOrName, options);
  }

  onContainerEvent(listener: (event: ContainerEvent) => void, filter?: ContainerEventFilter): Disposable {
    return this.events.onEvent((event) => {
      if (eventMatches(event, filter)) listener(event);
    });
  }
  containerEvents(filter?: ContainerEventFilter): DisposableAsyncIterable<ContainerEvent> {
    return iterateEvent(this.events.onEvent, (event) => eventMatches(event, filter));
  }
  logs(idOrName: string, options?: LogOptions): Promise<Result<LogStream>> {
    return this.logStreams.open(idOrName, options);
  }

  listImages(filter?: ImageFilter): Promise<Result<ImageSummary[]>> {
    return this.images.list(filter);
  }
  /** Builds local images from recipes (resources/images) on this engine: the samples run offline, with no registry. */
  buildLocalImages(options: BuildLocalImagesOptions): Promise<Result<LocalImage[]>> {
    return buildLocalImages(this.docker, options);
  }

  inspectImage(reference: string): Promise<Result<ImageDetails>> {
    return this.images.inspect(reference);
  }
  removeImage(reference: string, options: { readonly force?: boolean } = {}): Promise<Result<void>> {
    return this.images.remove(reference, options.force ?? false);
  }
  loadImage(tarball: ImageTarball, options?: ImageLoadOptions): Promise<Result<ImageLoadResult>> {
    return this.images.load(tarball, options);
  }

  pullImage(reference: string, options?: PullImageOptions): Promise<Result<void>> {
    return pullImage(this.docker, this.invoke, reference, options);
  }

  /** What `available` promises: the engine answers, we know its version, and its event stream is open. */
  private async connect(signal: AbortSignal): Promise<Result<AvailableDetails>> {
    const version = await this.version(signal);
    if (!version.ok) return version;
    if (this.events.needsBaseline) {
      const info = await this.info(signal);
      if (!info.ok) return info;
      if (info.value.systemTime) this.events.setBaseline(info.value.systemTime);
    }
    const events = await this.events.open(signal);
    if (!events.ok) return events;
    const { version: release, apiVersion, os, arch } = version.value;
    return ok({ version: release, apiVersion, os, arch });
  }
}
