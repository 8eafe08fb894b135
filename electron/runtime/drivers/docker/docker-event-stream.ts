import type Dockerode from 'dockerode';
import type { Result } from '../../../../shared/errors';
import type { Disposable } from '../disposable';
import type { ContainerEvent } from '../driver-model';
import { Emitter, type Event } from '../event';
import type { DockerInvoke } from './docker-errors';
import { parseContainerEvent, ReplayFilter, rfc3339ToNanos } from './docker-event-parser';
import { JsonLinesDecoder } from './json-lines';

/**
 * The engine's container event stream (`GET /events?filters={"type":["container"]}`), kept open while the
 * engine is available. `open` is idempotent and resolves once the engine has registered the subscription
 * (Docker subscribes before it sends the response headers), so nothing that happens afterwards is missed.
 * When the stream breaks, `onLost` fires; the owner verifies the engine and calls `open` again, which asks
 * Docker to replay what happened since the last event seen (Docker keeps a short in-memory backlog).
 */
export class DockerEventStream implements Disposable {
  private readonly eventEmitter = new Emitter<ContainerEvent>();
  private readonly lostEmitter = new Emitter<void>();
  private readonly replay = new ReplayFilter();
  private stream: NodeJS.ReadableStream | undefined;
  private opening: Promise<Result<void>> | undefined;
  private disposed = false;

  readonly onEvent: Event<ContainerEvent> = this.eventEmitter.event;
  /** The stream ended or broke while we wanted it open. */
  readonly onLost: Event<void> = this.lostEmitter.event;

  constructor(
    private readonly docker: Dockerode,
    private readonly invoke: DockerInvoke,
  ) {}

  get isOpen(): boolean {
    return this.stream !== undefined;
  }

  /** True until an engine time or an event gives subscriptions a starting point. */
  get needsBaseline(): boolean {
    return this.replay.since === undefined;
  }

  /**
   * `engineTime`: RFC 3339 (e.g. `/info` SystemTime), read before the first `open`. Subscriptions then replay
   * from there, so nothing between "the driver connected" and "the engine registered us" is missed.
   */
  setBaseline(engineTime: string): void {
    const nanos = rfc3339ToNanos(engineTime);
    if (nanos !== undefined) this.replay.setFloor(nanos);
  }

  open(signal: AbortSignal): Promise<Result<void>> {
    if (this.stream) return Promise.resolve({ ok: true, value: undefined });
    this.opening ??= this.doOpen(signal).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  close(): void {
    const stream = this.stream;
    this.stream = undefined;
    destroy(stream);
  }

  dispose(): void {
    this.disposed = true;
    this.close();
    this.eventEmitter.dispose();
    this.lostEmitter.dispose();
  }

  private async doOpen(signal: AbortSignal): Promise<Result<void>> {
    const since = this.replay.since;
    const abort = new AbortController();
    const onOpeningAbort = () => abort.abort(signal.reason);
    signal.addEventListener('abort', onOpeningAbort, { once: true });
    const options = {
      filters: { type: ['container'] },
      ...(since ? { since } : {}),
      abortSignal: abort.signal,
    } as Dockerode.GetEventsOptions;
    const result = await this.invoke('subscribe to engine events', () => this.docker.getEvents(options), signal);
    signal.removeEventListener('abort', onOpeningAbort);
    if (!result.ok) return result;
    if (this.disposed) {
      destroy(result.value);
      return { ok: true, value: undefined };
    }
    this.attach(result.value);
    return { ok: true, value: undefined };
  }

  private attach(stream: NodeJS.ReadableStream): void {
    this.stream = stream;
    const decoder = new JsonLinesDecoder();
    const deliver = (values: unknown[]) => {
      for (const value of values) {
        const event = parseContainerEvent(value);
        if (event && this.replay.accept(event)) this.eventEmitter.fire(event);
      }
    };
    stream.on('data', (chunk: Buffer) => deliver(decoder.write(chunk)));
    let ended = false;
    const onEnd = () => {
      if (ended) return;
      ended = true;
      deliver(decoder.end());
      if (this.stream !== stream) return; // closed on purpose
      this.stream = undefined;
      if (!this.disposed) this.lostEmitter.fire();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }
}

function destroy(stream: NodeJS.ReadableStream | undefined): void {
  (stream as { destroy?: () => void } | undefined)?.destroy?.();
}
