import { z } from 'zod';
import type { StoredMessage } from '../hub-model';

/**
 * How the message store lays out classic-level keys and values (utf8 keys, binary values). `\0` separates key parts;
 * endpoint ids are URI-encoded so they never contain it, and numbers are zero-padded so keys sort numerically:
 *   `q\0<endpoint>\0<priority:10>\0<seq:16>` one queued message of one endpoint: {b: bodyId, n: body record bytes, t: enqueuedAtMs, x: expiresAtMs|null}
 *   `b\0<bodyId:16>`                         one message body, stored once for every endpoint it goes to
 *   `s\0<endpoint>`                          the endpoint's next seq (high-water mark: seqs never repeat after acks)
 *   `x\0<endpoint>`                          the endpoint's expired count (persisted with the deletes it counts)
 * A body value is `u32 header length (BE) | header JSON {s: source, sp, p, t} | body bytes`. Key order puts every
 * `b` before every `q`; open reads the bodies' keys only (their sizes are in the queue entries).
 */

export type BatchOp = { readonly type: 'put'; readonly key: string; readonly value: Uint8Array } | { readonly type: 'del'; readonly key: string };

const SEP = '\u0000';
const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const queueKey = (endpoint: string, priority: number, seq: number) =>
  `q${SEP}${encodeURIComponent(endpoint)}${SEP}${pad(priority, 10)}${SEP}${pad(seq, 16)}`;
export const bodyKey = (bodyId: number) => `b${SEP}${pad(bodyId, 16)}`;
export const seqKey = (endpoint: string) => `s${SEP}${encodeURIComponent(endpoint)}`;
export const expiredKey = (endpoint: string) => `x${SEP}${encodeURIComponent(endpoint)}`;

/** The key range of one record kind (`b`, `q`, `s`, `x`). */
export const kindRange = (kind: 'b' | 'q' | 's' | 'x') => ({ gte: `${kind}${SEP}`, lt: `${kind}\u0001` });

export type ParsedKey =
  | { readonly kind: 'queue'; readonly endpoint: string; readonly priority: number; readonly seq: number }
  | { readonly kind: 'body'; readonly bodyId: number }
  | { readonly kind: 'seq'; readonly endpoint: string }
  | { readonly kind: 'expired'; readonly endpoint: string }
  | { readonly kind: 'unknown' };

const UNKNOWN: ParsedKey = { kind: 'unknown' };

export function parseKey(key: string): ParsedKey {
  const parts = key.split(SEP);
  const endpoint = () => {
    try {
      return parts[1] ? decodeURIComponent(parts[1]) : undefined;
    } catch {
      return undefined;
    }
  };
  switch (parts[0]) {
    case 'q': {
      const name = endpoint();
      const priority = Number(parts[2]);
      const seq = Number(parts[3]);
      if (parts.length !== 4 || name === undefined || !Number.isSafeInteger(priority) || !Number.isSafeInteger(seq)) return UNKNOWN;
      return { kind: 'queue', endpoint: name, priority, seq };
    }
    case 'b': {
      const bodyId = Number(parts[1]);
      return parts.length === 2 && Number.isSafeInteger(bodyId) ? { kind: 'body', bodyId } : UNKNOWN;
    }
    case 's':
    case 'x': {
      const name = endpoint();
      if (parts.length !== 2 || name === undefined) return UNKNOWN;
      return parts[0] === 's' ? { kind: 'seq', endpoint: name } : { kind: 'expired', endpoint: name };
    }
    default:
      return UNKNOWN;
  }
}

/** A Buffer over the same bytes (no copy). */
const asBuffer = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export const encodeJson = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

/** A non-negative safe integer stored as JSON (seq high-water marks, counters), or undefined. */
export function decodeCount(value: Uint8Array): number | undefined {
  try {
    const parsed: unknown = JSON.parse(asBuffer(value).toString('utf8'));
    return typeof parsed === 'number' && Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const QueueValue = z.object({ b: z.number().int().nonnegative(), n: z.number().int().nonnegative(), t: z.number(), x: z.number().nullable() });
export type QueueValue = z.infer<typeof QueueValue>;

export function decodeQueueValue(value: Uint8Array): QueueValue | undefined {
  try {
    const parsed = QueueValue.safeParse(JSON.parse(asBuffer(value).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const BodyHeader = z.object({
  s: z.object({ deviceId: z.string(), moduleId: z.string().optional() }),
  sp: z.record(z.string(), z.string()),
  p: z.record(z.string(), z.string()),
  t: z.number(),
});

export function encodeBody(stored: StoredMessage): Uint8Array {
  const source = stored.source.moduleId === undefined ? { deviceId: stored.source.deviceId } : { deviceId: stored.source.deviceId, moduleId: stored.source.moduleId };
  const header = Buffer.from(JSON.stringify({ s: source, sp: stored.message.systemProperties, p: stored.message.properties, t: stored.enqueuedAtMs }), 'utf8');
  const out = Buffer.allocUnsafe(4 + header.length + stored.message.body.byteLength);
  out.writeUInt32BE(header.length, 0);
  header.copy(out, 4);
  out.set(stored.message.body, 4 + header.length);
  return out;
}

/** The stored message a body value holds, or undefined when it is not what encodeBody writes. */
export function decodeBody(value: Uint8Array): StoredMessage | undefined {
  const buffer = asBuffer(value);
  if (buffer.length < 4) return undefined;
  const headerLength = buffer.readUInt32BE(0);
  if (4 + headerLength > buffer.length) return undefined;
  let header: z.infer<typeof BodyHeader>;
  try {
    const parsed = BodyHeader.safeParse(JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')));
    if (!parsed.success) return undefined;
    header = parsed.data;
  } catch {
    return undefined;
  }
  const source = header.s.moduleId === undefined ? { deviceId: header.s.deviceId } : { deviceId: header.s.deviceId, moduleId: header.s.moduleId };
  // A copy, so the message does not pin (or alias) the buffer classic-level handed out.
  const body = new Uint8Array(buffer.subarray(4 + headerLength));
  return { message: { body, systemProperties: header.sp, properties: header.p }, source, enqueuedAtMs: header.t };
}
