/**
 * Recursive-descent (precedence climbing) parser for the condition language, following Condition.g4:
 *
 *   expr := '(' expr ')' | literal | SYS_PROP | ID | '{' SYS_PROP '}' | ID '(' [expr (',' expr)*] ')'
 *         | '-' expr | NOT expr | expr op expr
 *
 * Precedence, high to low: prefix `-` and NOT (they bind tighter than every binary operator, so `NOT a = b` is
 * `(NOT a) = b`), `* / %`, `+ - ||`, `< <= > >=`, `= != <>`, AND, OR, `??`. Binary operators are left-associative.
 * The grammar's "syntax error" alternatives (unknown symbols, unterminated strings, unmatched or missing
 * parentheses) become ErrorNodes that the compiler reports; anything else unexpected is a syntax error here.
 */
import type { BinaryOp, ErrorNode, ExprNode } from './ast';
import { describeToken, Lexer, startsExpression, type Token, type TokenKind } from './lexer';

/** Thrown inside the parser only; converted to a RouteError at the module boundary. */
export class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly at: number,
    readonly length: number,
  ) {}
}

const BINARY: Partial<Record<TokenKind, { op: BinaryOp; prec: number }>> = {
  COALESCE: { op: '??', prec: 1 },
  OR: { op: 'OR', prec: 2 },
  AND: { op: 'AND', prec: 3 },
  EQ: { op: '=', prec: 4 }, NE1: { op: '!=', prec: 4 }, NE2: { op: '<>', prec: 4 },
  LT: { op: '<', prec: 5 }, LE: { op: '<=', prec: 5 }, GT: { op: '>', prec: 5 }, GE: { op: '>=', prec: 5 },
  PLUS: { op: '+', prec: 6 }, MINUS: { op: '-', prec: 6 }, CONCAT: { op: '||', prec: 6 },
  MUL: { op: '*', prec: 7 }, DIV: { op: '/', prec: 7 }, MOD: { op: '%', prec: 7 },
};
/** Operand precedence of prefix `-` / NOT: above every binary operator. */
const PREFIX_PREC = 8;
/** Deeper trees are refused so that compiling and evaluating them cannot exhaust the stack. */
export const MAX_DEPTH = 256;

/**
 * The parser's view of the tokens. Tokens are lexed only as far as the parser looks (`peek` looks at most
 * one token ahead), so a route rejected at its start costs the same whatever follows.
 */
export class TokenCursor {
  private index = 0;
  private readonly tokens: Token[] = [];
  private readonly lexer: Lexer;
  /** Open parentheses / argument lists around the current position. */
  depth = 0;
  /** Current recursion depth of the expression parser. */
  level = 0;

  constructor(source: string | Lexer) {
    this.lexer = typeof source === 'string' ? new Lexer(source) : source;
  }

  peek(offset = 0): Token {
    const want = this.index + offset;
    while (this.tokens.length <= want && this.tokens[this.tokens.length - 1]?.kind !== 'EOF') this.tokens.push(this.lexer.next());
    return this.tokens[Math.min(want, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'EOF') this.index++;
    return token;
  }

  position(): number {
    return this.index;
  }

  slice(from: number, to: number): readonly Token[] {
    return this.tokens.slice(from, to);
  }

  /** Consumes a token of `kind` or fails with "expected <what> <context> at column N, found X". */
  expect(kind: TokenKind, what: string, context: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw this.fail(`expected ${what}${context ? ` ${context}` : ''}`, token);
    return this.next();
  }

  /** "expected X at column N, found Y" plus an optional hint in parentheses. */
  fail(expectation: string, token: Token, hint?: string): SyntaxFailure {
    const found = token.kind === 'EOF' ? 'end of input' : describeToken(token);
    const message = `${expectation} at column ${token.start + 1}, found ${found}${hint ? ` (${hint})` : ''}`;
    return new SyntaxFailure(message, token.start, Math.max(1, token.end - token.start));
  }
}

function errorNode(message: string, token: Token, start: number, end: number, children: ExprNode[] = []): ErrorNode {
  return { kind: 'error', message: `${message} at column ${token.start + 1}`, at: token.start, length: Math.max(1, token.end - token.start), children, start, end };
}

/** Parses one expression at `minPrec`; the caller decides what must follow it. */
export function parseExpression(cur: TokenCursor, minPrec = 0): ExprNode {
  let left = parsePrefix(cur);
  for (;;) {
    const token = cur.peek();
    if (token.kind === 'UNKNOWN' && minPrec === 0 && startsExpression(cur.peek(1).kind)) {
      // `expr syntax_error expr` (the lowest-precedence alternative of Condition.g4)
      cur.next();
      const right = parseExpression(cur, 1);
      left = errorNode(`invalid symbol '${token.text}'`, token, left.start, right.end, [left, right]);
      continue;
    }
    const binary = BINARY[token.kind];
    if (!binary || binary.prec < minPrec) return left;
    cur.next();
    if (!startsExpression(cur.peek().kind)) throw cur.fail(`expected an expression after '${token.text}'`, cur.peek());
    const right = parseExpression(cur, binary.prec + 1);
    left = { kind: 'binary', op: binary.op, opToken: token, left, right, start: left.start, end: right.end };
  }
}

function parsePrefix(cur: TokenCursor): ExprNode {
  const token = cur.next();
  if (++cur.level > MAX_DEPTH) throw new SyntaxFailure(`the condition nests more than ${MAX_DEPTH} levels deep at column ${token.start + 1}`, token.start, 1);
  try {
    return parsePrimary(cur, token);
  } finally {
    cur.level--;
  }
}

/** Depth of a tree (iterative, so that a pathological tree cannot overflow the stack while measuring it). */
export function treeDepth(root: ExprNode): number {
  let max = 0;
  const stack: Array<[ExprNode, number]> = [[root, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, d] = item;
    max = Math.max(max, d);
    const children = node.kind === 'binary' ? [node.left, node.right]
      : node.kind === 'unary' ? [node.operand]
        : node.kind === 'call' ? node.args
          : node.kind === 'error' ? node.children : [];
    for (const child of children) stack.push([child, d + 1]);
  }
  return max;
}

function parsePrimary(cur: TokenCursor, token: Token): ExprNode {
  switch (token.kind) {
    case 'TRUE': case 'FALSE': case 'STRING': case 'INTEGER': case 'HEX': case 'REAL': case 'NULL': case 'UNDEFINED':
      return { kind: 'literal', token, start: token.start, end: token.end };
    case 'UNTERMINATED_STRING':
      return errorNode(`unterminated string (missing closing ${token.text[0]})`, token, token.start, token.end);
    case 'SYS_PROP':
      return { kind: 'sysProperty', name: token.text, escaped: false, start: token.start, end: token.end };
    case 'ID':
      return cur.peek().kind === 'LPAREN' ? parseCall(cur, token) : { kind: 'property', name: token.text, start: token.start, end: token.end };
    case 'LBRACE': {
      const prop = cur.expect('SYS_PROP', 'a system property such as $contentType', "after '{'");
      const close = cur.expect('RBRACE', "'}'", `after ${prop.text}`);
      return { kind: 'sysProperty', name: prop.text, escaped: true, start: token.start, end: close.end };
    }
    case 'MINUS': case 'NOT': {
      if (!startsExpression(cur.peek().kind)) throw cur.fail(`expected an expression after '${token.text}'`, cur.peek());
      const operand = parseExpression(cur, PREFIX_PREC);
      return { kind: 'unary', op: token.kind === 'NOT' ? 'NOT' : '-', opToken: token, operand, start: token.start, end: operand.end };
    }
    case 'LPAREN':
      return parseParenthesized(cur, token);
    case 'UNKNOWN': {
      if (!startsExpression(cur.peek().kind)) return errorNode(`invalid symbol '${token.text}'`, token, token.start, token.end);
      const operand = parseExpression(cur, 1);
      return errorNode(`invalid symbol '${token.text}'`, token, token.start, operand.end, [operand]);
    }
    default:
      throw cur.fail('expected an expression', token, unexpectedHint(token));
  }
}

export function unexpectedHint(token: Token): string | undefined {
  switch (token.kind) {
    case 'QUERY_PATH':
      return "'[' and ']' are only allowed in $body queries";
    case 'SELECT': case 'FROM': case 'WHERE': case 'INTO':
      return `${token.text} is a keyword and cannot be used as a property name`;
    default:
      return undefined;
  }
}

function parseParenthesized(cur: TokenCursor, open: Token): ExprNode {
  if (!startsExpression(cur.peek().kind)) throw cur.fail("expected an expression after '('", cur.peek());
  cur.depth++;
  const inner = parseExpression(cur);
  cur.depth--;
  if (cur.peek().kind !== 'RPAREN') {
    // `'(' expr` — accepted by the grammar, reported by the compiler
    const next = cur.peek();
    return {
      kind: 'error',
      message: `missing closing ')' for the '(' at column ${open.start + 1}: expected ')' at column ${next.start + 1}, found ${describeToken(next)}`,
      at: next.start,
      length: Math.max(1, next.end - next.start),
      children: [inner],
      start: open.start,
      end: inner.end,
    };
  }
  const close = cur.next();
  // parentheses only group: keep the inner node, widened to span them
  return extraParen(cur, { ...inner, start: open.start, end: close.end } as ExprNode);
}

/** `nested_expr ')'` / `fcall ')'`: a stray closing parenthesis right after a complete group at top level. */
function extraParen(cur: TokenCursor, node: ExprNode): ExprNode {
  if (cur.depth > 0 || cur.peek().kind !== 'RPAREN') return node;
  const stray = cur.next();
  return errorNode("unmatched closing ')'", stray, node.start, stray.end, [node]);
}

function parseCall(cur: TokenCursor, name: Token): ExprNode {
  cur.next(); // '('
  const args: ExprNode[] = [];
  const argsFrom = cur.position();
  cur.depth++;
  if (cur.peek().kind !== 'RPAREN') {
    for (;;) {
      if (!startsExpression(cur.peek().kind)) throw cur.fail(`expected an argument for ${name.text}(...)`, cur.peek());
      args.push(parseExpression(cur));
      if (cur.peek().kind !== 'COMMA') break;
      cur.next();
    }
  }
  const argsText = cur.slice(argsFrom, cur.position()).map((t) => t.text).join('');
  cur.depth--;
  const close = cur.expect('RPAREN', "',' or ')'", `in the arguments of ${name.text}(...)`);
  const call: ExprNode = { kind: 'call', name: name.text, nameStart: name.start, args, argsText, start: name.start, end: close.end };
  return extraParen(cur, call);
}
