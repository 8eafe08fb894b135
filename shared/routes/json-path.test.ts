/**
 * `$body` path handling: edgeHub's restricted JSONPath grammar, Newtonsoft's path parsing, selection and the
 * Date-token detection that turns ISO timestamps into (undefined) objects.
 */
import { describe, expect, it } from 'vitest';
import { compileNewtonsoftPath, isNewtonsoftDate, OBJECT, selectPath, validateJsonPath } from './json-path';
import { MISSING } from './values';

describe('validateJsonPath (JsonPath.g4)', () => {
  it.each([
    'a', 'a.b.c', 'a[0]', 'a[0].b[12].c', 'Welcome!.he', "I'mnotusingspaces%1.es", '*', '$.a',
    // like ANTLR without EOF: text after a complete path is not checked
    'a[0][1]', 'a[0]x', 'a]', 'a b',
  ])('accepts %s', (path) => {
    expect(validateJsonPath(path)).toBeUndefined();
  });

  it.each([
    ['', 'expected a property name'], ['a.', 'expected a property name'], ['a..b', 'expected a property name'],
    ['a[]', 'expected an array index'], ['a[1:2]', "expected ']'"], ['0', 'expected a property name'],
    ['a.1', 'expected a property name'], ['[0]', 'expected a property name'], ['a[x]', 'expected an array index'],
  ])('rejects %s', (path, fragment) => {
    expect(validateJsonPath(path)).toContain(fragment);
  });
});

describe('compileNewtonsoftPath and selectPath', () => {
  const root = { a: { b: [10, { c: 'x' }], n: null, d: '2024-01-01T00:00:00Z' }, k: [[1, 2]], o: { p: 1, q: 2 }, one: { only: 7 } };
  const select = (path: string) => {
    const compiled = compileNewtonsoftPath(path);
    return compiled === undefined ? 'invalid' : selectPath(root, compiled);
  };

  it.each([
    ['a.b[0]', 10], ['a.b[1].c', 'x'], ['a.n', null], ['a.missing', MISSING], ['a.b[5]', MISSING], ['a.b.c', MISSING],
    ['k[0][1]', 2], ['$.a.b[0]', 10], ['a', OBJECT], ['a.b', OBJECT], ['o.*', OBJECT], ['one.*', 7], ['a.d', OBJECT],
    ['A.b[0]', MISSING], ['a[0]x', 'invalid'], ['a]', 'invalid'], ['a.b[0]]', 'invalid'],
  ])('%s', (path, expected) => {
    expect(select(path)).toBe(expected);
  });
});

describe('isNewtonsoftDate', () => {
  it.each([
    ['2017-03-09T00:00:00.000Z', true], ['2017-03-09T00:00:00', true], ['2024-02-29T23:59:59+01:00', true],
    ['2024-02-29T23:59:59.1234567-0530', true], ['/Date(1488931200000)/', true], ['/Date(-5+0100)/', true],
    ['2023-02-29T00:00:00Z', false], ['2017-03-09 00:00:00', false], ['2017-03-09T00:00', false],
    ['2017-03-09T24:00:01Z', false], ['2017-03-09T00:00:00.12345678Z', false], ['2017-03-09', false], ['hello', false],
  ])('%s -> %s', (text, expected) => {
    expect(isNewtonsoftDate(text)).toBe(expected);
  });
});
