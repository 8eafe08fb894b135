import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from './command';

/** The name every command takes for standard input in place of a file. */
export const STDIN = '-';

/**
 * The text of a file a command was given, `-` meaning standard input (as in `routes check --file -`,
 * `validate -`, `expand -`). Relative paths are relative to the invocation's folder.
 */
export async function readInput(path: string, io: CliIo): Promise<string> {
  if (path !== STDIN) return readFile(resolve(io.cwd, path), 'utf8');
  if (!io.stdin) throw new Error('standard input is not available here');
  return io.stdin();
}
