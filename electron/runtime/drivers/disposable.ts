/**
 * Disposables: everything started returns one, and its owner disposes it. Disposing twice is harmless.
 * (Kept in drivers/ for now; the lead may move it to a shared runtime `base/` folder when a second user appears.)
 */
export interface Disposable {
  dispose(): void;
}

/** Wraps a teardown function; the function runs at most once. */
export function toDisposable(teardown: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      teardown();
    },
  };
}

/**
 * Owns a set of disposables and disposes them together, in reverse order of registration.
 * Adding to a disposed store disposes the newcomer at once, so late starters cannot leak.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  /** Disposes and forgets one item (e.g. a subscription that ended early). */
  delete(item: Disposable): void {
    const index = this.items.indexOf(item);
    if (index >= 0) {
      this.items.splice(index, 1);
      item.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed');
  }
}
