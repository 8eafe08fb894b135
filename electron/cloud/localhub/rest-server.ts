import type { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeviceGateway } from '../../protocol/device-backend';
import type { AccessRight, HubError, HubResult } from './hub-model';
import { BULK_BODY_LIMIT, parseJsonBody, readBody, TWIN_BODY_LIMIT } from './rest-body';
import { handleDeviceEvents, handleDirectMethod } from './rest-device-routes';
import { sendEmpty, sendError, sendJson } from './rest-errors';
import { handleQuery, QueryCursors, type QueryEngine } from './rest-query';
import type { LocalHubRegistry } from './registry';
import { checkServiceToken, describeAuthFailure } from './service-auth';

/**
 * The local hub's HTTPS API, as azure-iothub calls it (HUB-CONTRACTS.md §2.2, §3.1, §4.1, §5): routes with
 * encodeURIComponent'd ids, service SAS per request with the rights each route needs, JSON replies and IoT Hub's
 * error bodies. Device-side: HTTPS telemetry (`azure-iot-device-http`). Never throws out of the handler.
 */

export interface RestHandlerOptions {
  readonly registry: LocalHubRegistry;
  readonly hostName: string;
  /** Reaches live device connections for direct methods; falls back to the registry's gateway. */
  readonly gateway?: DeviceGateway;
  readonly log?: (message: string) => void;
  /** Runs the IoT Hub query language over the registry's twins; defaults to shared/query (`runHubQuery`). */
  readonly query?: QueryEngine;
  readonly clock?: () => Date;
  /** Device CAs for `certificateAuthority` devices sending over HTTPS with a client certificate (requestCert on the server). */
  readonly trustedDeviceCas?: readonly X509Certificate[];
}

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly registry: LocalHubRegistry;
  readonly hostName: string;
  readonly options: RestHandlerOptions;
  readonly nowSeconds: () => number;
  readonly cursors: QueryCursors;
  gateway(): DeviceGateway | undefined;
  /** Reads and parses the JSON body; on failure it has already answered. */
  json(limit?: number): Promise<{ ok: true; value: unknown } | { ok: false }>;
}

const READ: AccessRight[] = ['RegistryRead'];
const WRITE: AccessRight[] = ['RegistryWrite'];
const TWIN_READ: AccessRight[] = ['RegistryRead', 'ServiceConnect'];
const TWIN_WRITE: AccessRight[] = ['RegistryWrite', 'ServiceConnect'];
const SERVICE: AccessRight[] = ['ServiceConnect'];

export function createRestHandler(options: RestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? (() => new Date());
  const cursors = new QueryCursors();
  return (req, res) => {
    handle(req, res, options, clock, cursors).catch((error: unknown) => {
      log(`local hub REST: ${req.method ?? '?'} ${pathOnly(req.url)} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendError(res, 'ServerError', 'The local hub could not complete the request.');
      else res.end();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: RestHandlerOptions, clock: () => Date, cursors: QueryCursors): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const raw = url.pathname.split('/').slice(1);
  const segments: string[] = [];
  for (const segment of raw) {
    try {
      segments.push(decodeURIComponent(segment));
    } catch {
      return sendError(res, 'ArgumentInvalid', 'The request path is not correctly percent-encoded.');
    }
  }
  const ctx: RouteContext = {
    req,
    res,
    registry: options.registry,
    hostName: options.hostName,
    options,
    nowSeconds: () => Math.floor(clock().getTime() / 1000),
    cursors,
    gateway: () => options.gateway ?? options.registry.gateway,
    json: async (limit = TWIN_BODY_LIMIT) => {
      const body = await readBody(req, limit);
      if (!body.ok) {
        if (body.reason === 'too-large') sendError(res, 'ArgumentInvalid', `The request body is larger than ${limit} bytes.`, { Connection: 'close' });
        return { ok: false };
      }
      const parsed = parseJsonBody(body.bytes);
      if (!parsed.ok) {
        sendError(res, 'ArgumentInvalid', parsed.message);
        return { ok: false };
      }
      return { ok: true, value: parsed.value };
    },
  };
  const method = req.method ?? 'GET';
  const [root, a, b, c, d] = segments;
  const n = segments.length;

  if (root === 'devices') {
    if (n >= 4 && (b === 'messages' || d === 'messages')) return handleDeviceEvents(ctx, segments, method);
    if (n === 2 && a === 'query') return allow(ctx, method, ['POST'], TWIN_READ, () => handleQuery(ctx));
    if (n === 1 || (n === 2 && a === '')) {
      if (method === 'POST') return authorized(ctx, WRITE, () => bulk(ctx));
      return allow(ctx, method, ['GET'], READ, async () => sendJson(res, 200, options.registry.listDevices(topOf(url))));
    }
    if (n === 2 && a) return deviceRoute(ctx, method, a);
    if (n === 3 && a && b === 'modules') return allow(ctx, method, ['GET'], READ, async () => reply(ctx, options.registry.listModules(a)));
    if (n === 3 && a && b === 'applyConfigurationContent') {
      return allow(ctx, method, ['POST'], WRITE, async () => {
        const body = await ctx.json();
        if (body.ok) replyEmpty(ctx, await options.registry.applyConfigurationContent(a, body.value));
      });
    }
    if (n === 4 && a && b === 'modules' && c) return moduleRoute(ctx, method, a, c);
  }
  if (root === 'twins' && a) {
    const ref = n === 2 ? { deviceId: a } : n === 4 && b === 'modules' && c ? { deviceId: a, moduleId: c } : undefined;
    const methods = (n === 3 && b === 'methods') || (n === 5 && b === 'modules' && c && d === 'methods');
    if (methods) return allow(ctx, method, ['POST'], SERVICE, () => handleDirectMethod(ctx, n === 3 ? { deviceId: a } : { deviceId: a, moduleId: c ?? '' }));
    if (ref) {
      if (method === 'GET') return authorized(ctx, TWIN_READ, async () => reply(ctx, options.registry.getTwinDocument(ref)));
      if (method === 'PATCH' || method === 'PUT') {
        return authorized(ctx, TWIN_WRITE, async () => {
          const body = await ctx.json();
          if (body.ok) reply(ctx, await options.registry.updateTwin(ref, body.value, method === 'PATCH' ? 'merge' : 'replace', ifMatchOf(req)));
        });
      }
      return notAllowed(ctx, ['GET', 'PATCH', 'PUT']);
    }
  }
  if (root === 'statistics' && n === 2) {
    if (a === 'devices') return allow(ctx, method, ['GET'], READ, async () => sendJson(res, 200, options.registry.statistics()));
    if (a === 'service') return allow(ctx, method, ['GET'], TWIN_READ, async () => sendJson(res, 200, options.registry.serviceStatistics()));
  }
  if (root === 'configurations') {
    if (n === 1 || (n === 2 && a === '')) return allow(ctx, method, ['GET'], READ, async () => sendJson(res, 200, options.registry.listConfigurations()));
    if (n === 2 && a) return configurationRoute(ctx, method, a);
  }
  if (root === 'jobs') {
    return authorized(ctx, READ, async () => sendError(res, 'NotSupported', 'Jobs, import and export are not supported by the local hub.'));
  }
  sendError(res, 'NotFound', `The local hub has no resource at ${url.pathname}.`);
}

async function deviceRoute(ctx: RouteContext, method: string, deviceId: string): Promise<void> {
  const { registry, req } = ctx;
  switch (method) {
    case 'GET':
      return authorized(ctx, READ, async () => reply(ctx, registry.getDevice(deviceId)));
    case 'PUT':
      return authorized(ctx, WRITE, async () => {
        const body = await ctx.json();
        if (body.ok) reply(ctx, await registry.putDevice(deviceId, body.value, ifMatchOf(req)));
      });
    case 'DELETE':
      return authorized(ctx, WRITE, async () => replyEmpty(ctx, await registry.deleteDevice(deviceId, ifMatchOf(req))));
    default:
      return notAllowed(ctx, ['GET', 'PUT', 'DELETE']);
  }
}

async function moduleRoute(ctx: RouteContext, method: string, deviceId: string, moduleId: string): Promise<void> {
  const { registry, req } = ctx;
  switch (method) {
    case 'GET':
      return authorized(ctx, READ, async () => reply(ctx, registry.getModule(deviceId, moduleId)));
    case 'PUT':
      return authorized(ctx, WRITE, async () => {
        const body = await ctx.json();
        if (body.ok) reply(ctx, await registry.putModule(deviceId, moduleId, body.value, ifMatchOf(req)));
      });
    case 'DELETE':
      return authorized(ctx, WRITE, async () => replyEmpty(ctx, await registry.deleteModule(deviceId, moduleId, ifMatchOf(req))));
    default:
      return notAllowed(ctx, ['GET', 'PUT', 'DELETE']);
  }
}

async function configurationRoute(ctx: RouteContext, method: string, id: string): Promise<void> {
  const { registry, req } = ctx;
  switch (method) {
    case 'GET':
      return authorized(ctx, READ, async () => reply(ctx, registry.getConfiguration(id)));
    case 'PUT':
      return authorized(ctx, WRITE, async () => {
        const body = await ctx.json();
        if (body.ok) reply(ctx, await registry.putConfiguration(id, body.value, ifMatchOf(req)));
      });
    case 'DELETE':
      return authorized(ctx, WRITE, async () => replyEmpty(ctx, await registry.deleteConfiguration(id, ifMatchOf(req))));
    default:
      return notAllowed(ctx, ['GET', 'PUT', 'DELETE']);
  }
}

async function bulk(ctx: RouteContext): Promise<void> {
  const body = await ctx.json(BULK_BODY_LIMIT);
  if (body.ok) reply(ctx, await ctx.registry.bulk(body.value));
}

/** Checks the method, then the service token, then runs the route. */
async function allow(ctx: RouteContext, method: string, methods: readonly string[], rights: readonly AccessRight[], run: () => Promise<void>): Promise<void> {
  if (!methods.includes(method)) return notAllowed(ctx, methods);
  return authorized(ctx, rights, run);
}

async function authorized(ctx: RouteContext, rights: readonly AccessRight[], run: () => Promise<void>): Promise<void> {
  const check = checkServiceToken(ctx.req.headers.authorization, ctx.hostName, ctx.registry.policies(), rights, ctx.nowSeconds());
  if (!check.ok) {
    ctx.req.resume();
    return sendError(ctx.res, 'IotHubUnauthorizedAccess', `Unauthorized: ${describeAuthFailure(check.reason)}.`);
  }
  return run();
}

function notAllowed(ctx: RouteContext, methods: readonly string[]): void {
  ctx.req.resume();
  sendError(ctx.res, 'MethodNotAllowed', `${ctx.req.method ?? '?'} is not allowed here; use ${methods.join(', ')}.`, { Allow: methods.join(', ') });
}

function reply(ctx: RouteContext, result: HubResult<unknown>): void {
  if (result.ok) sendJson(ctx.res, 200, result.value);
  else replyError(ctx, result.error);
}

function replyEmpty(ctx: RouteContext, result: HubResult<unknown>): void {
  if (result.ok) sendEmpty(ctx.res, 204);
  else replyError(ctx, result.error);
}

export function replyError(ctx: RouteContext, error: HubError): void {
  sendError(ctx.res, error.code, error.message);
}

/** `If-Match` without its quotes (the SDK always quotes); absent stays undefined. */
export function ifMatchOf(req: IncomingMessage): string | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const value = header.trim();
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function topOf(url: URL): number | undefined {
  const top = Number(url.searchParams.get('top') ?? '');
  return Number.isInteger(top) && top > 0 ? top : undefined;
}

function pathOnly(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
