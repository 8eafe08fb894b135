import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HistoryVersion, type VersionReason } from '../../shared/ipc/workspace.contract';
import { writeFileAtomic } from '../runtime/atomic-file';

/**
 * Local history of one workspace folder, kept in the data folder (never in the workspace itself):
 *
 *   <dataDir>/history/<sha256(root)[0..16]>/folder.json          { root }
 *   <dataDir>/history/<…>/files/<sha256(path)[0..16]>/index.json  { path, versions: HistoryVersion[] } oldest first
 *   <dataDir>/history/<…>/files/<…>/<id>.txt                      the text of one version
 *
 * A version identical to the latest one is not stored twice. Each file keeps at most `maxVersions` versions;
 * the oldest are pruned. Writes to one file's history are serialized.
 */
const FileIndex = z.object({ path: z.string(), versions: z.array(HistoryVersion) });
type FileIndex = z.infer<typeof FileIndex>;

export const DEFAULT_MAX_VERSIONS = 200;

export function contentVersion(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export class WorkspaceHistoryStore {
  readonly dir: string;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    dataDir: string,
    private readonly root: string,
    private readonly maxVersions = DEFAULT_MAX_VERSIONS,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = join(dataDir, 'history', shortHash(root));
  }

  /** Newest first. */
  async list(path: string): Promise<HistoryVersion[]> {
    return (await this.readIndex(path)).versions.slice().reverse();
  }

  async latest(path: string): Promise<HistoryVersion | undefined> {
    return (await this.readIndex(path)).versions.at(-1);
  }

  async read(path: string, id: string): Promise<{ version: HistoryVersion; text: string } | undefined> {
    const version = (await this.readIndex(path)).versions.find((v) => v.id === id);
    if (!version) return undefined;
    try {
      return { version, text: await readFile(join(this.fileDir(path), `${id}.txt`), 'utf8') };
    } catch {
      return undefined;
    }
  }

  /** Keeps `text` as a new version unless it is the latest one already; returns the entry that holds it. */
  /** `at`: when this text came to be (a version found on disk is dated by the file's modification time). */
  record(path: string, text: string, reason: VersionReason, restoredFrom?: string, at?: Date): Promise<HistoryVersion> {
    return this.serialize(path, async () => {
      const index = await this.readIndex(path);
      const version = contentVersion(text);
      const latest = index.versions.at(-1);
      if (latest && latest.version === version) return latest;
      const savedAt = at ?? this.now();
      const entry: HistoryVersion = {
        id: this.nextId(savedAt),
        savedAt: savedAt.toISOString(),
        size: Buffer.byteLength(text),
        version,
        reason,
        ...(restoredFrom ? { restoredFrom } : {}),
      };
      const dir = this.fileDir(path);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await this.writeFolderNote();
      await writeFileAtomic(join(dir, `${entry.id}.txt`), text);
      const versions = [...index.versions, entry];
      const pruned = versions.splice(0, Math.max(0, versions.length - this.maxVersions));
      await writeFileAtomic(join(dir, 'index.json'), `${JSON.stringify({ path, versions } satisfies FileIndex)}\n`);
      await Promise.all(pruned.map((old) => rm(join(dir, `${old.id}.txt`), { force: true })));
      return entry;
    });
  }

  private fileDir(path: string): string {
    return join(this.dir, 'files', shortHash(path));
  }

  private async readIndex(path: string): Promise<FileIndex> {
    try {
      const parsed = FileIndex.safeParse(JSON.parse(await readFile(join(this.fileDir(path), 'index.json'), 'utf8')));
      if (parsed.success && parsed.data.path === path) return parsed.data;
    } catch {
      /* no history yet, or unreadable: start over */
    }
    return { path, versions: [] };
  }

  private folderNoted = false;
  private async writeFolderNote(): Promise<void> {
    if (this.folderNoted) return;
    await writeFileAtomic(join(this.dir, 'folder.json'), `${JSON.stringify({ root: this.root })}\n`);
    this.folderNoted = true;
  }

  /** Unique ids that read in time order: base-36 milliseconds (fixed width) plus a random suffix. */
  private nextId(at: Date): string {
    return `${at.getTime().toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
  }

  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}
