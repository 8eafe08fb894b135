import type { AppError } from '../../../shared/errors';
import { registryOf } from './registry-credentials';
import type { Step } from './steps';

/**
 * A failed step as the user reads it: a sentence first (`summary`: what failed and, where the engine's words
 * allow, why), the engine's own text behind it (`detail`, shown on demand). Never a clock time: when it happened
 * and when it is tried again travel as data, for the reader's local time.
 */
export interface StepFailure {
  readonly summary: string;
  readonly detail?: string;
}

const SIDELOAD_HINT = 'Sideload it: Runtime → Sideload image…, or `gatehouse runtime sideload <image.tar>`.';

/** Why a pull failed, in words, from the engine's text (its HTTP status is never shown). */
export function pullFailureReason(engineText: string, registry: string): string {
  if (/unauthorized|authentication required|no basic auth credentials|incorrect username or password/i.test(engineText)) {
    return `the registry ${registry} refused the credentials (see registryCredentials in the deployment's $edgeAgent settings)`;
  }
  if (/connection refused|no such host|i\/o timeout|network is unreachable|no route to host|dial tcp|tls handshake timeout|server misbehaving|name resolution|context deadline exceeded/i.test(engineText)) {
    return `the registry ${registry} cannot be reached (offline?)`;
  }
  if (/denied/i.test(engineText)) return `the registry ${registry} refused access (wrong credentials, or no such repository)`;
  if (/manifest unknown|not found|does not exist|no such image/i.test(engineText)) return `the registry ${registry} has no such image or tag`;
  return `the registry ${registry} answered with an error`;
}

/** The sentence for an image that is not on this machine and could not be pulled. */
export function pullFailure(image: string, module: string, engineText: string): StepFailure {
  return {
    summary: `The image ${image} for ${module} is not on this machine and could not be pulled: ${pullFailureReason(engineText, registryOf(image))}. ${SIDELOAD_HINT}`,
    detail: engineText,
  };
}

/** The sentence for an image that is not on this machine and may not be pulled (imagePullPolicy never). */
export function neverPullFailure(image: string, module: string): StepFailure {
  return { summary: `The image ${image} for ${module} is not on this machine, and its imagePullPolicy (never) forbids pulling it. ${SIDELOAD_HINT}` };
}

const WHAT: { readonly [K in Step['kind']]: (module: string) => string } = {
  ensureImage: (m) => `The image for ${m} could not be made ready`,
  create: (m) => `The container of ${m} could not be created`,
  start: (m) => `${m} could not be started`,
  stop: (m) => `${m} could not be stopped`,
  remove: (m) => `The old container of ${m} could not be removed`,
  restart: (m) => `${m} could not be restarted`,
  forgetRestarts: (m) => `The restart statistics of ${m} could not be reset`,
  wait: (m) => `Waiting for ${m} failed`,
  blocked: (m) => `${m} cannot be created`,
};

/** What an engine error code says, where it says something a field engineer can act on. */
const BECAUSE: Partial<Record<AppError['code'], string>> = {
  ENGINE_UNAVAILABLE: 'the container engine stopped answering',
  TIMEOUT: 'the container engine did not answer in time',
  BAD_REQUEST: 'the engine refused its settings (createOptions)',
  CONFLICT: 'the engine reports a conflict with a container already there',
  NOT_FOUND: 'the engine does not know it (removed meanwhile, or its image is gone)',
};

/**
 * A step's failure in words. Errors that already are sentences for the user (an image the executor could not get,
 * a name taken by someone else's container) keep theirs; engine errors get a sentence and keep the engine's text
 * as detail.
 */
export function describeFailure(step: Step, error: AppError): StepFailure {
  const details = (error.details ?? {}) as { summary?: unknown; engineMessage?: unknown };
  if (typeof details.summary === 'string') return { summary: details.summary, ...(typeof details.engineMessage === 'string' ? { detail: details.engineMessage } : {}) };
  if (step.kind === 'blocked') return { summary: error.message };
  const why = BECAUSE[error.code];
  return { summary: `${WHAT[step.kind](step.module)}${why ? `: ${why}` : ''}.`, detail: error.message };
}
