/**
 * Evaluation of query conditions against twin documents, with the three-valued logic of the IoT Hub (Cosmos DB
 * style) query language: a missing property is `undefined`; comparing it, or comparing values of different JSON
 * types, gives `undefined`, which is not a match. So `tags.env != 'prod'` does not match a twin without
 * `tags.env`, and neither does `NOT tags.env = 'prod'`; use `NOT IS_DEFINED(tags.env)` for that.
 * AND is false when any operand is false, OR true when any is true, else `undefined` wins over the other value.
 */
import { assertNever } from '../errors';
import type { CompareOp, Condition, Expr, Literal, PathExpr } from './ast';

/** A JSON value, or `undefined` for a missing property / an undefined comparison. */
type Value = unknown;

const isObject = (v: Value): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** The value at `path` in `doc`, or undefined when any segment is missing. */
export function resolvePath(doc: unknown, segments: PathExpr['segments']): Value {
  let current: Value = doc;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return undefined;
      current = current[segment];
    } else {
      if (!isObject(current) || !hasOwn(current, segment)) return undefined;
      current = current[segment];
    }
  }
  return current;
}

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'undefined';

function jsonType(v: Value): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean': return 'boolean';
    case 'number': return 'number';
    case 'string': return 'string';
    case 'object': return 'object';
    default: return 'undefined';
  }
}

/** Structural equality of two JSON values of the same type. */
function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function compare(op: CompareOp, a: Value, b: Value): boolean | undefined {
  const type = jsonType(a);
  if (type === 'undefined' || type !== jsonType(b)) return undefined;
  if (op === '=') return deepEqual(a, b);
  if (op === '!=') return !deepEqual(a, b);
  // Ordering is defined for numbers and strings (ordinal); other types do not order.
  if (type !== 'number' && type !== 'string') return undefined;
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case '<': return x < y;
    case '>': return x > y;
    case '<=': return x <= y;
    case '>=': return x >= y;
    default: return assertNever(op, 'comparison');
  }
}

function inList(value: Value, list: readonly Literal[]): boolean | undefined {
  const type = jsonType(value);
  if (type === 'undefined') return undefined;
  return list.some((item) => jsonType(item) === type && item === value);
}

function strings(args: readonly Value[]): [string, string] | undefined {
  const [a, b] = args;
  return typeof a === 'string' && typeof b === 'string' ? [a, b] : undefined;
}

/** The value of `expr` on `doc` (booleans for conditions; `undefined` when undefined). */
export function evaluateExpr(expr: Expr, doc: unknown): Value {
  switch (expr.kind) {
    case 'literal': return expr.value;
    case 'path': return resolvePath(doc, expr.segments);
    case 'compare': return compare(expr.op, evaluateExpr(expr.left, doc), evaluateExpr(expr.right, doc));
    case 'in': {
      const found = inList(evaluateExpr(expr.operand, doc), expr.values);
      return found === undefined ? undefined : found !== expr.negated;
    }
    case 'not': {
      const v = evaluateExpr(expr.operand, doc);
      return typeof v === 'boolean' ? !v : undefined;
    }
    case 'and': {
      let result: boolean | undefined = true;
      for (const operand of expr.operands) {
        const v = evaluateExpr(operand, doc);
        if (v === false) return false;
        if (v !== true) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: boolean | undefined = false;
      for (const operand of expr.operands) {
        const v = evaluateExpr(operand, doc);
        if (v === true) return true;
        if (v !== false) result = undefined;
      }
      return result;
    }
    case 'call': {
      const args = expr.args.map((a) => evaluateExpr(a, doc));
      const v = args[0];
      switch (expr.name) {
        case 'IS_DEFINED': return v !== undefined;
        case 'IS_NULL': return v === null;
        case 'IS_STRING': return typeof v === 'string';
        case 'IS_NUMBER': return typeof v === 'number';
        case 'IS_BOOL': return typeof v === 'boolean';
        case 'IS_OBJECT': return isObject(v);
        case 'IS_ARRAY': return Array.isArray(v);
        case 'IS_PRIMITIVE': return v === null || ['string', 'number', 'boolean'].includes(typeof v);
        case 'STARTSWITH': { const s = strings(args); return s && s[0].startsWith(s[1]); }
        case 'ENDSWITH': { const s = strings(args); return s && s[0].endsWith(s[1]); }
        case 'CONTAINS': { const s = strings(args); return s && s[0].includes(s[1]); }
        default: return assertNever(expr.name, 'function');
      }
    }
    default: return assertNever(expr, 'expression');
  }
}

/** Whether `doc` matches: the condition must evaluate to `true` (false and undefined do not match). */
export function matchesCondition(condition: Condition, doc: unknown): boolean {
  return evaluateExpr(condition, doc) === true;
}
