/**
 * `$body` paths. Two steps, as in edgeHub:
 * 1. compile time: the path must satisfy edgeHub's restricted JSONPath grammar (`query/jsonpath/JsonPath.g4`):
 *    `name([index])?(.name([index])?)*` where names may not contain `()<>@,;:\"/[]?={}.` — like edgeHub's ANTLR
 *    parser, text after a complete path is not checked (`a[0][1]` passes);
 * 2. run time: the raw text is handed to Newtonsoft's `SelectTokens`, which we mimic for the shapes step 1 lets
 *    through (fields, `*` wildcards, numeric indexes). A path Newtonsoft would reject yields Undefined.
 * Selecting nothing gives Null (QueryValue.Null), several tokens or an object/array gives Undefined.
 */
import { MISSING, type QV } from './values';

export type PathSegment = { readonly field: string | null } | { readonly index: number };
export interface CompiledPath {
  readonly segments: readonly PathSegment[];
  /** Whether a `*` segment may select several tokens. */
  readonly wildcard: boolean;
}

/** Marks a selection that is an object, an array, several tokens or a date (QueryValueType.Object). */
export const OBJECT: { readonly qv: 'object' } = Object.freeze({ qv: 'object' as const });
export type Selection = QV | typeof OBJECT;

const EXCLUDED = new Set('()<>@,;:\\"/[]?={}.\t\n\r');

type JpToken = { kind: '.' | '[' | ']' | 'INT' | 'ID'; text: string; at: number };

function lexJsonPath(path: string): JpToken[] {
  const tokens: JpToken[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i] as string;
    if (c === '.' || c === '[' || c === ']') {
      tokens.push({ kind: c, text: c, at: i });
      i++;
      continue;
    }
    let id = i;
    while (id < path.length && !EXCLUDED.has(path[id] as string)) id++;
    let ws = i;
    while (ws < path.length && ' \t\n\r'.includes(path[ws] as string)) ws++;
    let int = i;
    while (int < path.length && /[0-9]/.test(path[int] as string)) int++;
    const best = Math.max(id, ws, int);
    if (best === i) i++; // ANTLR lexer error: the character is dropped (reported to the console only)
    else if (int === best) tokens.push({ kind: 'INT', text: path.slice(i, best), at: i });
    else if (id === best) tokens.push({ kind: 'ID', text: path.slice(i, best), at: i });
    if (best > i) i = best;
  }
  return tokens;
}

/** Returns an error description when edgeHub's JsonPath grammar rejects `path`, otherwise undefined. */
export function validateJsonPath(path: string): string | undefined {
  const tokens = lexJsonPath(path);
  let pos = 0;
  const describe = (t: JpToken | undefined) => (t ? `'${t.text}' at offset ${t.at + 1}` : 'the end of the path');
  const inner = (): string | undefined => {
    const name = tokens[pos];
    if (name?.kind !== 'ID') return `expected a property name, found ${describe(name)}`;
    pos++;
    if (tokens[pos]?.kind !== '[') return undefined;
    pos++;
    if (tokens[pos]?.kind !== 'INT') return `expected an array index, found ${describe(tokens[pos])}`;
    pos++;
    if (tokens[pos]?.kind !== ']') return `expected ']', found ${describe(tokens[pos])}`;
    pos++;
    return undefined;
  };
  let error = inner();
  while (!error && tokens[pos]?.kind === '.') {
    pos++;
    error = inner();
  }
  return error;
}

/** Newtonsoft `JPath` parsing of the raw path; undefined when Newtonsoft would throw. */
export function compileNewtonsoftPath(raw: string): CompiledPath | undefined {
  const segments: PathSegment[] = [];
  const field = (name: string): PathSegment => ({ field: name === '*' ? null : name });
  let i = raw.length > 1 && raw[0] === '$' && (raw[1] === '.' || raw[1] === '[') ? 1 : 0;
  let partStart = i;
  let followingIndexer = false;
  let followingDot = false;
  while (i < raw.length) {
    const c = raw[i];
    if (c === '[') {
      if (i > partStart) segments.push(field(raw.slice(partStart, i)));
      const close = raw.indexOf(']', i + 1);
      const inner = close < 0 ? '' : raw.slice(i + 1, close).trim();
      if (!/^\d+$/.test(inner)) return undefined; // only plain indexes can reach here in practice
      segments.push({ index: Number(inner) });
      i = close + 1;
      partStart = i;
      followingIndexer = true;
      followingDot = false;
    } else if (c === ']' || c === ')' || c === '(' || c === ' ') {
      break;
    } else if (c === '.') {
      if (i > partStart) segments.push(field(raw.slice(partStart, i)));
      if (raw[i + 1] === '.') return undefined; // recursive descent cannot pass validateJsonPath
      i++;
      partStart = i;
      followingIndexer = false;
      followingDot = true;
    } else {
      if (followingIndexer) return undefined; // "Unexpected character following indexer"
      i++;
    }
  }
  if (i < raw.length) return undefined; // "Unexpected character while parsing path"
  if (i > partStart) segments.push(field(raw.slice(partStart, i).trimEnd()));
  else if (followingDot) return undefined; // "Unexpected end while parsing path"
  return { segments, wildcard: segments.some((s) => 'field' in s && s.field === null) };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{0,7})?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const MS_DATE = /^\/Date\(-?\d+(?:[+-]\d{4})?\)\/$/;

/** Strings Newtonsoft's reader turns into Date tokens (DateParseHandling.DateTime); edgeHub treats those as objects. */
export function isNewtonsoftDate(s: string): boolean {
  if (s.startsWith('/')) return MS_DATE.test(s);
  if (s.length < 19 || s.length > 40) return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 24 && minute < 60 && second < 60 && (hour !== 24 || (minute === 0 && second === 0));
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromJson(v: unknown): Selection {
  if (v === null) return null;
  switch (typeof v) {
    case 'boolean': case 'number': return v;
    case 'string': return isNewtonsoftDate(v) ? OBJECT : v;
    default: return OBJECT;
  }
}

/** Applies the segments to a parsed JSON object (`JObject.SelectTokens`). */
export function selectPath(root: Record<string, unknown>, path: CompiledPath): Selection {
  const segments = path.segments;
  if (!path.wildcard) {
    let cur: unknown = root; // fast path without wildcards: at most one token
    for (const s of segments) {
      if ('field' in s) {
        if (!isObject(cur) || !Object.hasOwn(cur, s.field as string)) return MISSING;
        cur = cur[s.field as string];
      } else {
        if (!Array.isArray(cur) || s.index >= cur.length) return MISSING;
        cur = cur[s.index];
      }
    }
    return fromJson(cur);
  }
  let current: unknown[] = [root];
  for (const s of segments) {
    const next: unknown[] = [];
    for (const t of current) {
      if ('field' in s) {
        if (isObject(t)) {
          if (s.field === null) next.push(...Object.values(t));
          else if (Object.hasOwn(t, s.field)) next.push(t[s.field]);
        }
      } else if (Array.isArray(t) && s.index < t.length) next.push(t[s.index]);
    }
    current = next;
  }
  if (current.length === 0) return MISSING;
  return current.length > 1 ? OBJECT : fromJson(current[0]);
}
