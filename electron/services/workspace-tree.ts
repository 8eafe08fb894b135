import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TreeEntry } from '../../shared/ipc/workspace.contract';
import { isRelevantFile, SKIPPED_DIRS } from './workspace-paths';

export interface TreeBounds {
  /** Folder levels below the root that are read (the root is level 0). */
  readonly maxDepth: number;
  /** Entries (files and folders) listed at most. */
  readonly maxEntries: number;
  /** Folders watched at most. */
  readonly maxDirs: number;
}

export const DEFAULT_TREE_BOUNDS: TreeBounds = { maxDepth: 8, maxEntries: 2000, maxDirs: 500 };

export interface TreeScan {
  /** Relevant files and the folders that contain them (depth-first, folders first, sorted by name). */
  readonly entries: TreeEntry[];
  /** Every folder read (relative, '' is the root), relevant or not: what the watcher watches. */
  readonly dirs: string[];
  readonly truncated: boolean;
}

const byName = (a: Dirent, b: Dirent) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base', numeric: true });

/**
 * Reads the workspace folder with bounds on depth and count. Symbolic links are not followed (no loops, no
 * escapes); skipped folders (node_modules, .git, …) are neither listed nor watched.
 */
export async function scanTree(root: string, bounds: TreeBounds = DEFAULT_TREE_BOUNDS, start = ''): Promise<TreeScan> {
  const dirs: string[] = [];
  let truncated = false;
  let count = 0;

  async function walk(rel: string, depth: number): Promise<TreeEntry[]> {
    if (dirs.length >= bounds.maxDirs) {
      truncated = true;
      return [];
    }
    dirs.push(rel);
    let items: Dirent[];
    try {
      items = await readdir(rel ? join(root, ...rel.split('/')) : root, { withFileTypes: true });
    } catch {
      return []; // vanished or unreadable: shown as absent
    }
    const folders = items.filter((d) => d.isDirectory() && !SKIPPED_DIRS.has(d.name)).sort(byName);
    const files = items.filter((d) => d.isFile() && isRelevantFile(d.name)).sort(byName);
    const out: TreeEntry[] = [];
    for (const folder of folders) {
      const path = rel ? `${rel}/${folder.name}` : folder.name;
      if (depth + 1 > bounds.maxDepth) {
        truncated = true;
        continue;
      }
      const children = await walk(path, depth + 1);
      if (children.length === 0) continue;
      count++;
      out.push({ path, name: folder.name, kind: 'directory' }, ...children);
    }
    for (const file of files) {
      if (count >= bounds.maxEntries) {
        truncated = true;
        break;
      }
      const path = rel ? `${rel}/${file.name}` : file.name;
      const size = await stat(join(root, ...path.split('/'))).then(
        (s) => s.size,
        () => undefined,
      );
      count++;
      out.push(size === undefined ? { path, name: file.name, kind: 'file' } : { path, name: file.name, kind: 'file', size });
    }
    return out;
  }

  const startDepth = start ? start.split('/').length : 0;
  const entries = await walk(start, startDepth);
  return { entries, dirs, truncated };
}
