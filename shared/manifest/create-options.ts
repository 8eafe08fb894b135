/**
 * createOptions chunks, read exactly as edgeAgent reads them (`JsonEx.ChunkedValue` +
 * `DockerConfigJsonConverter.ReadJson`) and written as the IoT Edge tooling writes them.
 *
 * Reading: every key of `settings` that contains `createoptions` (case-insensitive, unanchored regex
 * `createoptions(\d*)`) is a chunk; chunks are sorted by key (ordinal, ignoring case); the first must
 * have no number and the n-th must have number n (`createOptions01`, …; parsed as an int, so
 * `createOptions1` also passes); at most 100 chunks are read; values are concatenated as text.
 *
 * Writing (VS Code IoT Edge extension, iotedgedev): the JSON text is cut into 512-character chunks,
 * at most 8 of them (4 KB); more is an error in both tools.
 */
import { err, ok, type Result } from '../errors.js';

export const CREATE_OPTIONS_CHUNK_SIZE = 512;
export const TOOLING_MAX_CHUNKS = 8;
export const AGENT_MAX_CHUNKS = 100;

export interface CreateOptionsChunk {
  readonly key: string;
  /** The chunk's value as written in the document. */
  readonly value: unknown;
  /** The text the agent uses for this chunk (`JToken.ToString()`). */
  readonly text: string;
  /** Offset of this chunk's text in `joined`. */
  readonly start: number;
}

export interface ChunkSequenceProblem {
  readonly key: string;
  readonly message: string;
}

export interface ChunkReading {
  readonly chunks: readonly CreateOptionsChunk[];
  /** The concatenated text of the chunks the agent reads (at most 100). */
  readonly joined: string;
  /** The first sequence error the agent would throw on (deployment code 400), if any. */
  readonly sequenceProblem?: ChunkSequenceProblem;
  /** Keys beyond the 100th chunk, which the agent silently drops. */
  readonly dropped: readonly string[];
}

const CHUNK_KEY = /createoptions([0-9]*)/i;

export function isCreateOptionsKey(key: string): boolean {
  return CHUNK_KEY.test(key);
}

/** Ordinal comparison ignoring case, as `StringComparer.OrdinalIgnoreCase`. */
function compareOrdinalIgnoreCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `JToken.ToString()` for a chunk value. */
export function chunkText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value, null, 2);
}

export function readCreateOptionsChunks(settings: Record<string, unknown>): ChunkReading {
  const keys = Object.keys(settings)
    .filter((k) => CHUNK_KEY.test(k))
    .sort(compareOrdinalIgnoreCase);
  const read = keys.slice(0, AGENT_MAX_CHUNKS);
  const chunks: CreateOptionsChunk[] = [];
  let sequenceProblem: ChunkSequenceProblem | undefined;
  let joined = '';
  read.forEach((key, index) => {
    const num = CHUNK_KEY.exec(key)?.[1] ?? '';
    if (!sequenceProblem) sequenceProblem = checkSequence(key, num, index);
    const text = chunkText(settings[key]);
    chunks.push({ key, value: settings[key], text, start: joined.length });
    joined += text;
  });
  return { chunks, joined, dropped: keys.slice(AGENT_MAX_CHUNKS), ...(sequenceProblem ? { sequenceProblem } : {}) };
}

function checkSequence(key: string, num: string, index: number): ChunkSequenceProblem | undefined {
  const expected = index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`;
  if (index === 0) {
    return num === ''
      ? undefined
      : { key, message: `The first createOptions chunk must be named "createOptions" (found "${key}"): edgeAgent rejects the deployment (code 400).` };
  }
  const parsed = /^\d{1,10}$/.test(num) ? Number(num) : NaN;
  if (num === '' || !Number.isFinite(parsed) || parsed > 2147483647) {
    return { key, message: `"${key}" is read as a createOptions chunk but has no chunk number; edgeAgent rejects the deployment (code 400). Rename it (expected "${expected}") or remove it.` };
  }
  if (parsed !== index) {
    return { key, message: `createOptions chunks must be numbered without gaps: expected "${expected}" but found "${key}"; edgeAgent rejects the deployment (code 400).` };
  }
  return undefined;
}

export interface ChunkOptions {
  /** Characters per chunk; default 512 as the tooling and the agent's reported properties use. */
  readonly chunkSize?: number;
  /** Maximum number of chunks; default 8 (4 KB) as the VS Code extension and iotedgedev allow. */
  readonly maxChunks?: number;
}

export interface ChunkOverflow {
  readonly message: string;
  readonly chunks: number;
  readonly length: number;
}

/**
 * Turns createOptions (an object or a JSON string) into the settings keys that carry it:
 * `{ createOptions: "…", createOptions01: "…", … }`. An object is serialized compactly first.
 * Chunks never split a surrogate pair.
 */
export function chunkCreateOptions(value: string | object, options: ChunkOptions = {}): Result<Record<string, string>, ChunkOverflow> {
  const size = Math.max(2, options.chunkSize ?? CREATE_OPTIONS_CHUNK_SIZE);
  const maxChunks = Math.min(options.maxChunks ?? TOOLING_MAX_CHUNKS, AGENT_MAX_CHUNKS);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  if (pieces.length === 0) pieces.push('');
  if (pieces.length > maxChunks) {
    return err({
      message: `createOptions is ${text.length} characters, which needs ${pieces.length} chunks of ${size}; at most ${maxChunks} are allowed (${maxChunks * size} characters). Move data out of createOptions (for example into a volume or the module twin).`,
      chunks: pieces.length,
      length: text.length,
    });
  }
  const result: Record<string, string> = {};
  pieces.forEach((piece, index) => {
    result[index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`] = piece;
  });
  return ok(result);
}

/** Joins chunk keys back into one string (the inverse of chunkCreateOptions). */
export function joinCreateOptions(settings: Record<string, unknown>): string {
  return readCreateOptionsChunks(settings).joined;
}
