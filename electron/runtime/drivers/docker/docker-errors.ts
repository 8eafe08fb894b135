import { appError, err, ok, type AppError, type ErrorCode, type Result } from '../../../../shared/errors';

/** Socket-level failures that mean "nobody answers at that address". */
const ENGINE_DOWN_CODES = new Set([
  'ENOENT', // unix socket file missing
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EACCES', // socket exists but we may not use it
  'EPERM',
  'ENOTSOCK',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_SOCKET_CLOSED',
  'UND_ERR_SOCKET',
]);

export interface DockerErrorContext {
  /** What we were doing, e.g. `start container gatehouse-test-1`. */
  readonly operation: string;
  /** e.g. `unix:///var/run/docker.sock` */
  readonly endpoint: string;
}

interface DockerishError {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly json?: unknown;
  readonly reason?: string;
}

/** The engine's own message: docker-modem keeps the body in `json.message`; otherwise its formatted text. */
export function engineMessage(error: unknown): string {
  const e = (error ?? {}) as DockerishError;
  if (e.json && typeof e.json === 'object' && 'message' in e.json && typeof e.json.message === 'string') return e.json.message;
  if (typeof e.json === 'string' && e.json.trim()) return e.json.trim();
  if (Buffer.isBuffer(e.json) && e.json.length > 0) return e.json.toString('utf8').trim();
  return (e.message ?? String(error)).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** Maps an HTTP status from the Docker Engine API to our closed set of codes. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 400 || status === 422) return 'BAD_REQUEST';
  if (status === 401 || status === 403) return 'CONFLICT'; // e.g. "not permitted in this engine mode"
  if (status >= 500) return 'IO';
  return 'INTERNAL';
}

function isAbort(e: DockerishError): boolean {
  return e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.name === 'TimeoutError';
}

/**
 * Turns anything dockerode/docker-modem throws into an AppError. `details` always carries the operation,
 * plus the HTTP status and the engine's message when there was a response.
 */
export function toAppError(error: unknown, context: DockerErrorContext, signal?: AbortSignal): AppError {
  const e = (error ?? {}) as DockerishError;
  const base = { operation: context.operation };
  if (typeof e.statusCode === 'number') {
    const message = engineMessage(error);
    return appError(codeForStatus(e.statusCode), `${context.operation}: ${message}`, {
      ...base,
      status: e.statusCode,
      engineMessage: message,
    });
  }
  if (isAbort(e) || signal?.aborted) {
    const reason: unknown = signal?.reason;
    const timedOut = e.name === 'TimeoutError' || (reason instanceof Error && (reason.name === 'TimeoutError' || /timed out/.test(reason.message)));
    return timedOut
      ? appError('TIMEOUT', `${context.operation}: the engine did not answer in time`, base)
      : appError('IO', `${context.operation}: cancelled`, { ...base, cancelled: true });
  }
  if (e.code && ENGINE_DOWN_CODES.has(e.code)) {
    return appError('ENGINE_UNAVAILABLE', `Docker engine at ${context.endpoint} does not answer (${e.code}): is Docker running?`, {
      ...base,
      errno: e.code,
      cause: e.message,
    });
  }
  if (/socket hang up|connect ETIMEDOUT/i.test(e.message ?? '')) {
    return appError('ENGINE_UNAVAILABLE', `Docker engine at ${context.endpoint} does not answer: ${e.message}`, base);
  }
  return appError('INTERNAL', `${context.operation}: ${e.message ?? String(error)}`, base);
}

/** Runs one engine call and turns its outcome into a Result; engine-down failures are reported to `onEngineDown`. */
export type DockerInvoke = <T>(operation: string, call: () => Promise<T>, signal?: AbortSignal) => Promise<Result<T>>;

export function createInvoke(endpoint: string, onEngineDown: () => void): DockerInvoke {
  return async (operation, call, signal) => {
    try {
      return ok(await call());
    } catch (error) {
      const appErr = toAppError(error, { operation, endpoint }, signal);
      if (appErr.code === 'ENGINE_UNAVAILABLE') onEngineDown();
      return err(appErr);
    }
  };
}

/** The HTTP status of a docker-modem error, if the engine answered at all. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as DockerishError | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
