import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { HubErrorCode } from './hub-model';

/**
 * Replies as IoT Hub's REST API writes them (HUB-CONTRACTS.md §4.1): JSON with `charset=utf-8`, errors as
 * `{"Message":"ErrorCode:<Code>;<text>","ExceptionMessage":"Tracking ID:…"}`; the service SDK picks its error class
 * from the status (and, for 404, from the code).
 */

export type RestErrorCode = HubErrorCode | 'MessageTooLarge' | 'MethodNotAllowed' | 'NotFound' | 'ServerError';

export function statusOf(code: RestErrorCode): number {
  switch (code) {
    case 'ArgumentInvalid':
    case 'NotSupported':
      return 400;
    case 'IotHubUnauthorizedAccess':
      return 401;
    case 'DeviceNotFound':
    case 'ModuleNotFound':
    case 'ConfigurationNotFound':
    case 'NotFound':
      return 404;
    case 'MethodNotAllowed':
      return 405;
    case 'DeviceAlreadyExists':
    case 'ModuleAlreadyExistsOnDevice':
    case 'ConfigurationAlreadyExists':
      return 409;
    case 'PreconditionFailed':
      return 412;
    case 'MessageTooLarge':
      return 413;
    case 'ServerError':
      return 500;
  }
}

export function trackingId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** `MM/dd/yyyy HH:mm:ss`, as IoT Hub's tracking ids carry it. */
function trackingTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

export function sendError(res: ServerResponse, code: RestErrorCode, message: string, headers: Record<string, string> = {}): void {
  const text = message.replace(/;/g, ',');
  sendJson(
    res,
    statusOf(code),
    { Message: `ErrorCode:${code};${text}`, ExceptionMessage: `Tracking ID:${trackingId()}-G:0-TimeStamp:${trackingTimestamp(new Date())}` },
    { 'iothub-errorcode': code, ...headers },
  );
}

/** Direct-method failures carry JSON inside `Message` (HUB-CONTRACTS.md §5); the SDK then reports by status only. */
export function sendMethodError(res: ServerResponse, status: 404 | 504, errorCode: 404103 | 504101, message: string, timeoutSeconds: number): void {
  const inner = {
    errorCode,
    trackingId: trackingId(),
    message,
    info: { timeout: formatTimeout(timeoutSeconds) },
    timestampUtc: new Date().toISOString(),
  };
  sendJson(res, status, { Message: JSON.stringify(inner), ExceptionMessage: '' }, { 'iothub-errorcode': status === 404 ? 'DeviceNotOnline' : 'GatewayTimeout' });
}

function formatTimeout(seconds: number): string {
  const two = (n: number) => String(Math.floor(n)).padStart(2, '0');
  return `${two(seconds / 3600)}:${two((seconds % 3600) / 60)}:${two(seconds % 60)}`;
}
