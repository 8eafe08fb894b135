import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { fail, ok, type Result } from '../../shared/errors';

/**
 * Path rules of the workspace: what a relative path may be, what stays inside the folder, which files are
 * worth showing. Every path that comes from the renderer goes through `resolveInside` before it touches the disk.
 */

/** Folders never listed nor watched: tooling output and dependencies, not solution content. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'bin', 'obj', '__pycache__', '.venv', 'venv', '.vs', '.idea']);

const RELEVANT_EXTENSIONS = /\.(json|jsonc|env|md|txt|ya?ml|js|mjs|cjs|ts|py|cs|csproj|sh|ps1|toml|ini|c|h|java|go|rs)$/i;
const RELEVANT_NAMES = /^(\.env(\..+)?|\.gitignore|\.dockerignore|dockerfile(\..+)?|makefile)$/i;

/** Files a solution author edits: manifests, module.json, .env, Dockerfiles and module sources. */
export function isRelevantFile(name: string): boolean {
  if (/\.(tmp|swp|bak)$|~$/i.test(name)) return false;
  return RELEVANT_NAMES.test(name) || RELEVANT_EXTENSIONS.test(name);
}

/** `~` and `~/x` expand to the home folder; anything else must be absolute. */
export function expandFolder(input: string, home = homedir()): Result<string> {
  const text = input.trim();
  const expanded = text === '~' ? home : text.startsWith('~/') || text.startsWith('~\\') ? join(home, text.slice(2)) : text;
  if (!isAbsolute(expanded)) return fail('BAD_REQUEST', `"${input}" is not an absolute folder path. Give the full path (or start with ~/).`, { reason: 'NOT_ABSOLUTE' });
  return ok(resolve(expanded));
}

export interface InsidePath {
  /** Normalized relative POSIX path. */
  readonly rel: string;
  readonly abs: string;
}

function outside(path: string): Result<never> {
  return fail('BAD_REQUEST', `"${path}" is outside the workspace folder; only files inside the open folder can be read or written.`, {
    reason: 'OUTSIDE_WORKSPACE',
    path,
  });
}

/** Lexical check: a relative path that, once normalized, names something strictly inside `root`. */
export function resolveInside(root: string, path: string): Result<InsidePath> {
  if (path.includes('\0')) return fail('BAD_REQUEST', 'A path cannot contain a NUL character.', { reason: 'BAD_PATH' });
  const slashed = path.replace(/\\/g, '/');
  if (posix.isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed)) return outside(path);
  const rel = posix.normalize(slashed).replace(/\/+$/, '');
  if (rel === '..' || rel.startsWith('../')) return outside(path);
  if (rel === '.' || rel === '') return fail('BAD_REQUEST', 'The path names the workspace folder itself, not a file in it.', { reason: 'BAD_PATH' });
  const abs = join(root, ...rel.split('/'));
  const back = relative(root, abs);
  if (back === '' || back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back)) return outside(path);
  return ok({ rel, abs });
}

/**
 * Symbolic links: the real location of the path (or of its nearest existing parent, for a new file) must still
 * be inside the real workspace folder.
 */
export async function checkRealInside(realRoot: string, target: InsidePath): Promise<Result<InsidePath>> {
  let probe = target.abs;
  for (;;) {
    try {
      const real = await realpath(probe);
      const back = relative(realRoot, real);
      if (back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back)) return outside(target.rel);
      return ok(target);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') return ok(target); // reported by the operation itself
      const parent = dirname(probe);
      if (parent === probe) return outside(target.rel);
      probe = parent;
    }
  }
}

/** The display name of a folder. */
export function folderName(root: string): string {
  return basename(root) || root;
}
