import { appError, type AppError, type ErrorCode } from '../../../shared/errors';

/**
 * An azure-iothub error (or a socket error under it) as our error data: a code the UI and the CLI switch on and a
 * sentence that says what happened, without the SDK's class names or a stack. IoT Hub's own text is in the body's
 * `Message` as `ErrorCode:<Code>;<text>` (HUB-CONTRACTS.md §4.1): its code goes into `details.hubCode`.
 */
export function fromSdkError(cause: unknown, doing: string): AppError {
  const error = cause as { name?: string; message?: string; code?: string; responseBody?: unknown; response?: { statusCode?: number } };
  const hub = hubMessage(error.responseBody);
  const status = error.response?.statusCode;
  const details = { ...(hub.code ? { hubCode: hub.code } : {}), ...(status ? { status } : {}) };
  const text = hub.text ?? cleanMessage(error.message);
  const code = codeFor(error.name, error.code, status);
  const sentence = code === 'DISCONNECTED' ? `cannot reach the hub (${socketReason(error.code, error.message)})` : text;
  return appError(code, `${doing}: ${sentence}`, Object.keys(details).length > 0 ? details : undefined);
}

function codeFor(name: string | undefined, socketCode: string | undefined, status: number | undefined): ErrorCode {
  switch (name) {
    case 'DeviceNotFoundError':
    case 'IotHubNotFoundError':
      return 'NOT_FOUND';
    case 'DeviceAlreadyExistsError':
    case 'InvalidEtagError':
    case 'PreconditionFailedError':
      return 'CONFLICT';
    case 'UnauthorizedError':
      return 'UNAUTHORIZED';
    case 'ArgumentError':
    case 'FormatError':
      return 'BAD_REQUEST';
    case 'GatewayTimeoutError':
    case 'DeviceTimeoutError':
    case 'TimeoutError':
      return 'TIMEOUT';
  }
  if (socketCode && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED)$/.test(socketCode)) return 'DISCONNECTED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 504 || status === 408) return 'TIMEOUT';
  return 'IO';
}

function socketReason(code: string | undefined, message: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing listens at that address: connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return "its TLS certificate is not trusted by this machine";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "its TLS certificate is for another host name";
    case 'CERT_HAS_EXPIRED':
      return 'its TLS certificate has expired';
    default:
      return cleanMessage(message);
  }
}

function hubMessage(body: unknown): { code?: string; text?: string } {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() ? { text: body.trim().slice(0, 300) } : {};
    }
  }
  const message = (parsed as { Message?: unknown } | undefined)?.Message;
  if (typeof message !== 'string') return {};
  const match = /^ErrorCode:([^;]*);(.*)$/s.exec(message);
  if (match) return { code: match[1], text: (match[2] ?? '').trim() || undefined };
  // Method failures carry JSON inside Message: {"errorCode":404103,"message":"Timed out waiting for device to connect.",…}
  try {
    const inner = JSON.parse(message) as { errorCode?: unknown; message?: unknown };
    if (typeof inner.message === 'string') return { ...(inner.errorCode !== undefined ? { code: String(inner.errorCode) } : {}), text: inner.message };
  } catch {
    // not JSON: the text itself
  }
  return { text: message.slice(0, 300) };
}

function cleanMessage(message: string | undefined): string {
  return (message ?? 'the hub refused the request').split('\n')[0]!.slice(0, 300);
}
