/**
 * Parser: precedence and associativity (checked on the tree shape), and syntax errors with their columns.
 */
import { describe, expect, it } from 'vitest';
import type { ExprNode } from './ast';
import { compileCondition, compileRoute } from './index';
import { parseConditionText, parseRouteText } from './route-parser';

/** Prints a tree as an s-expression: `(op left right)`. */
function show(node: ExprNode | undefined): string {
  if (!node) return '<empty>';
  switch (node.kind) {
    case 'literal': return node.token.text;
    case 'property': return node.name;
    case 'sysProperty': return node.escaped ? `{${node.name}}` : node.name;
    case 'call': return `${node.name}(${node.args.map(show).join(', ')})`;
    case 'unary': return `(${node.op} ${show(node.operand)})`;
    case 'binary': return `(${node.op} ${show(node.left)} ${show(node.right)})`;
    case 'error': return `<error ${node.children.map(show).join(' ')}>`;
  }
}

function tree(condition: string): string {
  const parsed = parseConditionText(condition);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return show(parsed.value);
}

describe('precedence and associativity', () => {
  it.each([
    ['a = 1 OR b = 2 AND c = 3', '(OR (= a 1) (AND (= b 2) (= c 3)))'],
    ['a OR b ?? c', '(?? (OR a b) c)'],
    ['a = b <> c', '(<> (= a b) c)'],
    ['a < b = c >= d', '(= (< a b) (>= c d))'],
    ['1 + 2 * 3 - 4 / 5 % 6', '(- (+ 1 (* 2 3)) (% (/ 4 5) 6))'],
    ["'a' || 'b' || 'c'", "(|| (|| 'a' 'b') 'c')"],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['NOT a = b', '(= (NOT a) b)'],
    ['NOT (a = b)', '(NOT (= a b))'],
    ['- a * b', '(* (- a) b)'],
    ['not not true', '(NOT (NOT true))'],
    ['- - 3', '(- (- 3))'],
    ['(((3)))', '3'],
    ['f(a, g(b, c), (d))', 'f(a, g(b, c), d)'],
    ['{ $sys1 } = $sys2', '(= {$sys1} $sys2)'],
    ['a ?? b ?? c', '(?? (?? a b) c)'],
    ['', '<empty>'],
    ['  /* just a comment */ ', '<empty>'],
  ])('%s', (condition, expected) => {
    expect(tree(condition)).toBe(expected);
  });
});

describe('syntax errors', () => {
  it.each([
    // [route, column, message fragment]
    ['FORM /messages INTO $upstream', 1, 'expected FROM at the start of the route at column 1'],
    ['SELECT FROM /x INTO $upstream', 8, "expected '*' after SELECT at column 8"],
    ['FROM INTO $upstream', 6, "expected a source path starting with '/' after FROM at column 6"],
    ['FROM /messages/ INTO $upstream', 17, "expected a path segment (a name or '*') after '/' at column 17"],
    ['FROM /messages/modules/into INTO $upstream', 24, 'is a keyword'],
    ['FROM /messages/modules/m/outputs/1 INTO $upstream', 34, 'as a number'],
    ['FROM /messages $upstream', 16, 'expected WHERE or INTO after the source at column 16'],
    ['FROM /messages WHERE INTO $upstream', 22, 'expected a condition after WHERE at column 22'],
    ["FROM /messages WHERE a = 'b' c INTO $upstream", 30, 'expected INTO after the condition at column 30'],
    ['FROM /messages WHERE temp == 100 INTO $upstream', 28, "expected an expression after '=' at column 28, found '='"],
    ['FROM /messages WHERE a = INTO $upstream', 26, "expected an expression after '='"],
    ["FROM /messages WHERE a = 'b' INTO", 34, 'expected a sink'],
    ['FROM /messages INTO upstream', 29, "expected '(' after upstream"],
    ['FROM /messages INTO "/modules/a/inputs/b"', 21, 'expected a sink'],
    ['FROM /messages INTO BrokeredEndpoint(/modules/a/inputs/b")', 38, 'expected a quoted endpoint address'],
    ['FROM /messages INTO BrokeredEndpoint("/modules/a/inputs/b"', 59, "expected ')' after the endpoint address"],
    ['FROM /messages INTO BrokeredEndpoint("/modules/a/inputs/b)', 38, 'expected a closing " for the endpoint address'],
    ['FROM /* INTO brokeredEndpoint(""/modules/a/inputs/b"")', 33, "expected ')'"],
    ['   ', 1, 'the route is empty'],
    ['FROM /messages WHERE a[0] = 1 INTO $upstream', 22, "'[' and ']' are only allowed in $body queries"],
    ['FROM /messages WHERE from = 1 INTO $upstream', 22, 'from is a keyword and cannot be used as a property name'],
  ])('%s', (route, column, fragment) => {
    const result = compileRoute(route);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.column).toBe(column);
    expect(result.error.message).toContain(fragment);
    expect(result.error.phase).toBe('parse');
  });

  it.each([
    // errors the grammar accepts and the compiler reports (edgeHub's "syntax error" alternatives)
    ['(2 + 22 = 24', 13, "missing closing ')' for the '(' at column 1: expected ')' at column 13, found end of input"],
    ['as_number("2" = 24', 19, "expected ',' or ')' in the arguments of as_number(...) at column 19"],
    ['(2 + 22 )) = 24', 10, "unmatched closing ')'"],
    ['as_number("2")) = 24', 15, "unmatched closing ')'"],
    ['"2 = 24', 1, 'unterminated string'],
    ['3 = @ 3', 5, "invalid symbol '@'"],
    ['(@)', 2, "invalid symbol '@'"],
    ["a = 'b' c", 9, 'expected an operator'],
  ])('condition %s', (condition, column, fragment) => {
    const result = compileCondition(condition);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(fragment);
    expect(result.error.column).toBe(column);
  });

  it('keeps the raw condition text and ignores text after the sink, as edgeHub does', () => {
    const parsed = parseRouteText("FROM /m WHERE a = 'x' /* c */ AND  b = 'y' INTO $upstream)");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.trailing.map((t) => t.text)).toEqual([')']);
    const route = compileRoute("FROM /m WHERE a = 'x' /* c */ AND  b = 'y' INTO $upstream)");
    expect(route.ok && route.value.condition?.text).toBe("a = 'x' /* c */ AND  b = 'y'");
  });

  it('accepts SELECT *, any keyword case, comments and line breaks', () => {
    for (const text of [
      'SELECT * FROM /messages INTO $upstream',
      'select * from /messages where true into $UPSTREAM',
      'FROM /messages /* all of them */ INTO\n  BRokeredendpoint ( "/modules/m/inputs/i" )',
      'FROM / messages / * INTO $upstream',
    ]) {
      expect(compileRoute(text).ok, text).toBe(true);
    }
  });
});

describe('limits', () => {
  it('refuses pathological nesting instead of overflowing the stack', () => {
    const deep = `${'('.repeat(5000)}true${')'.repeat(5000)}`;
    expect(compileCondition(deep)).toMatchObject({ ok: false, error: { phase: 'parse' } });
    const long = Array.from({ length: 5000 }, () => "a = 'x'").join(' OR ');
    const result = compileRoute(`FROM /messages/* WHERE ${long} INTO $upstream`);
    expect(!result.ok && result.error.message).toContain('too complex');
    expect(compileCondition(Array.from({ length: 200 }, () => "a = 'x'").join(' OR ')).ok).toBe(true);
  });
});
