/**
 * A JSON reader as forgiving as Newtonsoft's JsonTextReader, which edgeAgent uses to read
 * createOptions: besides strict JSON it accepts comments, single-quoted strings, unquoted property
 * names and trailing commas. It still rejects anything after the root value, as
 * `JsonConvert.DeserializeObject` does. Used to tell "IoT Edge accepts this" from "IoT Edge fails".
 */

import { firstTooDeepOffset, MAX_JSON_DEPTH } from './json-depth.js';

export type LenientParse =
  | { readonly ok: true; readonly value: unknown; readonly strict: boolean }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/**
 * Newtonsoft's JsonReader refuses nesting past its MaxDepth (64 by default since Json.NET 13). The limit
 * also keeps the value safe for the recursive checks that read it afterwards.
 */
const tooDeepMessage = `Nested more than ${MAX_JSON_DEPTH} levels deep (the JSON reader's maximum depth)`;

export function parseLenientJson(text: string): LenientParse {
  let strict: unknown;
  let isStrict = false;
  try {
    strict = JSON.parse(text) as unknown;
    isStrict = true;
  } catch {
    // fall through to the lenient reader, which also gives a precise error offset
  }
  if (isStrict) {
    const deep = firstTooDeepOffset(text);
    return deep < 0 ? { ok: true, value: strict, strict: true } : { ok: false, message: tooDeepMessage, offset: deep };
  }
  const reader = new Reader(text);
  try {
    reader.skipTrivia();
    const value = reader.readValue();
    reader.skipTrivia();
    if (!reader.atEnd()) reader.fail('Additional text after the end of the JSON value');
    return { ok: true, value, strict: false };
  } catch (e) {
    if (e instanceof LenientError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

const WORD = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|true|false|null|undefined|NaN|-?Infinity/y;
const BARE_KEY = /[A-Za-z0-9_$]+/y;

/** A match of a sticky regex exactly at `pos` (no copy of the rest of the text). */
function sticky(regex: RegExp, text: string, pos: number): RegExpExecArray | null {
  regex.lastIndex = pos;
  return regex.exec(text);
}

class LenientError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Reader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) this.fail(tooDeepMessage);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string, offset = this.pos): never {
    throw new LenientError(message, Math.min(offset, this.text.length));
  }

  skipTrivia(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) return;
      if (/\s/.test(ch)) {
        this.pos++;
      } else if (ch === '/' && this.text[this.pos + 1] === '/') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end + 1;
      } else if (ch === '/' && this.text[this.pos + 1] === '*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('Unterminated comment');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  readValue(): unknown {
    const ch = this.text[this.pos];
    if (ch === '{') return this.readObject();
    if (ch === '[') return this.readArray();
    if (ch === '"' || ch === "'") return this.readString(ch);
    const word = sticky(WORD, this.text, this.pos);
    if (!word) this.fail(ch === undefined ? 'Unexpected end of text' : `Unexpected character '${ch}'`);
    this.pos += word[0].length;
    switch (word[0]) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
      case 'undefined':
        return null;
      default:
        return Number(word[0]);
    }
  }

  private readObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.enter();
    this.pos++; // {
    for (;;) {
      this.skipTrivia();
      if (this.text[this.pos] === '}') {
        this.pos++;
        this.depth--;
        return result;
      }
      const key = this.readKey();
      this.skipTrivia();
      if (this.text[this.pos] !== ':') this.fail(`Expected ':' after property name '${key}'`);
      this.pos++;
      this.skipTrivia();
      Object.defineProperty(result, key, { value: this.readValue(), enumerable: true, writable: true, configurable: true });
      this.skipTrivia();
      const next = this.text[this.pos];
      if (next === ',') this.pos++;
      else if (next !== '}') this.fail("Expected ',' or '}' after a property value");
    }
  }

  private readKey(): string {
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") return this.readString(ch);
    const match = sticky(BARE_KEY, this.text, this.pos);
    if (!match) this.fail(ch === undefined ? 'Unexpected end of text in an object' : `Invalid property name starting with '${ch}'`);
    this.pos += match[0].length;
    return match[0];
  }

  private readArray(): unknown[] {
    const result: unknown[] = [];
    this.enter();
    this.pos++; // [
    for (;;) {
      this.skipTrivia();
      if (this.text[this.pos] === ']') {
        this.pos++;
        this.depth--;
        return result;
      }
      result.push(this.readValue());
      this.skipTrivia();
      const next = this.text[this.pos];
      if (next === ',') this.pos++;
      else if (next !== ']') this.fail("Expected ',' or ']' after an array element");
    }
  }

  private readString(quote: string): string {
    const start = this.pos;
    this.pos++;
    let result = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('Unterminated string', start);
      if (ch === quote) {
        this.pos++;
        return result;
      }
      if (ch === '\\') {
        const esc = this.text[this.pos + 1];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"', "'": "'" };
        if (esc === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape');
          result += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else if (esc !== undefined && simple[esc] !== undefined) {
          result += simple[esc];
          this.pos += 2;
        } else {
          this.fail(`Invalid escape '\\${esc ?? ''}'`);
        }
      } else {
        result += ch;
        this.pos++;
      }
    }
  }
}
