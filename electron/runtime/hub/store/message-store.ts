import type { ClassicLevel } from 'classic-level';
import { err, fail, ok, type AppError, type Result } from '../../../../shared/errors';
import { lazyModule } from '../../lazy-module';
import type { AppendOptions, EndpointStats, EndpointTarget, MessageStore, QueuedMessage, StoredMessage, StoreError } from '../hub-model';
import { EndpointQueue, type QueueEntry } from './endpoint-queue';
import { GroupCommitWriter, type BatchInfo } from './group-commit';
import { bodyKey, decodeBody, encodeBody, encodeJson, expiredKey, queueKey, seqKey, type BatchOp } from './store-codec';
import { loadLog, type Body } from './store-load';

/** Required when a store is opened, not at import: every CLI command loads this module and most never open one. */
const classicLevel = lazyModule<typeof import('classic-level')>('classic-level');

/**
 * The edge hub's durable store-and-forward log (MessageStore in hub-model.ts) on classic-level, layout in
 * store-codec.ts. A message routed to several endpoints is stored once (`b/`) with one small queue entry per
 * endpoint (`q/`); the body is deleted with its last entry. Ack deletes entries (the checkpoint is the deletion).
 *
 * Writes go through one GroupCommitWriter: every append, ack and expiry drop is part of a `{sync: true}` batch (an
 * append with `sync: false`, a QoS 0 message, only of a written one unless it shares a synced batch), and appends
 * arriving while a batch is being written share the next one. The in-memory index (endpoint-queue.ts) holds
 * the entries, not the bodies; it is loaded at open and updated only after a batch is on disk, so `peek` never shows a
 * message the PUBACK was not yet sent for. `bytes()` is the sum of live key and value sizes: approximate (LevelDB's own
 * overhead and not-yet-compacted deletes are not counted). The expired counter is persisted with the deletes it counts.
 *
 * The seq high-water mark (`s/`) is written with the deletes of acks and expiry drops, not with each append: while an
 * entry exists its own key carries its seq, so the mark only has to survive the entry's deletion (one put per ack
 * batch instead of one per message). Bodies appended by this process are kept in memory (up to `bodyCacheBytes`) until
 * their last entry is released, so a peek of a live queue does not read them back from disk.
 */

export const DEFAULT_STORE_LIMIT_BYTES = 1024 * 1024 * 1024;
const DEFAULT_BODY_CACHE_BYTES = 16 * 1024 * 1024;
const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

export interface MessageStoreOptions {
  readonly dir: string;
  /** The disk bound; appends that would pass it answer FULL. Default 1 GiB. */
  readonly limitBytes?: number;
  /** TTL for targets with ttlSecs 0; `<= 0` or undefined: never expires (edgeHub's -1). */
  readonly defaultTtlSecs?: number;
  /** The clock (ms since epoch) for expiry and ages; injectable for tests. */
  readonly now?: () => number;
  /** How often expired messages of all endpoints are dropped (peek drops the ones it meets anyway); 0 disables. */
  readonly sweepIntervalMs?: number;
  readonly log?: (line: string) => void;
  /** Called before every batch write (tests and the benchmark count group commits with it). */
  readonly onBatchWrite?: (batch: BatchInfo) => void | Promise<void>;
  /** A group commit stops taking appends at this many bytes (default 8 MiB), so a burst never builds one huge write. */
  readonly maxBatchBytes?: number;
  /** Bytes of appended bodies kept in memory for peeks (default 16 MiB; 0 reads every body from disk). */
  readonly bodyCacheBytes?: number;
}

export interface DurableMessageStore extends MessageStore {
  /** Approximate bytes of the stored messages (live keys and values). */
  bytes(): number;
  readonly limitBytes: number;
  /** The bound from `storeAndForwardConfiguration.storeLimits.maxSizeBytes` when the hub's config changes. */
  setLimitBytes(limitBytes: number): void;
  /** The TTL for ttlSecs 0 from `storeAndForwardConfiguration.timeToLiveSecs`; applies to later appends. */
  setDefaultTtlSecs(secs: number | undefined): void;
  /** Drops every expired message now (counted in stats().expired); resolves with how many. */
  purgeExpired(): Promise<number>;
  /** Batch writes so far (group commit: far fewer than appends under concurrency). */
  batchWrites(): number;
  /** Bodies read back from disk by peeks so far (those not in the in-memory cache). */
  bodyReads(): number;
}

export async function openMessageStore(options: MessageStoreOptions): Promise<Result<DurableMessageStore, AppError>> {
  let Level: typeof ClassicLevel;
  try {
    Level = classicLevel().ClassicLevel;
  } catch (error) {
    return fail('IO', `the message store at ${options.dir} cannot open: its database library (classic-level) did not load: ${(error as Error).message}`);
  }
  const db = new Level<string, Uint8Array>(options.dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return fail('IO', `the message store at ${options.dir} cannot open: ${String(cause ?? error)}`);
  }
  const store = new LevelMessageStore(db, options);
  try {
    await store.load();
  } catch (error) {
    await db.close().catch(() => undefined);
    return fail('IO', `the message store at ${options.dir} cannot be read: ${String(error)}`);
  }
  return ok(store);
}

class LevelMessageStore implements DurableMessageStore {
  private readonly endpoints = new Map<string, EndpointQueue>();
  private readonly bodies = new Map<number, Body>();
  /** Bodies appended by this process, by body id, as peek returns them (bounded by `bodyCacheLimit` bytes). */
  private readonly cache = new Map<number, { readonly stored: StoredMessage; readonly bytes: number }>();
  private cachedBytes = 0;
  private readonly bodyCacheLimit: number;
  private diskReads = 0;
  private readonly listeners = new Set<(endpoint: string) => void>();
  private readonly writer: GroupCommitWriter;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private nextBodyId = 0;
  private storedBytes = 0;
  /** Bytes of appends submitted and not yet written (counted against the bound). */
  private reservedBytes = 0;
  private limit: number;
  private defaultTtlSecs: number | undefined;
  /** No entry expires before this (a lower bound: stale after peeks drop some); skips needless full sweeps. */
  private nextExpiryMs = Number.POSITIVE_INFINITY;
  private closing: Promise<void> | undefined;
  private readonly sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: ClassicLevel<string, Uint8Array>,
    options: MessageStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.limit = options.limitBytes ?? DEFAULT_STORE_LIMIT_BYTES;
    this.defaultTtlSecs = options.defaultTtlSecs;
    this.bodyCacheLimit = Math.max(0, options.bodyCacheBytes ?? DEFAULT_BODY_CACHE_BYTES);
    this.writer = new GroupCommitWriter((ops, sync) => writeBatch(db, ops, sync), options.onBatchWrite, options.maxBatchBytes);
    const sweep = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (sweep > 0) {
      this.sweepTimer = setInterval(() => void this.purgeExpired(), sweep);
      this.sweepTimer.unref();
    }
  }

  get limitBytes(): number {
    return this.limit;
  }

  /** Reads the log into the index (store-load.ts). */
  async load(): Promise<void> {
    const loaded = await loadLog(this.db, (endpoint) => this.queue(endpoint), this.log);
    for (const [bodyId, body] of loaded.bodies) this.bodies.set(bodyId, body);
    this.nextBodyId = loaded.nextBodyId;
    this.storedBytes = loaded.storedBytes;
    this.nextExpiryMs = loaded.nextExpiryMs;
  }

  append(message: StoredMessage, targets: readonly EndpointTarget[], options?: AppendOptions): Promise<Result<void, StoreError>> {
    if (this.closing) return Promise.resolve(err({ code: 'CLOSED', message: 'the message store is closed' }));
    const unique = uniqueTargets(targets);
    if (unique.length === 0) return Promise.resolve(ok(undefined));

    const bodyId = this.nextBodyId;
    const bodyValue = encodeBody(message);
    const bodyEntryKey = bodyKey(bodyId);
    const bodyBytes = bodyEntryKey.length + bodyValue.byteLength;
    const ops: BatchOp[] = [{ type: 'put', key: bodyEntryKey, value: bodyValue }];
    const planned: { queue: EndpointQueue; entry: QueueEntry }[] = [];
    let size = bodyBytes;
    for (const target of unique) {
      const queue = this.queue(target.endpoint);
      const seq = queue.nextSeq + planned.filter((p) => p.queue === queue).length;
      const ttlSecs = target.ttlSecs > 0 ? target.ttlSecs : this.defaultTtlSecs;
      const expiresAtMs = ttlSecs !== undefined && ttlSecs > 0 ? message.enqueuedAtMs + ttlSecs * 1000 : undefined;
      const key = queueKey(target.endpoint, target.priority, seq);
      const value = encodeJson({ b: bodyId, n: bodyBytes, t: message.enqueuedAtMs, x: expiresAtMs ?? null });
      const entry: QueueEntry = { seq, priority: target.priority, bodyId, enqueuedAtMs: message.enqueuedAtMs, expiresAtMs, bytes: key.length + value.byteLength };
      ops.push({ type: 'put', key, value });
      planned.push({ queue, entry });
      size += entry.bytes;
    }

    if (this.storedBytes + this.reservedBytes + size > this.limit) {
      this.dropExpired();
      if (this.storedBytes + this.reservedBytes + size > this.limit) return Promise.resolve(err(this.fullError(size)));
    }

    // Committed to this append: hand out the ids (synchronously, so order per endpoint = append call order).
    this.nextBodyId += 1;
    for (const { queue, entry } of planned) queue.nextSeq = entry.seq + 1;
    this.reservedBytes += size;

    return new Promise((resolve) => {
      this.writer.submit(ops, (error) => {
        this.reservedBytes -= size;
        if (error) {
          resolve(err({ code: 'IO', message: `the message store could not write the message: ${String(error)}` }));
          return;
        }
        this.storedBytes += size;
        this.bodies.set(bodyId, { refs: planned.length, bytes: bodyBytes });
        if (this.cachedBytes + bodyValue.byteLength <= this.bodyCacheLimit) {
          // The body as decodeBody would return it, without the JSON round trip (a view of the encoded value: no copy).
          const body = bodyValue.subarray(bodyValue.byteLength - message.message.body.byteLength);
          const stored: StoredMessage = { message: { body, systemProperties: message.message.systemProperties, properties: message.message.properties }, source: message.source, enqueuedAtMs: message.enqueuedAtMs };
          this.cache.set(bodyId, { stored, bytes: bodyValue.byteLength });
          this.cachedBytes += bodyValue.byteLength;
        }
        for (const { queue, entry } of planned) {
          queue.add(entry);
          if (entry.expiresAtMs !== undefined) this.nextExpiryMs = Math.min(this.nextExpiryMs, entry.expiresAtMs);
        }
        resolve(ok(undefined));
        for (const queue of new Set(planned.map((p) => p.queue))) this.notify(queue.endpoint);
      }, options?.sync ?? true);
    });
  }

  async peek(endpoint: string, max: number): Promise<readonly QueuedMessage[]> {
    const queue = this.endpoints.get(endpoint);
    if (this.closing || !queue || max <= 0) return [];
    const now = this.now();
    const picked: QueueEntry[] = [];
    const expired: QueueEntry[] = [];
    for (const entry of queue.inOrder()) {
      if (entry.expiresAtMs !== undefined && entry.expiresAtMs <= now) expired.push(entry);
      else picked.push(entry);
      if (picked.length >= max) break;
    }
    if (expired.length > 0) this.expire(queue, expired);
    if (picked.length === 0) return [];

    const fromDisk = picked.filter((entry) => !this.cache.has(entry.bodyId));
    const read = new Map<number, Uint8Array | undefined>();
    if (fromDisk.length > 0) {
      let values: (Uint8Array | undefined)[];
      try {
        values = await this.db.getMany(fromDisk.map((entry) => bodyKey(entry.bodyId)));
      } catch (error) {
        this.log(`message store: reading ${endpoint} failed: ${String(error)}`);
        return [];
      }
      this.diskReads += fromDisk.length;
      fromDisk.forEach((entry, index) => read.set(entry.bodyId, values[index]));
    }
    const out: QueuedMessage[] = [];
    for (const entry of picked) {
      // From disk, or from the cache — as it is now: an ack during the read above may have released the body.
      const cached = this.cache.get(entry.bodyId);
      let stored = cached?.stored;
      if (!stored) {
        const value = read.get(entry.bodyId);
        // Missing: acked (and its body deleted) while this read was under way.
        if (!value) continue;
        stored = decodeBody(value);
        if (!stored) {
          this.log(`message store: the body of ${endpoint} seq ${entry.seq} is unreadable; skipped`);
          continue;
        }
      }
      out.push({ ...stored, endpoint, seq: entry.seq, priority: entry.priority, expiresAtMs: entry.expiresAtMs });
    }
    return out;
  }

  async ack(endpoint: string, seqs: readonly number[]): Promise<void> {
    const queue = this.endpoints.get(endpoint);
    if (this.closing || !queue) return;
    const ops: BatchOp[] = [];
    for (const seq of seqs) {
      const entry = queue.remove(seq);
      if (!entry) continue;
      queue.delivered += 1;
      this.release(queue, entry, ops);
    }
    if (ops.length === 0) return;
    // The entries' seqs must outlive them (seqs never repeat after a restart).
    ops.push({ type: 'put', key: seqKey(endpoint), value: encodeJson(queue.nextSeq) });
    await this.write(ops);
  }

  onAppended(listener: (endpoint: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  stats(): readonly EndpointStats[] {
    const now = this.now();
    return [...this.endpoints.values()].map((queue) => {
      const oldest = queue.oldestEnqueuedAtMs();
      return {
        endpoint: queue.endpoint,
        depth: queue.depth,
        oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now - oldest),
        expired: queue.expired,
        delivered: queue.delivered,
      };
    });
  }

  bytes(): number {
    return this.storedBytes;
  }

  setLimitBytes(limitBytes: number): void {
    this.limit = limitBytes;
  }

  setDefaultTtlSecs(secs: number | undefined): void {
    this.defaultTtlSecs = secs;
  }

  async purgeExpired(): Promise<number> {
    if (this.closing) return 0;
    const pending = this.dropExpired();
    await Promise.all(pending.writes);
    return pending.count;
  }

  batchWrites(): number {
    return this.writer.batches;
  }

  bodyReads(): number {
    return this.diskReads;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.sweepTimer) clearInterval(this.sweepTimer);
      this.listeners.clear();
      await this.writer.drain();
      this.cache.clear();
      this.cachedBytes = 0;
      await this.db.close().catch((error: unknown) => this.log(`message store: close failed: ${String(error)}`));
    })();
    return this.closing;
  }

  private queue(endpoint: string): EndpointQueue {
    let queue = this.endpoints.get(endpoint);
    if (!queue) {
      queue = new EndpointQueue(endpoint);
      this.endpoints.set(endpoint, queue);
    }
    return queue;
  }

  /** Drops every expired entry of every endpoint from the index now; the deletes are written in the background. */
  private dropExpired(): { count: number; writes: Promise<void>[] } {
    const now = this.now();
    let count = 0;
    const writes: Promise<void>[] = [];
    if (now < this.nextExpiryMs) return { count, writes };
    let nextExpiryMs = Number.POSITIVE_INFINITY;
    for (const queue of this.endpoints.values()) {
      const expired: QueueEntry[] = [];
      for (const entry of queue.inOrder()) {
        if (entry.expiresAtMs === undefined) continue;
        if (entry.expiresAtMs <= now) expired.push(entry);
        else nextExpiryMs = Math.min(nextExpiryMs, entry.expiresAtMs);
      }
      if (expired.length === 0) continue;
      count += expired.length;
      writes.push(this.expire(queue, expired));
    }
    this.nextExpiryMs = nextExpiryMs;
    return { count, writes };
  }

  /** Removes expired entries from the index at once and writes their deletes with the new expired count. */
  private expire(queue: EndpointQueue, entries: readonly QueueEntry[]): Promise<void> {
    const ops: BatchOp[] = [];
    for (const entry of entries) {
      if (!queue.remove(entry.seq)) continue;
      queue.expired += 1;
      this.release(queue, entry, ops);
    }
    ops.push({ type: 'put', key: expiredKey(queue.endpoint), value: encodeJson(queue.expired) });
    ops.push({ type: 'put', key: seqKey(queue.endpoint), value: encodeJson(queue.nextSeq) });
    return this.write(ops);
  }

  /** Adds the deletes of an entry (and of its body, when this was its last entry) and forgets their bytes. */
  private release(queue: EndpointQueue, entry: QueueEntry, ops: BatchOp[]): void {
    ops.push({ type: 'del', key: queueKey(queue.endpoint, entry.priority, entry.seq) });
    this.storedBytes -= entry.bytes;
    const body = this.bodies.get(entry.bodyId);
    if (!body) return;
    body.refs -= 1;
    if (body.refs > 0) return;
    this.bodies.delete(entry.bodyId);
    this.storedBytes -= body.bytes;
    const cached = this.cache.get(entry.bodyId);
    if (cached) {
      this.cache.delete(entry.bodyId);
      this.cachedBytes -= cached.bytes;
    }
    ops.push({ type: 'del', key: bodyKey(entry.bodyId) });
  }

  /** Writes deletes and counters; a failure is logged (the entries come back at the next open: at least once). */
  private write(ops: readonly BatchOp[]): Promise<void> {
    return new Promise((resolve) => {
      this.writer.submit(ops, (error) => {
        if (error) this.log(`message store: a checkpoint write failed (those messages may be delivered again after a restart): ${String(error)}`);
        resolve();
      });
    });
  }

  private notify(endpoint: string): void {
    for (const listener of this.listeners) {
      try {
        listener(endpoint);
      } catch (error) {
        this.log(`message store: an onAppended listener threw: ${String(error)}`);
      }
    }
  }

  private fullError(size: number): StoreError {
    const used = this.storedBytes + this.reservedBytes;
    return {
      code: 'FULL',
      message:
        `the message store is full: ${formatBytes(used)} stored of its ${formatBytes(this.limit)} bound, and this message needs ${formatBytes(size)}. ` +
        'New messages are refused until queued ones are delivered or expire (nothing stored is dropped): bring the upstream back online or start the modules whose inputs are queued (see the Outbox), ' +
        'or raise storeAndForwardConfiguration.storeLimits.maxSizeBytes in $edgeHub desired properties.',
    };
  }
}

/**
 * One atomic batch, synced when asked. abstract-level's array form clones, checks and re-encodes every operation in JS (~20 µs
 * each: 10–15% of the hub's CPU under load in bench:hub); the chained form hands each to the native batch as it comes.
 */
async function writeBatch(db: ClassicLevel<string, Uint8Array>, ops: readonly BatchOp[], sync: boolean): Promise<void> {
  const batch = db.batch();
  try {
    for (const op of ops) {
      if (op.type === 'put') batch.put(op.key, op.value);
      else batch.del(op.key);
    }
  } catch (error) {
    await batch.close();
    throw error;
  }
  await batch.write({ sync });
}

/** Targets with the same endpoint, priority and TTL collapse into one (two routes that agree deliver once). */
function uniqueTargets(targets: readonly EndpointTarget[]): EndpointTarget[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    const id = `${target.endpoint}\u0000${target.priority}\u0000${target.ttlSecs}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
