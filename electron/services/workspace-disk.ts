import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fail, type Result } from '../../shared/errors';
import { MAX_FILE_BYTES } from '../../shared/ipc/workspace.contract';
import { writeFileAtomic } from '../runtime/atomic-file';
import { contentVersion } from './workspace-history.store';

/**
 * What is on disk at a path, as the workspace sees it: absent, a text file (with its content version and mode),
 * or something it refuses to edit (a folder, a binary or oversized file, an unreadable path).
 */
export type DiskState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly text: string; readonly version: string; readonly size: number; readonly mode: number; readonly modifiedAt: Date }
  | { readonly kind: 'error'; readonly error: Result<never> };

export async function readDiskState(abs: string): Promise<DiskState> {
  try {
    const info = await stat(abs);
    if (info.isDirectory()) return { kind: 'error', error: fail('BAD_REQUEST', `${abs} is a folder, not a file.`, { reason: 'NOT_A_FILE' }) };
    if (info.size > MAX_FILE_BYTES) {
      return { kind: 'error', error: fail('BAD_REQUEST', `${abs} is ${info.size} bytes; files up to ${MAX_FILE_BYTES} bytes can be edited.`, { reason: 'TOO_LARGE' }) };
    }
    const bytes = await readFile(abs);
    if (bytes.includes(0)) return { kind: 'error', error: fail('BAD_REQUEST', `${abs} is a binary file.`, { reason: 'BINARY' }) };
    return { kind: 'file', text: bytes.toString('utf8'), version: contentVersion(bytes), size: bytes.length, mode: info.mode & 0o777, modifiedAt: info.mtime };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' };
    return { kind: 'error', error: fail('IO', `Could not read ${abs}: ${(cause as Error).message}`) };
  }
}

/** Atomic write (temp file, fsync, rename) that keeps the file's permissions; new files get 0644 (less umask). */
export async function writeWorkspaceFile(abs: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(abs), { recursive: true });
  await writeFileAtomic(abs, bytes, mode);
}

/** Runs tasks one after another per key (e.g. per file), so a check-then-write is never interleaved. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
