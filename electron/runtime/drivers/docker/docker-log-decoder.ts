import { StringDecoder } from 'node:string_decoder';
import type { LogLine } from '../driver-model';

/**
 * Decodes the body of `GET /containers/{id}/logs` into lines. Pure: feed chunks, get lines.
 *
 * Without a TTY Docker multiplexes stdout and stderr into frames:
 *   [stream: 1 byte (0 stdin, 1 stdout, 2 stderr)] [3 zero bytes] [size: uint32 big-endian] [payload: size bytes]
 * With a TTY the body is the raw terminal output (all of it is reported as stdout).
 * Frames and chunks are unrelated: a chunk can end inside a header, a payload or a UTF-8 character, and a frame
 * can hold part of a line or several lines. With `timestamps`, each line starts with an RFC 3339 time and a space.
 */
export interface LogDecoderOptions {
  readonly tty: boolean;
  readonly timestamps: boolean;
}

type StreamName = LogLine['stream'];

const HEADER_SIZE = 8;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/;

class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly stream: StreamName, private readonly timestamps: boolean) {}

  write(bytes: Buffer, out: LogLine[]): void {
    this.pending += this.decoder.write(bytes);
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      out.push(this.toLine(this.pending.slice(0, newline)));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
  }

  end(out: LogLine[]): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest.length > 0) out.push(this.toLine(rest));
  }

  private toLine(raw: string): LogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!this.timestamps) return { stream: this.stream, line: text };
    const match = TIMESTAMP.exec(text);
    if (!match?.[1]) return { stream: this.stream, line: text };
    return { stream: this.stream, line: text.slice(match[0].length), timestamp: match[1] };
  }
}

export class DockerLogDecoder {
  private header: Buffer = Buffer.alloc(0);
  private frameStream: StreamName = 'stdout';
  private frameRemaining = 0;
  private readonly splitters: Record<StreamName, LineSplitter>;

  constructor(private readonly options: LogDecoderOptions) {
    this.splitters = {
      stdout: new LineSplitter('stdout', options.timestamps),
      stderr: new LineSplitter('stderr', options.timestamps),
    };
  }

  write(chunk: Buffer): LogLine[] {
    const out: LogLine[] = [];
    if (this.options.tty) {
      this.splitters.stdout.write(chunk, out);
      return out;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frameRemaining === 0) {
        const needed = HEADER_SIZE - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + needed)]);
        offset += Math.min(needed, chunk.length - offset);
        if (this.header.length < HEADER_SIZE) break;
        this.frameStream = this.header[0] === 2 ? 'stderr' : 'stdout';
        this.frameRemaining = this.header.readUInt32BE(4);
        this.header = Buffer.alloc(0);
        continue;
      }
      const take = Math.min(this.frameRemaining, chunk.length - offset);
      this.splitters[this.frameStream].write(chunk.subarray(offset, offset + take), out);
      this.frameRemaining -= take;
      offset += take;
    }
    return out;
  }

  /** Flushes lines that did not end with a line break (stdout first, then stderr). */
  end(): LogLine[] {
    const out: LogLine[] = [];
    this.splitters.stdout.end(out);
    this.splitters.stderr.end(out);
    return out;
  }
}
