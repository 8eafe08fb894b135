import { assertNever, isErrorCode, type ErrorCode } from '../../../../shared/errors';

/** What a failed call to the hub says, read from the error `unwrap` threw (its `code`, never its text). */
export interface HubProblem {
  readonly code: ErrorCode;
  readonly title: string;
  readonly message: string;
}

export function hubProblem(error: unknown, doing = 'reach the hub'): HubProblem {
  const raw = error as { code?: unknown; message?: unknown } | null | undefined;
  const code: ErrorCode = isErrorCode(raw?.code) ? raw.code : 'INTERNAL';
  const message = typeof raw?.message === 'string' && raw.message ? raw.message : 'no reason given';
  return { code, title: titleFor(code, doing), message };
}

function titleFor(code: ErrorCode, doing: string): string {
  switch (code) {
    case 'DISCONNECTED':
      return 'The hub is not reachable';
    case 'UNAUTHORIZED':
      return "The hub refused the console's credentials";
    case 'TIMEOUT':
      return 'The hub did not answer in time';
    case 'NOT_FOUND':
      return `Could not ${doing}: not found`;
    case 'CONFLICT':
      return `Could not ${doing}: it changed meanwhile`;
    case 'BAD_REQUEST':
    case 'INVALID_MANIFEST':
    case 'INVALID_ROUTE':
      return `The hub refused to ${doing}`;
    case 'BAD_RESPONSE':
    case 'UNKNOWN_METHOD':
    case 'ENGINE_UNAVAILABLE':
    case 'IO':
    case 'UNSUPPORTED':
    case 'INTERNAL':
      return `Could not ${doing}`;
    default:
      return assertNever(code, 'error code');
  }
}
