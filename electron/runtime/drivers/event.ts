import { toDisposable, type Disposable } from './disposable';

/** Subscribe with a listener, unsubscribe by disposing (the vscode `Event<T>` shape). */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export type ListenerErrorHandler = (error: unknown) => void;

const reportToConsole: ListenerErrorHandler = (error) => {
  console.error('[gatehouse] an event listener threw:', error);
};

/**
 * Owns an event: `fire` delivers synchronously to every listener present at the time of firing.
 * A listener that throws does not stop the others; its error goes to `onListenerError`.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  constructor(private readonly onListenerError: ListenerErrorHandler = reportToConsole) {}

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    // Wrap so the same function can subscribe twice and be removed independently.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return toDisposable(() => this.listeners.delete(entry));
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Resolves with the first value that matches, or undefined when `signal` aborts first. */
export function nextEvent<T>(event: Event<T>, predicate: (value: T) => boolean, signal?: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(undefined);
    const onAbort = () => {
      subscription.dispose();
      resolve(undefined);
    };
    const subscription = event((value) => {
      if (!predicate(value)) return;
      subscription.dispose();
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
