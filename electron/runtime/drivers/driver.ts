import type { AppError, Result } from '../../../shared/errors';
import type { Disposable } from './disposable';
import type { Event } from './event';
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
  ImageLoadProgress,
  ImageLoadResult,
  ImageSummary,
  LogLine,
  LogOptions,
  StateChange,
} from './driver-model';

export type * from './driver-model';

/** The error a driver reports while its engine does not answer. */
export type EngineUnavailableError = AppError & { readonly code: 'ENGINE_UNAVAILABLE' };

/**
 * Driver state.
 *
 *   connecting ──engine answers──▶ available ──engine stops answering──▶ unavailable
 *        │                             ▲                                     │  ▲
 *        └──────engine silent──────────┼─────────────────────────────────────┘  │ retry fails:
 *                                      └────────────retry succeeds──────────────┘ attempt+1, later retry
 *
 * `available` means the engine answered AND the driver is watching its events, so a listener added
 * afterwards misses nothing. While `unavailable` the driver retries with exponential backoff and
 * re-subscribes the event stream (asking the engine to replay what it missed) when the engine returns.
 * Every retry that fails fires a new `unavailable` state with its `attempt` and `nextRetryAt`.
 */
export type DriverState =
  | { readonly state: 'connecting'; readonly endpoint: string }
  | {
      readonly state: 'available';
      readonly endpoint: string;
      /** Engine release, e.g. `20.10.24`. */
      readonly version: string;
      readonly apiVersion: string;
      readonly os: string;
      readonly arch: string;
      /** When the driver (re)connected, ms since the epoch. */
      readonly since: number;
    }
  | {
      readonly state: 'unavailable';
      readonly endpoint: string;
      readonly error: EngineUnavailableError;
      /** Failed attempts in a row. */
      readonly attempt: number;
      /** When the next attempt runs, ms since the epoch. */
      readonly nextRetryAt: number;
    };

/** A live sequence of values: iterate with `for await`, stop by breaking out of the loop or disposing. */
export interface DisposableAsyncIterable<T> extends AsyncIterable<T>, Disposable {}

/** A log stream never throws while iterated; `done` says how it ended (an engine that went away, …). */
export interface LogStream extends DisposableAsyncIterable<LogLine> {
  readonly done: Promise<Result<void>>;
}

export interface StopOptions {
  /** Seconds to wait after the stop signal before the engine kills the container (engine default when omitted). */
  readonly timeoutSeconds?: number;
}

export interface RemoveOptions {
  /** Kill a running container first instead of failing with CONFLICT. */
  readonly force?: boolean;
  /** Also remove anonymous volumes. */
  readonly volumes?: boolean;
}

export interface ImageLoadOptions {
  readonly onProgress?: (progress: ImageLoadProgress) => void;
  readonly signal?: AbortSignal;
}

/** A tarball as produced by `docker save`: a Node stream or any async source of bytes. */
export type ImageTarball = NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/**
 * What the agent needs from a container engine. Implemented on the Docker Engine API (`docker/`); a
 * child-process driver can implement it too. Every operation returns a `Result` and never throws:
 * ENGINE_UNAVAILABLE (engine silent), NOT_FOUND, CONFLICT (name taken, container running, …),
 * BAD_REQUEST (the engine refused the options), TIMEOUT, IO (the engine failed the operation), INTERNAL.
 */
export interface ContainerDriver extends Disposable {
  readonly kind: 'docker' | 'process';
  readonly state: DriverState;
  readonly onDidChangeState: Event<DriverState>;

  ping(): Promise<Result<void>>;
  version(): Promise<Result<EngineVersion>>;
  info(): Promise<Result<EngineInfo>>;

  listContainers(filter?: ContainerFilter): Promise<Result<ContainerSummary[]>>;
  inspectContainer(idOrName: string): Promise<Result<ContainerDetails>>;
  /** `name` becomes the container name (IoT Edge: the module name). */
  createContainer(name: string, options: ContainerCreateOptions): Promise<Result<CreatedContainer>>;
  startContainer(idOrName: string): Promise<Result<StateChange>>;
  stopContainer(idOrName: string, options?: StopOptions): Promise<Result<StateChange>>;
  restartContainer(idOrName: string, options?: StopOptions): Promise<Result<void>>;
  removeContainer(idOrName: string, options?: RemoveOptions): Promise<Result<void>>;

  /** Container lifecycle events; the subscription survives engine outages. */
  onContainerEvent(listener: (event: ContainerEvent) => void, filter?: ContainerEventFilter): Disposable;
  /** The same events as an async iterable, buffered from the moment of the call. */
  containerEvents(filter?: ContainerEventFilter): DisposableAsyncIterable<ContainerEvent>;
  /** Fails (NOT_FOUND, …) before the first line; afterwards the stream reports its end through `done`. */
  logs(idOrName: string, options?: LogOptions): Promise<Result<LogStream>>;

  listImages(filter?: ImageFilter): Promise<Result<ImageSummary[]>>;
  inspectImage(reference: string): Promise<Result<ImageDetails>>;
  removeImage(reference: string, options?: { readonly force?: boolean }): Promise<Result<void>>;
  /** Offline sideloading (`docker load`): a tarball with one or more images and their tags. */
  loadImage(tarball: ImageTarball, options?: ImageLoadOptions): Promise<Result<ImageLoadResult>>;
  /** Pulls an image from its registry (with credentials when given), reporting the engine's progress. */
  pullImage(reference: string, options?: PullImageOptions): Promise<Result<void>>;
}

export interface PullImageOptions {
  readonly auth?: { readonly username: string; readonly password: string; readonly serveraddress: string };
  readonly onProgress?: (progress: ImageLoadProgress) => void;
}
