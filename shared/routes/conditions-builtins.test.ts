/**
 * Built-in functions: every success case of edgeHub's ConditionCompilerTest (second half) with the Bool it
 * expects, covering each builtin's results, case-insensitive names and undefined propagation.
 */
import { describe } from 'vitest';
import { F, runCases, T, U } from './condition-cases.test-util';

describe('edgeHub condition semantics: built-in functions', () => {
  runCases('as_number', [
    ['as_number("3") = 3', T], ['AS_NUMBER("3") = 3', T], ["AS_NUMBER('10e10') = 10e10", T],
    ["AS_NUMBER('10e1000') = 10e1000", T], ["AS_NUMBER('10e1000') = 1/0", T],
    ["AS_NUMBER('10000000000000000000000000') = 1e25", T], ['as_number(key2) = 3', T], ['as_number(key1) = 3', U],
    ['as_number(key3) = 3', U], ['as_number(key2) * 3 = 9', T], ['as_number(key3) * 3 = 9', U],
    ['as_number(none) * 3 = 9', U], ['as_number(null_value) * 3 = 9', U], ['as_number(as_number(4)) * 3 = 12', T],
  ]);
  runCases('is_bool', [
    ['is_bool(12.34)', F], ["is_bool('not a number')", F], ['is_bool("not a number")', F], ['is_bool(true)', T],
    ['IS_BOOL(true)', T], ['is_bool(false)', T], ['is_bool(none)', F], ['is_bool(key1)', F],
  ]);
  runCases('is_defined', [
    ['is_defined(undefined)', F], ['IS_DEFINED(undefined)', F], ['is_defined(key1)', T], ['is_defined(key4)', F],
    ['is_defined(3 * as_number(key4))', F], ['is_defined(undefined and true)', F],
    ['is_defined(as_number("3"))', T], ['is_defined(as_number("apple"))', F], ['is_defined(null_value)', T],
    ['is_defined(null)', T], ['is_defined(10e1000)', T],
  ]);
  runCases('is_null', [
    ['is_null(12.34)', F], ["is_null('not a number')", F], ['is_null("not a number")', F], ['is_null(true)', F],
    ['is_null(false)', F], ['is_null(3 / 0)', F], ['is_null(as_number(key2))', F], ['is_null(as_number(key1))', F],
    ['is_null(as_number(key1) / as_number(key2))', F], ['is_null(null)', T], ['IS_NULL(null)', T],
    ['is_null(null_value)', T], ['is_null(none)', F],
  ]);
  runCases('is_number', [
    ['is_number(12.34)', T], ['IS_NUMBER(12.34)', T], ["is_number('not a number')", F],
    ['is_number("not a number")', F], ['is_number(true)', F], ['is_number(false)', F], ['is_number(3 / 0)', F],
    ['is_number(as_number(key2))', T], ['is_number(as_number(key1))', F],
    ['is_number(as_number(key1) / as_number(key2))', F],
  ]);
  runCases('is_string', [
    ['is_string(12.34)', F], ["is_string('not a number')", T], ["IS_STRING('not a number')", T],
    ['is_string("not a number")', T], ['is_string(true)', F], ['is_string(false)', F], ['is_string(none)', F],
    ['is_string(key1)', T], ['is_string(null_value)', F], ["is_string('a' || 'b')", T],
  ]);
  runCases('concat', [
    ["concat('a', 'b', 'c', 'd') = 'abcd'", T], ["CONCAT('a', 'b', 'c', 'd') = 'abcd'", T],
    ["concat('a', 'b') = concat('a', 'b')", T], ["concat('a', key1, 'd') = 'avalue1d'", T],
    ["is_defined(concat('a', none, 'd'))", F], ["'a' || 'b' || 'c' || 'd' = 'abcd'", T],
    ["'a' || key1 || 'd' = 'avalue1d'", T], ["'a' || null_value || 'd' = 'ad'", T],
    ["concat('a', null_value, 'd') = 'ad'", T], ["is_defined('a' || none || 'd')", F],
    ["is_defined('a' || null_value || 'd')", T],
  ]);
  runCases('length', [
    ["length('HELLO') = 5", T], ["LENGTH('') = 0", T], ['length(key3) = 6', T],
    ['is_defined(length(null_value))', F], ['is_defined(length(none))', F],
  ]);
  runCases('lower', [
    ["lower('HELLO') = 'hello'", T], ["LOWER('hello') = 'hello'", T], ["lower(key3) = 'value3'", T],
    ['is_defined(lower(null_value))', F], ['is_defined(lower(none))', F],
  ]);
  runCases('upper', [
    ["upper('HELLO') = 'HELLO'", T], ["UPPER('hello') = 'HELLO'", T], ["upper(key1) = 'VALUE1'", T],
    ['is_defined(upper(null_value))', F], ['is_defined(upper(none))', F],
  ]);
  runCases('substring', [
    ["substring('abc', 1) = 'bc'", T], ["substring('abc', 2) = 'c'", T], ["SUBSTRING('abc', 3) = 'c'", F],
    ["SUBSTRING('abc', 4) = 'c'", U], ["substring(key1, 1) = 'alue1'", T], ["substring('abc', -1) = ''", U],
    ["substring('abc', 1 % 0) = ''", U], ["substring(null_value, 1) = 'a'", U], ["substring(none, 1) = 'a'", U],
    ["substring('abc', 1, 1) = 'b'", T], ["substring('abc', 1, 0) = ''", T], ["SUBSTRING(key1, 1, 1) = 'a'", T],
    ["substring('abc', -1, 0) = ''", U], ["substring('abc', 1, -2) = ''", U],
    ["substring('abc', 1 % 0, 1) = ''", U], ["substring('abc', 1, 1 % 0) = ''", U],
    ["substring(null_value, 1, 1) = 'a'", U], ["substring(none, 1, 1) = 'a'", U],
    ["substring('hello', 0, 5) = 'hello'", T], ["substring('start', 0, 4) = 'star'", T],
    ["substring('hello', 1, 4) = 'ello'", T], ["substring('hello', 4, 1) = 'o'", T],
    ["substring('hello', 4, 0) = ''", T],
  ]);
  runCases('index_of', [
    ["index_of('abcdef', 'cd') = 2", T], ["index_of('abc', 'xz') = -1", T], ["INDEX_OF(key1, 'val') = 0", T],
    ["index_of('lue1value1', key1) = 4", T], ["index_of('abc', key1) = -1", T],
    ["index_of(null_value, '1') = 0", U], ["index_of(none, '1') = 0", U],
  ]);
  runCases('starts_with', [
    ["starts_with('abc', 'ab')", T], ["starts_with('abc', 'xz')", F], ["STARTS_WITH(key1, 'val')", T],
    ["starts_with('value1value1', key1)", T], ["starts_with('abc', key1)", F], ["starts_with(null_value, '1')", U],
    ["starts_with(none, '1')", U],
  ]);
  runCases('ends_with', [
    ["ends_with('abc', 'bc')", T], ["ends_with('abc', 'xz')", F], ["ENDS_WITH(key1, 'e1')", T],
    ["ends_with('value1value1', key1)", T], ["ends_with('abc', key1)", F], ["ends_with(null_value, '1')", U],
    ["ends_with(none, '1')", U],
  ]);
  runCases('contains', [
    ["contains('abc', 'ab')", T], ["contains('abc', 'xz')", F], ["CONTAINS(key1, 'val')", T],
    ["contains('value1value1', key1)", T], ["contains('abc', key1)", F], ["contains(null_value, '1')", U],
    ["contains(none, '1')", U],
  ]);
  runCases('abs', [
    ['abs(-12) = 12', T], ['abs(12) = 12', T], ['ABS(as_number(key2)) = 3', T],
    ['is_defined(abs(as_number(key1)))', F], ['is_defined(abs(3 / 0))', T], ['is_defined(abs(3 % 0))', F],
  ]);
  runCases('exp', [
    ['exp(0) = 1', T], ['abs(exp(1) - 2.718281) < 1e-6', T], ['abs(EXP(as_number(key2)) - 20.085536) < 1e-6', T],
    ['exp(4000) = 3/0', T], ['is_defined(exp(as_number(key1)))', F], ['is_defined(exp(3 / 0))', T],
    ['is_defined(exp(3 % 0))', F],
  ]);
  runCases('power', [
    ['power(2, 3) = 8', T], ['POWER(3, 2) = 9', T], ['POWER(10, 4000) = 3/0', T],
    ['power(as_number(key2), as_number(key2)) = 27', T],
    ['is_defined(power(as_number(key1), as_number(key1)))', F], ['is_defined(power(3 / 0, 2))', T],
    ['is_defined(power(2, 3 / 0))', T], ['is_defined(power(3 % 0, 2))', F], ['is_defined(power(2, 3 % 0))', F],
  ]);
  runCases('square', [
    ['square(2) = 4', T], ['SQUARE(3) = 9', T], ['square(as_number(key2)) = 9', T],
    ['is_defined(square(as_number(key1)))', F], ['is_defined(square(3 / 0))', T], ['is_defined(square(3 % 0))', F],
  ]);
  runCases('ceiling', [
    ['ceiling(2) = 2', T], ['ceiling(2.1) = 3', T], ['ceiling(-2.1) = -2', T], ['CEILING(-2) = -2', T],
    ['ceiling(as_number(key2)) = 3', T], ['is_defined(ceiling(as_number(key1)))', F],
    ['is_defined(ceiling(3 / 0))', T], ['is_defined(ceiling(3 % 0))', F],
  ]);
  runCases('floor', [
    ['floor(2) = 2', T], ['floor(2.1) = 2', T], ['floor(-2.1) = -3', T], ['FLOOR(-2) = -2', T],
    ['floor(as_number(key2)) = 3', T], ['is_defined(floor(as_number(key1)))', F], ['is_defined(floor(3 / 0))', T],
    ['is_defined(floor(3 % 0))', F],
  ]);
  runCases('sign', [
    ['sign(0) = 0', T], ['sign(2) = 1', T], ['sign(2.1) = 1', T], ['sign(-2.1) = -1', T], ['SIGN(-2) = -1', T],
    ['sign(as_number(key2)) = 1', T], ['is_defined(sign(as_number(key1)))', F], ['sign(3 / 0) = 1', T],
    ['sign(-3 / 0) = -1', T], ['is_defined(sign(3 % 0))', F],
  ]);
  runCases('sqrt', [
    ['sqrt(4) = 2', T], ['SQRT(-4) = -2', U], ['abs(sqrt(as_number(key2)) - 1.732050) < 1e-6', T],
    ['is_defined(sqrt(as_number(key1)))', F], ['is_defined(sqrt(3 / 0))', T], ['is_defined(sqrt(3 % 0))', F],
  ]);});
