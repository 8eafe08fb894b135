import { createHash } from 'node:crypto';
import type { Result } from '../../../shared/errors';
import { parseQuery, runQuery } from '../../../shared/query';
import { isPlainObject } from './hub-model';
import type { LocalHubRegistry } from './registry';
import { sendError, sendJson } from './rest-errors';
import type { RouteContext } from './rest-server';

/**
 * `POST /devices/query` (HUB-CONTRACTS.md §3.1): body `{"query": sql}`, page size from `x-ms-max-item-count`, the
 * next page from `x-ms-continuation`; the reply carries `x-ms-continuation` only while more pages remain (an empty
 * value would make the SDK loop forever). Tokens are opaque to the client and tied to the query text.
 */

/** Runs a query over the registry's twins; a malformed query is an error with a message (→ 400). */
export type QueryEngine = (sql: string, registry: LocalHubRegistry) => Result<unknown[], { readonly message: string }>;

/** The IoT Hub query language (shared/query) over the registry's device or module twins. */
export function runHubQuery(sql: string, registry: LocalHubRegistry): Result<unknown[], { readonly message: string }> {
  const parsed = parseQuery(sql);
  if (!parsed.ok) return { ok: false, error: { message: parsed.error.message } };
  return { ok: true, value: runQuery(parsed.value, registry.twinDocuments(parsed.value.source)) };
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export async function handleQuery(ctx: RouteContext): Promise<void> {
  const body = await ctx.json();
  if (!body.ok) return;
  if (!isPlainObject(body.value) || typeof body.value.query !== 'string' || body.value.query.trim() === '') {
    return sendError(ctx.res, 'ArgumentInvalid', 'The query body must be {"query": "<sql>"}.');
  }
  const sql = body.value.query;
  const pageSize = pageSizeOf(ctx.req.headers['x-ms-max-item-count']);
  if (pageSize === undefined) return sendError(ctx.res, 'ArgumentInvalid', `x-ms-max-item-count must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  const continuation = ctx.req.headers['x-ms-continuation'];
  const position = typeof continuation === 'string' && continuation !== '' ? readToken(continuation, sql) : { offset: 0, cursor: undefined };
  if (position === undefined) return sendError(ctx.res, 'ArgumentInvalid', 'The continuation token does not belong to this query.');
  // Later pages read the rows the first page computed (a snapshot, as a cursor); if it expired, run the query again.
  let rows = position.cursor === undefined ? undefined : ctx.cursors.get(position.cursor);
  if (!rows) {
    const result = (ctx.options.query ?? runHubQuery)(sql, ctx.registry);
    if (!result.ok) return sendError(ctx.res, 'ArgumentInvalid', `Invalid query: ${result.error.message}`);
    rows = result.value;
  }
  const page = rows.slice(position.offset, position.offset + pageSize);
  const next = position.offset + pageSize;
  const headers: Record<string, string> = { 'x-ms-item-type': itemType(sql) };
  if (next < rows.length) headers['x-ms-continuation'] = makeToken(next, sql, position.cursor ?? ctx.cursors.add(rows));
  sendJson(ctx.res, 200, page, headers);
}

/** Results of queries still being paged through, by cursor id; bounded in number and age. */
export class QueryCursors {
  private readonly entries = new Map<string, { rows: unknown[]; expires: number }>();
  private counter = 0;

  constructor(
    private readonly capacity = 16,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(rows: unknown[]): string {
    const id = `${this.now().toString(36)}.${(this.counter++).toString(36)}`;
    this.entries.set(id, { rows, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return id;
  }

  get(id: string): unknown[] | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expires < this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.rows;
  }
}

function pageSizeOf(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return DEFAULT_PAGE_SIZE;
  const value = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isInteger(value) || value < 1) return undefined;
  return Math.min(value, MAX_PAGE_SIZE);
}

function queryTag(sql: string): string {
  return createHash('sha256').update(sql).digest('base64url').slice(0, 12);
}

function makeToken(offset: number, sql: string, cursor: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryTag(sql), c: cursor })).toString('base64url');
}

function readToken(token: string, sql: string): { offset: number; cursor: string | undefined } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isPlainObject(parsed) && Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.q === queryTag(sql)) {
      return { offset: parsed.o as number, cursor: typeof parsed.c === 'string' ? parsed.c : undefined };
    }
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}

function itemType(sql: string): string {
  return /^\s*select\s+\*\s+from\s+devices\b/i.test(sql) ? (/devices\.modules/i.test(sql) ? 'ModuleTwin' : 'DeviceTwin') : 'Raw';
}
