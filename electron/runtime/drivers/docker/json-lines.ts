import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream of newline-delimited JSON (Docker's /events, /build, /images/load) into values.
 * Chunks may cut lines and multi-byte characters anywhere. A line that is not JSON is handed to `onInvalid`.
 */
export class JsonLinesDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onInvalid: (line: string) => void = () => undefined) {}

  write(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return this.parse(lines);
  }

  end(): unknown[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return this.parse([rest]);
  }

  private parse(lines: string[]): unknown[] {
    const values: unknown[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      if (!line) continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        this.onInvalid(line);
      }
    }
    return values;
  }
}

/**
 * Reads a whole JSON-lines stream, calling `onValue` for each value; resolves when the stream ends. An HTTP
 * body that closes before its end (the engine went away mid-stream) rejects with ECONNRESET.
 */
export function readJsonLines(
  stream: NodeJS.ReadableStream,
  onValue: (value: unknown) => void,
  onInvalid?: (line: string) => void,
): Promise<void> {
  const decoder = new JsonLinesDecoder(onInvalid);
  return new Promise((resolve, reject) => {
    let ended = false;
    stream.on('data', (chunk: Buffer | string) => decoder.write(chunk).forEach(onValue));
    stream.on('error', reject);
    stream.on('end', () => {
      ended = true;
      decoder.end().forEach(onValue);
      resolve();
    });
    stream.on('close', () => {
      if (ended) return;
      const complete = (stream as { complete?: boolean }).complete !== false;
      if (complete) resolve();
      else reject(Object.assign(new Error('the stream broke off before its end'), { code: 'ECONNRESET' }));
    });
  });
}

/** `{"errorDetail":{"message":…},"error":…}`: how Docker reports a failure in the middle of a stream. */
export function streamError(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { error?: unknown; errorDetail?: { message?: unknown } };
  if (typeof v.errorDetail?.message === 'string') return v.errorDetail.message;
  if (typeof v.error === 'string') return v.error;
  return undefined;
}
