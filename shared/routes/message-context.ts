/**
 * Per-message evaluation context. The hub creates one per message and passes it to `evaluate` for every route:
 * the message source path is built once, property look-ups allocate nothing, and the body is decoded and
 * parsed at most once, and only if a route reads `$body` (edgeHub's `Lazy<IMessageQueryValueProvider>`).
 */
import { selectPath, type CompiledPath, type Selection } from './json-path';
import { decodeBody, equalsIgnoreCase, foldCase } from './text';
import type { MessageSource, RouteMessage } from './types';
import type { StrVal } from './values';

type Bag = Readonly<Record<string, string | null>>;

/** Case-insensitive look-up (edgeHub copies both bags into OrdinalIgnoreCase dictionaries). `undefined` = absent. */
export function lookupProperty(bag: Bag, name: string): StrVal {
  if (Object.hasOwn(bag, name)) return bag[name] ?? null;
  for (const key in bag) {
    if (key.length === name.length && Object.hasOwn(bag, key) && equalsIgnoreCase(key, name)) return bag[key] ?? null;
  }
  return undefined;
}

/** edgeHub's message source string for routing, e.g. `/messages/modules/m1/outputs/o1` (no trailing slash). */
export function messageSourcePath(source: MessageSource): string {
  switch (source.kind) {
    case 'device':
      return '/messages';
    case 'module':
      return source.output ? `/messages/modules/${source.moduleId}/outputs/${source.output}` : `/messages/modules/${source.moduleId}`;
    case 'twinChangeNotification':
      return '/twinChangeNotifications';
  }
}

/** `BaseMessageSource.AppendSingleTrailingSlash`: trim, drop trailing slashes, add exactly one. */
export function withSingleTrailingSlash(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (last !== 47 && last > 32 && last < 127 && first > 32 && first < 127) return `${value}/`; // nothing to trim
  return `${value.trim().replace(/\/+$/, '')}/`;
}

/**
 * The message source edgeHub derives from system properties (`RoutingMessageConverter.GetMessageSource`):
 * `messageType = twinChangeNotification` wins, then `connectionModuleId` (+ `outputName`), else device telemetry.
 */
export function sourceFromSystemProperties(system: Bag): MessageSource {
  const deviceId = lookupProperty(system, 'connectionDeviceId') ?? '';
  const moduleId = lookupProperty(system, 'connectionModuleId');
  const messageType = lookupProperty(system, 'messageType');
  if (messageType && equalsIgnoreCase(messageType, 'twinChangeNotification')) {
    return moduleId ? { kind: 'twinChangeNotification', deviceId, moduleId } : { kind: 'twinChangeNotification', deviceId };
  }
  if (moduleId !== undefined && moduleId !== null) {
    const output = lookupProperty(system, 'outputName');
    return output ? { kind: 'module', moduleId, output } : { kind: 'module', moduleId };
  }
  return { kind: 'device', deviceId };
}

const BODY_UNPARSED = 0;
const BODY_OK = 1;
const BODY_FAILED = 2;

export class MessageContext {
  private source: string | undefined;
  private bodyState = BODY_UNPARSED;
  private bodyRoot: Record<string, unknown> | undefined;

  constructor(readonly message: RouteMessage) {}

  appProperty(name: string): StrVal {
    return lookupProperty(this.message.properties, name);
  }

  systemProperty(name: string): StrVal {
    return lookupProperty(this.message.systemProperties, name);
  }

  /** The message source with a single trailing slash, case-folded, as route sources are matched against it. */
  foldedSource(): string {
    this.source ??= foldCase(withSingleTrailingSlash(messageSourcePath(this.message.source)));
    return this.source;
  }

  /**
   * Runs a `$body` path (Newtonsoft `SelectTokens`). Returns undefined when the body cannot be queried: content
   * type not `application/json`, content encoding missing or not utf-8/utf-16/utf-32, not a JSON object, or
   * a path Newtonsoft rejects (`path` undefined). edgeHub logs these and evaluates the query as Undefined.
   */
  queryBody(path: CompiledPath | undefined): Selection {
    const root = this.parsedBody();
    return root === undefined || path === undefined ? undefined : selectPath(root, path);
  }

  private parsedBody(): Record<string, unknown> | undefined {
    if (this.bodyState === BODY_UNPARSED) {
      this.bodyRoot = this.parseBody();
      this.bodyState = this.bodyRoot === undefined ? BODY_FAILED : BODY_OK;
    }
    return this.bodyState === BODY_OK ? this.bodyRoot : undefined;
  }

  private parseBody(): Record<string, unknown> | undefined {
    const encoding = this.systemProperty('contentEncoding');
    const contentType = this.systemProperty('contentType');
    if (typeof encoding !== 'string' || typeof contentType !== 'string') return undefined;
    if (!equalsIgnoreCase(contentType, 'application/json')) return undefined;
    const body = this.message.body;
    const text = typeof body === 'string' ? (/^utf-(8|16|32)$/i.test(encoding) ? body : undefined) : decodeBody(body, encoding);
    if (text === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      // JObject.Parse: the top level must be an object
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}
