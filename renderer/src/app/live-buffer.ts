/**
 * Live messages at high rates stay outside React (STYLE.md habit 9): each view (the Fleet's events, the Telemetry
 * inspector) keeps the newest messages in a bounded ring and renders a sample of it at most every few hundred
 * milliseconds, never per message.
 */

/** A message as a view keeps it: a sequence number (a React key that never repeats) and what arrived. */
export interface Sequenced<T> {
  readonly seq: number;
  readonly value: T;
}

/** The newest `capacity` items; older ones fall out. `total` counts every push since the ring was made or cleared. */
export class Ring<T> {
  private readonly items: (Sequenced<T> | undefined)[];
  private next = 0;
  private size = 0;
  private seq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a ring holds at least 1 item, not ${capacity}`);
    this.items = new Array<Sequenced<T> | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** How many items were pushed (dropped ones included): a counter of arrivals. */
  get total(): number {
    return this.seq;
  }

  push(value: T): void {
    this.items[this.next] = { seq: ++this.seq, value };
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** A batch in arrival order; of a batch larger than the ring only its newest `capacity` items are kept. */
  pushAll(values: readonly T[]): void {
    const skip = Math.max(0, values.length - this.capacity);
    this.seq += skip;
    for (let i = skip; i < values.length; i++) this.push(values[i] as T);
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.size = 0;
    this.seq = 0;
  }

  /** A copy, newest first (what the view shows). */
  newestFirst(): Sequenced<T>[] {
    const out: Sequenced<T>[] = new Array<Sequenced<T>>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.next - 1 - i + this.capacity) % this.capacity]!;
    return out;
  }
}

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `flush` after something changed, at most once per `intervalMs`: the first change after a quiet spell is
 * shown at once (next tick), a burst is shown as one sample per interval, and the last change is never left unshown.
 */
export class Sampler {
  private timer: unknown;
  private last = -Infinity;
  private disposed = false;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** Something changed: a sample is due (now, or when the interval since the last one is over). */
  poke(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.last = this.clock.now();
      this.flush();
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
