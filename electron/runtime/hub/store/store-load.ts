import type { ClassicLevel } from 'classic-level';
import type { EndpointQueue } from './endpoint-queue';
import { bodyKey, decodeCount, decodeQueueValue, kindRange, parseKey, type BatchOp } from './store-codec';

/**
 * Opening the message store: reads the log (layout in store-codec.ts) into the endpoint queues. Bodies are read by
 * key only (in key order every `b` comes before every `q`; their sizes travel in the queue entries), then the queue
 * entries, then the seq marks and expired counters, a thousand at a time. Queue entries without a body or with a
 * value this version does not write are dropped and logged; bodies no entry refers to are deleted.
 */

export interface Body {
  refs: number;
  readonly bytes: number;
}

export interface LoadedLog {
  readonly bodies: ReadonlyMap<number, Body>;
  readonly nextBodyId: number;
  /** Live bytes (keys and values) of the bodies and queue entries. */
  readonly storedBytes: number;
  /** The earliest expiry among the entries (Infinity when none expires). */
  readonly nextExpiryMs: number;
}

export async function loadLog(db: ClassicLevel<string, Uint8Array>, queueFor: (endpoint: string) => EndpointQueue, log: (line: string) => void): Promise<LoadedLog> {
  const unknownKey = (key: string) => log(`message store: skipped an unknown key ${JSON.stringify(key.slice(0, 100))}`);
  const repairs: BatchOp[] = [];
  const bodyIds = new Set<number>();
  const bodies = new Map<number, Body>();
  let nextBodyId = 0;
  let storedBytes = 0;
  let nextExpiryMs = Number.POSITIVE_INFINITY;

  await scan(db.keys(kindRange('b')), (key) => {
    const parsed = parseKey(key);
    if (parsed.kind !== 'body') return unknownKey(key);
    bodyIds.add(parsed.bodyId);
    if (parsed.bodyId >= nextBodyId) nextBodyId = parsed.bodyId + 1;
  });
  // Keys sort by (endpoint, priority, seq), so each lane is added in seq order.
  await scan(db.iterator(kindRange('q')), ([key, value]) => {
    const parsed = parseKey(key);
    if (parsed.kind !== 'queue') return unknownKey(key);
    // Even a dropped entry's seq was handed out once: it must not be handed out again.
    const queue = queueFor(parsed.endpoint);
    queue.nextSeq = Math.max(queue.nextSeq, parsed.seq + 1);
    const decoded = decodeQueueValue(value);
    if (!decoded || !bodyIds.has(decoded.b)) {
      log(`message store: dropped a malformed queue entry of ${parsed.endpoint} (seq ${parsed.seq})`);
      repairs.push({ type: 'del', key });
      return;
    }
    const body = bodies.get(decoded.b);
    if (body) body.refs += 1;
    else {
      bodies.set(decoded.b, { refs: 1, bytes: decoded.n });
      storedBytes += decoded.n;
    }
    const bytes = key.length + value.byteLength;
    storedBytes += bytes;
    if (decoded.x !== null) nextExpiryMs = Math.min(nextExpiryMs, decoded.x);
    queue.add({ seq: parsed.seq, priority: parsed.priority, bodyId: decoded.b, enqueuedAtMs: decoded.t, expiresAtMs: decoded.x ?? undefined, bytes });
  });
  await scan(db.iterator({ gte: kindRange('s').gte, lt: kindRange('x').lt }), ([key, value]) => {
    const parsed = parseKey(key);
    if (parsed.kind === 'seq') {
      const queue = queueFor(parsed.endpoint);
      queue.nextSeq = Math.max(queue.nextSeq, decodeCount(value) ?? 0);
    } else if (parsed.kind === 'expired') queueFor(parsed.endpoint).expired = decodeCount(value) ?? 0;
    else unknownKey(key);
  });
  for (const bodyId of bodyIds) if (!bodies.has(bodyId)) repairs.push({ type: 'del', key: bodyKey(bodyId) });
  if (repairs.length > 0) await db.batch(repairs as BatchOp[], { sync: true });
  return { bodies, nextBodyId, storedBytes, nextExpiryMs };
}

/** Feeds every item of an iterator to `each`, a thousand at a time. */
async function scan<T>(iterator: { nextv(size: number): Promise<T[]>; close(): Promise<void> }, each: (item: T) => void): Promise<void> {
  try {
    for (;;) {
      const items = await iterator.nextv(1_000);
      if (items.length === 0) return;
      for (const item of items) each(item);
    }
  } finally {
    await iterator.close();
  }
}
