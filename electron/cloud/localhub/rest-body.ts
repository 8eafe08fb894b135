import type { IncomingMessage } from 'node:http';

/** Request bodies with a size limit; what is past the limit is drained (so the reply reaches the client), up to a cap. */

export const TWIN_BODY_LIMIT = 256 * 1024;
export const BULK_BODY_LIMIT = 4 * 1024 * 1024;

export type BodyResult = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      // Far past the limit: stop listening; the caller answers and the connection closes.
      else if (size > limit * 4 + 1024 * 1024) {
        req.pause();
        finish({ ok: false, reason: 'too-large' });
      }
    });
    req.on('end', () => finish(size > limit ? { ok: false, reason: 'too-large' } : { ok: true, bytes: Buffer.concat(chunks) }));
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
    req.on('close', () => finish(size > limit ? { ok: false, reason: 'too-large' } : { ok: false, reason: 'aborted' }));
  });
}

export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Parses a JSON body; the message names the problem (position included) without echoing the body. */
export function parseJsonBody(bytes: Buffer): JsonBody {
  if (bytes.length === 0) return { ok: false, message: 'the request needs a JSON body' };
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, message: `malformed JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
