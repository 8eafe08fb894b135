/**
 * Runtime value model of compiled conditions. Each static type has one JS representation, chosen so that
 * evaluation allocates nothing:
 *
 * | static type | edgeHub (C#)          | here                                                             |
 * |-------------|-----------------------|------------------------------------------------------------------|
 * | string      | string                | string; `null` = a property present without value; `undefined` = Undefined |
 * | number      | double                | number; NaN is Undefined (as in edgeHub)                         |
 * | bool        | Bool (True/False/Und.) | true / false / undefined                                         |
 * | null        | Null                  | null                                                             |
 * | undefined   | Undefined             | undefined                                                        |
 * | query       | QueryValue            | QV below                                                         |
 */
import type { RouteBool, StaticType } from './types';

/** `QueryValue.Null` singleton: what a `$body` path that selects nothing returns (is_null() tells it apart). */
export const MISSING: { readonly qv: 'missing' } = Object.freeze({ qv: 'missing' as const });
/** A String-typed QueryValue holding a C# null (a null-valued property converted to a query value). */
export const NULL_STRING: { readonly qv: 'null-string' } = Object.freeze({ qv: 'null-string' as const });

/**
 * QueryValue: `undefined` = None (undefined), `null`/MISSING = Null, boolean = Bool, number = Double (may be NaN
 * after arithmetic, which is still "defined"), string/NULL_STRING = String. Objects never survive a query.
 */
export type QV = undefined | null | boolean | number | string | typeof MISSING | typeof NULL_STRING;
export type StrVal = string | null | undefined;

/** QueryValueType order used when values of different types are compared: None, Bool, Double, String, Null. */
export function qvTypeRank(v: QV): number {
  if (v === undefined) return 0;
  switch (typeof v) {
    case 'boolean': return 1;
    case 'number': return 2;
    case 'string': return 3;
    default: return v === NULL_STRING ? 3 : 4;
  }
}

export function triAnd(a: RouteBool, b: RouteBool): RouteBool {
  if (a === false || b === false) return false;
  return a === undefined || b === undefined ? undefined : true;
}

export function triOr(a: RouteBool, b: RouteBool): RouteBool {
  if (a === true || b === true) return true;
  return a === undefined || b === undefined ? undefined : false;
}

/** .NET `double.CompareTo`: NaN sorts below everything and equals itself. */
export function compareDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an && bn ? 0 : an ? -1 : 1;
}

/** `string.Compare(a, b, StringComparison.Ordinal)` with C# nulls sorting first. */
export function compareOrdinal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export type CompareOp = '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=';

export function fromComparison(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=': return c === 0;
    case '!=': case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

/** `QueryValue.CompareTo` for two defined values. */
export function compareQV(a: Exclude<QV, undefined>, b: Exclude<QV, undefined>): number {
  const ra = qvTypeRank(a);
  const rb = qvTypeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1: return a === b ? 0 : a === true ? 1 : -1;
    case 2: return compareDouble(a as number, b as number);
    case 3: return compareOrdinal(a === NULL_STRING ? null : (a as string), b === NULL_STRING ? null : (b as string));
    default: return 0;
  }
}

/** Implicit conversions to QueryValue (undefined values become None). */
export function toQV(type: StaticType, v: unknown): QV {
  switch (type) {
    case 'string': return v === null ? NULL_STRING : (v as StrVal);
    case 'number': return Number.isNaN(v) ? undefined : (v as number);
    case 'bool': return v as RouteBool;
    case 'null': return null;
    case 'undefined': return undefined;
    case 'query': return v as QV;
  }
}

/** `is_defined` / `Undefined.IsDefined` for a value of static type `type`. */
export function isDefinedValue(type: StaticType, v: unknown): boolean {
  switch (type) {
    case 'number': return !Number.isNaN(v);
    case 'null': return true;
    case 'undefined': return false;
    default: return v !== undefined;
  }
}

/** The final `Convert(expression, typeof(Bool))` of RouteCompiler: only a true Bool makes a route fire. */
export function toRouteBool(type: StaticType, v: unknown): RouteBool {
  switch (type) {
    case 'bool': return v as RouteBool;
    case 'query': return typeof v === 'boolean' ? v : undefined;
    case 'null': return false;
    default: return undefined;
  }
}

/** A QueryValue's string payload, or undefined when it is not a non-null string. */
export function qvString(v: QV): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `Math.Pow` as .NET Core computes it where JS differs (`1 ** NaN`, `(-1) ** Infinity`). */
export function dotnetPow(x: number, y: number): number {
  if (x === 1) return 1;
  if ((x === -1) && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

export function typeName(type: StaticType): string {
  return type === 'query' ? '$body value' : type;
}
