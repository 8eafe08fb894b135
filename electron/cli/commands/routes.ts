import { z } from 'zod';
import { compileRoute, createMessageContext, evaluateCondition, matchesSource, type MessageSource, type RouteMessage } from '../../../shared/routes';
import { firstTooDeepOffset } from '../../../shared/manifest';
import type { CliCommand } from '../command';
import { oneLine } from '../one-line';
import { readInput } from '../read-input';

const MAX_MESSAGE_DEPTH = 256;

/** The stable `--json` shape of one route's verdict. */
export interface RouteVerdict {
  readonly route: string;
  readonly ok: boolean;
  readonly error?: { readonly message: string; readonly column: number };
}

export function checkRoute(route: string): RouteVerdict {
  const compiled = compileRoute(route);
  return compiled.ok ? { route, ok: true } : { route, ok: false, error: { message: compiled.error.message, column: compiled.error.column } };
}

export const routesCheckCommand: CliCommand = {
  path: ['routes', 'check'],
  summary: 'Compile routes as edgeHub does; --file reads one route per line. --json: an object per route (an array with --file)',
  usage: '"<route>" | --file <routes.txt> [--json]',
  options: { file: { type: 'string', description: 'a file with one route per line (blank lines and # comments skipped); - reads standard input' } },
  async run({ positionals, values, io }) {
    let routes: string[];
    if (typeof values.file === 'string') {
      try {
        routes = (await readInput(values.file, io)).split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      } catch (error) {
        return (io.stderr(`gatehouse routes check: cannot read ${values.file}: ${(error as Error).message}`), 2);
      }
    } else if (positionals.length === 1 && positionals[0] !== undefined) routes = [positionals[0]];
    else return (io.stderr('gatehouse routes check: give one route (quoted) or --file'), 2);
    const asArray = values.json === true && typeof values.file === 'string';
    // With --file, one verdict per write: a large file's output is never built as one string.
    if (asArray) io.stdout('[');
    let allOk = true;
    routes.forEach((route, index) => {
      const v = checkRoute(route);
      allOk &&= v.ok;
      if (values.json) io.stdout(asArray ? `${index === 0 ? '' : ','}${JSON.stringify(v)}` : JSON.stringify(v));
      else io.stdout(v.ok ? `ok    ${v.route}` : `FAIL  ${v.route}\n      ${' '.repeat(Math.max(0, (v.error?.column ?? 1) - 1))}^ column ${v.error?.column}: ${v.error?.message}`);
    });
    if (asArray) io.stdout(']');
    return allOk ? 0 : 1;
  },
};

const Source = z.union([
  z.string(),
  z.object({ kind: z.literal('device'), deviceId: z.string() }),
  z.object({ kind: z.literal('module'), moduleId: z.string(), output: z.string().optional() }),
  z.object({ kind: z.literal('twinChangeNotification'), deviceId: z.string().optional(), moduleId: z.string().optional() }),
]);
const MessageFile = z.object({
  body: z.unknown().optional(),
  properties: z.record(z.string(), z.string()).default({}),
  systemProperties: z.record(z.string(), z.string()).default({}),
  source: Source.optional(),
});

/** `/messages/modules/m/outputs/o` → a module source; `/messages` → a device; `/twinChangeNotifications`. */
export function sourceFromPath(path: string): MessageSource | undefined {
  const module = /^\/messages\/modules\/([^/]+)(?:\/outputs\/([^/]+))?\/?$/.exec(path);
  if (module?.[1]) return module[2] ? { kind: 'module', moduleId: module[1], output: module[2] } : { kind: 'module', moduleId: module[1] };
  if (/^\/messages\/?$/.test(path)) return { kind: 'device', deviceId: 'device' };
  if (/^\/twinChangeNotifications\/?$/.test(path)) return { kind: 'twinChangeNotification' };
  return undefined;
}

export function messageFrom(json: unknown): { ok: true; message: RouteMessage } | { ok: false; error: string } {
  const parsed = MessageFile.safeParse(json);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  const { body, properties, systemProperties, source } = parsed.data;
  const structured = body !== undefined && typeof body !== 'string';
  const system: Record<string, string> = structured ? { contentType: 'application/json', contentEncoding: 'utf-8', ...systemProperties } : { ...systemProperties };
  const resolved = typeof source === 'string' ? sourceFromPath(source) : (source ?? { kind: 'device', deviceId: 'device' });
  if (!resolved) return { ok: false, error: `source: "${String(source)}" is not /messages, /messages/modules/<m>[/outputs/<o>] or /twinChangeNotifications` };
  return { ok: true, message: { body: structured ? JSON.stringify(body) : ((body as string | undefined) ?? ''), properties, systemProperties: system, source: resolved } };
}

export const routesEvalCommand: CliCommand = {
  path: ['routes', 'eval'],
  summary: 'Evaluate a route against a message file: does edgeHub deliver it?',
  usage: '"<route>" --message <message.json> [--json]',
  options: { message: { type: 'string', description: 'JSON: {body, properties, systemProperties, source} (source: a path such as /messages/modules/m/outputs/o); - reads standard input' } },
  async run({ positionals, values, io }) {
    const route = positionals[0];
    if (!route || typeof values.message !== 'string') return (io.stderr('gatehouse routes eval: give a route and --message <file>'), 2);
    let json: unknown;
    try {
      const text = await readInput(values.message, io);
      json = JSON.parse(text);
      // A message nested past this cannot be checked or serialized again without exhausting the stack.
      const deep = firstTooDeepOffset(text, MAX_MESSAGE_DEPTH);
      if (deep >= 0) throw new Error(`nested more than ${MAX_MESSAGE_DEPTH} levels deep at character ${deep + 1}`);
    } catch (error) {
      return (io.stderr(`gatehouse routes eval: cannot read ${values.message}: ${oneLine(error)}`), 2);
    }
    const message = messageFrom(json);
    if (!message.ok) return (io.stderr(`gatehouse routes eval: ${values.message}: ${message.error}`), 2);
    const compiled = compileRoute(route);
    if (!compiled.ok) {
      if (values.json) io.stdout(JSON.stringify({ route, ok: false, error: { message: compiled.error.message, column: compiled.error.column } }));
      else io.stderr(`gatehouse routes eval: column ${compiled.error.column}: ${compiled.error.message}`);
      return 1;
    }
    const ctx = createMessageContext(message.message);
    const sourceMatched = matchesSource(compiled.value, ctx);
    const condition = compiled.value.condition ? evaluateCondition(compiled.value.condition, ctx) : true;
    const matched = sourceMatched && condition === true;
    const sink = compiled.value.sink;
    if (values.json) io.stdout(JSON.stringify({ route, ok: true, matched, sourceMatched, condition: condition === undefined ? 'undefined' : condition, sink }));
    else io.stdout(matched ? `delivered to ${JSON.stringify(sink)}` : !sourceMatched ? 'not delivered: the source does not match' : `not delivered: the condition is ${condition === undefined ? 'undefined' : 'false'}`);
    return 0;
  },
};
