/**
 * Hostile input: the parser refuses oversized texts and deep nesting with a positioned error instead of
 * exhausting the stack, and the work stays bounded for texts within the limits. Shapes are generated.
 */
import { describe, expect, it } from 'vitest';
import { matchesCondition } from './evaluate';
import { MAX_NESTING, MAX_QUERY_BYTES, parseCondition, parseQuery } from './parser';

describe('size limit', () => {
  it('a query of exactly 8 KiB parses; one byte more is refused at the byte that passes the limit', () => {
    const prefix = "SELECT * FROM devices WHERE tags.x = '";
    const fits = `${prefix}${'a'.repeat(MAX_QUERY_BYTES - prefix.length - 1)}'`;
    expect(fits.length).toBe(MAX_QUERY_BYTES);
    expect(parseQuery(fits).ok).toBe(true);
    const over = `${prefix}${'a'.repeat(MAX_QUERY_BYTES - prefix.length)}'`;
    expect(parseQuery(over)).toEqual({ ok: false, error: { message: 'query longer than 8192 bytes', offset: 8192, length: 1 } });
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = `tags.x = '${'é'.repeat(4100)}'`; // 4,111 characters, 8,211 bytes: the 4,092nd é passes 8,192
    const parsed = parseCondition(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? 0 : parsed.error.offset).toBe(4101);
    expect(parseCondition(`tags.x = '${'😀'.repeat(2000)}'`).ok).toBe(true); // 8,011 bytes
  });

  it('a megabyte of text is refused without being lexed', () => {
    const parsed = parseCondition('('.repeat(1_000_000));
    expect(parsed.ok ? '' : parsed.error.message).toBe('query longer than 8192 bytes');
  });
});

describe('nesting limit', () => {
  const nested = (levels: number): string => `${'('.repeat(levels)}a = 1${')'.repeat(levels)}`;
  it.each([
    ['parentheses', nested],
    ['NOT', (n: number) => `${'NOT '.repeat(n)}a = 1`],
    ['function calls', (n: number) => `${'IS_DEFINED('.repeat(n)}a${')'.repeat(n)}`],
  ])('%s: 64 levels parse, 65 are refused at the 65th opener', (_, make) => {
    expect(parseCondition(make(MAX_NESTING)).ok).toBe(true);
    const parsed = parseCondition(make(MAX_NESTING + 1));
    expect(parsed.ok ? 'parsed' : parsed.error.message).toMatch(/^nesting deeper than 64 levels at \d+$/);
  });

  it('the 65th parenthesis is the one pointed at', () => {
    expect(parseCondition(nested(65))).toEqual({ ok: false, error: { message: 'nesting deeper than 64 levels at 64', offset: 64, length: 1 } });
  });

  it('8,000 open parentheses: an error, not a stack overflow', () => {
    expect(parseCondition('('.repeat(8000)).ok).toBe(false);
    expect(parseQuery(`SELECT * FROM devices WHERE ${'NOT '.repeat(2000)}a = 1`).ok).toBe(false);
  });

  it('a long flat AND chain is not nesting: it parses and evaluates', () => {
    const terms = Array.from({ length: 600 }, (_, i) => `a${i}=${i}`);
    const parsed = parseCondition(terms.join(' AND '));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const doc = Object.fromEntries(terms.map((_, i) => [`a${i}`, i]));
    expect(matchesCondition(parsed.value, doc)).toBe(true);
    expect(matchesCondition(parsed.value, { ...doc, a599: 0 })).toBe(false);
  });

  it('a long path and a long IN list stay within the size limit and work', () => {
    const path = Array.from({ length: 1000 }, () => 'x').join('.');
    expect(parseCondition(`IS_DEFINED(${path})`).ok).toBe(true);
    const list = Array.from({ length: 1500 }, (_, i) => i).join(',');
    const parsed = parseCondition(`n IN [${list}]`);
    expect(parsed.ok && matchesCondition(parsed.value, { n: 1499 })).toBe(true);
  });
});

describe('odd characters', () => {
  it.each([
    ['a NUL', 'a = 1\u0000', "unexpected character '\u0000' at 5", 5],
    ['an astral character', 'a = 😀', "unexpected character '😀' at 4", 4],
    ['a lone quote', "'", 'unterminated string at 0', 0],
    ['a backslash', 'a = \\', "unexpected character '\\' at 4", 4],
  ])('%s is a positioned error', (_, text, message, offset) => {
    const parsed = parseCondition(text);
    expect(parsed.ok ? 'parsed' : [parsed.error.message, parsed.error.offset]).toEqual([message, offset]);
  });

  it('strings may hold anything but their own quote', () => {
    const parsed = parseCondition("tags.x = 'a\\b\"c😀\u0000'");
    expect(parsed.ok && matchesCondition(parsed.value, { tags: { x: 'a\\b"c😀\u0000' } })).toBe(true);
  });
});
