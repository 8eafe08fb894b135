import { execFile } from 'node:child_process';
import { access, constants, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { appError, err, ok, type Result } from '../../../../shared/errors';

/** Finding this machine's binaries and the shared libraries they need, to copy them into a `FROM scratch` image. */

const execFileAsync = promisify(execFile);

/** `which name`: the first executable on PATH, with symlinks resolved. */
export async function which(name: string, envPath = process.env.PATH ?? ''): Promise<Result<string>> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return ok(await realpath(candidate));
    } catch {
      // not here
    }
  }
  return err(appError('NOT_FOUND', `${name} is not on PATH`, { name }));
}

/**
 * The program interpreter (PT_INTERP) of an ELF executable, e.g. `/lib64/ld-linux-x86-64.so.2`, or undefined
 * for a static binary. Fails with BAD_REQUEST for a file that is not a 64-bit little-endian ELF.
 */
export async function elfInterpreter(file: string): Promise<Result<string | undefined>> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return err(appError('NOT_FOUND', `${file} does not exist`, { file }));
  try {
    const header = Buffer.alloc(64);
    await handle.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) {
      return err(appError('BAD_REQUEST', `${file} is not a 64-bit little-endian ELF executable`, { file }));
    }
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    await handle.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const entry = i * phentsize;
      if (table.readUInt32LE(entry) !== 3) continue; // PT_INTERP
      const offset = Number(table.readBigUInt64LE(entry + 8));
      const size = Number(table.readBigUInt64LE(entry + 32));
      const text = Buffer.alloc(size);
      await handle.read(text, 0, size, offset);
      return ok(text.toString('utf8').replace(/\0+$/, ''));
    }
    return ok(undefined);
  } finally {
    await handle.close();
  }
}

export interface SharedLibrary {
  /** The path the dynamic loader found it at (where it must sit in the image too). */
  readonly path: string;
  readonly name: string;
}

/**
 * Parses `ldd` output (glibc format). Pure.
 *   libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)     → a library
 *   /lib64/ld-linux-x86-64.so.2 (0x…)                      → the loader itself
 *   linux-vdso.so.1 (0x…)                                   → in the kernel, skipped
 *   libfoo.so.1 => not found                                → reported in `missing`
 */
export function parseLdd(output: string): { libraries: SharedLibrary[]; missing: string[] } {
  const libraries: SharedLibrary[] = [];
  const missing: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    const arrow = /^(\S+)\s+=>\s+(.+?)(?:\s+\(0x[0-9a-f]+\))?$/.exec(line);
    if (arrow?.[1] && arrow[2]) {
      if (arrow[2] === 'not found') missing.push(arrow[1]);
      else if (arrow[2].startsWith('/')) libraries.push({ name: arrow[1], path: arrow[2] });
      continue;
    }
    const direct = /^(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(line);
    if (direct?.[1]) libraries.push({ name: path.basename(direct[1]), path: direct[1] });
  }
  return { libraries, missing };
}

/** The shared libraries (and the loader) `ldd` lists for a binary. Linux with glibc only. */
export async function sharedLibraries(binary: string): Promise<Result<SharedLibrary[]>> {
  if (process.platform !== 'linux') {
    return err(appError('BAD_REQUEST', `collecting shared libraries needs Linux (ldd); this is ${process.platform}`));
  }
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ldd', [binary], { encoding: 'utf8' }));
  } catch (error) {
    return err(appError('IO', `ldd ${binary} failed: ${String((error as Error).message ?? error)}`, { binary }));
  }
  const { libraries, missing } = parseLdd(stdout);
  if (missing.length > 0) {
    return err(appError('NOT_FOUND', `${binary} needs libraries this machine lacks: ${missing.join(', ')}`, { binary, missing }));
  }
  return ok(libraries);
}
