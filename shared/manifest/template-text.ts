/**
 * Placeholders written outside JSON strings, e.g. `"timeToLiveSecs": ${TTL}` (iotedgedev's own test asset
 * `deployment.template.non_str_placeholder.json`). iotedgedev reads a template with
 * `json.loads(os.path.expandvars(text))`: `${VAR}` and `$VAR` are replaced in the text before the JSON is
 * parsed (a set variable by its raw value, an unset one is left as is). The VS Code IoT Edge extension parses
 * the template first, so it cannot read such a file at all.
 *
 * A template is judged as iotedgedev reads it: its unquoted variables are replaced by their values when the
 * variables are known (`env`), and by a quoted copy of the placeholder otherwise (so the rest of the file is
 * still checked, and the value is treated like any `"${VAR}"`). Diagnostics computed on that text are mapped
 * back to the original: positions after a replacement shift back, and a position inside one falls on the
 * placeholder. Placeholders that no IoT Edge tool replaces (`__NAME__`, `#{name}#`, `<NAME>`, and any
 * placeholder in a file judged as a deployment) stay in the text; their syntax errors become one error each
 * that says what the placeholder is.
 */
import { DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import type { Diagnostic } from './diagnostic.js';
import type { JsonDocument } from './json-document.js';
import { SourceText, type Range } from './source-text.js';

export type TextToken =
  /** `${NAME}` or `$NAME`: a variable that iotedgedev expands in the text. */
  | { readonly kind: 'variable'; readonly start: number; readonly end: number; readonly raw: string; readonly name: string }
  /** Placeholder syntax that neither iotedgedev nor the VS Code tools replace outside a string. */
  | { readonly kind: 'foreign'; readonly start: number; readonly end: number; readonly raw: string; readonly what: string };

const BOM = '\uFEFF';
// Lengths are bounded so that a hostile text of unclosed `${` / `#{` stays linear to scan.
const VARIABLE = /\$(?:\{([^}\r\n]{0,256})\}|([\p{L}\p{N}_]{1,256}))/uy;
const LINE_REST = /[^\r\n]*/y;
const FOREIGN: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  { pattern: /__[A-Za-z][A-Za-z0-9_]*?__/y, what: 'a token-replacement placeholder (`__NAME__`, as release pipelines and sample scripts fill in)' },
  { pattern: /#\{[^}\r\n]{0,256}\}#/y, what: 'an Azure Pipelines replace-tokens placeholder (`#{name}#`)' },
  { pattern: /<[A-Za-z_][\w.-]*>/y, what: 'a `<NAME>` placeholder to be filled in by hand or by a script' },
];

/** Placeholders outside strings and comments, in text order (`text` without a byte-order mark). */
export function findUnquotedTokens(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i = skipString(text, i);
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      LINE_REST.lastIndex = i;
      LINE_REST.exec(text);
      i = Math.max(i + 2, LINE_REST.lastIndex);
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    const token = tokenAt(text, i);
    if (token) {
      tokens.push(token);
      i = token.end;
      continue;
    }
    i++;
  }
  return tokens;
}

function tokenAt(text: string, at: number): TextToken | undefined {
  const ch = text[at];
  if (ch === '$') {
    VARIABLE.lastIndex = at;
    const m = VARIABLE.exec(text);
    if (!m) return undefined;
    const name = m[1] ?? m[2] ?? '';
    const end = at + m[0].length;
    if (m[1] !== undefined && !/^[\p{L}\p{N}_]+$/u.test(name)) {
      return { kind: 'foreign', start: at, end, raw: m[0], what: 'a placeholder that the tools replace only inside a string (module images, `${MODULES.…}`)' };
    }
    return { kind: 'variable', start: at, end, raw: m[0], name };
  }
  if (ch !== '_' && ch !== '#' && ch !== '<') return undefined;
  if (ch === '_' && at > 0 && /[\w$]/.test(text[at - 1] ?? '')) return undefined;
  for (const { pattern, what } of FOREIGN) {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (m) return { kind: 'foreign', start: at, end: at + m[0].length, raw: m[0], what };
  }
  return undefined;
}

/** The offset just after the string that starts at `at` (a string ends at its quote or at a line break). */
function skipString(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else if (ch === '\n' || ch === '\r') return i;
    else i++;
  }
  return text.length;
}

interface Replacement {
  readonly token: TextToken;
  /** Where the replacement sits in the analysed text. */
  readonly newStart: number;
  readonly newEnd: number;
  /** The variable's value (undefined: unset or unknown, the placeholder was quoted instead). */
  readonly value?: string;
}

export interface PrepareOptions {
  /** Expand unquoted variables as iotedgedev does (false: the file is judged as a deployment, read as is). */
  readonly template: boolean;
  /** The variables (`.env` and the environment); undefined when unknown. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The text to analyse, and the way back from its positions to the original's. */
export class PreparedText {
  /** The text to parse (with the original's byte-order mark, if any). */
  readonly text: string;
  readonly tokens: readonly TextToken[];
  private readonly original: SourceText;
  private readonly analysed: SourceText;
  /** In text order, both in the original and in the analysed text. */
  private readonly replacements: readonly Replacement[];
  private readonly replacementOf: ReadonlyMap<TextToken, Replacement>;

  private constructor(original: SourceText, text: string, tokens: readonly TextToken[], replacements: readonly Replacement[]) {
    this.original = original;
    this.text = text;
    this.tokens = tokens;
    this.replacements = replacements;
    this.replacementOf = new Map(replacements.map((r) => [r.token, r]));
    this.analysed = new SourceText(text);
  }

  static prepare(input: string, options: PrepareOptions): PreparedText {
    const original = new SourceText(input);
    const body = original.text;
    const tokens = body.includes('$') || body.includes('_') || body.includes('#') || body.includes('<') ? findUnquotedTokens(body) : [];
    if (!options.template || !tokens.some((t) => t.kind === 'variable')) return new PreparedText(original, input, tokens, []);
    const env = options.env;
    const replacements: Replacement[] = [];
    let out = '';
    let last = 0;
    for (const token of tokens) {
      if (token.kind !== 'variable') continue;
      const value = env && Object.prototype.hasOwnProperty.call(env, token.name) ? env[token.name] : undefined;
      const replacement = value ?? JSON.stringify(token.raw);
      out += body.slice(last, token.start);
      const newStart = out.length;
      out += replacement;
      replacements.push({ token, newStart, newEnd: out.length, ...(value !== undefined ? { value } : {}) });
      last = token.end;
    }
    out += body.slice(last);
    return new PreparedText(original, (original.hadBom ? BOM : '') + out, tokens, replacements);
  }

  /** True when unquoted variables were expanded (the file is read as iotedgedev reads it). */
  get expanded(): boolean {
    return this.replacements.length > 0;
  }

  /**
   * What a template's unquoted variables mean: a warning for each (the VS Code extension cannot read the
   * file), and an error for each one that is not set when the variables are known.
   */
  tokenDiagnostics(env: Readonly<Record<string, string>> | undefined, doc: JsonDocument): Diagnostic[] {
    const result: Diagnostic[] = [];
    for (const r of this.replacements) {
      const { token } = r;
      if (token.kind !== 'variable') continue;
      const pointer = doc.pointerAt(Math.min(r.newStart + 1, r.newEnd));
      const range = this.original.rangeAt(token.start, token.end - token.start);
      result.push(diagnostic('GH6007', pointer, range, `${token.raw} is outside quotes. iotedgedev replaces variables in the text before it reads the JSON, so it can generate the deployment${r.value !== undefined ? ` (here with ${JSON.stringify(r.value)})` : ''}; the VS Code IoT Edge extension parses the template first and cannot read this file. Write "${token.raw}" to support both: the value then becomes a string, which IoT Edge converts where it expects a number or a boolean.`));
      if (env && r.value === undefined) {
        result.push(diagnostic('GH6001', pointer, range, `The variable "${token.name}" (${token.raw}) is not set; outside quotes iotedgedev leaves it as is, so the generated text is not JSON. Define it in .env or the environment.`));
      }
    }
    return result;
  }

  /**
   * Maps diagnostics computed on `text` back to the original text. A diagnostic on an expanded value covers the
   * placeholder (and loses its quick fix, which was written for the value). Syntax errors on a placeholder
   * become one error that says what the placeholder is.
   */
  finish(diagnostics: readonly Diagnostic[], judgedAsTemplate: boolean): Diagnostic[] {
    const result: Diagnostic[] = [];
    const explained = new Set<TextToken>();
    for (const d of diagnostics) {
      const start = this.toOriginal(this.analysed.offsetAt({ line: d.line, column: d.column }), 'start');
      const endAt = this.toOriginal(this.analysed.offsetAt({ line: d.endLine, column: d.endColumn }), 'end');
      const end = Math.max(start.offset, endAt.offset);
      const { fix: _fix, ...withoutFix } = d;
      const mapped: Diagnostic = { ...(start.replacement || endAt.replacement ? withoutFix : d), ...this.original.rangeAt(start.offset, end - start.offset) };
      // Unset variables in place of an unquoted placeholder are reported by tokenDiagnostics.
      if (d.code === 'GH6001' && start.replacement) continue;
      const token = d.code === 'GH1001' ? this.tokenBefore(start.offset) : undefined;
      const replacement = token ? this.replacementOf.get(token) : undefined;
      // A syntax error on (or right after) a placeholder left in the text, or on a value put in its place.
      if (token && (!replacement || replacement.value !== undefined)) {
        if (explained.has(token)) continue;
        explained.add(token);
        result.push({ ...mapped, ...this.original.rangeAt(token.start, token.end - token.start), message: this.explainSyntaxError(token, d.message, replacement, judgedAsTemplate) });
        continue;
      }
      result.push(mapped);
    }
    return result;
  }

  /** The placeholder at an offset of the original text, or the one that only whitespace separates from it. */
  private tokenBefore(offset: number): TextToken | undefined {
    const token = this.tokens[lastAtOrBefore(this.tokens, offset, (t) => t.start)];
    if (!token || offset <= token.end) return token;
    const text = this.original.text;
    for (let i = token.end; i < offset; i++) if (!/\s/.test(text[i] ?? '')) return undefined;
    return token;
  }

  private explainSyntaxError(token: TextToken, parserMessage: string, replacement: Replacement | undefined, judgedAsTemplate: boolean): string {
    if (replacement?.value !== undefined) {
      return `${token.raw} is replaced by ${JSON.stringify(replacement.value)} (as iotedgedev does, in the text), and the result is not JSON here: ${parserMessage} Set a value that is JSON at this place, or quote the placeholder.`;
    }
    if (token.kind === 'variable') {
      return judgedAsTemplate
        ? `${token.raw} is outside quotes, so the file is not JSON until iotedgedev replaces it. ${parserMessage}`
        : `${token.raw} is a template placeholder outside quotes, so this file is not JSON. It is judged as a deployment, which IoT Hub and the tools read as is; name it *.template.json to have iotedgedev expand it, or write the value.`;
    }
    return `${token.raw} is ${token.what}, outside quotes. Neither iotedgedev nor the VS Code IoT Edge tools replace it, so the file is not JSON until whatever owns the placeholder does; check the file it writes, or put the placeholder in a string.`;
  }

  /** Maps an offset of the analysed text (without BOM) to the original; inside a replacement, to its placeholder. */
  private toOriginal(offset: number, side: 'start' | 'end'): { offset: number; replacement?: Replacement } {
    // The last replacement that starts before the offset (for an end: strictly before it).
    const r = this.replacements[lastAtOrBefore(this.replacements, side === 'end' ? offset - 1 : offset, (x) => x.newStart)];
    if (!r) return { offset };
    if (offset < r.newEnd || (side === 'end' && offset === r.newEnd && r.newEnd > r.newStart)) {
      return { offset: side === 'start' ? r.token.start : r.token.end, replacement: r };
    }
    return { offset: offset + r.token.end - r.newEnd };
  }
}

/** Index of the last item whose key is at most `offset` (items sorted by key), or -1. */
function lastAtOrBefore<T>(items: readonly T[], offset: number, key: (item: T) => number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (key(items[mid] as T) <= offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

function diagnostic(code: 'GH6001' | 'GH6007', pointer: string, range: Range, message: string): Diagnostic {
  return { code, severity: DIAGNOSTIC_CODES[code].severity, message, pointer, ...range };
}
