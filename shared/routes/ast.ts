/**
 * Syntax tree of a route statement and its condition. Offsets are 0-based positions in the text that was parsed
 * (the whole route for `compileRoute`, the condition for `compileCondition`); `end` is exclusive.
 */
import type { Token } from './lexer';

export type BinaryOp =
  | '*' | '/' | '%' | '+' | '-' | '||'
  | '<' | '<=' | '>' | '>=' | '=' | '!=' | '<>'
  | 'AND' | 'OR' | '??';

export type UnaryOp = '-' | 'NOT';

interface Span {
  readonly start: number;
  readonly end: number;
}

export interface LiteralNode extends Span {
  readonly kind: 'literal';
  /** The literal token kind decides the static type: TRUE/FALSE, STRING, INTEGER/HEX/REAL, NULL, UNDEFINED. */
  readonly token: Token;
}

/** A bare identifier: an application property (`alert`, `temp`). */
export interface PropertyNode extends Span {
  readonly kind: 'property';
  readonly name: string;
}

/** `$name` (application property named `$name` first, then the system property or `$body` query) or `{$name}`. */
export interface SysPropertyNode extends Span {
  readonly kind: 'sysProperty';
  /** The token text including the leading `$`. */
  readonly name: string;
  /** True for the `{$name}` form, which skips the application-property lookup. */
  readonly escaped: boolean;
}

export interface CallNode extends Span {
  readonly kind: 'call';
  readonly name: string;
  readonly nameStart: number;
  readonly args: readonly ExprNode[];
  /** The argument tokens joined without whitespace (ANTLR `exprList().GetText()`), used by twin_change_includes. */
  readonly argsText: string;
}

export interface UnaryNode extends Span {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly opToken: Token;
  readonly operand: ExprNode;
}

export interface BinaryNode extends Span {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly opToken: Token;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

/**
 * A construct the grammar accepts only to report it later (Condition.g4 "Syntax Errors" alternatives: unknown
 * symbols, unterminated strings, unmatched or missing parentheses). Compiling it is an error, but edgeHub never
 * visits the arguments of twin_change_includes, so inside those it goes unnoticed, as in edgeHub.
 */
export interface ErrorNode extends Span {
  readonly kind: 'error';
  readonly message: string;
  /** Position of the offending token. */
  readonly at: number;
  readonly length: number;
  readonly children: readonly ExprNode[];
}

export type ExprNode = LiteralNode | PropertyNode | SysPropertyNode | CallNode | UnaryNode | BinaryNode | ErrorNode;

/** A source path item: `*` or a name (ANTLR `item`). */
export interface PathItem extends Span {
  readonly text: string;
}

export type SinkNode =
  | (Span & { readonly kind: 'system'; readonly name: string })
  | (Span & { readonly kind: 'function'; readonly name: string; readonly nameStart: number; readonly address: string; readonly addressStart: number });

export interface RouteNode extends Span {
  /** Source tokens joined without whitespace (ANTLR `source.GetText()`), e.g. `/messages/modules/m1/outputs/*`. */
  readonly sourceText: string;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly pathItems: readonly PathItem[];
  /** The condition and its raw text span (from its first to its last token), absent without WHERE. */
  readonly condition: { readonly expr: ExprNode; readonly start: number; readonly end: number } | undefined;
  readonly sink: SinkNode;
  /** Tokens after the sink; edgeHub's parser stops at the sink and ignores them. */
  readonly trailing: readonly Token[];
}
