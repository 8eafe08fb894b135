import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../host/event-bus';

/**
 * Watches the folders of a workspace (one non-recursive `fs.watch` per folder: the same behaviour on every
 * platform, bounded by the tree scan) and reports the relative paths that changed, debounced: a burst of events
 * (an editor's write-to-temp-then-rename, a `git checkout`) becomes one report once the disk has been quiet for
 * `debounceMs`. What changed and whether it matters is decided by the owner, which looks at the disk again.
 */
export class WorkspaceWatcher implements Disposable {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  private disposed = false;

  constructor(
    private readonly root: string,
    private readonly onChanges: (paths: string[]) => void,
    private readonly debounceMs = 150,
  ) {}

  /** Watch exactly these folders (relative, '' is the root); folders no longer listed are unwatched. */
  sync(dirs: readonly string[]): void {
    const wanted = new Set(dirs);
    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) this.add(dir);
  }

  /** Start watching one more folder (e.g. one just created). */
  add(dir: string): void {
    if (this.disposed || this.watchers.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir ? join(this.root, ...dir.split('/')) : this.root, { persistent: false }, (_event, filename) => {
        // Without a file name (some platforms, overflow) the folder itself is reported: the owner rescans it.
        const name = filename ? filename.toString() : '';
        this.queue(name ? (dir ? `${dir}/${name}` : name) : dir);
      });
    } catch {
      return; // vanished before we could watch it
    }
    watcher.on('error', () => {
      watcher.close();
      if (this.watchers.get(dir) === watcher) this.watchers.delete(dir);
    });
    this.watchers.set(dir, watcher);
  }

  get watchedCount(): number {
    return this.watchers.size;
  }

  private queue(path: string): void {
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    this.pending.add(path);
    if (this.timer) clearTimeout(this.timer);
    // A disk that never goes quiet still gets reported, at least every 5 debounce periods.
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstPendingAt + 5 * this.debounceMs - Date.now()));
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.disposed || this.pending.size === 0) return;
    const paths = [...this.pending].sort();
    this.pending.clear();
    this.onChanges(paths);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.pending.clear();
  }
}
