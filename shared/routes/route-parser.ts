/**
 * Parser for the route statement (Route.g4):
 *
 *   route := [SELECT '*'] FROM source [WHERE condition] INTO sink | <empty>
 *   source := ('/' ('*' | ID))+
 *   sink := SYS_PROP | ID '(' STRING ')'
 *
 * As in edgeHub, parsing stops after the sink: the start rule has no EOF, so trailing text is ignored (we keep
 * it so the compiler can warn about it).
 */
import { err, ok, type Result } from '../errors';
import type { ExprNode, PathItem, RouteNode, SinkNode } from './ast';
import { describeToken, startsExpression, type Token } from './lexer';
import { MAX_DEPTH, parseExpression, SyntaxFailure, TokenCursor, treeDepth, unexpectedHint } from './parser';
import type { RouteError } from './types';

const SINK_HINT = 'a sink ($upstream or BrokeredEndpoint("/modules/<module>/inputs/<input>"))';

function toError(failure: SyntaxFailure): RouteError {
  return { message: failure.message, column: failure.at + 1, length: failure.length, phase: 'parse' };
}

/** Refuses trees deeper than MAX_DEPTH (e.g. thousands of chained ORs), which could not be evaluated safely. */
function checkDepth(expr: ExprNode): ExprNode {
  if (treeDepth(expr) > MAX_DEPTH) throw new SyntaxFailure(`the condition is too complex: more than ${MAX_DEPTH} nested operations at column ${expr.start + 1}`, expr.start, expr.end - expr.start);
  return expr;
}

function run<T>(body: () => T): Result<T, RouteError> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof SyntaxFailure) return err(toError(e));
    throw e;
  }
}

/** Parses a whole route statement. Syntax errors only; type errors are found by the compiler. */
export function parseRouteText(text: string): Result<RouteNode, RouteError> {
  return run(() => parseRoute(new TokenCursor(text)));
}

/**
 * Parses a bare condition. An empty condition is valid (edgeHub's `EOF` alternative, which evaluates to
 * undefined) and yields `undefined`. Unlike edgeHub's RouteCompiler, text after a complete expression is an error:
 * inside a route it could never be followed by INTO.
 */
export function parseConditionText(text: string): Result<ExprNode | undefined, RouteError> {
  return run(() => {
    const cur = new TokenCursor(text);
    if (cur.peek().kind === 'EOF') return undefined;
    const expr = parseExpression(cur);
    if (cur.peek().kind !== 'EOF') throw cur.fail('expected an operator (=, <>, AND, OR, ...) or the end of the condition', cur.peek());
    return checkDepth(expr);
  });
}

function parseRoute(cur: TokenCursor): RouteNode {
  const first = cur.peek();
  if (first.kind === 'EOF') {
    throw new SyntaxFailure('the route is empty: expected FROM <source> [WHERE <condition>] INTO <sink> at column 1', 0, 1);
  }
  if (first.kind === 'SELECT') {
    cur.next();
    cur.expect('MUL', "'*'", 'after SELECT');
  }
  cur.expect('FROM', 'FROM', first.kind === 'SELECT' ? "after 'SELECT *'" : 'at the start of the route');
  const source = parseSource(cur);

  let condition: RouteNode['condition'];
  if (cur.peek().kind === 'WHERE') {
    cur.next();
    if (!startsExpression(cur.peek().kind)) throw cur.fail('expected a condition after WHERE', cur.peek(), unexpectedHint(cur.peek()));
    const from = cur.position();
    const expr = checkDepth(parseExpression(cur));
    const tokens = cur.slice(from, cur.position());
    condition = { expr, start: (tokens[0] as Token).start, end: (tokens[tokens.length - 1] as Token).end };
    cur.expect('INTO', 'INTO', 'after the condition');
  } else {
    cur.expect('INTO', 'WHERE or INTO', 'after the source');
  }
  const sink = parseSink(cur);
  const trailing: Token[] = [];
  while (cur.peek().kind !== 'EOF') trailing.push(cur.next());
  return { ...source, condition, sink, trailing, start: first.start, end: sink.end };
}

function parseSource(cur: TokenCursor): Pick<RouteNode, 'sourceText' | 'sourceStart' | 'sourceEnd' | 'pathItems'> {
  const slash = cur.expect('DIV', "a source path starting with '/'", 'after FROM');
  const items: PathItem[] = [];
  let text = '';
  let end: number;
  for (;;) {
    const item = cur.peek();
    if (item.kind !== 'MUL' && item.kind !== 'ID') throw cur.fail("expected a path segment (a name or '*') after '/'", item, badItemHint(item));
    cur.next();
    items.push({ text: item.text, start: item.start, end: item.end });
    text += `/${item.text}`;
    end = item.end;
    if (cur.peek().kind !== 'DIV') break;
    cur.next();
  }
  return { sourceText: text, sourceStart: slash.start, sourceEnd: end, pathItems: items };
}

function badItemHint(token: Token): string | undefined {
  switch (token.kind) {
    case 'SYS_PROP':
      return `${token.text} looks like an unexpanded template variable; edgeHub reads '$' names as system properties`;
    case 'INTEGER': case 'HEX': case 'REAL':
      return `edgeHub reads ${describeToken(token)} as a number, so it cannot be a module or output name`;
    case 'SELECT': case 'FROM': case 'WHERE': case 'INTO': case 'AND': case 'OR': case 'NOT':
    case 'TRUE': case 'FALSE': case 'NULL': case 'UNDEFINED':
      return `${describeToken(token)} is a keyword of the route language and cannot be a path segment`;
    default:
      return undefined;
  }
}

function parseSink(cur: TokenCursor): SinkNode {
  const token = cur.peek();
  if (token.kind === 'SYS_PROP') {
    cur.next();
    return { kind: 'system', name: token.text, start: token.start, end: token.end };
  }
  if (token.kind !== 'ID') throw cur.fail(`expected ${SINK_HINT} after INTO`, token);
  cur.next();
  cur.expect('LPAREN', "'('", `after ${token.text}`);
  const address = cur.peek();
  if (address.kind === 'UNTERMINATED_STRING') throw cur.fail(`expected a closing ${address.text[0]} for the endpoint address`, address);
  cur.expect('STRING', 'a quoted endpoint address such as "/modules/<module>/inputs/<input>"', `in ${token.text}(...)`);
  const close = cur.expect('RPAREN', "')'", 'after the endpoint address');
  return {
    kind: 'function',
    name: token.text,
    nameStart: token.start,
    address: address.text.slice(1, -1),
    addressStart: address.start + 1,
    start: token.start,
    end: close.end,
  };
}
