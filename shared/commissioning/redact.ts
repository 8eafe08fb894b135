/**
 * Masks secrets in what leaves the gateway (evidence reports, support bundles): by pattern (connection-string keys,
 * SAS tokens, private keys, bearer tokens, keys shaped as IoT Hub makes them) and by value: once a value is known to
 * be secret (from the manifest, an identity, a connection), every occurrence of it is masked wherever it appears,
 * also URL-encoded or inside JSON strings.
 */

export const MASK = '[REDACTED]';

/** Values shorter than this are never registered: masking "1" or "on" would destroy the text and hide nothing. */
const MIN_SECRET_LENGTH = 6;

/** Field names whose value is a secret, whatever it looks like (compared without case, `-` and `_`). */
const SECRET_FIELDS = new Set(['password', 'passwd', 'primarykey', 'secondarykey', 'sharedaccesskey', 'sharedaccesssignature', 'connectionstring', 'token', 'accesstoken', 'secret', 'clientsecret', 'privatekey', 'sastoken', 'apikey']);

const PATTERNS: readonly [RegExp, (match: string, ...groups: string[]) => string][] = [
  // PEM private keys, whole blocks.
  [/-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g, (_m, kind) => `-----BEGIN ${kind}-----\n${MASK}\n-----END ${kind}-----`],
  // The key of a connection string (IoT Hub, Event Hubs, storage).
  [/((?:SharedAccessKey|AccountKey)=)[^;"'\s]+/gi, (_m, name) => `${name}${MASK}`],
  // SAS tokens: keep the resource for the reader, mask the signature.
  [/(SharedAccessSignature\s+)[^"'\s,]+/gi, (_m, head) => `${head}${MASK}`],
  [/(\bsig=)[^&"'\s]+/gi, (_m, head) => `${head}${MASK}`],
  // Authorization headers and bearer tokens.
  [/(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/g, (_m, head) => `${head}${MASK}`],
  // A 256-bit or 512-bit key in base64 standing on its own (how IoT Hub generates SAS keys).
  [/(?<![A-Za-z0-9+/])(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/g, () => MASK],
  // password=..., "password": "..." in text (env dumps, logs, docker inspect).
  [/(\b(?:password|passwd|pwd|secret|token|api[_-]?key)\s*[=:]\s*)(?!\[REDACTED\])([^\s"',;]{4,})/gi, (_m, head) => `${head}${MASK}`],
];

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private compiled: RegExp | undefined;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a value as secret (and its URL-encoded and JSON-escaped forms). Blank or very short values are ignored. */
  add(value: string | undefined): this {
    if (typeof value !== 'string') return this;
    const trimmed = value.trim();
    if (trimmed.length < MIN_SECRET_LENGTH) return this;
    for (const form of new Set([trimmed, encodeURIComponent(trimmed), JSON.stringify(trimmed).slice(1, -1)])) this.secrets.add(form);
    this.compiled = undefined;
    return this;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The text with every known secret and every secret-shaped value masked. */
  text(input: string): string {
    let out = input;
    if (this.secrets.size > 0) {
      // Longest first, so that a secret containing another is masked whole.
      this.compiled ??= new RegExp([...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
      out = out.replace(this.compiled, MASK);
    }
    for (const [pattern, replace] of PATTERNS) out = out.replace(pattern, replace as (substring: string, ...args: string[]) => string);
    return out;
  }

  /** A deep copy with secret fields masked and every string redacted. */
  json<T>(value: T): T {
    const walk = (v: unknown, key?: string): unknown => {
      if (typeof v === 'string') return key !== undefined && isSecretField(key) && v !== '' ? MASK : this.text(v);
      if (Array.isArray(v)) return v.map((x) => walk(x));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
      return v;
    };
    return walk(value) as T;
  }
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ''));
}
