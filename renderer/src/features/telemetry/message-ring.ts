/**
 * Sampled hub messages at high rates stay outside React (STYLE.md habit 9): the feed keeps the newest ones in this
 * bounded ring and hands the view a copy at most ~10 times a second, never per message.
 */

/** An item as the ring keeps it: a sequence number (a React key that never repeats) and what arrived. */
export interface Sequenced<T> {
  readonly seq: number;
  readonly value: T;
}

/** The newest `capacity` items; older ones fall out. `total` counts every push since the ring was made or cleared. */
export class MessageRing<T> {
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

  /** How many items were pushed (those that fell out included): a counter of arrivals. */
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

  /** A copy, newest first (what the inspector lists). */
  newestFirst(): Sequenced<T>[] {
    const out = new Array<Sequenced<T>>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.next - 1 - i + this.capacity) % this.capacity]!;
    return out;
  }
}
