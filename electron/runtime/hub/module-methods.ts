import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Result } from '../../../shared/errors';
import { authenticateHttpRequest } from '../../protocol/authenticate';
import type { DeviceBackend, DeviceGateway, IdentityRef, MethodFailure, MethodResponse } from '../../protocol/device-backend';

/**
 * The edge hub's HTTPS endpoint for module-to-module (and module-to-device) direct methods, as
 * `ModuleClient.invokeMethod` calls it (EDGE-CONTRACTS.md §7.4, HUB-CONTRACTS.md §6.5; azure-iot-device
 * device_method/method_client.js): `POST /twins/{d}/modules/{m}/methods` or `POST /twins/{d}/methods` (an
 * `api-version` query is accepted and ignored; the SDK sends none), `x-ms-edge-moduleId: <d>/<callerModule>`,
 * `Authorization: SharedAccessSignature …` signed with the CALLER's module key, body IoT Hub's
 * `{methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds}`. Only modules of this edge device may call;
 * the target is one of its modules or one of its downstream (leaf) devices connected here (module-to-device).
 * Answers as IoT Hub: 200 `{status, payload}`; 400 bad request; 401 bad or missing credentials or a caller header that
 * is not the token's identity; 404 unknown target, or a target not connected (errorCode 404103); 504 no answer in time
 * (504101); 413 body over 128 KiB. The handler never throws.
 */

export const METHOD_BODY_LIMIT = 128 * 1024;
const DEFAULT_RESPONSE_TIMEOUT_SECS = 30;
const MAX_TIMEOUT_SECS = 300;

export interface ModuleMethodHandlerOptions {
  /** Validates callers (their SAS against their module keys) and knows the targets; the gateway comes from `gateway()`. */
  readonly core: DeviceBackend & { attachedGateway(): DeviceGateway | undefined };
  /** The edge device: callers must be its modules; targets its modules or its downstream devices. */
  readonly deviceId: string;
  /** Host names a caller's token may be for (IOTEDGE_IOTHUBHOSTNAME, …). */
  readonly hostNames: readonly string[];
  readonly log?: (line: string) => void;
  /** Epoch ms, for token expiry; default Date.now. */
  readonly now?: () => number;
}

export type MethodCallFailure = MethodFailure | { readonly code: 'NOT_FOUND' | 'BAD_REQUEST'; readonly message: string };

/** The answer of a method call as the HTTP reply carries it. */
interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** Close the connection after the reply (a body left unread). */
  readonly close?: boolean;
}

export function createModuleMethodHandler(options: ModuleMethodHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.log ?? (() => undefined);
  return (req, res) => {
    void handle(options, req)
      .catch((cause: unknown): Reply => {
        log(`edgehub methods: internal error: ${String(cause)}`);
        return iotHubError(500, 'ServerError', 'The edge hub failed to process the request.');
      })
      .then((reply) => send(res, reply))
      .catch(() => undefined);
  };
}

/**
 * Invokes a method on a module (or the device) of this edge device through the gateway, as the console does.
 * `timeoutSecs` is IoT Hub's `responseTimeoutInSeconds`.
 */
export async function invokeModuleMethod(gateway: DeviceGateway | undefined, target: IdentityRef, methodName: string, payload: unknown, timeoutSecs = DEFAULT_RESPONSE_TIMEOUT_SECS): Promise<Result<MethodResponse, MethodCallFailure>> {
  if (methodName === '') return { ok: false, error: { code: 'BAD_REQUEST', message: 'the method call needs a methodName' } };
  if (!gateway) return { ok: false, error: { code: 'NOT_CONNECTED', message: 'the edge hub is not serving modules' } };
  try {
    return await gateway.invokeMethod(target, methodName, payload ?? null, Math.max(1, timeoutSecs) * 1000);
  } catch (cause) {
    return { ok: false, error: { code: 'NOT_CONNECTED', message: `the method call failed: ${String(cause)}` } };
  }
}

async function handle(options: ModuleMethodHandlerOptions, req: IncomingMessage): Promise<Reply> {
  const path = parsePath(req.url);
  if (!path) {
    req.resume();
    return iotHubError(404, 'NotFound', 'The edge hub has no resource at this path.');
  }
  if (req.method !== 'POST') {
    req.resume();
    return iotHubError(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed here; use POST.`);
  }
  const caller = callerOf(req.headers['x-ms-edge-moduleid']);
  if (!caller) {
    req.resume();
    return iotHubError(401, 'IotHubUnauthorizedAccess', 'Unauthorized: the x-ms-edge-moduleId header must name the calling module as <deviceId>/<moduleId>.');
  }
  if (caller.deviceId !== options.deviceId) {
    req.resume();
    return iotHubError(401, 'IotHubUnauthorizedAccess', `Unauthorized: only modules of ${options.deviceId} may call methods here.`);
  }
  const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
  const policy = { backend: options.core, hostNames: options.hostNames, ...(options.now ? { now: options.now } : {}) };
  // The token must be the caller's own (its audience names the caller): a module cannot call as another.
  const authenticated = await authenticateHttpRequest(policy, { authorization, identity: caller });
  if (!authenticated.ok) {
    req.resume();
    options.log?.(`edgehub methods: call from ${caller.deviceId}/${caller.moduleId} refused: ${authenticated.error.reason}`);
    return authenticated.error.status === 503
      ? iotHubError(503, 'ServiceUnavailable', 'The edge hub cannot check credentials now.')
      : iotHubError(401, 'IotHubUnauthorizedAccess', 'Unauthorized: the SharedAccessSignature is not valid for the calling module.');
  }
  const body = await readBody(req, METHOD_BODY_LIMIT);
  if (body === 'too-large') return { ...iotHubError(413, 'MessageTooLarge', `The request body is larger than ${METHOD_BODY_LIMIT} bytes.`), close: true };
  if (body === undefined) return iotHubError(400, 'ArgumentInvalid', 'The request body could not be read.');
  const params = parseParams(body);
  if (typeof params === 'string') return iotHubError(400, 'ArgumentInvalid', params);
  // A module of this device, or a downstream (leaf) device of it (module-to-device methods); a leaf's modules are not served.
  if (path.deviceId !== options.deviceId && path.moduleId !== undefined) return iotHubError(404, 'DeviceNotFound', `Device ${path.deviceId} not found.`);
  const target: IdentityRef = path.moduleId === undefined ? { deviceId: path.deviceId } : { deviceId: path.deviceId, moduleId: path.moduleId };
  const known = await options.core.lookupIdentity(target);
  if (!known.ok) {
    // Unknown, or not a child of this edge device (refused): not found here, as edgeHub answers.
    return known.error.code === 'NOT_FOUND' || known.error.code === 'UNAUTHORIZED'
      ? iotHubError(404, path.moduleId === undefined ? 'DeviceNotFound' : 'ModuleNotFound', `${path.moduleId === undefined ? 'Device' : 'Module'} ${path.moduleId ?? path.deviceId} not found.`)
      : iotHubError(503, 'ServiceUnavailable', 'The edge hub cannot look up the target now.');
  }
  const result = await invokeModuleMethod(options.core.attachedGateway(), target, params.methodName, params.payload, params.responseTimeoutInSeconds);
  if (result.ok) return { status: 200, body: { status: result.value.status, payload: result.value.payload } };
  switch (result.error.code) {
    case 'NOT_CONNECTED':
    case 'NOT_FOUND':
      return methodError(404, 404103, 'Timed out waiting for device to connect.', params.connectTimeoutInSeconds);
    case 'TIMEOUT':
      return methodError(504, 504101, 'Timed out waiting for the response from device.', params.responseTimeoutInSeconds);
    case 'BAD_REQUEST':
      return iotHubError(400, 'ArgumentInvalid', result.error.message);
  }
}

interface MethodParams {
  readonly methodName: string;
  readonly payload: unknown;
  readonly responseTimeoutInSeconds: number;
  readonly connectTimeoutInSeconds: number;
}

/** IoT Hub's method body, or why not. */
function parseParams(body: Buffer): MethodParams | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The request body is not JSON.';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'The request body must be a JSON object.';
  const params = value as Record<string, unknown>;
  if (typeof params.methodName !== 'string' || params.methodName === '' || params.methodName.length > 1024) return 'The method call needs a methodName.';
  const response = params.responseTimeoutInSeconds ?? DEFAULT_RESPONSE_TIMEOUT_SECS;
  const connect = params.connectTimeoutInSeconds ?? 0;
  if (typeof response !== 'number' || !Number.isInteger(response) || response < 1 || response > MAX_TIMEOUT_SECS) return `responseTimeoutInSeconds must be an integer from 1 to ${MAX_TIMEOUT_SECS}.`;
  if (typeof connect !== 'number' || !Number.isInteger(connect) || connect < 0 || connect > MAX_TIMEOUT_SECS) return `connectTimeoutInSeconds must be an integer from 0 to ${MAX_TIMEOUT_SECS}.`;
  return { methodName: params.methodName, payload: params.payload ?? null, responseTimeoutInSeconds: response, connectTimeoutInSeconds: connect };
}

/** `{deviceId, moduleId?}` of `/twins/{d}[/modules/{m}]/methods[?…]`, or undefined. */
function parsePath(url: string | undefined): { deviceId: string; moduleId?: string } | undefined {
  const path = (url ?? '').split('?')[0] ?? '';
  const parts = path.split('/');
  try {
    if (parts.length === 4 && parts[0] === '' && parts[1] === 'twins' && parts[2] && parts[3] === 'methods') return { deviceId: decodeURIComponent(parts[2]) };
    if (parts.length === 6 && parts[0] === '' && parts[1] === 'twins' && parts[2] && parts[3] === 'modules' && parts[4] && parts[5] === 'methods') {
      return { deviceId: decodeURIComponent(parts[2]), moduleId: decodeURIComponent(parts[4]) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function callerOf(header: string | string[] | undefined): { deviceId: string; moduleId: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const parts = header.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { deviceId: parts[0], moduleId: parts[1] };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | 'too-large' | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        finish('too-large');
        return;
      }
      if (!done) chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish(undefined));
    // Closed before the end: an aborted request, not a body.
    req.on('close', () => finish(undefined));
  });
}

/** IoT Hub's error body (HUB-CONTRACTS.md §4.1): the SDK reads `Message` = `ErrorCode:<code>;<message>`. */
function iotHubError(status: number, code: string, message: string): Reply {
  return { status, body: { Message: `ErrorCode:${code};${message}`, ExceptionMessage: trackingLine() } };
}

/** Azure's method errors carry JSON in `Message` (HUB-CONTRACTS.md §5). */
function methodError(status: 404 | 504, errorCode: number, message: string, timeoutSecs: number): Reply {
  const inner = { errorCode, trackingId: randomBytes(16).toString('hex'), message, info: { timeout: `00:00:${String(Math.min(timeoutSecs, 59)).padStart(2, '0')}` }, timestampUtc: new Date().toISOString() };
  return { status, body: { Message: JSON.stringify(inner), ExceptionMessage: '' } };
}

function trackingLine(): string {
  return `Tracking ID:${randomBytes(16).toString('hex')}-G:0-TimeStamp:${new Date().toISOString()}`;
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...(reply.close ? { Connection: 'close' } : {}) });
  res.end(text);
}
