/**
 * Lexer for the IoT Hub query language. Words (keywords, names, path segments) are one token kind: keywords are
 * recognised by the parser, case-insensitively, only where a keyword may stand, so `tags.from` is a path.
 * Strings: `'…'` with `''` for a quote, `"…"` with `""`; no backslash escapes (`'C:\dir'` is four characters
 * after the C). Numbers: `-?digits[.digits][e±digits]`; there is no arithmetic, so `-` only starts a number.
 * `[[…]]` is a NAME token holding any characters but `]]`: IoT Hub's quoting of configuration ids in paths
 * (`configurations.[[deploy-1]].status = 'Applied'`).
 */
import { err, ok, type Result } from '../errors';
import type { QueryError } from './ast';

export type TokenKind =
  | 'WORD' | 'NAME' | 'STRING' | 'NUMBER'
  | 'LPAREN' | 'RPAREN' | 'LBRACKET' | 'RBRACKET' | 'COMMA' | 'DOT' | 'STAR'
  | 'EQ' | 'NE' | 'LT' | 'GT' | 'LE' | 'GE'
  | 'EOF';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for STRING, with its quotes). */
  readonly text: string;
  /** The decoded value: the string's or name's content, or the number. */
  readonly value?: string | number;
  readonly offset: number;
  readonly length: number;
}

const PUNCTUATION: readonly (readonly [string, TokenKind])[] = [
  ['!=', 'NE'], ['<>', 'NE'], ['<=', 'LE'], ['>=', 'GE'],
  ['(', 'LPAREN'], [')', 'RPAREN'], ['[', 'LBRACKET'], [']', 'RBRACKET'], [',', 'COMMA'], ['.', 'DOT'], ['*', 'STAR'],
  ['=', 'EQ'], ['<', 'LT'], ['>', 'GT'],
];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordStart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z_$@]$/.test(c);
const isWordPart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_$@]$/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function digitsFrom(text: string, i: number): number {
  let j = i;
  while (isDigit(text[j])) j++;
  return j;
}

/** The end of a number starting at `i` (which holds `-` or a digit), or `i` when there is none. */
function numberEnd(text: string, i: number): number {
  let j = text[i] === '-' ? i + 1 : i;
  if (!isDigit(text[j])) return i;
  j = digitsFrom(text, j);
  if (text[j] === '.' && isDigit(text[j + 1])) j = digitsFrom(text, j + 1);
  if (text[j] === 'e' || text[j] === 'E') {
    const sign = text[j + 1] === '+' || text[j + 1] === '-' ? 1 : 0;
    if (isDigit(text[j + 1 + sign])) j = digitsFrom(text, j + 1 + sign);
  }
  return j;
}

function lexString(text: string, i: number): Result<Token, QueryError> {
  const quote = text[i] as string;
  let value = '';
  let j = i + 1;
  while (j < text.length) {
    const c = text[j] as string;
    if (c === quote) {
      if (text[j + 1] !== quote) {
        return ok({ kind: 'STRING', text: text.slice(i, j + 1), value, offset: i, length: j + 1 - i });
      }
      value += quote;
      j += 2;
    } else {
      value += c;
      j++;
    }
  }
  return err({ message: `unterminated string at ${i}`, offset: i, length: text.length - i });
}

/** Splits `text` into tokens ending with EOF, or reports the first character that starts no token. */
export function tokenize(text: string): Result<Token[], QueryError> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = lexString(text, i);
      if (!s.ok) return s;
      tokens.push(s.value);
      i += s.value.length;
      continue;
    }
    const n = numberEnd(text, i);
    if (n > i) {
      if (isWordPart(text[n])) {
        let j = n;
        while (isWordPart(text[j])) j++;
        return err({ message: `malformed number '${text.slice(i, j)}' at ${i}`, offset: i, length: j - i });
      }
      tokens.push({ kind: 'NUMBER', text: text.slice(i, n), value: Number(text.slice(i, n)), offset: i, length: n - i });
      i = n;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (isWordPart(text[j])) j++;
      tokens.push({ kind: 'WORD', text: text.slice(i, j), offset: i, length: j - i });
      i = j;
      continue;
    }
    if (text.startsWith('[[', i)) {
      const close = text.indexOf(']]', i + 2);
      if (close < 0) return err({ message: `unterminated [[name]] at ${i}`, offset: i, length: text.length - i });
      tokens.push({ kind: 'NAME', text: text.slice(i, close + 2), value: text.slice(i + 2, close), offset: i, length: close + 2 - i });
      i = close + 2;
      continue;
    }
    const punct = PUNCTUATION.find(([p]) => text.startsWith(p, i));
    if (punct === undefined) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      return err({ message: `unexpected character '${ch}' at ${i}`, offset: i, length: ch.length });
    }
    tokens.push({ kind: punct[1], text: punct[0], offset: i, length: punct[0].length });
    i += punct[0].length;
  }
  tokens.push({ kind: 'EOF', text: '', offset: text.length, length: 0 });
  return ok(tokens);
}

/** How a token is named in messages: `'text'` (long texts shortened) or "end of input". */
export function describeToken(token: Token): string {
  if (token.kind === 'EOF') return 'end of input';
  return token.text.length > 40 ? `'${token.text.slice(0, 37)}...'` : `'${token.text}'`;
}
