import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../shared/errors';
import type { Disposable } from './event-bus';

/**
 * One host per data folder: two agents reconciling the same containers would fight over them. The lock is a file
 * holding the owner's pid, created exclusively; a lock whose process is gone is taken over.
 */
export function lockDataDir(dataDir: string, pid = process.pid): Result<Disposable> {
  const path = join(dataDir, 'host.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(pid));
      closeSync(fd);
      return ok({ dispose: () => releaseIfOwned(path, pid) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return fail('IO', `Cannot lock ${dataDir}: ${(error as Error).message}`);
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        return fail('CONFLICT', `Another Gatehouse (pid ${owner}) is running on the data folder ${dataDir}. Use it (the CLI reaches it), or set GATEHOUSE_HOME to another folder.`, { pid: owner });
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  return fail('CONFLICT', `Cannot lock ${dataDir}: another process keeps taking the lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOwned(path: string, pid: number): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(pid)) rmSync(path, { force: true });
  } catch {
    /* already gone */
  }
}
