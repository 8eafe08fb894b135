import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { LogLine } from '../drivers/driver';
import { filterLines, parseLogTime, syslogLevel } from './log-filter';

/**
 * `$edgeAgent` direct methods as local operations (EDGE-CONTRACTS.md §5), answered exactly as edgeAgent answers
 * them, so the hub can relay calls from IoT Hub unchanged: names match case-insensitively, an unknown name is 400,
 * a bad payload 400, any other failure 500, each with `{message}`.
 */
export interface MethodResponse {
  readonly status: number;
  readonly payload?: unknown;
}

export interface AgentMethodHost {
  /** Module names in the current environment (what Docker runs for this deployment). */
  modules(): readonly string[];
  restart(name: string): Promise<{ ok: true } | { ok: false; message: string }>;
  logs(name: string, options: { tail?: number; since?: Date; until?: Date; timestamps: boolean }): Promise<LogLine[]>;
  now(): number;
}

export const MAX_LOGS_PAYLOAD = 127_000;
const SUPPORTED = ['ping', 'RestartModule', 'GetModuleLogs'];

const SchemaVersion = z.string().refine((v) => /^1(\.\d+)*$/.test(v.trim()), { message: 'schemaVersion must have major version 1' });
const Restart = z.object({ schemaVersion: SchemaVersion, id: z.string().min(1) });
const Item = z.object({
  id: z.string().min(1),
  filter: z
    .object({
      tail: z.number().int().nonnegative().optional(),
      since: z.union([z.string(), z.number()]).optional(),
      until: z.union([z.string(), z.number()]).optional(),
      loglevel: z.number().int().min(0).max(7).optional(),
      regex: z.string().optional(),
      includeTimestamp: z.boolean().optional(),
    })
    .passthrough()
    .optional(),
});
const Logs = z.object({
  schemaVersion: SchemaVersion,
  items: z.union([Item, z.array(Item)]),
  encoding: z.string().regex(/^(none|gzip)$/i).optional(),
  contentType: z.string().regex(/^(json|text)$/i).optional(),
});

const badRequest = (message: string): MethodResponse => ({ status: 400, payload: { message } });
const failed = (message: string): MethodResponse => ({ status: 500, payload: { message } });

export async function invokeAgentMethod(name: string, payload: unknown, host: AgentMethodHost): Promise<MethodResponse> {
  switch (name.toLowerCase()) {
    case 'ping':
      return { status: 200 };
    case 'restartmodule': {
      if (payload === undefined || payload === null) return badRequest('Request payload not found');
      const request = Restart.safeParse(payload);
      if (!request.success) return badRequest(request.error.issues[0]?.message ?? 'Invalid payload');
      if (!host.modules().includes(request.data.id)) return failed(`Module ${request.data.id} not found in the current environment`);
      const restarted = await host.restart(request.data.id);
      return restarted.ok ? { status: 200 } : failed(restarted.message);
    }
    case 'getmodulelogs':
      return getModuleLogs(payload, host);
    default:
      return badRequest(`Command '${name}' not found. The supported commands are - ${SUPPORTED.join(', ')}`);
  }
}

async function getModuleLogs(payload: unknown, host: AgentMethodHost): Promise<MethodResponse> {
  if (payload === undefined || payload === null) return badRequest('Request payload not found');
  const request = Logs.safeParse(payload);
  if (!request.success) return badRequest(`${request.error.issues[0]?.path.join('.') || 'payload'}: ${request.error.issues[0]?.message}`);
  const gzip = request.data.encoding?.toLowerCase() === 'gzip';
  const json = (request.data.contentType ?? 'json').toLowerCase() === 'json';
  const items = Array.isArray(request.data.items) ? request.data.items : [request.data.items];
  const responses: unknown[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    let pattern: RegExp;
    let regex: RegExp | undefined;
    try {
      pattern = item.id.toLowerCase() === 'all' ? /.*/ : new RegExp(item.id, 'i');
      regex = item.filter?.regex ? new RegExp(item.filter.regex) : undefined;
    } catch (error) {
      return badRequest(`Invalid regular expression: ${(error as Error).message}`);
    }
    const since = item.filter?.since !== undefined ? parseLogTime(item.filter.since, host.now()) : undefined;
    const until = item.filter?.until !== undefined ? parseLogTime(item.filter.until, host.now()) : undefined;
    if ((item.filter?.since !== undefined && !since) || (item.filter?.until !== undefined && !until)) return badRequest('since/until must be a UNIX timestamp, an RFC 3339 time or a duration');
    for (const module of host.modules().filter((m) => pattern.test(m) && !seen.has(m))) {
      seen.add(module);
      const raw = await host.logs(module, { tail: item.filter?.tail, since, until, timestamps: true });
      const lines = filterLines(raw, { loglevel: item.filter?.loglevel, regex });
      const text = json
        ? JSON.stringify(lines.map((l) => ({ moduleId: module, stream: l.stream, loglevel: syslogLevel(l.line) ?? 6, timestamp: l.timestamp ?? null, text: l.line })))
        : lines.map((l) => (item.filter?.includeTimestamp && l.timestamp ? `${l.timestamp} ${l.line}` : l.line)).join('\n');
      if (gzip) {
        const bytes = gzipSync(Buffer.from(text, 'utf8'));
        responses.push(bytes.length > MAX_LOGS_PAYLOAD ? { id: module, payload: tooLarge(bytes.length) } : { id: module, payloadBytes: bytes.toString('base64') });
      } else {
        responses.push(text.length > MAX_LOGS_PAYLOAD ? { id: module, payload: tooLarge(text.length) } : { id: module, payload: text });
      }
    }
  }
  return { status: 200, payload: responses };
}

function tooLarge(size: number): string {
  return `The payload is too large for a direct method. GetModuleLogs supports up to ${MAX_LOGS_PAYLOAD} bytes of logs. The current request returned ${size} bytes. Try reducing the size of the logs by setting the 'tail', 'since' and 'until' fields in the filter.`;
}
