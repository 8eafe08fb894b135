/**
 * Errors cross every boundary as data. The UI and the CLI switch on `code`, never parse `message`.
 * The union is closed: add a code here (with a line saying when it is used) before using it anywhere.
 */
export const ERROR_CODES = [
  'BAD_REQUEST', // a payload failed its schema (IPC, WebSocket, CLI arguments)
  'BAD_RESPONSE', // the other side answered with something that does not match the contract
  'UNKNOWN_METHOD', // a method name that no contract declares
  'UNAUTHORIZED', // missing or wrong token, wrong Origin/Host, untrusted IPC sender
  'NOT_FOUND', // a file, module, device or resource that does not exist
  'INVALID_MANIFEST', // a deployment manifest that IoT Edge would refuse
  'INVALID_ROUTE', // a route that does not compile
  'ENGINE_UNAVAILABLE', // the container engine does not answer
  'CONFLICT', // the request collides with the current state (e.g. already running)
  'IO', // a file system or network operation failed
  'TIMEOUT', // an operation did not finish in time
  'DISCONNECTED', // the transport to the host is down
  'UNSUPPORTED', // this shell cannot do it (e.g. a native dialog in the served console)
  'INTERNAL', // a bug: something that should not happen
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Structured, code-specific detail (e.g. zod issues, a JSON pointer). Never secrets. */
  readonly details?: unknown;
}

export type Result<T, E = AppError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function err<E = AppError>(error: E): Result<never, E> {
  return { ok: false, error };
}

export function appError(code: ErrorCode, message: string, details?: unknown): AppError {
  return details === undefined ? { code, message } : { code, message, details };
}

export function fail(code: ErrorCode, message: string, details?: unknown): Result<never> {
  return err(appError(code, message, details));
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Exhaustiveness check for `switch` over a union: a missing case fails to compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
