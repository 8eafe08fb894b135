/**
 * The in-memory index of one endpoint's queue (the bodies stay on disk): one lane per priority, each lane in append
 * (seq) order. Delivery order is lanes by priority (lower first), then seq. Entries are ~100 bytes of heap each.
 */

export interface QueueEntry {
  readonly seq: number;
  readonly priority: number;
  readonly bodyId: number;
  readonly enqueuedAtMs: number;
  readonly expiresAtMs: number | undefined;
  /** Approximate bytes on disk of this entry's key and value (the body is counted once, separately). */
  readonly bytes: number;
}

export class EndpointQueue {
  private readonly lanes = new Map<number, Map<number, QueueEntry>>();
  /** Lane priorities, ascending. */
  private priorities: number[] = [];
  private readonly bySeq = new Map<number, QueueEntry>();
  /** The next seq to hand out; never goes back (persisted as a high-water mark). */
  nextSeq = 0;
  /** Dropped because their TTL passed, since the store was created (persisted). */
  expired = 0;
  /** Acked since the store was opened (in memory only). */
  delivered = 0;

  constructor(readonly endpoint: string) {}

  get depth(): number {
    return this.bySeq.size;
  }

  get(seq: number): QueueEntry | undefined {
    return this.bySeq.get(seq);
  }

  /** Adds an entry; entries of one lane must arrive in increasing seq (append order, and key order at load). */
  add(entry: QueueEntry): void {
    let lane = this.lanes.get(entry.priority);
    if (!lane) {
      lane = new Map();
      this.lanes.set(entry.priority, lane);
      this.priorities = [...this.priorities, entry.priority].sort((a, b) => a - b);
    }
    lane.set(entry.seq, entry);
    this.bySeq.set(entry.seq, entry);
    if (entry.seq >= this.nextSeq) this.nextSeq = entry.seq + 1;
  }

  remove(seq: number): QueueEntry | undefined {
    const entry = this.bySeq.get(seq);
    if (!entry) return undefined;
    this.bySeq.delete(seq);
    const lane = this.lanes.get(entry.priority);
    lane?.delete(seq);
    if (lane && lane.size === 0) {
      this.lanes.delete(entry.priority);
      this.priorities = this.priorities.filter((priority) => priority !== entry.priority);
    }
    return entry;
  }

  /** Entries in delivery order. Do not add or remove while iterating (collect first). */
  *inOrder(): IterableIterator<QueueEntry> {
    for (const priority of this.priorities) {
      const lane = this.lanes.get(priority);
      if (lane) yield* lane.values();
    }
  }

  /** The earliest enqueue time among the undelivered (each lane's head is its oldest), or undefined when empty. */
  oldestEnqueuedAtMs(): number | undefined {
    let oldest: number | undefined;
    for (const lane of this.lanes.values()) {
      const head = lane.values().next();
      if (!head.done && (oldest === undefined || head.value.enqueuedAtMs < oldest)) oldest = head.value.enqueuedAtMs;
    }
    return oldest;
  }
}
