import { describe, expect, it } from 'vitest';
import { chunkCreateOptions, joinCreateOptions, readCreateOptionsChunks } from './create-options.js';

describe('readCreateOptionsChunks (JsonEx.ChunkedValue)', () => {
  it.each<[Record<string, unknown>, string, string | undefined]>([
    [{ createOptions: '{"a":', createOptions01: '1}' }, '{"a":1}', undefined],
    [{ CreateOptions: '{"a":', CREATEOPTIONS01: '1}' }, '{"a":1}', undefined],
    [{ createOptions01: '1}', createOptions: '{"a":' }, '{"a":1}', undefined],
    [{ createOptions: '{"a":', createOptions1: '1}' }, '{"a":1}', undefined],
    [{ createOptions: '{', createOptions02: '}' }, '{}', 'createOptions02'],
    [{ createOptions01: '{}' }, '{}', 'createOptions01'],
    [{ createOptions: '{}', createOptionsComment: 'x' }, '{}x', 'createOptionsComment'],
    [{ createOptions: null }, '', undefined],
    [{ image: 'x' }, '', undefined],
  ])('%j', (settings, joined, problemKey) => {
    const reading = readCreateOptionsChunks(settings);
    expect(reading.joined).toBe(joined);
    expect(reading.sequenceProblem?.key).toBe(problemKey);
  });

  it('reads at most 100 chunks, in string order (createOptions100 sorts before createOptions11)', () => {
    const settings: Record<string, string> = { createOptions: 'x' };
    for (let i = 1; i <= 100; i++) settings[`createOptions${String(i).padStart(2, '0')}`] = 'x';
    const reading = readCreateOptionsChunks(settings);
    expect(reading.chunks).toHaveLength(100);
    expect(reading.sequenceProblem?.key).toBe('createOptions100');
    expect(reading.dropped).toEqual(['createOptions99']);
  });

  it('reads an object chunk as its JSON text', () => {
    expect(JSON.parse(joinCreateOptions({ createOptions: { HostConfig: { Privileged: true } } }))).toEqual({ HostConfig: { Privileged: true } });
  });
});

describe('chunkCreateOptions', () => {
  it('serializes an object compactly into one chunk when short', () => {
    expect(chunkCreateOptions({ HostConfig: { Privileged: true } })).toEqual({ ok: true, value: { createOptions: '{"HostConfig":{"Privileged":true}}' } });
  });

  it('cuts long text into 512-character chunks that join back', () => {
    const text = JSON.stringify({ Env: Array.from({ length: 100 }, (_, i) => `VARIABLE_${i}=value`) });
    const result = chunkCreateOptions(text);
    if (!result.ok) throw new Error(result.error.message);
    const keys = Object.keys(result.value);
    expect(keys[0]).toBe('createOptions');
    expect(keys[1]).toBe('createOptions01');
    expect(Object.values(result.value).every((c) => c.length <= 512)).toBe(true);
    expect(joinCreateOptions(result.value)).toBe(text);
  });

  it('refuses more than 8 chunks by default (the tools stop at 4 KB) and allows up to 100 when asked', () => {
    const text = 'x'.repeat(512 * 8 + 1);
    expect(chunkCreateOptions(text).ok).toBe(false);
    expect(chunkCreateOptions(text, { maxChunks: 100 }).ok).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(511)}😀${'b'.repeat(10)}`;
    const result = chunkCreateOptions(text);
    if (!result.ok) throw new Error('unexpected');
    expect(result.value['createOptions']).toBe('a'.repeat(511));
    expect(joinCreateOptions(result.value)).toBe(text);
  });
});
