import { appError, type AppError, type ErrorCode } from '../../../shared/errors';

/**
 * An azure-iothub error (or a socket error under it) as our error data: a code the UI and the CLI switch on and a
 * sentence that says what happened, without the SDK's class names or a stack. IoT Hub's own text is in the body's
 * `Message` as `ErrorCode:<Code>;<text>` (HUB-CONTRACTS.md §4.1): its code goes into `details.hubCode`.
 */
export function fromSdkError(cause: unknown, doing: string): AppError {
  const error = cause as { name?: string; message?: string; code?: string; responseBody?: unknown; response?: { statusCode?: number }; amqpError?: AmqpCause };
  const hub = hubMessage(error.responseBody);
  const status = error.response?.statusCode;
  // Over AMQP (cloud-to-device sends) the hub's word is in `amqpError`: its condition and description, or — for a
  // refused put-token, which the SDK wraps in a plain Error — the UnauthorizedError with the hub's status description.
  const amqp = error.amqpError;
  const name = error.name === 'Error' && amqp?.name ? amqp.name : error.name;
  const details = { ...(hub.code ? { hubCode: hub.code } : {}), ...(status ? { status } : {}), ...(amqp?.condition ? { amqpCondition: amqp.condition } : {}) };
  const text = hub.text ?? amqpText(amqp) ?? cleanMessage(error.message);
  const code = codeFor(name, error.code ?? amqp?.code, status);
  const sentence = code === 'DISCONNECTED' ? `cannot reach the hub (${socketReason(error.code, error.message)})` : text;
  return appError(code, `${doing}: ${sentence}`, Object.keys(details).length > 0 ? details : undefined);
}

interface AmqpCause {
  readonly name?: string;
  readonly message?: string;
  readonly condition?: string;
  readonly description?: string;
  readonly code?: string;
}

function amqpText(amqp: AmqpCause | undefined): string | undefined {
  const text = amqp?.description ?? (amqp?.name && amqp.name !== 'Error' ? amqp.message : undefined);
  return text ? cleanMessage(text) : undefined;
}

function codeFor(name: string | undefined, socketCode: string | undefined, status: number | undefined): ErrorCode {
  switch (name) {
    case 'DeviceNotFoundError':
    case 'IotHubNotFoundError':
      return 'NOT_FOUND';
    case 'DeviceAlreadyExistsError':
    case 'InvalidEtagError':
    case 'PreconditionFailedError':
    case 'DeviceMaximumQueueDepthExceededError': // the device's cloud-to-device queue is full (50 waiting)
      return 'CONFLICT';
    case 'UnauthorizedError':
      return 'UNAUTHORIZED';
    case 'ArgumentError':
    case 'FormatError':
    case 'MessageTooLargeError':
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
