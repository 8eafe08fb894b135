/**
 * Literals, comparison, logic, three-valued (undefined) semantics, null, coalesce, arithmetic and property access:
 * every success case of edgeHub's ConditionCompilerTest (first half) with the Bool it expects.
 */
import { describe } from 'vitest';
import { F, runCases, T, U } from './condition-cases.test-util';

describe('edgeHub condition semantics: operators and literals', () => {
  runCases('Empty', [
    ['', U], ['  ', U],
  ]);
  runCases('Literals', [
    ['3', U], ['"a string"', U], ["'a string'", U],
  ]);
  runCases('Equals', [
    ['3 = 3', T], ['3 = 4', F], ['"3" = "3"', T], ['"3" = "4"', F], ["'3' = '3'", T], ["'3' = '4'", F],
    ['true = true', T], ['true = false', F], ['false = false', T], ['false = true', F], ['key2 = "3"', T],
    ["key2 = '3'", T], ['as_number(key2) = 3', T], ['as_number(key2) = 4', F], ['is_defined(none = "4")', F],
    ['as_number(none) = 3', U], ['$sys2 = "4"', T], ["$sys2 = '4'", T], ['as_number($sys2) = 4', T],
    ['as_number($sys2) = 3', F], ['is_defined($none)', F], ['as_number($none) = 3', U],
  ]);
  runCases('Not equals', [
    ['3 != 3', F], ['3 != 4', T], ['"3" != "3"', F], ['"3" != "4"', T], ["'3' != '3'", F], ["'3' != '4'", T],
    ['true != true', F], ['true != false', T], ['false != false', F], ['false != true', T], ['key2 != "3"', F],
    ["key2 != '3'", F], ['as_number(key2) != 3', F], ['as_number(key2) != 4', T], ['none != "4"', U],
    ['as_number(none) != 3', U], ['3 <> 3', F], ['3 <> 4', T], ['"3" <> "3"', F], ['"3" <> "4"', T],
    ["'3' <> '3'", F], ["'3' <> '4'", T], ['true <> true', F], ['true <> false', T], ['false <> false', F],
    ['false <> true', T], ['key2 <> "3"', F], ["key2 <> '3'", F], ['as_number(key2) <> 3', F],
    ['as_number(key2) <> 4', T], ['none <> "4"', U], ['as_number(none) <> 3', U],
  ]);
  runCases('And, Or, Not', [
    ['true', T], ['false', F], ['not true', F], ['not false', T], ['not (true and false)', T],
    ['true AND true', T], ['true AND not true', F], ['true and true', T], ['true and false', F],
    ['false and true', F], ['false and false', F], ['true OR true', T], ['true or true', T], ['true or false', T],
    ['false or true', T], ['false or false', F],
  ]);
  runCases('Undefined', [
    ['undefined', U], ['undefined or false', U], ['undefined or true', T], ['true or undefined', T],
    ['false or undefined', U], ['undefined or undefined', U], ['true and undefined', U],
    ['false and undefined', F], ['undefined and false', F], ['undefined and undefined', U],
    ['undefined < undefined', U], ["true or none = 'true'", T], ["false or none = 'true'", U],
    ["none = 'true' or true", T], ["none = 'true' or false", U], ["none = 'true' or none2 = 'true'", U],
    ["true and none = 'true'", U], ["false and none = 'true'", F], ["none = 'true' and true", U],
    ["none = 'true' and false", F], ["none = 'true' and none2 = 'true'", U], ["not (none = 'true')", U],
  ]);
  runCases('Coalesce', [
    ['undefined ?? undefined', U], ['(key1 ?? "hello") = "value1"', T], ['(none ?? "hello") = "hello"', T],
    ['(none ?? none ?? "hello") = "hello"', T], ['(as_number(key2) ?? 12.34) = 3', T],
    ['(as_number(key1) ?? 12.34) = 12.34', T], ['(3 % 0 ?? 12.34) = 12.34', T], ['(none ?? none) = "value"', U],
  ]);
  runCases('Null', [
    ['null and null', F], ['(null and null) = null', T], ['(null and false) = null', T],
    ['(null and true) = null', T], ['null or true', T], ['null or false', F], ['(null or null) = null', T],
    ['null', F], ['not null', T],
  ]);
  runCases('Addition', [
    ['3 + 4 = 7', T], ['(3 + as_number(key2)) = 6', T], ['is_defined(3 + as_number(none))', F],
    ['is_defined(3 + as_number(key1))', F],
  ]);
  runCases('Subtraction', [
    ['3 - 4 = -1', T], ['(3 - as_number(key2)) = 0', T], ['is_defined(3 - as_number(none))', F],
    ['is_defined(3 - as_number(key1))', F],
  ]);
  runCases('Multiplication', [
    ['3 * 4 = 12', T], ['(3 * as_number(key2)) = 9', T], ['is_defined(3 * as_number(none))', F],
    ['is_defined(3 * as_number(key1))', F],
  ]);
  runCases('Division', [
    ['3 / 4 = 0.75', T], ['(3 / as_number(key2)) = 1', T], ['is_defined(3 / as_number(none))', F],
    ['is_defined(3 / as_number(key1))', F],
  ]);
  runCases('Modulo', [
    ['4 % 3 = 1', T], ['(3 % as_number(key2)) = 0', T], ['is_defined(3 % 0)', F],
    ['is_defined(3 % as_number(none))', F], ['is_defined(3 % as_number(key1))', F],
  ]);
  runCases('Negation', [
    ['-1 < 0', T], ['-(3 + 4) = -7', T], ['is_defined(-undefined)', F], ['is_defined(-undefined)', F],
  ]);
  runCases('Less than', [
    ['4 < 7', T], ['7 < 7', F], ['8 < 7', F], ['3 + 4 < 7', F], ['3 < as_number(none)', U],
    ['3 < as_number(null_value)', U], ["'a' < 'b'", T], ["'a' < 'a'", F], ["'b' < 'a'", F], ["'a' < none", U],
  ]);
  runCases('Less than or equal', [
    ['4 <= 7', T], ['7 <= 7', T], ['8 <= 7', F], ['3 + 4 <= 7', T], ['3 <= as_number(none)', U],
    ['3 <= as_number(null_value)', U], ["'a' <= 'b'", T], ["'a' <= 'a'", T], ["'b' <= 'a'", F], ["'a' <= none", U],
  ]);
  runCases('Greater than', [
    ['4 > 7', F], ['7 > 7', F], ['8 > 7', T], ['3 + 4 > 7', F], ['3 > as_number(none)', U],
    ['3 > as_number(null_value)', U], ["'a' > 'b'", F], ["'a' > 'a'", F], ["'b' > 'a'", T], ["'a' > none", U],
  ]);
  runCases('Greater than or equal', [
    ['4 >= 7', F], ['7 >= 7', T], ['8 >= 7', T], ['3 + 4 >= 7', T], ['3 >= as_number(none)', U],
    ['3 >= as_number(null_value)', U], ["'a' >= 'b'", F], ["'a' >= 'a'", T], ["'b' >= 'a'", T], ["'a' > none", U],
  ]);
  runCases('Access', [
    ['key1 = "value1"', T], ['KEY1 = "value1"', T], ['key1 = "value1" and key1 = "value1"', T],
    ['key1 = "value2" or key1 = "value1"', T], ['key1 = "value2"', F], ['key2 = "value1"', F],
    ['none = "value1"', U], ['$sys4 = "value4"', T], ['{$sys4} = "sysvalue4"', T],
  ]);
  runCases('system properties', [
    ['$sys1 = "sysvalue1"', T], ['{$sys1} = "sysvalue1"', T], ['{ $sys1 } = "sysvalue1"', T],
  ]);});
