import { describe, expect, it } from 'vitest';
import { C2D_MAX_EXPIRY_SECONDS, parseExpiry, parseProperties } from './c2d-message';

describe('cloud-to-device form', () => {
  it('reads key=value lines, skipping blank ones; a value may hold "="', () => {
    expect(parseProperties('kind=config\n\n  units = celsius \nquery=a=b')).toEqual({ ok: true, value: { kind: 'config', units: 'celsius', query: 'a=b' } });
    expect(parseProperties('')).toEqual({ ok: true, value: {} });
  });

  it.each([
    ['no "="', 'kind', 'Line 1 of the properties is not key=value: "kind".'],
    ['an empty name', 'a=1\n=2', 'Line 2 of the properties is not key=value: "=2".'],
    ['a repeated name', 'a=1\na=2', 'Line 2: the property "a" is already set above.'],
    ['a name over 128 characters', `${'k'.repeat(129)}=1`, 'Line 1: a property name has at most 128 characters.'],
  ])('refuses %s, naming the line', (_name, text, message) => {
    expect(parseProperties(text)).toEqual({ ok: false, message });
  });

  it('takes a time to live of whole seconds up to 48 hours', () => {
    expect(parseExpiry(' 3600 ')).toEqual({ ok: true, value: 3600 });
    expect(parseExpiry(String(C2D_MAX_EXPIRY_SECONDS))).toEqual({ ok: true, value: C2D_MAX_EXPIRY_SECONDS });
    for (const bad of ['0', '1.5', 'soon', String(C2D_MAX_EXPIRY_SECONDS + 1)]) expect(parseExpiry(bad).ok).toBe(false);
  });
});
