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
  const offset = typeof continuation === 'string' && continuation !== '' ? readToken(continuation, sql) : 0;
  if (offset === undefined) return sendError(ctx.res, 'ArgumentInvalid', 'The continuation token does not belong to this query.');
  const result = (ctx.options.query ?? runHubQuery)(sql, ctx.registry);
  if (!result.ok) return sendError(ctx.res, 'ArgumentInvalid', `Invalid query: ${result.error.message}`);
  const page = result.value.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  const headers: Record<string, string> = { 'x-ms-item-type': itemType(sql) };
  if (next < result.value.length) headers['x-ms-continuation'] = makeToken(next, sql);
  sendJson(ctx.res, 200, page, headers);
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

function makeToken(offset: number, sql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryTag(sql) })).toString('base64url');
}

function readToken(token: string, sql: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isPlainObject(parsed) && Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.q === queryTag(sql)) return parsed.o as number;
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}

function itemType(sql: string): string {
  return /^\s*select\s+\*\s+from\s+devices\b/i.test(sql) ? (/devices\.modules/i.test(sql) ? 'ModuleTwin' : 'DeviceTwin') : 'Raw';
}
