import { describe, expect, it } from 'vitest';
import type { LogLine } from '../driver-model';
import { DockerLogDecoder } from './docker-log-decoder';

/** One multiplexed frame: [stream, 0, 0, 0, size (uint32 BE)] + payload. */
function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function decodeAll(chunks: Buffer[], options = { tty: false, timestamps: false }): LogLine[] {
  const decoder = new DockerLogDecoder(options);
  return [...chunks.flatMap((c) => decoder.write(c)), ...decoder.end()];
}

/** The same bytes cut into pieces of `size`. */
function cut(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('DockerLogDecoder', () => {
  const body = Buffer.concat([
    frame(1, 'tick 1\n'),
    frame(2, 'warning: ünïcødé ✓\n'),
    frame(1, 'tick 2\ntick 3\n'),
    frame(1, 'half a '),
    frame(2, 'err\n'),
    frame(1, 'line\n'),
    frame(1, 'no newline at the end'),
  ]);
  const expected: LogLine[] = [
    { stream: 'stdout', line: 'tick 1' },
    { stream: 'stderr', line: 'warning: ünïcødé ✓' },
    { stream: 'stdout', line: 'tick 2' },
    { stream: 'stdout', line: 'tick 3' },
    { stream: 'stderr', line: 'err' },
    { stream: 'stdout', line: 'half a line' },
    { stream: 'stdout', line: 'no newline at the end' },
  ];

  it('demultiplexes frames into stdout and stderr lines', () => {
    expect(decodeAll([body])).toEqual(expected);
  });

  it.each([1, 2, 3, 5, 7, 8, 9, 13])('gives the same lines when the bytes arrive in chunks of %i', (size) => {
    expect(decodeAll(cut(body, size))).toEqual(expected);
  });

  it('keeps the streams apart when a line of each is open at once', () => {
    expect(decodeAll([frame(1, 'out-'), frame(2, 'err-'), frame(1, 'done\n'), frame(2, 'done\n')])).toEqual([
      { stream: 'stdout', line: 'out-done' },
      { stream: 'stderr', line: 'err-done' },
    ]);
  });

  it('splits timestamps off each line', () => {
    const lines = decodeAll(
      [frame(1, '2026-11-27T10:00:01.123456789Z tick 1\n2026-11-27T10:00:02.5Z tick 2\n'), frame(2, '2026-11-27T10:00:03+01:00 oops\n')],
      { tty: false, timestamps: true },
    );
    expect(lines).toEqual([
      { stream: 'stdout', line: 'tick 1', timestamp: '2026-11-27T10:00:01.123456789Z' },
      { stream: 'stdout', line: 'tick 2', timestamp: '2026-11-27T10:00:02.5Z' },
      { stream: 'stderr', line: 'oops', timestamp: '2026-11-27T10:00:03+01:00' },
    ]);
  });

  it('keeps an empty line after a timestamp, and a line without one as it is', () => {
    expect(decodeAll([frame(1, '2026-11-27T10:00:01Z \nplain\n')], { tty: false, timestamps: true })).toEqual([
      { stream: 'stdout', line: '', timestamp: '2026-11-27T10:00:01Z' },
      { stream: 'stdout', line: 'plain' },
    ]);
  });

  it('reads a TTY body as raw stdout and drops the \\r of \\r\\n', () => {
    const raw = Buffer.from('tick 1\r\ntick 2\r\npartial');
    expect(decodeAll(cut(raw, 4), { tty: true, timestamps: false })).toEqual([
      { stream: 'stdout', line: 'tick 1' },
      { stream: 'stdout', line: 'tick 2' },
      { stream: 'stdout', line: 'partial' },
    ]);
  });

  it('handles an empty frame and an empty body', () => {
    expect(decodeAll([frame(1, ''), frame(1, 'x\n')])).toEqual([{ stream: 'stdout', line: 'x' }]);
    expect(decodeAll([])).toEqual([]);
  });
});
