/**
 * Type rules and closures for unary and binary operators, as edgeHub's ConditionVisitor builds them
 * (`CheckOperand`, `CheckOperands`, `CheckBooleanOperands` and the C# operators of Bool, Null, Undefined and
 * QueryValue). A rule that edgeHub rejects is a compile error here, including the ones where .NET's expression
 * builder throws because an operator does not exist (e.g. `%` or unary `-` on a `$body` value).
 */
import type { BinaryNode, UnaryNode } from './ast';
import { applyBuiltin, constant, findBuiltin, type Compiled } from './builtins';
import type { RouteError, StaticType } from './types';
import {
  compareDouble, compareOrdinal, compareQV, fromComparison, isDefinedValue, toQV, triAnd, triOr, typeName,
  type CompareOp, type QV,
} from './values';

const QV_SUPPORTED: ReadonlySet<StaticType> = new Set(['null', 'number', 'string', 'bool']);
const UNDEFINED: Compiled = constant('undefined', undefined);

export type ReportError = (error: Omit<RouteError, 'phase'>) => Compiled;

function at(node: UnaryNode | BinaryNode): { column: number; length: number } {
  return { column: node.opToken.start + 1, length: node.opToken.end - node.opToken.start };
}

function binaryError(report: ReportError, node: BinaryNode, l: StaticType, r: StaticType, expected: StaticType, hint = ''): Compiled {
  const message = `invalid operands to binary operator '${node.opToken.text}' at column ${node.opToken.start + 1}: have '${typeName(l)}' and '${typeName(r)}', expected '${typeName(expected)}' and '${typeName(expected)}'${hint}`;
  return report({ message, ...at(node) });
}

function stringNumberHint(l: StaticType, r: StaticType): string {
  return (l === 'string' && r === 'number') || (l === 'number' && r === 'string')
    ? ' (application and system properties are strings: compare as_number(prop) with numbers)'
    : '';
}

export function compileUnary(node: UnaryNode, operand: Compiled, report: ReportError): Compiled {
  const f = operand.fn;
  if (node.op === '-') {
    if (operand.type === 'number') return { type: 'number', fn: (ctx) => -(f(ctx) as number) };
    if (operand.type === 'query') {
      return report({ message: `unary '-' at column ${node.opToken.start + 1} cannot be applied to a $body value (edgeHub has no negation for query values); write (0 - value)`, ...at(node) });
    }
    return report({ message: `invalid operand to unary operator '-' at column ${node.opToken.start + 1}: have '${typeName(operand.type)}', expected 'number'`, ...at(node) });
  }
  switch (operand.type) {
    case 'null': return constant('bool', true); // NOT null is true
    case 'bool': return { type: 'bool', fn: (ctx) => { const v = f(ctx); return v === undefined ? undefined : !v; } };
    case 'query': return { type: 'bool', fn: (ctx) => { const v = f(ctx); return typeof v === 'boolean' ? !v : undefined; } };
    default:
      return report({ message: `invalid operand to NOT at column ${node.opToken.start + 1}: have '${typeName(operand.type)}', expected 'bool' (NOT binds tighter than comparisons: write NOT (a = b))`, ...at(node) });
  }
}

/** `CheckOperands(op, left.Type)`: same types, or a `$body` value with a null/number/string/bool. */
function sameTypeOrQuery(l: StaticType, r: StaticType): boolean {
  return l === r || (r === 'query' && QV_SUPPORTED.has(l)) || (l === 'query' && QV_SUPPORTED.has(r));
}

function asQuery(c: Compiled): Compiled['fn'] {
  const { type, fn } = c;
  return type === 'query' ? fn : (ctx) => toQV(type, fn(ctx));
}

type Arith = (x: number, y: number) => number;
const ARITH: Record<'*' | '/' | '%' | '+' | '-', Arith> = {
  '*': (x, y) => x * y, '/': (x, y) => x / y, '%': (x, y) => x % y, '+': (x, y) => x + y, '-': (x, y) => x - y,
};

function arithmetic(node: BinaryNode, op: keyof typeof ARITH, l: Compiled, r: Compiled, report: ReportError): Compiled {
  const numeric = (t: StaticType) => t === 'number' || t === 'query';
  if (!numeric(l.type) || !numeric(r.type)) return binaryError(report, node, l.type, r.type, 'number', stringNumberHint(l.type, r.type));
  const calc = ARITH[op];
  if (l.type === 'number' && r.type === 'number') {
    const lf = l.fn; const rf = r.fn;
    return { type: 'number', fn: (ctx) => calc(lf(ctx) as number, rf(ctx) as number) };
  }
  if (op === '%') {
    return report({ message: `operator '%' at column ${node.opToken.start + 1} cannot be applied to $body values (edgeHub has no modulo for query values)`, ...at(node) });
  }
  const lf = asQuery(l); const rf = asQuery(r);
  return { type: 'query', fn: (ctx) => { const x = lf(ctx); const y = rf(ctx); return typeof x === 'number' && typeof y === 'number' ? calc(x, y) : undefined; } };
}

function comparison(node: BinaryNode, op: CompareOp, l: Compiled, r: Compiled, report: ReportError): Compiled {
  if (!sameTypeOrQuery(l.type, r.type)) return binaryError(report, node, l.type, r.type, l.type, stringNumberHint(l.type, r.type));
  const type: StaticType = l.type === r.type ? l.type : 'query';
  const lf = type === 'query' ? asQuery(l) : l.fn;
  const rf = type === 'query' ? asQuery(r) : r.fn;
  switch (type) {
    case 'string':
      return { type: 'bool', fn: (ctx) => { const a = lf(ctx) as string | null | undefined; const b = rf(ctx) as string | null | undefined; return a == null || b == null ? undefined : fromComparison(op, compareOrdinal(a, b)); } };
    case 'number':
      return { type: 'bool', fn: (ctx) => { const a = lf(ctx) as number; const b = rf(ctx) as number; return Number.isNaN(a) || Number.isNaN(b) ? undefined : fromComparison(op, compareDouble(a, b)); } };
    case 'bool':
      return { type: 'bool', fn: (ctx) => { const a = lf(ctx); const b = rf(ctx); return a === undefined || b === undefined ? undefined : fromComparison(op, a === b ? 0 : a ? 1 : -1); } };
    case 'null':
      return constant('bool', op === '=' || op === '<=' || op === '>=');
    case 'undefined':
      return constant('bool', undefined);
    case 'query':
      return { type: 'bool', fn: (ctx) => { const a = lf(ctx) as QV; const b = rf(ctx) as QV; return a === undefined || b === undefined ? undefined : fromComparison(op, compareQV(a, b)); } };
  }
}

function logical(node: BinaryNode, op: 'AND' | 'OR', l: Compiled, r: Compiled, report: ReportError): Compiled {
  const boolish = (t: StaticType) => t === 'null' || t === 'bool' || t === 'undefined';
  // edgeHub's CheckBooleanOperands accepts any right operand when the left one is a $body value
  if (!(boolish(l.type) || l.type === 'query') || !(boolish(r.type) || l.type === 'query')) {
    const hint = r.type === 'query' ? ' (edgeHub only accepts a $body value on the left of AND/OR)' : '';
    return binaryError(report, node, l.type, r.type, 'bool', hint);
  }
  const resultNull = op === 'AND' ? l.type === 'null' || r.type === 'null' : l.type === 'null' && r.type === 'null';
  if (l.type === 'query' || r.type === 'query') {
    if (resultNull) return binaryError(report, node, l.type, r.type, 'bool', ' (a $body value cannot be combined with null)');
    const lf = asQuery(l); const rf = asQuery(r);
    const combine = op === 'AND' ? triAnd : triOr;
    return { type: 'bool', fn: (ctx) => { const x = lf(ctx); const y = rf(ctx); return typeof x === 'boolean' && typeof y === 'boolean' ? combine(x, y) : undefined; } };
  }
  if ((l.type === 'null' && r.type === 'undefined') || (l.type === 'undefined' && r.type === 'null')) {
    return report({ message: `operator ${op} at column ${node.opToken.start + 1} is not defined for null and undefined operands`, ...at(node) });
  }
  if (resultNull) return constant('null', null);
  const lf = l.fn; const rf = r.fn;
  if (op === 'OR' && l.type === 'null') return r; // Null | Bool = the Bool
  if (op === 'OR' && r.type === 'null') return l;
  if (op === 'AND') return { type: 'bool', fn: (ctx) => { const x = lf(ctx) as boolean | undefined; return x === false ? false : triAnd(x, rf(ctx) as boolean | undefined); } };
  return { type: 'bool', fn: (ctx) => { const x = lf(ctx) as boolean | undefined; return x === true ? true : triOr(x, rf(ctx) as boolean | undefined); } };
}

function coalesce(node: BinaryNode, l: Compiled, r: Compiled, report: ReportError): Compiled {
  if (!sameTypeOrQuery(l.type, r.type)) return binaryError(report, node, l.type, r.type, l.type);
  if (l.type === 'undefined') return r;
  const type: StaticType = l.type === r.type ? l.type : 'query';
  const lf = type === 'query' ? asQuery(l) : l.fn;
  const rf = type === 'query' ? asQuery(r) : r.fn;
  return { type, fn: (ctx) => { const v = lf(ctx); return isDefinedValue(type, v) ? v : rf(ctx); } };
}

export function compileBinary(node: BinaryNode, l: Compiled, r: Compiled, report: ReportError): Compiled {
  switch (node.op) {
    case '*': case '/': case '%': case '+': case '-':
      return arithmetic(node, node.op, l, r, report);
    case '||': {
      const text = (t: StaticType) => t === 'string' || t === 'query';
      if (!text(l.type) || !text(r.type)) return binaryError(report, node, l.type, r.type, 'string');
      return applyBuiltin(findBuiltin('concat') as NonNullable<ReturnType<typeof findBuiltin>>, [l, r]) ?? UNDEFINED;
    }
    case '<': case '<=': case '>': case '>=': case '=': case '!=': case '<>':
      return comparison(node, node.op, l, r, report);
    case 'AND': case 'OR':
      return logical(node, node.op, l, r, report);
    case '??':
      return coalesce(node, l, r, report);
  }
}
