import type { ErrorCode } from '../../../../shared/errors';

/** The code of an error thrown by `unwrap` (the UI switches on it, never on the message). */
export function errorCode(error: unknown): ErrorCode | undefined {
  return (error as { code?: ErrorCode } | null)?.code;
}

export function errorReason(error: unknown): string | undefined {
  const details = (error as { details?: { reason?: unknown } } | null)?.details;
  return typeof details?.reason === 'string' ? details.reason : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
