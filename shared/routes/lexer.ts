/**
 * Lexer for the IoT Edge route language, faithful to edgeHub's ANTLR lexer (`GrammarLexer.g4`, imported by
 * `Condition.g4` and `Route.g4` in Azure/iotedge `edge-hub/core/src/Microsoft.Azure.Devices.Routing.Core/grammar/`).
 *
 * ANTLR picks the longest match among all rules and breaks ties by rule order. That has visible consequences we
 * reproduce on purpose, because edgeHub accepts or rejects routes by them:
 * - identifiers may contain `+ - * % ! | ' $ .` and digits, so `a+1` is ONE property name, `3*4` is a property
 *   name, `-x` is a property name and `'a'||'b'` is a single identifier (write spaces around operators);
 * - `a[0]` lexes as a QUERY_PATH token, which the parser never accepts outside `$body` queries;
 * - SELECT/FROM/WHERE/INTO/AND/OR/NOT are case-insensitive keywords everywhere (a property named `from` is a
 *   syntax error), `true false null undefined` are keywords only in lower case;
 * - `/*` starts a comment only when a closing `*\/` exists somewhere later in the text.
 */

export type TokenKind =
  | 'LBRACE' | 'RBRACE' | 'SELECT' | 'FROM' | 'WHERE' | 'INTO'
  | 'STRING' | 'UNTERMINATED_STRING' | 'INTEGER' | 'HEX' | 'REAL'
  | 'TRUE' | 'FALSE' | 'NULL' | 'UNDEFINED'
  | 'LPAREN' | 'RPAREN' | 'COMMA' | 'PLUS' | 'MINUS' | 'MUL' | 'DIV' | 'MOD'
  | 'AND' | 'OR' | 'NOT' | 'EQ' | 'NE1' | 'NE2' | 'LE' | 'GE' | 'GT' | 'LT' | 'CONCAT' | 'COALESCE'
  | 'SYS_PROP' | 'ID' | 'QUERY_PATH' | 'WS' | 'COMMENT' | 'UNKNOWN' | 'EOF';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 0-based offset of the first character in the lexed text. */
  readonly start: number;
  /** 0-based offset one past the last character. */
  readonly end: number;
}

/** Characters that may not appear in an ID (`ID_CHARS`); QUERY_PATH additionally allows `[` and `]`. */
const QUERY_PATH_EXCLUDED = new Set('()<>@,;:\\"/?={} \t\n\r');
const ID_EXCLUDED = new Set([...QUERY_PATH_EXCLUDED, '[', ']']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHexDigit = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function run(text: string, i: number, excluded: Set<string>): number {
  let j = i;
  while (j < text.length && !excluded.has(text[j] as string)) j++;
  return j - i;
}

function digits(text: string, i: number): number {
  let j = i;
  while (isDigit(text[j])) j++;
  return j - i;
}

/** `[Ee] [+-]? [0-9]+` — returns the length or 0. */
function exponent(text: string, i: number): number {
  if (text[i] !== 'e' && text[i] !== 'E') return 0;
  let j = i + 1;
  if (text[j] === '+' || text[j] === '-') j++;
  const d = digits(text, j);
  return d === 0 ? 0 : j + d - i;
}

function integer(text: string, i: number): number {
  const sign = text[i] === '-' ? 1 : 0;
  const d = digits(text, i + sign);
  return d === 0 ? 0 : sign + d;
}

function hex(text: string, i: number): number {
  if (text[i] !== '0' || (text[i + 1] !== 'x' && text[i + 1] !== 'X')) return 0;
  let j = i + 2;
  while (isHexDigit(text[j])) j++;
  return j === i + 2 ? 0 : j - i;
}

/** REAL: `'-'? [0-9]* '.' [0-9]+ EXP? | '-'? [0-9]* EXP` (the longer alternative wins). */
function real(text: string, i: number): number {
  const sign = text[i] === '-' ? 1 : 0;
  const intLen = digits(text, i + sign);
  let best = 0;
  const dot = i + sign + intLen;
  if (text[dot] === '.') {
    const frac = digits(text, dot + 1);
    if (frac > 0) best = dot + 1 + frac - i + exponent(text, dot + 1 + frac);
  }
  const exp = exponent(text, dot);
  if (exp > 0) best = Math.max(best, dot + exp - i);
  return best;
}

/** Returns [length, terminated] for a quoted string starting at `i` (0 length when `text[i]` is not the quote). */
function quoted(text: string, i: number, quote: string): [number, boolean] {
  if (text[i] !== quote) return [0, false];
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === quote) return [j + 1 - i, true];
    if (c === '\\') {
      const n = text[j + 1];
      if (n === '"' || n === "'" || n === '\\') j += 2;
      else if (n === 'u' && [2, 3, 4, 5].every((k) => isHexDigit(text[j + k]))) j += 6;
      else return [j - i, false]; // an invalid escape ends both STRING and UNTERMINATED_STRING
    } else j++;
  }
  return [j - i, false];
}

/** `word` (upper case when `caseInsensitive`) at `i`, compared in place: this runs at every position. */
function keyword(text: string, i: number, word: string, caseInsensitive: boolean): number {
  if (i + word.length > text.length) return 0;
  for (let k = 0; k < word.length; k++) {
    let c = text.charCodeAt(i + k);
    if (caseInsensitive && c >= 97 && c <= 122) c -= 32;
    if (c !== word.charCodeAt(k)) return 0;
  }
  return word.length;
}

/** `lastClose`: offset of the last `*\/` in the text (-1 when none), so that an unclosed `/*` costs nothing. */
type Rule = readonly [TokenKind, (text: string, i: number, lastClose: number) => number];
const lit = (s: string) => (text: string, i: number) => (text.startsWith(s, i) ? s.length : 0);
const kw = (s: string) => (text: string, i: number) => keyword(text, i, s, true);
const lower = (s: string) => (text: string, i: number) => keyword(text, i, s, false);

/** Lexer rules in ANTLR definition order (implicit literal tokens first): earlier rules win ties. */
const RULES: readonly Rule[] = [
  ['LBRACE', lit('{')], ['RBRACE', lit('}')],
  ['SELECT', kw('SELECT')], ['FROM', kw('FROM')], ['WHERE', kw('WHERE')], ['INTO', kw('INTO')],
  ['STRING', (t, i) => { const [n, ok] = t[i] === "'" ? quoted(t, i, "'") : quoted(t, i, '"'); return ok ? n : 0; }],
  ['UNTERMINATED_STRING', (t, i) => { const [n, ok] = t[i] === "'" ? quoted(t, i, "'") : quoted(t, i, '"'); return ok ? n - 1 : n; }],
  ['INTEGER', integer], ['HEX', hex], ['REAL', real],
  ['TRUE', lower('true')], ['FALSE', lower('false')], ['NULL', lower('null')], ['UNDEFINED', lower('undefined')],
  ['LPAREN', lit('(')], ['RPAREN', lit(')')], ['COMMA', lit(',')], ['PLUS', lit('+')], ['MINUS', lit('-')],
  ['MUL', lit('*')], ['DIV', lit('/')], ['MOD', lit('%')],
  ['AND', kw('AND')], ['OR', kw('OR')], ['NOT', kw('NOT')],
  ['EQ', lit('=')], ['NE1', lit('!=')], ['NE2', lit('<>')], ['LE', lit('<=')], ['GE', lit('>=')],
  ['GT', lit('>')], ['LT', lit('<')], ['CONCAT', lit('||')], ['COALESCE', lit('??')],
  ['SYS_PROP', (t, i) => { if (t[i] !== '$') return 0; const n = run(t, i + 1, QUERY_PATH_EXCLUDED); return n === 0 ? 0 : n + 1; }],
  ['ID', (t, i) => run(t, i, ID_EXCLUDED)],
  ['QUERY_PATH', (t, i) => run(t, i, QUERY_PATH_EXCLUDED)],
  ['WS', (t, i) => { let j = i; while (isWs(t[j])) j++; return j - i; }],
  ['COMMENT', (t, i, lastClose) => { if (lastClose < i + 2 || !t.startsWith('/*', i)) return 0; return t.indexOf('*/', i + 2) + 2 - i; }],
];

/**
 * Reads tokens on demand, so a parser that stops at the first error never lexes the rest of the text. WS and
 * COMMENT tokens (ANTLR's skip / hidden channel) are dropped; at the end `next()` returns EOF, again and again.
 * Never fails: characters no rule accepts become UNKNOWN tokens for the parser to report. Linear in the text:
 * each rule scans at most the token it returns, except COMMENT's search for `*\/`, which consumes what it scans
 * (and is skipped when no `*\/` follows).
 */
export class Lexer {
  private i = 0;
  private readonly lastClose: number;

  constructor(readonly text: string) {
    this.lastClose = text.lastIndexOf('*/');
  }

  next(): Token {
    const text = this.text;
    while (this.i < text.length) {
      const i = this.i;
      let kind: TokenKind = 'UNKNOWN';
      let length = 1;
      let best = 0;
      for (const [ruleKind, match] of RULES) {
        const n = match(text, i, this.lastClose);
        if (n > best) {
          best = n;
          kind = ruleKind;
          length = n;
        }
      }
      this.i = i + length;
      if (kind !== 'WS' && kind !== 'COMMENT') return { kind, text: text.slice(i, i + length), start: i, end: i + length };
    }
    return { kind: 'EOF', text: '', start: text.length, end: text.length };
  }
}

/** Splits the whole of `text` into tokens, ending with an EOF token. */
export function tokenize(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  for (let token = lexer.next(); ; token = lexer.next()) {
    tokens.push(token);
    if (token.kind === 'EOF') return tokens;
  }
}

/** How a token is named in error messages: `'text'`, or "end of input". */
export function describeToken(token: Token): string {
  if (token.kind === 'EOF') return 'end of input';
  const text = token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text;
  return `'${text}'`;
}

/** Tokens that can begin an expression (`expr` alternatives of Condition.g4). */
export function startsExpression(kind: TokenKind): boolean {
  switch (kind) {
    case 'LPAREN': case 'STRING': case 'UNTERMINATED_STRING': case 'INTEGER': case 'HEX': case 'REAL':
    case 'TRUE': case 'FALSE': case 'NULL': case 'UNDEFINED': case 'SYS_PROP': case 'ID': case 'LBRACE':
    case 'MINUS': case 'NOT': case 'UNKNOWN':
      return true;
    default:
      return false;
  }
}
