import type { Disposable } from './disposable';
import type { Event } from './event';

export interface AsyncQueueOptions {
  /** Called with true when the buffer passes `highWaterMark` items, with false once it drains below half. */
  readonly onPressure?: (paused: boolean) => void;
  /** Called once when the consumer stops early (break / return / dispose) so the producer can stop. */
  readonly onCancel?: () => void;
  readonly highWaterMark?: number;
}

/**
 * A push-to-pull bridge: producers `push` and `end`, one consumer iterates with `for await`.
 * Iteration never throws; how the stream ended is the producer's business (see e.g. `LogStream.done`).
 * Breaking out of the loop or disposing cancels the producer through `onCancel`.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T>, Disposable {
  private readonly buffer: T[] = [];
  private readonly waiting: Array<(result: IteratorResult<T>) => void> = [];
  private ended = false;
  private paused = false;
  private cancelled = false;
  private readonly highWaterMark: number;

  constructor(private readonly options: AsyncQueueOptions = {}) {
    this.highWaterMark = options.highWaterMark ?? 1000;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(value: T): void {
    if (this.ended) return;
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter({ value, done: false });
      return;
    }
    this.buffer.push(value);
    if (!this.paused && this.buffer.length >= this.highWaterMark) {
      this.paused = true;
      this.options.onPressure?.(true);
    }
  }

  /** No more values: the consumer drains what is buffered, then the loop ends. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      if (this.paused && this.buffer.length <= this.highWaterMark / 2) {
        this.paused = false;
        this.options.onPressure?.(false);
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.dispose();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  dispose(): void {
    this.buffer.length = 0;
    this.end();
    if (!this.cancelled) {
      this.cancelled = true;
      this.options.onCancel?.();
    }
  }
}

/** Turns an event into an async iterable; disposing (or breaking out of the loop) unsubscribes. */
export function iterateEvent<T>(event: Event<T>, filter: (value: T) => boolean = () => true): AsyncQueue<T> {
  const holder: { subscription?: Disposable } = {};
  const queue = new AsyncQueue<T>({ onCancel: () => holder.subscription?.dispose(), highWaterMark: Number.POSITIVE_INFINITY });
  holder.subscription = event((value) => {
    if (filter(value)) queue.push(value);
  });
  return queue;
}
