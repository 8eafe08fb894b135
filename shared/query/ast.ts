/**
 * Syntax tree of the IoT Hub query language (twin queries and deployment target conditions). Every node keeps
 * the span of text it came from (`offset`, `length`), so that evaluation-time tools can point at it.
 */

/** A JSON value written in the query: 'str', "str", numbers, true, false, null. */
export type Literal = string | number | boolean | null;

/** `tags.site`, `properties.reported.$version`, `tags['my-tag']`, `properties.reported.list[0]`. */
export interface PathExpr {
  readonly kind: 'path';
  readonly segments: readonly (string | number)[];
  readonly offset: number;
  readonly length: number;
}

export interface LiteralExpr {
  readonly kind: 'literal';
  readonly value: Literal;
  readonly offset: number;
  readonly length: number;
}

export type FunctionName =
  | 'IS_DEFINED' | 'IS_NULL' | 'IS_STRING' | 'IS_NUMBER' | 'IS_BOOL' | 'IS_OBJECT' | 'IS_ARRAY' | 'IS_PRIMITIVE'
  | 'STARTSWITH' | 'ENDSWITH' | 'CONTAINS';

export interface CallExpr {
  readonly kind: 'call';
  readonly name: FunctionName;
  readonly args: readonly Expr[];
  readonly offset: number;
  readonly length: number;
}

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

export interface CompareExpr {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly offset: number;
  readonly length: number;
}

/** `x IN [...]` (`negated: false`) or `x NIN [...]` (`negated: true`). */
export interface InExpr {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly values: readonly Literal[];
  readonly offset: number;
  readonly length: number;
}

/** `AND` / `OR` chains are flat (n-ary), so a long chain never makes a deep tree. */
export interface LogicalExpr {
  readonly kind: 'and' | 'or';
  readonly operands: readonly Expr[];
  readonly offset: number;
  readonly length: number;
}

export interface NotExpr {
  readonly kind: 'not';
  readonly operand: Expr;
  readonly offset: number;
  readonly length: number;
}

export type Expr = PathExpr | LiteralExpr | CallExpr | CompareExpr | InExpr | LogicalExpr | NotExpr;

/** A WHERE expression or a deployment `targetCondition` (`*` parses to the literal `true`). */
export type Condition = Expr;

export type QuerySource = 'devices' | 'devices.modules';

/** One projected value: a path keyed by its alias (default: its last segment), or `COUNT()` keyed by its alias. */
export type SelectItem =
  | { readonly kind: 'field'; readonly path: PathExpr; readonly alias: string }
  | { readonly kind: 'count'; readonly alias: string; readonly offset: number; readonly length: number };

export interface ParsedQuery {
  readonly source: QuerySource;
  /** `'all'` for `SELECT *`. */
  readonly select: 'all' | readonly SelectItem[];
  /** `SELECT TOP n`: at most n rows. */
  readonly top?: number;
  readonly where?: Condition;
  readonly groupBy?: readonly PathExpr[];
}

/** Where a query went wrong: a 0-based offset into the text and the length of the offending token. */
export interface QueryError {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}
