import { describe, expect, it } from 'vitest';
import { MODULE_STATUS, RESTART_POLICY, compareDotNetVersions, findProperty, parseDotNetVersion, readEnum, readString, readUnsigned } from './newtonsoft-compat.js';

describe('parseDotNetVersion (System.Version)', () => {
  it.each([
    ['1.0', [1, 0, -1, -1]],
    ['1.1.0', [1, 1, 0, -1]],
    ['1.2.3.4', [1, 2, 3, 4]],
    [' 1 . 1 ', [1, 1, -1, -1]],
    ['+1.1', [1, 1, -1, -1]],
  ])('%s', (text, parts) => {
    const v = parseDotNetVersion(text);
    expect(v && [v.major, v.minor, v.build, v.revision]).toEqual(parts);
  });

  it.each(['1', '1.2.3.4.5', 'a.b', '-1.0', '1.', '', '2147483648.0'])('rejects %j', (text) => {
    expect(parseDotNetVersion(text)).toBeUndefined();
  });

  it('orders 1.1 before 1.1.0 (an absent build is -1)', () => {
    const a = parseDotNetVersion('1.1');
    const b = parseDotNetVersion('1.1.0');
    expect(a && b && compareDotNetVersions(a, b)).toBeLessThan(0);
  });
});

describe('readEnum (StringEnumConverter + CheckIsDefined)', () => {
  it.each<[unknown, string, string | undefined]>([
    ['running', 'canonical', 'running'],
    ['RUNNING', 'lenient', 'running'],
    [2, 'lenient', 'running'],
    ['2', 'lenient', 'running'],
    [7, 'invalid', undefined],
    ['go', 'invalid', undefined],
    [true, 'invalid', undefined],
  ])('status %j', (value, kind, member) => {
    const reading = readEnum(value, MODULE_STATUS);
    expect(reading.kind).toBe(kind);
    if (reading.kind !== 'invalid') expect(reading.member.value).toBe(member);
  });

  it('accepts field names such as OnUnhealthy', () => {
    expect(readEnum('onunhealthy', RESTART_POLICY)).toMatchObject({ kind: 'lenient', member: { value: 'on-unhealthy' } });
  });
});

describe('scalars', () => {
  it.each<[unknown, string]>([
    [0, 'canonical'],
    [4294967295, 'canonical'],
    [4294967296, 'invalid'],
    [-1, 'invalid'],
    ['12', 'lenient'],
    [1.5, 'lenient'],
    ['x', 'invalid'],
  ])('readUnsigned %j', (value, verdict) => {
    expect(readUnsigned(value)).toBe(verdict);
  });

  it('reads booleans as the JSON text reader does ("false")', () => {
    expect(readString(false)).toEqual({ kind: 'coerced', text: 'false' });
  });

  it('binds property names exactly first, then ignoring case', () => {
    expect(findProperty({ Status: 1, status: 2 }, 'status')).toEqual({ key: 'status', value: 2, exact: true });
    expect(findProperty({ STATUS: 1 }, 'status')).toEqual({ key: 'STATUS', value: 1, exact: false });
  });
});
