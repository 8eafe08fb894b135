/**
 * Text helpers that mimic .NET where edgeHub relies on it: OrdinalIgnoreCase comparison, invariant
 * upper/lower casing (simple, one-to-one case mapping), `double.TryParse(NumberStyles.Any, InvariantCulture)`,
 * and decoding bodies as UTF-8 / UTF-16LE / UTF-32LE. No allocation on the common (ASCII) paths.
 */

/** Upper-cases one UTF-16 code unit with simple case mapping (keeps it when the mapping is not one-to-one). */
function upperUnit(code: number): number {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  const upper = String.fromCharCode(code).toUpperCase();
  return upper.length === 1 ? upper.charCodeAt(0) : code;
}

function lowerUnit(code: number): number {
  if (code < 128) return code >= 65 && code <= 90 ? code + 32 : code;
  const lower = String.fromCharCode(code).toLowerCase();
  return lower.length === 1 ? lower.charCodeAt(0) : code;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

function unitsEqualIgnoreCase(a: number, b: number): boolean {
  if (a === b) return true;
  if (a < 128 && b < 128) return (a | 0x20) === (b | 0x20) && (a | 0x20) >= 97 && (a | 0x20) <= 122;
  return upperUnit(a) === upperUnit(b);
}

/**
 * Case-folds for OrdinalIgnoreCase comparison: `foldCase(a) === foldCase(b)` iff the strings are equal ignoring
 * case. JS full case mapping equals the per-unit simple mapping unless some character expands (e.g. 'ß' -> 'SS').
 */
export function foldCase(s: string): string {
  const upper = s.toUpperCase();
  return upper.length === s.length ? upper : mapUnits(s, upperUnit);
}

/** `string.Equals(a, b, StringComparison.OrdinalIgnoreCase)`. */
export function equalsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!unitsEqualIgnoreCase(a.charCodeAt(i), b.charCodeAt(i))) return false;
  }
  return true;
}

/** `s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)`. */
export function startsWithIgnoreCase(s: string, prefix: string): boolean {
  if (prefix.length > s.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (!unitsEqualIgnoreCase(s.charCodeAt(i), prefix.charCodeAt(i))) return false;
  }
  return true;
}

function mapUnits(s: string, map: (code: number) => number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(map(s.charCodeAt(i)));
  return out;
}

/** `ToUpperInvariant()`: per code unit, so 'ß' stays 'ß' (JS would give 'SS'). */
export function upperInvariant(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapUnits(s, upperUnit);
}

export function lowerInvariant(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapUnits(s, lowerUnit);
}

const DOTNET_WHITE = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/;
const NUMBER_BODY = /^(?:(\d[\d,]*)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

/**
 * `double.TryParse(s, NumberStyles.Any, CultureInfo.InvariantCulture)` as used by `as_number`: surrounding
 * white space, a leading or trailing sign or parentheses, the currency sign `¤`, `,` group separators in the
 * integer part, a decimal point, an exponent, and the symbols Infinity / NaN (case-insensitive, .NET Core 3+).
 * Returns NaN when the text is not a number (NaN is Undefined for numbers).
 */
export function parseDotnetDouble(input: string): number {
  if (PLAIN_NUMBER.test(input)) return Number(input); // the common case, without allocating
  let s = input.replace(DOTNET_WHITE, '');
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(/^¤\s*|\s*¤$/g, '');
  const lead = s[0];
  if (lead === '+' || lead === '-') {
    if (negative) return NaN;
    negative = lead === '-';
    s = s.slice(1);
  } else {
    const trail = s[s.length - 1];
    if (trail === '+' || trail === '-') {
      if (negative) return NaN;
      negative = trail === '-';
      s = s.slice(0, -1);
    }
  }
  s = s.replace(/^¤/, '');
  let value: number;
  if (/^(infinity|∞)$/i.test(s)) value = Infinity;
  else if (/^nan$/i.test(s)) return NaN;
  else {
    const m = NUMBER_BODY.exec(s);
    if (!m) return NaN;
    value = Number(s.replace(/,/g, ''));
  }
  return negative ? -value : value;
}

/**
 * Decodes UTF-8 like .NET Core's Encoding.UTF8.GetString: one U+FFFD per maximal invalid subsequence (WHATWG),
 * so overlong forms and surrogates are rejected through the allowed ranges of the second byte.
 */
function decodeUtf8(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) { out += '\ufffd'; i++; continue; }
    const lower = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const upper = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    let j = 1;
    for (; j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || c < (j === 1 ? lower : 0x80) || c > (j === 1 ? upper : 0xbf)) break;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (j <= need) {
      out += '\ufffd';
      i += j;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

function decodeUtf16le(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i] as number) | ((bytes[i + 1] as number) << 8));
  return bytes.length % 2 === 1 ? `${out}\ufffd` : out;
}

function decodeUtf32le(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp = ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24)) >>> 0;
    out += cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
  }
  return bytes.length % 4 !== 0 ? `${out}\ufffd` : out;
}

/** edgeHub's supported `contentEncoding` values (case-insensitive): utf-8, utf-16 (LE), utf-32 (LE). */
export function decodeBody(bytes: Uint8Array, encoding: string): string | undefined {
  switch (encoding.toLowerCase()) {
    case 'utf-8': return decodeUtf8(bytes);
    case 'utf-16': return decodeUtf16le(bytes);
    case 'utf-32': return decodeUtf32le(bytes);
    default: return undefined;
  }
}
