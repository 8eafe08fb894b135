/**
 * Semantics beyond edgeHub's own tables: edge cases of the type rules and of three-valued evaluation that the
 * compiler derives from edgeHub's operator definitions (Bool, Null, Undefined, QueryValue).
 */
import { describe, expect, it } from 'vitest';
import { evalCondition, F, jsonMessage, runCases, T, U } from './condition-cases.test-util';
import { compileCondition } from './index';

const JSON_MESSAGE = jsonMessage(
  JSON.stringify({ n: 5, s: 'abc', b: true, z: null, when: '2024-01-02T03:04:05Z', list: [[1, 2], [3]], obj: { a: 1 }, big: 1e308 }),
);

describe('extra semantics', () => {
  runCases('literals and escapes', [
    ['0xDEADBEEF = 3735928559', T], ['0xFFFFFFFFFFFFFFFF = -1', T], ['is_defined(0x1FFFFFFFFFFFFFFFF)', F],
    ['.5 = 0.5', T], ['1e3 = 1000', T], ['-0 = 0', T], ["'it\\'s' = \"it's\"", T], ["'\\u0041' = 'A'", T],
    ["'\\\\' = '\\\\'", T], ['length("\\\\") = 1', T],
  ]);
  runCases('properties are looked up case-insensitively', [
    ["KEY1 = 'value1'", T], ["$SYS1 = 'sysvalue1'", T], ["{$Sys1} = 'sysvalue1'", T], ['is_defined($key1)', F],
  ]);
  runCases('three-valued logic', [
    ["none = 'x' OR true", T], ["none = 'x' AND false", F], ["NOT (none = 'x')", U], ["(none = 'x') = true", U],
    ['true > false', T], ['false < true', T], ['null = null', T], ['null <> null', F], ['null < null', F],
    ['undefined = undefined', U], ['(null AND true) = null', T], ['null OR null', F], ['null_value = null_value', U],
    ['is_defined(null_value)', T], ["(null_value ?? 'x') = 'x'", U], ["(none ?? key1) = 'value1'", T],
  ]);
  runCases('$body values compared with other types', [
    ['$body.n = 5', T], ["$body.n < 'a'", T], ["$body.n > 'a'", F], ['$body.n < true', F], ['$body.n <> $body.s', T],
    ['$body.z = null', T], ['$body.missing = null', T], ['$body.missing = $body.z', T], ['is_defined($body.missing)', T],
    ['is_null($body.z)', T], ['is_null($body.missing)', F], ['is_null($body.n)', T], ['is_null($body.obj)', U],
    ["$body.when = '2024-01-02T03:04:05Z'", U], ['$body.list[0][1] = 2', T], ['$body.list[1][1] = null', T],
    ['$body.b AND true', T], ["$body.b AND 'x'", U], ['$body.missing AND false', U], ['$body.n + 1 = 6', T],
    ["$body.s || 'd' = 'abcd'", T], ['$body.big * 10 = 1/0', T], ["($body.missing ?? 'x') = null", T],
    ['as_number($body.s)', U],
  ], JSON_MESSAGE);
});

describe('type errors edgeHub reports', () => {
  it.each([
    ["temp > 30", "'string' and 'number'", 'as_number(prop)'],
    ['null AND undefined', 'not defined for null and undefined', ''],
    ['undefined OR null', 'not defined for null and undefined', ''],
    ['$body.a AND null', 'cannot be combined with null', ''],
    ['true OR $body.a', "only accepts a $body value on the left", ''],
    ["NOT key1 = 'x'", "invalid operand to NOT", 'NOT (a = b)'],
    ['- key1', "invalid operand to unary operator '-'", ''],
    ["key1 = undefined", "'string' and 'undefined'", ''],
    ['undefined = $body.a', "'undefined' and '$body value'", ''],
    ['(undefined ?? $body.n) = 5', "'undefined' and '$body value'", ''],
    ["nope(1)", "invalid built-in function 'nope'", 'as_number'],
    ["substring('a')", 'substring(string, number) or substring(string, number, number)', ''],
    ["is_defined()", 'is_defined()', ''],
    ["is_array(key1)", "invalid built-in function 'is_array'", ''],
  ])('%s', (condition, fragment, hint) => {
    const result = compileCondition(condition);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(fragment);
    expect(result.error.message).toContain(hint);
    expect(result.error.phase).toBe('compile');
  });

  it('points at the operator or function name', () => {
    const result = compileCondition("a = 'x' AND temp > 30");
    expect(!result.ok && [result.error.column, result.error.length]).toEqual([18, 1]);
    const call = compileCondition("a = 'x' OR lengthh(a) = 1");
    expect(!call.ok && [call.error.column, call.error.length]).toEqual([12, 7]);
  });
});

describe('as_number parsing (.NET NumberStyles.Any)', () => {
  it.each([
    ['42', 42], [' 42 ', 42], ['-4.5', -4.5], ['4.5-', -4.5], ['(7)', -7], ['1,000.5', 1000.5], ['1e3', 1000],
    ['.5', 0.5], ['5.', 5], ['+3', 3], ['Infinity', Infinity], ['-infinity', -Infinity],
  ])('%s', (text, value) => {
    expect(evalCondition(`as_number('${text}') = ${Number.isFinite(value) ? value : value > 0 ? '1/0' : '-1/0'}`)).toBe(true);
  });

  it.each(['', 'abc', '0x10', '1.2.3', 'NaN', '--1', '1e'])('%s is undefined', (text) => {
    expect(evalCondition(`is_defined(as_number('${text}'))`)).toBe(false);
  });
});
