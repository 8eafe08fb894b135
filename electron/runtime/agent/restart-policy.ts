import type { RawStatus, RestartPolicy, RestartSettings, RestartStats, RuntimeStatus } from './model';

/**
 * Reported status of a module whose desired status is running (RestartPolicyManager.ComputeModuleStatusFromRestartPolicy):
 * a module that should come back gets `backoff` until it has used up its restarts, then `failed`.
 */
export function computeRuntimeStatus(raw: RawStatus, policy: RestartPolicy, restartCount: number, settings: RestartSettings): RuntimeStatus {
  if (raw === 'dead' || raw === 'unknown') return raw;
  const restarts =
    (raw !== 'running' && policy === 'always') || ((policy === 'on-failure' || policy === 'on-unhealthy') && raw === 'failed');
  if (!restarts) return raw;
  return restartCount < settings.maxRestartCount ? 'backoff' : 'failed';
}

/** min(unit · 2^restartCount, max): 10, 20, 40, 80, 160, 300, 300 … s with IoT Edge's constants. */
export function coolOffMs(restartCount: number, settings: RestartSettings): number {
  return Math.min(settings.coolOffUnitMs * 2 ** restartCount, settings.maxCoolOffMs);
}

/** Whether a module in backoff is due for its restart (ShouldRestart): the cool-off since its last exit has passed. */
export function restartDue(stats: RestartStats, lastExit: string | undefined, now: number, settings: RestartSettings): { due: boolean; at: number } {
  if (!lastExit) return { due: true, at: now };
  const exited = Date.parse(lastExit);
  const elapsed = now - exited;
  const wait = coolOffMs(stats.restartCount, settings);
  return { due: elapsed <= 0 || elapsed > wait, at: exited + wait };
}

/** Restart stats are forgotten for a module that has run longer than the intensive-care time. */
export function isPastIntensiveCare(startedAt: string | undefined, raw: RawStatus, now: number, settings: RestartSettings): boolean {
  return raw === 'running' && startedAt !== undefined && now - Date.parse(startedAt) > settings.intensiveCareMs;
}
