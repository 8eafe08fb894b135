/**
 * .NET-compatible text helpers: OrdinalIgnoreCase, invariant casing, body decoding.
 */
import { describe, expect, it } from 'vitest';
import { decodeBody, equalsIgnoreCase, foldCase, lowerInvariant, startsWithIgnoreCase, upperInvariant } from './text';

describe('case handling', () => {
  it.each([
    ['abc', 'ABC', true], ['Straße', 'STRASSE', false], ['é', 'É', true], ['a', 'b', false], ['[', '{', false],
    ['@', '`', false], ['ab', 'abc', false],
  ])('equalsIgnoreCase(%s, %s) = %s', (a, b, expected) => {
    expect(equalsIgnoreCase(a, b)).toBe(expected);
    expect(foldCase(a) === foldCase(b)).toBe(expected);
  });

  it('starts-with ignoring case and invariant one-to-one casing', () => {
    expect(startsWithIgnoreCase('$BODY.x', '$body.')).toBe(true);
    expect(startsWithIgnoreCase('$bod', '$body.')).toBe(false);
    expect(upperInvariant('straße')).toBe('STRAßE');
    expect(upperInvariant('abc')).toBe('ABC');
    expect(lowerInvariant('ÀÉÎ Way')).toBe('àéî way');
    expect(foldCase('/messages/Straße/')).toBe('/MESSAGES/STRAßE/');
  });
});

describe('decodeBody', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  it.each([
    ['utf-8', bytes(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80), 'aé€😀'],
    ['UTF-8', bytes(0x61, 0xff, 0x62), 'a\ufffdb'],
    ['utf-8', bytes(0xc3), '\ufffd'],
    ['utf-8', bytes(0xe2, 0x82, 0x61), '\ufffda'],
    ['utf-8', bytes(0xc0, 0x80), '\ufffd\ufffd'],
    ['utf-8', bytes(0xed, 0xa0, 0x80), '\ufffd\ufffd\ufffd'],
    ['utf-8', bytes(0xe0, 0x80, 0x80), '\ufffd\ufffd\ufffd'],
    ['utf-8', bytes(0xf0, 0x9f, 0x98), '\ufffd'],
    ['utf-16', bytes(0x61, 0x00, 0xe9, 0x00, 0x3d, 0xd8, 0x00, 0xde), 'aé😀'],
    ['utf-16', bytes(0x61, 0x00, 0x62), 'a\ufffd'],
    ['utf-32', bytes(0x61, 0, 0, 0, 0x00, 0xf6, 0x01, 0x00), 'a😀'],
    ['Utf-32', bytes(0x00, 0x00, 0x11, 0x00), '\ufffd'],
  ])('%s %j', (encoding, input, expected) => {
    expect(decodeBody(input, encoding)).toBe(expected);
  });

  it('rejects other encodings', () => {
    expect(decodeBody(bytes(0x61), 'ascii')).toBeUndefined();
    expect(decodeBody(bytes(0x61), 'utf8')).toBeUndefined();
  });
});
