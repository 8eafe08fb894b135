import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { appError, err, ok, type Result } from '../../../../shared/errors';

/**
 * The production dependency closure of some npm packages, found the way Node finds them (the nearest
 * `node_modules/<name>` walking up from the requiring package), so that a module image can carry exactly the
 * node_modules it runs with, staged from this machine's install: no registry, no `npm install` in the image.
 */

export interface ResolvedPackage {
  readonly name: string;
  readonly version: string;
  /** Where the package's files are read from (symlinks resolved). */
  readonly source: string;
  /** Where it goes, relative to the folder holding the top `node_modules`, e.g. `node_modules/a/node_modules/b`. */
  readonly target: string;
}

type PackageManifest = { version?: unknown; dependencies?: unknown; optionalDependencies?: unknown };

function parseManifest(text: string): PackageManifest {
  const json = JSON.parse(text) as unknown;
  return json && typeof json === 'object' ? (json as PackageManifest) : {};
}

const dependencyNames = (value: unknown): string[] => (value && typeof value === 'object' ? Object.keys(value) : []);

/** The nearest `<dir>/node_modules/<name>` with a package.json, from `fromDir` up to the file-system root. */
async function findPackage(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (path.basename(dir) !== 'node_modules' && (await stat(path.join(candidate, 'package.json')).catch(() => undefined))?.isFile()) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The packages `names` need at run time: themselves, their `dependencies` and the `optionalDependencies` that
 * are installed, transitively, each once, sorted by target. Resolution starts at `fromDir`; the folder holding
 * the `node_modules` of the first package is the root every target is relative to, and every package of the
 * closure must be under it (a dependency found above it could not be laid out the same way in the image).
 */
export async function resolveNodeModules(fromDir: string, names: readonly string[]): Promise<Result<ResolvedPackage[]>> {
  let root: string | undefined;
  const found = new Map<string, ResolvedPackage>();
  const queue: Array<{ name: string; from: string; requiredBy: string; optional: boolean }> = names.map((name) => ({ name, from: fromDir, requiredBy: fromDir, optional: false }));
  while (queue.length > 0) {
    const next = queue.shift()!;
    const location = await findPackage(next.name, next.from);
    if (!location) {
      if (next.optional) continue;
      return err(appError('NOT_FOUND', `cannot find package ${next.name} (needed by ${next.requiredBy}) in a node_modules folder above ${next.from}; run npm install`, { name: next.name, from: next.from }));
    }
    // <root>/node_modules/<name>, where a scoped name has two segments.
    root ??= path.resolve(location, ...next.name.split('/').map(() => '..'), '..');
    const target = path.relative(root, location).split(path.sep).join('/');
    if (target.startsWith('..')) {
      return err(appError('BAD_REQUEST', `package ${next.name} (at ${location}) is outside ${root}, where the first package was found`, { name: next.name, location, root }));
    }
    if (found.has(target)) continue;
    const source = await realpath(location);
    let manifest: PackageManifest;
    try {
      manifest = parseManifest(await readFile(path.join(source, 'package.json'), 'utf8'));
    } catch (error) {
      return err(appError('BAD_REQUEST', `${path.join(source, 'package.json')} is not readable JSON: ${(error as Error).message}`, { location }));
    }
    found.set(target, { name: next.name, version: typeof manifest.version === 'string' ? manifest.version : '', source, target });
    // Node resolves a package's dependencies from its real path (no --preserve-symlinks).
    for (const dependency of dependencyNames(manifest.dependencies)) queue.push({ name: dependency, from: source, requiredBy: next.name, optional: false });
    for (const dependency of dependencyNames(manifest.optionalDependencies)) queue.push({ name: dependency, from: source, requiredBy: next.name, optional: true });
  }
  return ok([...found.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)));
}
