import type { IncomingMessage } from 'node:http';
import type { HubMessage, IdentityRef, MethodFailure, MethodResponse } from '../../protocol/device-backend';
import { TLSSocket } from 'node:tls';
import { authenticateConnect, authenticateHttpRequest, peerCertificateChain } from '../../protocol/authenticate';
import type { Result } from '../../../shared/errors';
import { isPlainObject } from './hub-model';
import { readBody, TWIN_BODY_LIMIT } from './rest-body';
import { sendEmpty, sendError, sendJson, sendMethodError } from './rest-errors';
import type { RouteContext } from './rest-server';

/**
 * Routes that reach devices: service direct methods (HUB-CONTRACTS.md §5) and device-side HTTPS telemetry as
 * `azure-iot-device-http` sends it (`POST /devices/{d}[/modules/{m}]/messages/events`, device SAS in Authorization
 * or an X.509 client certificate when the server requested one, properties as `iothub-app-*` headers).
 */

const MIN_RESPONSE_TIMEOUT = 5;
const MAX_TIMEOUT = 300;
const CONNECT_POLL_MS = 250;

/** `POST /twins/{d}[/modules/{m}]/methods`: relays to the device's live connection and returns `{status, payload}`. */
export async function handleDirectMethod(ctx: RouteContext, target: IdentityRef): Promise<void> {
  const body = await ctx.json();
  if (!body.ok) return;
  const params = body.value;
  if (!isPlainObject(params) || typeof params.methodName !== 'string' || params.methodName === '') {
    return sendError(ctx.res, 'ArgumentInvalid', 'The method call needs a methodName.');
  }
  const responseTimeout = params.responseTimeoutInSeconds ?? 30;
  const connectTimeout = params.connectTimeoutInSeconds ?? 0;
  if (typeof responseTimeout !== 'number' || !Number.isInteger(responseTimeout) || responseTimeout < MIN_RESPONSE_TIMEOUT || responseTimeout > MAX_TIMEOUT) {
    return sendError(ctx.res, 'ArgumentInvalid', `responseTimeoutInSeconds must be an integer from ${MIN_RESPONSE_TIMEOUT} to ${MAX_TIMEOUT}.`);
  }
  if (typeof connectTimeout !== 'number' || !Number.isInteger(connectTimeout) || connectTimeout < 0 || connectTimeout > MAX_TIMEOUT) {
    return sendError(ctx.res, 'ArgumentInvalid', `connectTimeoutInSeconds must be an integer from 0 to ${MAX_TIMEOUT}.`);
  }
  const owner = ctx.registry.getTwinDocument(target);
  if (!owner.ok) return sendError(ctx.res, owner.error.code, owner.error.message);

  const payload = params.payload === undefined ? null : params.payload;
  const deadline = Date.now() + connectTimeout * 1000;
  let result: Result<MethodResponse, MethodFailure> = { ok: false, error: { code: 'NOT_CONNECTED', message: 'no device gateway' } };
  for (;;) {
    const gateway = ctx.gateway();
    if (gateway) result = await gateway.invokeMethod(target, params.methodName, payload, responseTimeout * 1000);
    if (result.ok || result.error.code !== 'NOT_CONNECTED' || Date.now() >= deadline || ctx.res.destroyed) break;
    await new Promise((resolve) => setTimeout(resolve, CONNECT_POLL_MS));
  }
  if (result.ok) return sendJson(ctx.res, 200, { status: result.value.status, payload: result.value.payload });
  if (result.error.code === 'NOT_CONNECTED') return sendMethodError(ctx.res, 404, 404103, 'Timed out waiting for device to connect.', connectTimeout);
  return sendMethodError(ctx.res, 504, 504101, 'Timed out waiting for the response from device.', responseTimeout);
}

/** `POST /devices/{d}/messages/events` and `POST /devices/{d}/modules/{m}/messages/events`. */
export async function handleDeviceEvents(ctx: RouteContext, segments: readonly string[], method: string): Promise<void> {
  const [, deviceId, second, third, fourth, fifth] = segments;
  const isDevice = segments.length === 4 && second === 'messages' && third === 'events';
  const isModule = segments.length === 6 && second === 'modules' && fourth === 'messages' && fifth === 'events';
  const moduleId = isModule ? third : undefined;
  if (!deviceId || (!isDevice && !isModule)) {
    ctx.req.resume();
    return sendError(ctx.res, 'NotFound', 'The local hub has no resource at this path.');
  }
  if (method !== 'POST') {
    ctx.req.resume();
    return sendError(ctx.res, 'MethodNotAllowed', `${method} is not allowed here; use POST.`, { Allow: 'POST' });
  }
  const ref: IdentityRef = isModule && moduleId ? { deviceId, moduleId } : { deviceId };
  const denied = await checkDeviceToken(ctx, ref);
  if (denied) {
    ctx.req.resume();
    return denied === 'not-found' ? sendError(ctx.res, 'DeviceNotFound', `Device ${deviceId} not found.`) : sendError(ctx.res, 'IotHubUnauthorizedAccess', `Unauthorized: ${denied}.`);
  }
  const body = await readBody(ctx.req, TWIN_BODY_LIMIT);
  if (!body.ok) {
    if (body.reason === 'too-large') sendError(ctx.res, 'MessageTooLarge', `The message is larger than ${TWIN_BODY_LIMIT} bytes.`, { Connection: 'close' });
    return;
  }
  const accepted = await ctx.registry.acceptTelemetry(ref, messageFromHeaders(ctx.req, body.bytes));
  if (!accepted.ok) return sendError(ctx.res, accepted.error.code === 'NOT_FOUND' ? 'DeviceNotFound' : 'ServerError', accepted.error.message);
  sendEmpty(ctx.res, 204);
}

/**
 * undefined when the request is authenticated (electron/protocol's checks, as for MQTT): a device or module SAS in
 * `Authorization`, or without one a TLS client certificate (self-signed thumbprint or CA chain); else why not.
 */
async function checkDeviceToken(ctx: RouteContext, ref: IdentityRef): Promise<string | undefined> {
  const policy = { backend: ctx.registry, hostNames: [ctx.hostName], now: () => ctx.nowSeconds() * 1000, trustedDeviceCas: ctx.options.trustedDeviceCas ?? [] };
  const authorization = ctx.req.headers.authorization;
  const socket = ctx.req.socket;
  if (authorization === undefined && socket instanceof TLSSocket) {
    const chain = peerCertificateChain(socket.getPeerCertificate(true));
    if (chain.length > 0) {
      const clientId = ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
      const checked = await authenticateConnect(policy, { clientId, username: `${ctx.hostName}/${clientId}/?api-version=2021-04-12`, certificateChain: chain });
      if (checked.ok) return undefined;
      return checked.error.returnCode === 2 ? 'not-found' : checked.error.reason;
    }
  }
  const checked = await authenticateHttpRequest(policy, { authorization, identity: ref });
  if (checked.ok) return undefined;
  return checked.error.status === 404 ? 'not-found' : checked.error.reason;
}

const SYSTEM_HEADERS: Readonly<Record<string, string>> = {
  'iothub-messageid': 'mid',
  'iothub-correlationid': 'cid',
  'iothub-userid': 'uid',
  'iothub-expiry': 'exp',
  'iothub-contenttype': 'ct',
  'iothub-contentencoding': 'ce',
  'iothub-interface-id': 'ifid',
  'dt-subject': 'sub',
};

function messageFromHeaders(req: IncomingMessage, body: Buffer): HubMessage {
  const systemProperties: Record<string, string> = {};
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    const system = SYSTEM_HEADERS[name];
    if (system) systemProperties[system] = value;
    else if (name.startsWith('iothub-app-')) properties[name.slice('iothub-app-'.length)] = value;
  }
  return { body: new Uint8Array(body), systemProperties, properties };
}
