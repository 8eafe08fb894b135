/**
 * Recursive-descent parser for the IoT Hub query language:
 *
 *   query     := SELECT [TOP n] ( '*' | item (',' item)* ) FROM (devices | devices.modules)
 *                [WHERE condition] [GROUP BY path (',' path)*]
 *   item      := COUNT '(' ')' [AS name] | path [AS name]
 *   condition := and (OR and)* ;  and := not (AND not)* ;  not := NOT not | predicate
 *   predicate := operand [ (= | != | <> | < | > | <= | >=) operand | (IN | NIN) '[' literal, … ']' ]
 *   operand   := literal | path | FUNCTION '(' operand, … ')' | '(' condition ')'
 *   path      := name ('.' name | '.' [[any]] | '[' 'str' | int ']')*
 *
 * Keywords and function names are case-insensitive. The work is bounded: texts over MAX_QUERY_BYTES and nesting
 * (parentheses, NOT, function calls) over MAX_NESTING are refused before they can exhaust the stack.
 */
import { err, ok, type Result } from '../errors';
import type {
  Condition, Expr, FunctionName, Literal, ParsedQuery, PathExpr, QueryError, QuerySource, SelectItem,
} from './ast';
import { describeToken, tokenize, type Token, type TokenKind } from './lexer';

/** The longest query or condition accepted, in UTF-8 bytes. */
export const MAX_QUERY_BYTES = 8 * 1024;
/** The deepest nesting of parentheses, NOT and function calls accepted. */
export const MAX_NESTING = 64;

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'AS', 'AND', 'OR', 'NOT', 'IN', 'NIN', 'TOP']);

/** Each function with its number of arguments. */
const FUNCTIONS: Readonly<Record<FunctionName, number>> = {
  IS_DEFINED: 1, IS_NULL: 1, IS_STRING: 1, IS_NUMBER: 1, IS_BOOL: 1, IS_OBJECT: 1, IS_ARRAY: 1, IS_PRIMITIVE: 1,
  STARTSWITH: 2, ENDSWITH: 2, CONTAINS: 2,
};
const isFunctionName = (name: string): name is FunctionName => Object.prototype.hasOwnProperty.call(FUNCTIONS, name);

const COMPARISONS: Partial<Record<TokenKind, '=' | '!=' | '<' | '>' | '<=' | '>='>> = {
  EQ: '=', NE: '!=', LT: '<', GT: '>', LE: '<=', GE: '>=',
};

class ParseFailure {
  constructor(readonly error: QueryError) {}
}

/** The offset at which `text` passes `limit` UTF-8 bytes, or -1 when it fits. */
function overLimitAt(text: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (bytes > limit) return i;
  }
  return -1;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return token;
  }

  /** End offset of the last consumed token. */
  private lastEnd(): number {
    const last = this.tokens[this.pos - 1];
    return last === undefined ? 0 : last.offset + last.length;
  }

  private fail(message: string, token: Token): never {
    throw new ParseFailure({ message: `${message} at ${token.offset}`, offset: token.offset, length: token.length });
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'WORD' && token.text.toUpperCase() === word;
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.expectedAt(word);
    return this.next();
  }

  /** "expected FROM at 14, found 'x'". */
  private expectedAt(what: string): never {
    const token = this.peek();
    throw new ParseFailure({
      message: `expected ${what} at ${token.offset}, found ${describeToken(token)}`,
      offset: token.offset,
      length: token.length,
    });
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING) this.fail(`nesting deeper than ${MAX_NESTING} levels`, token);
  }

  private leave(): void {
    this.depth--;
  }

  query(): ParsedQuery {
    this.expectKeyword('SELECT');
    let top: number | undefined;
    if (this.isKeyword('TOP')) {
      this.next();
      const n = this.peek();
      if (n.kind !== 'NUMBER' || !Number.isInteger(n.value) || (n.value as number) < 0) this.expectedAt('a whole number after TOP');
      top = this.next().value as number;
    }
    const select = this.selectList();
    this.expectKeyword('FROM');
    const source = this.source();
    let where: Condition | undefined;
    if (this.isKeyword('WHERE')) {
      this.next();
      where = this.condition();
    }
    let groupBy: PathExpr[] | undefined;
    let groupToken: Token | undefined;
    if (this.isKeyword('GROUP')) {
      groupToken = this.next();
      this.expectKeyword('BY');
      groupBy = [this.path()];
      while (this.peek().kind === 'COMMA') {
        this.next();
        groupBy.push(this.path());
      }
    }
    this.end();
    checkAggregation(select, groupBy, groupToken);
    return {
      source,
      select,
      ...(top === undefined ? {} : { top }),
      ...(where === undefined ? {} : { where }),
      ...(groupBy === undefined ? {} : { groupBy }),
    };
  }

  /** A bare condition: the whole text, or `*` for every document. */
  wholeCondition(): Condition {
    const first = this.peek();
    if (first.kind === 'STAR' && this.peek(1).kind === 'EOF') {
      this.next();
      return { kind: 'literal', value: true, offset: first.offset, length: first.length };
    }
    const condition = this.condition();
    this.end();
    return condition;
  }

  private end(): void {
    const token = this.peek();
    if (token.kind !== 'EOF') this.fail(`unexpected ${describeToken(token)}`, token);
  }

  private selectList(): 'all' | SelectItem[] {
    if (this.peek().kind === 'STAR') {
      this.next();
      return 'all';
    }
    const items: SelectItem[] = [];
    let unnamed = 0;
    do {
      if (items.length > 0) this.next();
      if (this.isKeyword('COUNT') && this.peek(1).kind === 'LPAREN') {
        const start = this.next();
        this.next();
        if (this.peek().kind !== 'RPAREN') this.expectedAt("')' (COUNT takes no argument)");
        this.next();
        const length = this.lastEnd() - start.offset;
        const alias = this.alias() ?? `$${++unnamed}`;
        items.push({ kind: 'count', alias, offset: start.offset, length });
      } else {
        if (this.peek().kind !== 'WORD') this.expectedAt("'*', COUNT() or a property path");
        const path = this.path();
        const alias = this.alias() ?? String(path.segments[path.segments.length - 1]);
        items.push({ kind: 'field', path, alias });
      }
    } while (this.peek().kind === 'COMMA');
    return items;
  }

  private alias(): string | undefined {
    if (!this.isKeyword('AS')) return undefined;
    this.next();
    const token = this.peek();
    if (token.kind !== 'WORD' || RESERVED.has(token.text.toUpperCase())) this.expectedAt('a name after AS');
    return this.next().text;
  }

  private source(): QuerySource {
    if (this.peek().kind !== 'WORD') this.expectedAt('devices or devices.modules');
    const path = this.path();
    const name = path.segments.join('.').toLowerCase();
    if (name === 'devices' || name === 'devices.modules') return name;
    throw new ParseFailure({
      message: `unsupported collection '${path.segments.join('.')}' at ${path.offset} (devices or devices.modules)`,
      offset: path.offset,
      length: path.length,
    });
  }

  private path(): PathExpr {
    const first = this.peek();
    if (first.kind !== 'WORD' || RESERVED.has(first.text.toUpperCase())) this.expectedAt('a property path');
    const segments: (string | number)[] = [this.next().text];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'DOT') {
        this.next();
        const name = this.peek();
        if (name.kind === 'NAME') segments.push(name.value as string);
        else if (name.kind === 'WORD') segments.push(name.text);
        else this.expectedAt('a property name after \'.\'');
        this.next();
      } else if (token.kind === 'LBRACKET') {
        this.next();
        const key = this.peek();
        if (key.kind === 'STRING') segments.push(key.value as string);
        else if (key.kind === 'NUMBER' && Number.isInteger(key.value) && (key.value as number) >= 0) segments.push(key.value as number);
        else this.expectedAt("a quoted name or an index in '[ ]'");
        this.next();
        if (this.peek().kind !== 'RBRACKET') this.expectedAt("']'");
        this.next();
      } else break;
    }
    return { kind: 'path', segments, offset: first.offset, length: this.lastEnd() - first.offset };
  }

  private condition(): Expr {
    return this.logical('or');
  }

  private logical(kind: 'and' | 'or'): Expr {
    const start = this.peek().offset;
    const word = kind === 'or' ? 'OR' : 'AND';
    const operands = [kind === 'or' ? this.logical('and') : this.negation()];
    while (this.isKeyword(word)) {
      this.next();
      operands.push(kind === 'or' ? this.logical('and') : this.negation());
    }
    return operands.length === 1 ? (operands[0] as Expr) : { kind, operands, offset: start, length: this.lastEnd() - start };
  }

  private negation(): Expr {
    if (!this.isKeyword('NOT')) return this.predicate();
    const not = this.next();
    this.enter(not);
    const operand = this.negation();
    this.leave();
    return { kind: 'not', operand, offset: not.offset, length: this.lastEnd() - not.offset };
  }

  private predicate(): Expr {
    const left = this.operand();
    const token = this.peek();
    const op = COMPARISONS[token.kind];
    if (op !== undefined) {
      this.next();
      const right = this.operand();
      return { kind: 'compare', op, left, right, offset: left.offset, length: this.lastEnd() - left.offset };
    }
    if (this.isKeyword('IN') || this.isKeyword('NIN')) {
      const negated = this.next().text.toUpperCase() === 'NIN';
      return { kind: 'in', negated, operand: left, values: this.list(), offset: left.offset, length: this.lastEnd() - left.offset };
    }
    return left;
  }

  private list(): Literal[] {
    if (this.peek().kind !== 'LBRACKET') this.expectedAt("'[' after IN");
    this.next();
    const values: Literal[] = [];
    if (this.peek().kind === 'RBRACKET') {
      this.next();
      return values;
    }
    for (;;) {
      const value = this.literal();
      if (value === undefined) this.expectedAt('a string, number, true, false or null in the list');
      values.push(value.value);
      const kind = this.peek().kind;
      if (kind !== 'COMMA' && kind !== 'RBRACKET') this.expectedAt("',' or ']' in the list");
      if (this.next().kind === 'RBRACKET') return values;
    }
  }

  /** A literal at the current token (consumed), or undefined (nothing consumed). */
  private literal(): { value: Literal } | undefined {
    const token = this.peek();
    if (token.kind === 'STRING' || token.kind === 'NUMBER') {
      this.next();
      return { value: token.value as Literal };
    }
    if (token.kind === 'WORD') {
      const word = token.text.toLowerCase();
      const value = word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : undefined;
      if (value !== undefined && this.peek(1).kind !== 'DOT' && this.peek(1).kind !== 'LBRACKET') {
        this.next();
        return { value };
      }
    }
    return undefined;
  }

  private operand(): Expr {
    const token = this.peek();
    if (token.kind === 'LPAREN') {
      this.next();
      this.enter(token);
      const inner = this.condition();
      if (this.peek().kind !== 'RPAREN') this.expectedAt("')'");
      this.next();
      this.leave();
      return inner;
    }
    const literal = this.literal();
    if (literal !== undefined) return { kind: 'literal', value: literal.value, offset: token.offset, length: token.length };
    if (token.kind === 'WORD' && this.peek(1).kind === 'LPAREN') return this.call();
    if (token.kind === 'WORD' && !RESERVED.has(token.text.toUpperCase())) return this.path();
    return this.expectedAt('a value, a property path or a function');
  }

  private call(): Expr {
    const nameToken = this.next();
    const name = nameToken.text.toUpperCase();
    if (!isFunctionName(name)) return this.fail(`unknown function ${nameToken.text}`, nameToken);
    this.enter(nameToken);
    this.next(); // (
    const args: Expr[] = [];
    if (this.peek().kind !== 'RPAREN') {
      args.push(this.operand());
      while (this.peek().kind === 'COMMA') {
        this.next();
        args.push(this.operand());
      }
    }
    if (this.peek().kind !== 'RPAREN') this.expectedAt("',' or ')'");
    this.next();
    this.leave();
    const arity = FUNCTIONS[name];
    if (args.length !== arity) {
      throw new ParseFailure({
        message: `${name} takes ${arity} argument${arity === 1 ? '' : 's'}, found ${args.length} at ${nameToken.offset}`,
        offset: nameToken.offset,
        length: this.lastEnd() - nameToken.offset,
      });
    }
    return { kind: 'call', name, args, offset: nameToken.offset, length: this.lastEnd() - nameToken.offset };
  }
}

const samePath = (a: PathExpr, b: PathExpr): boolean =>
  a.segments.length === b.segments.length && a.segments.every((s, i) => s === b.segments[i]);

/** COUNT() next to fields needs GROUP BY, and with GROUP BY every field must be grouped. */
function checkAggregation(select: 'all' | readonly SelectItem[], groupBy: readonly PathExpr[] | undefined, groupToken: Token | undefined): void {
  if (groupBy !== undefined && groupToken !== undefined) {
    if (select === 'all') {
      throw new ParseFailure({ message: `SELECT * cannot be grouped at ${groupToken.offset}: select the grouped properties and COUNT()`, offset: groupToken.offset, length: groupToken.length });
    }
    for (const item of select) {
      if (item.kind === 'field' && !groupBy.some((g) => samePath(g, item.path))) {
        throw new ParseFailure({ message: `${item.path.segments.join('.')} is not in GROUP BY at ${item.path.offset}`, offset: item.path.offset, length: item.path.length });
      }
    }
    return;
  }
  if (select === 'all' || !select.some((i) => i.kind === 'count')) return;
  const field = select.find((i) => i.kind === 'field');
  if (field !== undefined && field.kind === 'field') {
    throw new ParseFailure({ message: `properties next to COUNT() need GROUP BY at ${field.path.offset}`, offset: field.path.offset, length: field.path.length });
  }
}

function run<T>(text: string, parse: (parser: Parser) => T): Result<T, QueryError> {
  const over = overLimitAt(text, MAX_QUERY_BYTES);
  if (over >= 0) return err({ message: `query longer than ${MAX_QUERY_BYTES} bytes`, offset: over, length: text.length - over });
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  try {
    return ok(parse(new Parser(tokens.value)));
  } catch (e) {
    if (e instanceof ParseFailure) return err(e.error);
    throw e;
  }
}

/** `SELECT … FROM devices|devices.modules [WHERE …] [GROUP BY …]`. */
export function parseQuery(sql: string): Result<ParsedQuery, QueryError> {
  return run(sql, (p) => p.query());
}

/** A bare WHERE expression, as in a deployment's `targetCondition`; `*` matches every document. */
export function parseCondition(text: string): Result<Condition, QueryError> {
  return run(text, (p) => p.wholeCondition());
}
