import type { BatchOp } from './store-codec';

/**
 * Group commit: one batch write at a time; whatever is submitted while a write is in flight goes into the next single
 * batch (one fsync for many callers). A batch is synced when any request in it asks for that (the default); a batch
 * of only `sync: false` requests is written without waiting for the disk (the OS has it: it survives the process,
 * not a power cut), and the next synced batch makes it durable with everything before it (one log). Batches are written in submission order, and each request's
 * `done` runs synchronously, in submission order, right after its batch settled (so the caller can update its
 * in-memory index in exactly the order it assigned sequence numbers).
 */

export interface BatchInfo {
  /** Operations in this batch. */
  readonly ops: number;
  /** Requests (appends, acks, expiry drops) the batch carries. */
  readonly requests: number;
  /** Bytes of keys and values in this batch. */
  readonly bytes: number;
  /** Whether the batch is fsync'd (some request in it asked for that). */
  readonly sync: boolean;
}

/** A batch takes requests until it holds this many bytes (one large request still goes alone). */
export const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;

interface Request {
  readonly ops: readonly BatchOp[];
  readonly bytes: number;
  readonly sync: boolean;
  readonly done: (error: unknown) => void;
}

export class GroupCommitWriter {
  private pending: Request[] = [];
  private running: Promise<void> | undefined;
  /** Batch writes started (for tests and the benchmark). */
  batches = 0;

  constructor(
    private readonly write: (ops: BatchOp[], sync: boolean) => Promise<void>,
    private readonly beforeWrite?: (info: BatchInfo) => void | Promise<void>,
    private readonly maxBatchBytes = DEFAULT_MAX_BATCH_BYTES,
  ) {}

  /**
   * Queues `ops` for the next batch; `done(undefined)` once they are on disk (written and, with `sync`, fsync'd),
   * `done(error)` if the write failed.
   */
  submit(ops: readonly BatchOp[], done: (error: unknown) => void, sync = true): void {
    let bytes = 0;
    for (const op of ops) bytes += op.key.length + (op.type === 'put' ? op.value.byteLength : 0);
    this.pending.push({ ops, bytes, sync, done });
    this.running ??= this.run();
  }

  /** Resolves once everything submitted so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    // Let the appends of the current tick (a burst of PUBLISHes) join the first batch too.
    await Promise.resolve();
    while (this.pending.length > 0) {
      const group = this.takeGroup();
      const ops = group.flatMap((request) => request.ops);
      const bytes = group.reduce((sum, request) => sum + request.bytes, 0);
      const sync = group.some((request) => request.sync);
      this.batches += 1;
      let failure: unknown = undefined;
      try {
        await this.beforeWrite?.({ ops: ops.length, requests: group.length, bytes, sync });
        await this.write(ops, sync);
      } catch (error) {
        failure = error ?? new Error('the batch write failed');
      }
      for (const request of group) {
        try {
          request.done(failure);
        } catch {
          // A caller's bookkeeping must not stop the others from hearing about their batch.
        }
      }
    }
    this.running = undefined;
  }

  /** The oldest pending requests, up to the byte cap (at least one), in submission order. */
  private takeGroup(): Request[] {
    let count = 0;
    let bytes = 0;
    while (count < this.pending.length) {
      const next = this.pending[count];
      if (!next || (count > 0 && bytes + next.bytes > this.maxBatchBytes)) break;
      bytes += next.bytes;
      count += 1;
    }
    return this.pending.splice(0, count);
  }
}
