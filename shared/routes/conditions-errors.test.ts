/**
 * Conditions edgeHub refuses to compile (ConditionCompilerTest.TestCompilationFailureDataSource): operand types,
 * builtin arities and argument types, `==`, unterminated strings, NOT/negation of strings.
 */
import { describe } from 'vitest';
import { runFailures } from './condition-cases.test-util';

describe('edgeHub compile failures', () => {
  runFailures('arithmetic and comparison operands', [
    'is_defined(3 + none)', 'is_defined(3 + null_value)', 'is_defined(true + 3)', 'is_defined(3 + true)',
    'is_defined(3 + undefined)', "is_defined('a' + 'b')", 'is_defined(undefined + 3)',
    'is_defined(undefined + undefined)', 'is_defined(3 - none)', 'is_defined(3 - null_value)',
    'is_defined(true - 3)', 'is_defined(3 - true)', 'is_defined(3 - undefined)', "is_defined('a' - 'b')",
    'is_defined(undefined - 3)', 'is_defined(undefined - undefined)', 'is_defined(3 * none)',
    'is_defined(3 * null_value)', 'is_defined(true * 3)', 'is_defined(3 * true)', 'is_defined(3 * undefined)',
    "is_defined('a' * 'b')", 'is_defined(undefined * 3)', 'is_defined(undefined * undefined)',
    'is_defined(3 / none)', 'is_defined(3 / null_value)', 'is_defined(true / 3)', 'is_defined(3 / true)',
    'is_defined(3 / undefined)', "is_defined('a' / 'b')", 'is_defined(undefined / 3)',
    'is_defined(undefined / undefined)', 'is_defined(3 % none)', 'is_defined(3 % null_value)',
    'is_defined(true % 3)', 'is_defined(3 % true)', 'is_defined(3 % undefined)', "is_defined('a' % 'b')",
    'is_defined(undefined % 3)', 'is_defined(undefined % undefined)', 'is_defined(3 = none)',
    'is_defined(3 != none)', 'is_defined(3 <> none)', 'is_defined(3 > none)', 'is_defined(3 >= none)',
    'is_defined(3 < none)', 'is_defined(3 <= none)', 'is_defined(3 <= none)', 'is_defined(3 <= none.key1)',
    'is_defined(3 <= none.key1.key2)', 'is_defined(3 = null_value)', 'is_defined(3 != null_value)',
    'is_defined(3 <> null_value)', 'is_defined(3 > null_value)', 'is_defined(3 >= null_value)',
    'is_defined(3 < null_value)', 'is_defined(3 <= null_value)', 'is_defined(3 <= null_value)',
  ]);
  runFailures('Coalesce', [
    'key1 ?? "hello" = "value1"', '(key1 ?? 12.34)', '(12.34 ?? key1)', '(as_number(key2) ?? key1)',
    '(key1 ?? null)', '(null && key1)', '(key1 ?? true)', '(true && key1)',
  ]);
  runFailures('Concat', [
    "concat() = 'avalue1d'", "concat('a') = 'avalue1d'", "concat(3) = 'avalue1d'",
    "concat('a', null) = 'avalue1d'", "concat('a', undefined) = 'avalue1d'", "concat('a', true) = 'avalue1d'",
    "'a' || null = 'avalue1d'", "'a' || undefined = 'avalue1d'", "'a' || true = 'avalue1d'",
  ]);
  runFailures('Length', [
    "length(12.34) = 'hello'", "length(null) = 'hello'", "length(undefined) = 'value1'", "length(true) = 'value1'",
    "length(false) = 'value1'",
  ]);
  runFailures('Lower', [
    "lower(12.34) = 'hello'", "lower(null) = 'hello'", "lower(undefined) = 'value1'", "lower(true) = 'value1'",
    "lower(false) = 'value1'",
  ]);
  runFailures('Upper', [
    "upper(12.34) = 'hello'", "upper(null) = 'hello'", "upper(undefined) = 'value1'", "upper(true) = 'value1'",
    "upper(false) = 'value1'",
  ]);
  runFailures('substring', [
    "substring() = 'hello'", "substring('hello') = 'hello'", "substring('hello', 'a') = 'hello'",
    "substring('hello', 'a', 'b') = 'hello'", "substring(12.34) = 'hello'", "substring(null) = 'hello'",
    "substring(undefined) = 'value1'", "substring(true) = 'value1'", "substring(false) = 'value1'",
  ]);
  runFailures('index_of', [
    'index_of()', "index_of('hello')", "index_of('hello', 'a', 'b')", "index_of('hello', 12.34)",
    "index_of(12.34, 'hello')", 'index_of(12.34, 12.34)', "index_of(null, 'hello')", "index_of('hello', null)",
    'index_of(null, null)', "index_of(undefined, 'hello')", "index_of('hello', undefined)",
    'index_of(undefined, undefined)', "index_of(true, 'hello')", "index_of('hello', true)", 'index_of(true, true)',
  ]);
  runFailures('starts_with', [
    'starts_with()', "starts_with('hello')", "starts_with('hello', 'a', 'b')", "starts_with('hello', 12.34)",
    "starts_with(12.34, 'hello')", 'starts_with(12.34, 12.34)', "starts_with(null, 'hello')",
    "starts_with('hello', null)", 'starts_with(null, null)', "starts_with(undefined, 'hello')",
    "starts_with('hello', undefined)", 'starts_with(undefined, undefined)', "starts_with(true, 'hello')",
    "starts_with('hello', true)", 'starts_with(true, true)',
  ]);
  runFailures('ends_with', [
    'ends_with()', "ends_with('hello')", "ends_with('hello', 'a', 'b')", "ends_with('hello', 12.34)",
    "ends_with(12.34, 'hello')", 'ends_with(12.34, 12.34)', "ends_with(null, 'hello')", "ends_with('hello', null)",
    'ends_with(null, null)', "ends_with(undefined, 'hello')", "ends_with('hello', undefined)",
    'ends_with(undefined, undefined)', "ends_with(true, 'hello')", "ends_with('hello', true)",
    'ends_with(true, true)',
  ]);
  runFailures('contains', [
    'contains()', "contains('hello')", "contains('hello', 'a', 'b')", "contains('hello', 12.34)",
    "contains(12.34, 'hello')", 'contains(12.34, 12.34)', "contains(null, 'hello')", "contains('hello', null)",
    'contains(null, null)', "contains(undefined, 'hello')", "contains('hello', undefined)",
    'contains(undefined, undefined)', "contains(true, 'hello')", "contains('hello', true)", 'contains(true, true)',
  ]);
  runFailures('Abs', [
    'is_defined(abs(null))', 'is_defined(abs(undefined))', 'is_defined(abs(true))', 'is_defined(abs(false))',
    'is_defined(abs(key1))', 'is_defined(abs(3, 4))',
  ]);
  runFailures('Exp', [
    'is_defined(exp(null))', 'is_defined(exp(undefined))', 'is_defined(exp(true))', 'is_defined(exp(false))',
    'is_defined(exp(key1))', 'is_defined(exp(3, 4))',
  ]);
  runFailures('Power', [
    'is_defined(power(null, 2))', 'is_defined(power(2, null))', 'is_defined(power(null, null))',
    'is_defined(power(undefined, 2))', 'is_defined(power(2, undefined))',
    'is_defined(power(undefined, undefined))', 'is_defined(power(true, 2))', 'is_defined(power(2, true))',
    'is_defined(power(true, true))', 'is_defined(power(key1, 2))', 'is_defined(power(2, key1))',
    'is_defined(power(2, 3, 4))',
  ]);
  runFailures('Square', [
    'is_defined(square(null))', 'is_defined(square(undefined))', 'is_defined(square(true))',
    'is_defined(square(false))', 'is_defined(square(key1))', 'is_defined(square(3, 3))',
  ]);
  runFailures('Ceiling', [
    'is_defined(ceiling(null))', 'is_defined(ceiling(undefined))', 'is_defined(ceiling(true))',
    'is_defined(ceiling(false))', 'is_defined(ceiling(key1))', 'is_defined(ceiling(3, 3))',
  ]);
  runFailures('Floor', [
    'is_defined(floor(null))', 'is_defined(floor(undefined))', 'is_defined(floor(true))',
    'is_defined(floor(false))', 'is_defined(floor(key1))', 'is_defined(floor(3, 3))',
  ]);
  runFailures('Sign', [
    'is_defined(sign(null))', 'is_defined(sign(undefined))', 'is_defined(sign(true))', 'is_defined(sign(false))',
    'is_defined(sign(key1))', 'is_defined(sign(3, 3))',
  ]);
  runFailures('Sqrt', [
    'is_defined(sqrt(null))', 'is_defined(sqrt(undefined))', 'is_defined(sqrt(true))', 'is_defined(sqrt(false))',
    'is_defined(sqrt(key1))', 'is_defined(sqrt(3, 3))', 'test == true', 'true == test',
  ]);
  runFailures('empty unterminated string', [
    'none = "',
  ]);
  runFailures('and', [
    'none and true', 'undefined and "hello"',
  ]);
  runFailures('or', [
    'none or true',
  ]);
  runFailures('negate', [
    '- (key1)',
  ]);
  runFailures('not', [
    'is_defined(not key1)',
  ]);});
