export interface Clock {
  /** Monotonic ms (for intervals). */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `flush` after something changed, at most once per `intervalMs`: the first change after a quiet spell is
 * shown at once (next tick), a burst as one flush per interval, and the last change is never left unshown.
 */
export class Throttle {
  private timer: unknown;
  private last = -Infinity;
  private disposed = false;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  poke(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.last = this.clock.now();
      this.flush();
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
