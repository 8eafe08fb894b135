import { appError, type AppError, type Result } from '../../../shared/errors';
import type { Disposable } from './disposable';
import type { DriverState, EngineUnavailableError } from './driver';
import { Emitter, type Event } from './event';

export type AvailableDetails = Omit<Extract<DriverState, { state: 'available' }>, 'state' | 'endpoint' | 'since'>;

export interface BackoffOptions {
  /** First retry delay (default 250 ms). */
  readonly initialMs?: number;
  /** Upper bound (default 15 s). */
  readonly maxMs?: number;
  /** Growth per failed attempt (default 2). */
  readonly factor?: number;
}

export interface EngineConnectionOptions {
  /** Shown in states and messages, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** Name used in messages, e.g. `Docker engine`. */
  readonly engineName: string;
  /**
   * Establishes everything `available` promises (engine answers, event stream open) and describes the
   * engine. Called again after any suspicion; must be idempotent.
   */
  readonly connect: (signal: AbortSignal) => Promise<Result<AvailableDetails>>;
  /** Cheap liveness probe used by the heartbeat. */
  readonly ping: (signal: AbortSignal) => Promise<Result<void>>;
  /** Called when the engine is declared unavailable: tear down streams. */
  readonly onLost?: () => void;
  readonly backoff?: BackoffOptions;
  /** Liveness probe period while available (default 5 s). Catches an engine that hangs without closing sockets. */
  readonly heartbeatMs?: number;
  /** Per attempt (connect or ping) (default 5 s). */
  readonly attemptTimeoutMs?: number;
  readonly now?: () => number;
}

/** Delay before retry number `attempt` (1-based): initial · factor^(attempt-1), capped. Pure. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 15_000;
  const factor = options.factor ?? 2;
  return Math.min(max, initial * factor ** Math.max(0, attempt - 1));
}

/**
 * The connection state machine of a remote engine (see `DriverState` for the diagram). It owns time:
 * retry timers, the heartbeat, and timeouts of each attempt. Work that fails because the engine went away
 * calls `suspect()`, which re-verifies at once instead of waiting for the heartbeat.
 */
export class EngineConnection implements Disposable {
  private current: DriverState;
  private readonly stateEmitter = new Emitter<DriverState>();
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private disposed = false;

  readonly onDidChangeState: Event<DriverState> = this.stateEmitter.event;

  constructor(private readonly options: EngineConnectionOptions) {
    this.current = { state: 'connecting', endpoint: options.endpoint };
  }

  get state(): DriverState {
    return this.current;
  }

  start(): void {
    if (this.disposed || this.inFlight || this.timer) return;
    void this.attempt();
  }

  /** Something failed as if the engine were gone: verify now (no-op while an attempt or a retry is pending). */
  suspect(): void {
    if (this.disposed || this.inFlight || this.current.state !== 'available') return;
    this.clearTimer();
    void this.attempt();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.inFlight?.abort();
    this.stateEmitter.dispose();
  }

  private async attempt(): Promise<void> {
    this.clearTimer();
    const controller = new AbortController();
    this.inFlight = controller;
    const timeout = setTimeout(() => controller.abort(new Error('timed out')), this.options.attemptTimeoutMs ?? 5_000);
    let result: Result<AvailableDetails>;
    try {
      result = await this.options.connect(controller.signal);
    } catch (error) {
      result = { ok: false, error: appError('INTERNAL', `connect threw: ${String(error)}`) };
    } finally {
      clearTimeout(timeout);
      this.inFlight = undefined;
    }
    if (this.disposed) return;
    if (result.ok) this.onConnected(result.value);
    else this.onFailed(result.error);
  }

  private onConnected(details: AvailableDetails): void {
    this.failures = 0;
    const previous = this.current;
    const since = previous.state === 'available' ? previous.since : (this.options.now ?? Date.now)();
    this.setState({ state: 'available', endpoint: this.options.endpoint, ...details, since });
    this.schedule(this.options.heartbeatMs ?? 5_000, () => void this.heartbeat());
  }

  private onFailed(cause: AppError): void {
    this.options.onLost?.();
    this.failures += 1;
    const delay = backoffDelay(this.failures, this.options.backoff);
    this.setState({
      state: 'unavailable',
      endpoint: this.options.endpoint,
      error: this.unavailableError(cause),
      attempt: this.failures,
      nextRetryAt: (this.options.now ?? Date.now)() + delay,
    });
    this.schedule(delay, () => void this.attempt());
  }

  private async heartbeat(): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    const timeout = setTimeout(() => controller.abort(new Error('timed out')), this.options.attemptTimeoutMs ?? 5_000);
    const result = await this.options.ping(controller.signal).catch(
      (error: unknown): Result<void> => ({ ok: false, error: appError('INTERNAL', String(error)) }),
    );
    clearTimeout(timeout);
    this.inFlight = undefined;
    if (this.disposed) return;
    if (result.ok) this.schedule(this.options.heartbeatMs ?? 5_000, () => void this.heartbeat());
    else void this.attempt(); // confirm with a full connect before declaring the engine gone
  }

  private unavailableError(cause: AppError): EngineUnavailableError {
    const { engineName, endpoint } = this.options;
    const silent = cause.code === 'ENGINE_UNAVAILABLE' || cause.code === 'TIMEOUT';
    const prefix = `${engineName} at ${endpoint} ${silent ? 'does not answer' : 'answers but cannot be used'}`;
    const message = cause.message.startsWith(`${engineName} at ${endpoint}`) ? cause.message : `${prefix}: ${cause.message}`;
    return { code: 'ENGINE_UNAVAILABLE', message, details: { cause: cause.code, ...detailsOf(cause) } };
  }

  private setState(next: DriverState): void {
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.stateEmitter.fire(next);
  }

  private schedule(delayMs: number, run: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      run();
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function detailsOf(error: AppError): Record<string, unknown> {
  return typeof error.details === 'object' && error.details !== null ? { ...(error.details as Record<string, unknown>) } : {};
}
