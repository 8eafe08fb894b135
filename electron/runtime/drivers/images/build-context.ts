import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, constants, lstat, mkdir, readdir, readFile, readlink, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { appError, err, ok, type Result } from '../../../../shared/errors';
import { elfInterpreter, sharedLibraries, which, type SharedLibrary } from './host-binaries';
import type { HostFileSpec, ImageRecipe } from './image-recipe';
import { resolveNodeModules } from './node-modules';

/**
 * A build context as data: every entry says where it goes (relative to the context root) and where it comes
 * from. The content hash is computed from this plan before anything is copied, so a cached image costs one
 * read of the inputs and no staging.
 */
export type ContextEntry =
  | { readonly kind: 'file'; readonly target: string; readonly source: string; readonly executable: boolean }
  | { readonly kind: 'symlink'; readonly target: string; readonly linkTo: string }
  | { readonly kind: 'directory'; readonly target: string; readonly mode: number };

/** Bump when the staging rules change, so every cached image is rebuilt once. */
export const CONTEXT_FORMAT = 'gatehouse-image-context/1';

const imagePath = (inImage: string) => path.posix.join('rootfs', inImage.replace(/^\/+/, ''));

async function hostFileEntries(spec: HostFileSpec): Promise<Result<ContextEntry[]>> {
  const hint = spec.hint ? ` (${spec.hint})` : '';
  let source: string;
  if ('which' in spec.from) {
    const found = await which(spec.from.which);
    if (!found.ok) return err(appError('NOT_FOUND', `${found.error.message}${hint}`, found.error.details));
    source = found.value;
  } else {
    source = spec.from.path;
  }
  const info = await stat(source).catch(() => undefined);
  if (!info?.isFile()) return err(appError('NOT_FOUND', `${source} is missing on this machine${hint}`, { source }));
  const executable = (info.mode & 0o111) !== 0;
  const entries: ContextEntry[] = [{ kind: 'file', target: imagePath(spec.to), source, executable }];
  if (spec.requireStatic) {
    const interpreter = await elfInterpreter(source);
    if (!interpreter.ok) return interpreter;
    if (interpreter.value) {
      return err(appError('BAD_REQUEST', `${source} is dynamically linked (needs ${interpreter.value}); a FROM scratch image needs a static binary${hint}`, { source }));
    }
  }
  if (spec.sharedLibraries) {
    const libraries = await sharedLibraries(source);
    if (!libraries.ok) return libraries;
    entries.push(...libraries.value.map((lib: SharedLibrary): ContextEntry => ({ kind: 'file', target: imagePath(lib.path), source: lib.path, executable: true })));
  }
  return ok(entries);
}

/** Adds `sourceDir`'s tree as entries under `targetDir`, leaving out what `skip` says (by name, top level or not). */
async function walk(sourceDir: string, targetDir: string, out: ContextEntry[], skip?: (name: string, top: boolean, directory: boolean) => boolean, top = true): Promise<void> {
  for (const name of await readdir(sourceDir)) {
    const source = path.join(sourceDir, name);
    const target = path.posix.join(targetDir, name);
    const info = await lstat(source);
    if (skip?.(name, top, info.isDirectory())) continue;
    if (info.isDirectory()) {
      out.push({ kind: 'directory', target, mode: 0o755 });
      await walk(source, target, out, skip, false);
    } else if (info.isSymbolicLink()) {
      out.push({ kind: 'symlink', target, linkTo: await readlink(source) });
    } else if (info.isFile()) {
      out.push({ kind: 'file', target, source, executable: (info.mode & 0o111) !== 0 });
    }
  }
}

/** Files a package does not need at run time: types, TypeScript sources, source maps, docs. */
const NOT_RUNTIME_FILE = /\.(d\.[cm]?ts|[cm]?ts|map|md|markdown)$/i;

async function nodeModulesEntries(recipe: ImageRecipe): Promise<Result<ContextEntry[]>> {
  if (recipe.nodeModules.length === 0) return ok([]);
  const packages = await resolveNodeModules(recipe.dir, recipe.nodeModules);
  if (!packages.ok) return packages;
  const entries: ContextEntry[] = [];
  for (const pkg of packages.value) {
    if (pkg.name.startsWith('@types/')) continue; // declarations only: nothing requires them at run time
    // `node_modules/…` of the context, apart from rootfs/: the Dockerfile copies it in its own layer, which is
    // then the same (and stored once) for every module image with the same packages.
    const target = pkg.target;
    entries.push({ kind: 'directory', target, mode: 0o755 });
    // A package's own node_modules holds other packages of the closure (or ones it does not need).
    await walk(pkg.source, target, entries, (name, top, directory) => (top && directory && name === 'node_modules') || (!directory && NOT_RUNTIME_FILE.test(name)));
  }
  return ok(entries);
}

/** Everything the recipe's image is built from: Dockerfile, rootfs/, folders, node_modules, host files, links, dirs. */
export async function planContext(recipe: ImageRecipe): Promise<Result<ContextEntry[]>> {
  const entries: ContextEntry[] = [
    { kind: 'file', target: 'Dockerfile', source: path.join(recipe.dir, 'Dockerfile'), executable: false },
    { kind: 'file', target: 'recipe.json', source: path.join(recipe.dir, 'recipe.json'), executable: false },
  ];
  const rootfs = path.join(recipe.dir, 'rootfs');
  if (await stat(rootfs).catch(() => undefined)) await walk(rootfs, 'rootfs', entries);
  for (const [inImage, folder] of Object.entries(recipe.folders)) {
    const source = path.resolve(recipe.dir, folder);
    if (!(await stat(source).catch(() => undefined))?.isDirectory()) {
      return err(appError('NOT_FOUND', `${source} (folder for ${inImage} in recipe ${recipe.name}) is not a folder`, { source }));
    }
    entries.push({ kind: 'directory', target: imagePath(inImage), mode: 0o755 });
    await walk(source, imagePath(inImage), entries);
  }
  const nodeModules = await nodeModulesEntries(recipe);
  if (!nodeModules.ok) return nodeModules;
  entries.push(...nodeModules.value);
  for (const spec of recipe.hostFiles) {
    const files = await hostFileEntries(spec);
    if (!files.ok) return files;
    entries.push(...files.value);
  }
  for (const [inImage, linkTo] of Object.entries(recipe.symlinks)) entries.push({ kind: 'symlink', target: imagePath(inImage), linkTo });
  for (const [inImage, mode] of Object.entries(recipe.directories)) entries.push({ kind: 'directory', target: imagePath(inImage), mode: Number.parseInt(mode, 8) });
  // One entry per target: later ones (host files, recipe dirs) win over rootfs/ defaults.
  const byTarget = new Map(entries.map((entry) => [entry.target, entry]));
  // Code-unit order, not locale order: the hash must be the same on every machine.
  return ok([...byTarget.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)));
}

/** Files up to this size are read at once; bigger ones (node itself) are streamed. */
const READ_AT_ONCE_BYTES = 1 << 20;
/** Files hashed at the same time: a module image has thousands of small node_modules files. */
const HASH_CONCURRENCY = 32;

async function sha256File(file: string): Promise<string> {
  if ((await stat(file)).size <= READ_AT_ONCE_BYTES) return createHash('sha256').update(await readFile(file)).digest('hex');
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** The content digest of every file entry, by index, read HASH_CONCURRENCY at a time. */
async function fileDigests(entries: readonly ContextEntry[]): Promise<Map<number, string>> {
  const files = entries.flatMap((entry, index) => (entry.kind === 'file' ? [{ index, source: entry.source }] : []));
  const digests = new Map<number, string>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      digests.set(file.index, await sha256File(file.source));
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, files.length) }, worker));
  return digests;
}

/**
 * sha256 over the plan: targets, kinds, modes, link targets and file contents (not host paths or times), and
 * the other inputs of the build (e.g. the base image's hash), by name.
 */
export async function hashContext(entries: readonly ContextEntry[], inputs: Readonly<Record<string, string>> = {}): Promise<string> {
  const hash = createHash('sha256').update(`${CONTEXT_FORMAT}\n`);
  for (const name of Object.keys(inputs).sort()) hash.update(`input ${name} ${inputs[name]}\n`);
  const digests = await fileDigests(entries);
  entries.forEach((entry, index) => {
    if (entry.kind === 'file') hash.update(`file ${entry.target} ${entry.executable ? 755 : 644} ${digests.get(index)}\n`);
    else if (entry.kind === 'symlink') hash.update(`symlink ${entry.target} ${entry.linkTo}\n`);
    else hash.update(`dir ${entry.target} ${entry.mode.toString(8)}\n`);
  });
  return hash.digest('hex');
}

/** Materialises the plan under `dir` (an empty temp folder), with normalised modes. */
export async function stageContext(entries: readonly ContextEntry[], dir: string): Promise<void> {
  const directories: Array<{ target: string; mode: number }> = [];
  for (const entry of entries) {
    const destination = path.join(dir, entry.target);
    await mkdir(path.dirname(destination), { recursive: true });
    if (entry.kind === 'file') {
      await copyFile(entry.source, destination, constants.COPYFILE_FICLONE);
      await chmod(destination, entry.executable ? 0o755 : 0o644);
    } else if (entry.kind === 'symlink') {
      await symlink(entry.linkTo, destination);
    } else {
      await mkdir(destination, { recursive: true });
      directories.push(entry);
    }
  }
  // Modes last (a 0555 folder would refuse the files staged into it), independent of the umask.
  const implicit = new Set<string>();
  for (const entry of entries) {
    for (let parent = path.posix.dirname(entry.target); parent !== '.'; parent = path.posix.dirname(parent)) implicit.add(parent);
  }
  for (const parent of implicit) await chmod(path.join(dir, parent), 0o755);
  for (const { target, mode } of directories) await chmod(path.join(dir, target), mode);
}
