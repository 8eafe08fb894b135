import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonLinesDecoder, readJsonLines, streamError } from './json-lines';

describe('JsonLinesDecoder', () => {
  const text = '{"status":"a"}\n\n{"status":"ü✓"}\r\n{"stream":"Loaded image: x:y\\n"}\nnot json\n{"last":true}';

  it('parses whole lines and keeps the rest for the next chunk', () => {
    const invalid: string[] = [];
    const decoder = new JsonLinesDecoder((line) => invalid.push(line));
    expect([...decoder.write(Buffer.from(text)), ...decoder.end()]).toEqual([
      { status: 'a' },
      { status: 'ü✓' },
      { stream: 'Loaded image: x:y\n' },
      { last: true },
    ]);
    expect(invalid).toEqual(['not json']);
  });

  it.each([1, 2, 3, 7])('gives the same values for chunks of %i bytes (cutting UTF-8 characters)', (size) => {
    const bytes = Buffer.from(text);
    const decoder = new JsonLinesDecoder();
    const values: unknown[] = [];
    for (let i = 0; i < bytes.length; i += size) values.push(...decoder.write(bytes.subarray(i, i + size)));
    values.push(...decoder.end());
    expect(values).toHaveLength(4);
    expect(values[1]).toEqual({ status: 'ü✓' });
  });
});

describe('readJsonLines', () => {
  it('reads a stream to its end', async () => {
    const values: unknown[] = [];
    await readJsonLines(Readable.from([Buffer.from('{"a":1}\n{"b"'), Buffer.from(':2}\n')]), (v) => values.push(v));
    expect(values).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('streamError', () => {
  it('finds the failure Docker puts in the middle of a stream', () => {
    expect(streamError({ errorDetail: { message: 'detail' }, error: 'short' })).toBe('detail');
    expect(streamError({ error: 'short' })).toBe('short');
    expect(streamError({ status: 'fine' })).toBeUndefined();
    expect(streamError('x')).toBeUndefined();
  });
});

describe('readJsonLines on a broken HTTP body', () => {
  it('rejects with ECONNRESET when the body closes before its end', async () => {
    const body = new Readable({ read() {} });
    Object.assign(body, { complete: false });
    const reading = readJsonLines(body, () => undefined);
    body.push('{"status":"Loading layer"}\n');
    body.destroy();
    await expect(reading).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
