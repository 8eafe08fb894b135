import { mkdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../shared/errors';
import type { ContractImpl } from '../../shared/ipc';
import { MAX_FILE_BYTES, workspaceContract, type FileContent, type FileTree, type TemplatePlatform, type WorkspaceInfo } from '../../shared/ipc/workspace.contract';
import type { Disposable, EventBus } from '../host/event-bus';
import { expandWorkspaceTemplate } from './workspace-expand';
import { contentVersion, WorkspaceHistoryStore } from './workspace-history.store';
import { checkRealInside, expandFolder, folderName, isRelevantFile, resolveInside, SKIPPED_DIRS, type InsidePath } from './workspace-paths';
import { copyTemplate, listTemplates } from './workspace-templates';
import { DEFAULT_TREE_BOUNDS, scanTree, type TreeBounds, type TreeScan } from './workspace-tree';
import { WorkspaceWatcher } from './workspace-watcher';
import { KeyedQueue, readDiskState, writeWorkspaceFile, type DiskState } from './workspace-disk';

type Impl = ContractImpl<typeof workspaceContract>;

export interface WorkspaceServiceOptions {
  readonly dataDir: string;
  readonly events: EventBus;
  readonly templatesDir: string;
  readonly debounceMs?: number;
  readonly bounds?: TreeBounds;
}

/**
 * The open workspace: one folder, its watcher and its history.
 *   closed --open--> open(root) --open(other)/close--> …   (one folder at a time per host; every window follows)
 */
interface OpenWorkspace {
  readonly info: WorkspaceInfo;
  readonly history: WorkspaceHistoryStore;
  readonly watcher: WorkspaceWatcher;
  /** Last content version this host knows each file has (written here, or already announced); null = absent. */
  readonly known: Map<string, string | null>;
  /** Files seen by the last tree scan: tells `modified` from `created` for a file this host never wrote. */
  readonly listed: Set<string>;
}

const NO_WORKSPACE = () => fail('CONFLICT', 'No folder is open. Open a folder or create a solution first.', { reason: 'NO_WORKSPACE' });

/** Implements the workspace contract: plain files in a folder, atomic saves, local history, change events. */
export class WorkspaceService implements Impl, Disposable {
  private ws: OpenWorkspace | undefined;
  private readonly queue = new KeyedQueue();

  constructor(private readonly options: WorkspaceServiceOptions) {}

  async current(): Promise<Result<{ workspace: WorkspaceInfo | null }>> {
    return ok({ workspace: this.ws?.info ?? null });
  }

  async open({ path }: { path: string }): Promise<Result<WorkspaceInfo>> {
    const expanded = expandFolder(path);
    if (!expanded.ok) return expanded;
    let root: string;
    try {
      root = await realpath(expanded.value);
      if (!(await stat(root)).isDirectory()) return fail('BAD_REQUEST', `${expanded.value} is a file, not a folder.`, { reason: 'NOT_A_FOLDER' });
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return fail('NOT_FOUND', `There is no folder ${expanded.value}.`);
      return fail('IO', `Could not open ${expanded.value}: ${(cause as Error).message}`);
    }
    if (this.ws?.info.root === root) return ok(this.ws.info);
    this.ws?.watcher.dispose();
    const info: WorkspaceInfo = { root, name: folderName(root) };
    const ws: OpenWorkspace = {
      info,
      history: new WorkspaceHistoryStore(this.options.dataDir, root),
      watcher: new WorkspaceWatcher(root, (paths) => void this.onDiskChanges(ws, paths), this.options.debounceMs),
      known: new Map(),
      listed: new Set(),
    };
    this.ws = ws;
    this.remember(ws, await scanTree(root, this.bounds));
    this.options.events.emit(workspaceContract, 'opened', { workspace: info });
    return ok(info);
  }

  async close(): Promise<Result<{ workspace: null }>> {
    if (this.ws) {
      this.ws.watcher.dispose();
      this.ws = undefined;
      this.options.events.emit(workspaceContract, 'opened', { workspace: null });
    }
    return ok({ workspace: null });
  }

  async listTree(): Promise<Result<FileTree>> {
    const ws = this.ws;
    if (!ws) return NO_WORKSPACE();
    const scan = await scanTree(ws.info.root, this.bounds);
    this.remember(ws, scan);
    return ok({ root: ws.info.root, entries: scan.entries, truncated: scan.truncated });
  }

  async readFile({ path }: { path: string }): Promise<Result<FileContent>> {
    const target = await this.resolve(path);
    if (!target.ok) return target;
    const state = await readDiskState(target.value.abs);
    if (state.kind === 'absent') return fail('NOT_FOUND', `${target.value.rel} does not exist.`);
    if (state.kind === 'error') return state.error;
    return ok({ path: target.value.rel, text: state.text, version: state.version, size: state.size });
  }

  async writeFile(input: { path: string; text: string; baseVersion?: string }): ReturnType<Impl['writeFile']> {
    const ws = this.ws;
    const target = await this.resolve(input.path);
    if (!ws || !target.ok) return ws ? (target as Result<never>) : NO_WORKSPACE();
    return this.serialize(target.value.rel, () => this.save(ws, target.value, input.text, 'save', input.baseVersion));
  }

  async listTemplates(): ReturnType<Impl['listTemplates']> {
    return ok(await listTemplates(this.options.templatesDir));
  }

  async createFromTemplate(input: { template: string; parent: string; name: string; createParent?: boolean }): Promise<Result<WorkspaceInfo>> {
    const parent = expandFolder(input.parent);
    if (!parent.ok) return parent;
    const info = await stat(parent.value).catch(() => undefined);
    if (info && !info.isDirectory()) return fail('BAD_REQUEST', `${parent.value} is a file, not a folder.`, { reason: 'NOT_A_FOLDER' });
    if (!info && !input.createParent) return fail('NOT_FOUND', `There is no folder ${parent.value}.`, { reason: 'NO_PARENT' });
    if (!info) {
      try {
        await mkdir(parent.value, { recursive: true });
      } catch (cause) {
        return fail('IO', `Could not create ${parent.value}: ${(cause as Error).message}`);
      }
    }
    const target = join(parent.value, input.name.trim());
    const copied = await copyTemplate(this.options.templatesDir, input.template, target);
    if (!copied.ok) return copied;
    return this.open({ path: target });
  }

  async expandTemplate(input: { path: string; platform?: TemplatePlatform; text?: string }): ReturnType<Impl['expandTemplate']> {
    const ws = this.ws;
    const target = await this.resolve(input.path);
    if (!ws || !target.ok) return ws ? (target as Result<never>) : NO_WORKSPACE();
    return expandWorkspaceTemplate(ws.info.root, target.value, input);
  }

  async listVersions({ path }: { path: string }): ReturnType<Impl['listVersions']> {
    const ws = this.ws;
    const target = await this.resolve(path);
    if (!ws || !target.ok) return ws ? (target as Result<never>) : NO_WORKSPACE();
    return ok(await ws.history.list(target.value.rel));
  }

  async readVersion({ path, id }: { path: string; id: string }): ReturnType<Impl['readVersion']> {
    const ws = this.ws;
    const target = await this.resolve(path);
    if (!ws || !target.ok) return ws ? (target as Result<never>) : NO_WORKSPACE();
    const found = await ws.history.read(target.value.rel, id);
    return found ? ok(found) : fail('NOT_FOUND', `${target.value.rel} has no saved version ${id}.`);
  }

  async restoreVersion({ path, id }: { path: string; id: string }): ReturnType<Impl['restoreVersion']> {
    const ws = this.ws;
    const target = await this.resolve(path);
    if (!ws || !target.ok) return ws ? (target as Result<never>) : NO_WORKSPACE();
    const found = await ws.history.read(target.value.rel, id);
    if (!found) return fail('NOT_FOUND', `${target.value.rel} has no saved version ${id}.`);
    const saved = await this.serialize(target.value.rel, () => this.save(ws, target.value, found.text, 'restore', undefined, id));
    if (!saved.ok) return saved;
    const file = { path: saved.value.path, text: found.text, version: saved.value.version, size: saved.value.size };
    return ok({ file, saved: saved.value.saved });
  }

  dispose(): void {
    this.ws?.watcher.dispose();
    this.ws = undefined;
  }

  private remember(ws: OpenWorkspace, scan: TreeScan): void {
    ws.watcher.sync(scan.dirs);
    ws.listed.clear();
    for (const entry of scan.entries) if (entry.kind === 'file') ws.listed.add(entry.path);
  }

  private get bounds(): TreeBounds {
    return this.options.bounds ?? DEFAULT_TREE_BOUNDS;
  }

  private async resolve(path: string): Promise<Result<InsidePath>> {
    const ws = this.ws;
    if (!ws) return NO_WORKSPACE();
    const lexical = resolveInside(ws.info.root, path);
    if (!lexical.ok) return lexical;
    return checkRealInside(ws.info.root, lexical.value);
  }

  /** Conflict check, history of what was on disk, atomic write, history of the new text, one event. */
  private async save(ws: OpenWorkspace, target: InsidePath, text: string, reason: 'save' | 'restore', baseVersion?: string, restoredFrom?: string) {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > MAX_FILE_BYTES) return fail('BAD_REQUEST', `${target.rel} would be ${bytes.length} bytes; the limit is ${MAX_FILE_BYTES}.`, { reason: 'TOO_LARGE' });
    const before: DiskState = await readDiskState(target.abs);
    if (before.kind === 'error') return before.error;
    if (baseVersion && before.kind === 'file' && before.version !== baseVersion) {
      return fail('CONFLICT', `${target.rel} was changed on disk since it was opened.`, { reason: 'CHANGED_ON_DISK', version: before.version });
    }
    const version = contentVersion(bytes);
    try {
      if (before.kind === 'file' && before.version !== version && (await ws.history.latest(target.rel))?.version !== before.version) {
        await ws.history.record(target.rel, before.text, 'disk', undefined, before.modifiedAt);
      }
      ws.known.set(target.rel, version);
      await writeWorkspaceFile(target.abs, bytes, before.kind === 'file' ? before.mode : undefined);
    } catch (cause) {
      ws.known.delete(target.rel);
      return fail('IO', `Could not save ${target.rel}: ${(cause as Error).message}`);
    }
    let saved;
    try {
      saved = await ws.history.record(target.rel, text, reason, restoredFrom);
    } catch (cause) {
      return fail('IO', `Saved ${target.rel}, but could not keep a version in local history: ${(cause as Error).message}`);
    }
    ws.listed.add(target.rel);
    if (this.ws === ws) {
      const change = before.kind === 'file' ? 'modified' : 'created';
      this.options.events.emit(workspaceContract, 'fileChanged', { root: ws.info.root, path: target.rel, change, version, origin: 'console' });
    }
    return ok({ path: target.rel, version, size: bytes.length, saved });
  }

  /** From the watcher: look at each reported path again and announce what really changed elsewhere. */
  private async onDiskChanges(ws: OpenWorkspace, paths: readonly string[]): Promise<void> {
    const files = new Set<string>();
    for (const path of paths) {
      const inside = resolveInside(ws.info.root, path);
      if (!inside.ok) continue;
      const info = await stat(inside.value.abs).catch(() => undefined);
      if (info?.isDirectory()) {
        // A folder appeared (or was reported without a file name): watch it and look at what it holds.
        const scan = await scanTree(ws.info.root, this.bounds, inside.value.rel);
        scan.dirs.forEach((dir) => ws.watcher.add(dir));
        scan.entries.filter((e) => e.kind === 'file').forEach((e) => files.add(e.path));
        for (const known of ws.known.keys()) if (known.startsWith(`${inside.value.rel}/`)) files.add(known);
      } else {
        files.add(inside.value.rel);
      }
    }
    for (const path of files) await this.announce(ws, path);
  }

  private async announce(ws: OpenWorkspace, path: string): Promise<void> {
    if (this.ws !== ws || !isRelevantPath(path)) return;
    const state = await readDiskState(join(ws.info.root, ...path.split('/')));
    if (state.kind === 'error') return;
    const version = state.kind === 'file' ? state.version : null;
    const previous = ws.known.get(path);
    if (previous === version) return; // our own write, or already announced
    ws.known.set(path, version);
    const existed = previous === undefined ? ws.listed.has(path) : previous !== null;
    if (version === null) {
      ws.listed.delete(path);
      if (existed) this.options.events.emit(workspaceContract, 'fileChanged', { root: ws.info.root, path, change: 'deleted', origin: 'disk' });
    } else {
      ws.listed.add(path);
      const change = existed ? 'modified' : 'created';
      this.options.events.emit(workspaceContract, 'fileChanged', { root: ws.info.root, path, change, version, origin: 'disk' });
    }
  }

  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(key, task);
  }
}

function isRelevantPath(path: string): boolean {
  const segments = path.split('/');
  return isRelevantFile(segments.at(-1) ?? '') && !segments.slice(0, -1).some((s) => SKIPPED_DIRS.has(s));
}
