import type { RestartSettings } from './model';

/**
 * Per-step retry with backoff (OrderedRetryPlanRunner): a failed step is tried again only after
 * unit · 2^failures, at most maxRestartCount times per deployment version. `reset` on a new deployment.
 */
export class RetryTracker {
  private readonly failures = new Map<string, { count: number; nextAt: number; message: string }>();

  constructor(private readonly settings: RestartSettings) {}

  /** Whether a step may run now. */
  mayRun(id: string, now: number): boolean {
    const entry = this.failures.get(id);
    return !entry || (entry.count < this.settings.maxRestartCount && now >= entry.nextAt);
  }

  recordFailure(id: string, now: number, message: string): void {
    const count = (this.failures.get(id)?.count ?? 0) + 1;
    const wait = Math.min(this.settings.coolOffUnitMs * 2 ** (count - 1), this.settings.maxCoolOffMs);
    this.failures.set(id, { count, nextAt: now + wait, message });
  }

  /**
   * The failure a step is waiting to retry: when it runs again, or `gaveUp` when it has used up its attempts
   * (it runs again only after the next apply, or `reset`).
   */
  pending(id: string): { message: string; nextAt: number; count: number; gaveUp: boolean } | undefined {
    const entry = this.failures.get(id);
    return entry ? { message: entry.message, nextAt: entry.nextAt, count: entry.count, gaveUp: entry.count >= this.settings.maxRestartCount } : undefined;
  }

  recordSuccess(id: string): void {
    this.failures.delete(id);
  }

  reset(): void {
    this.failures.clear();
  }
}
