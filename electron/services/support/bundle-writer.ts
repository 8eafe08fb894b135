import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { appError, err, ok, type Result } from '../../../shared/errors';

/** One file of the archive: its path inside the zip and its (already redacted) text. */
export interface BundleEntry {
  readonly name: string;
  readonly text: string;
}

/**
 * Where a bundle may be written: an absolute path to a file that does not exist yet, in a folder that does.
 * Checked before anything is collected, so a wrong path fails at once with a clear message.
 */
export async function checkOutPath(out: string): Promise<Result<string>> {
  if (!isAbsolute(out)) return err(appError('BAD_REQUEST', `the output path must be absolute: ${out}`));
  const folder = await stat(dirname(out)).catch(() => undefined);
  if (!folder?.isDirectory()) return err(appError('NOT_FOUND', `the folder ${dirname(out)} does not exist: create it first, or choose another --out`));
  const existing = await stat(out).catch(() => undefined);
  if (existing) return err(appError('CONFLICT', `${out} already exists: a support bundle never overwrites a file; choose another --out or remove it`));
  return ok(out);
}

/**
 * Writes the entries as a zip to `out`: first to a temporary file beside it, then linked into place, which fails
 * when `out` appeared meanwhile (never overwritten, never half-written under its name).
 */
export async function writeZip(out: string, entries: readonly BundleEntry[], mtime = new Date()): Promise<Result<{ bytes: number }>> {
  const temporary = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    // yazl is imported when a bundle is written, not when the CLI loads this module.
    const { ZipFile } = await import('yazl');
    const zip = new ZipFile();
    for (const entry of entries) zip.addBuffer(Buffer.from(entry.text, 'utf8'), entry.name, { mtime, mode: 0o100644 });
    await new Promise<void>((resolve, reject) => {
      const file = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
      file.on('error', reject);
      file.on('close', resolve);
      zip.outputStream.on('error', reject);
      zip.outputStream.pipe(file);
      zip.end();
    });
    try {
      await link(temporary, out);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return err(appError('CONFLICT', `${out} appeared while the bundle was written: it was left untouched`));
      throw error;
    }
    return ok({ bytes: (await stat(out)).size });
  } catch (error) {
    return err(appError('IO', `could not write ${out}: ${(error as Error).message}`));
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
