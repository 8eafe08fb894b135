import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Where a console keeps its own log (the agent's, the edge hub's and the hubs' lines), in its data folder. */
export const runtimeLogPath = (dataDir: string): string => join(dataDir, 'logs', 'runtime.log');

export interface RuntimeLogOptions {
  /** Rotated to `runtime.log.1` (the one before is dropped) past this size; default 4 MiB. */
  readonly maxBytes?: number;
  readonly now?: () => number;
}

/**
 * The console's runtime log on disk, as edgeAgent's and edgeHub's container logs are for IoT Edge: each line the
 * host logs, with its time, appended to `<data>/logs/runtime.log` (0600), rotated at a size. A support bundle reads
 * it back (`linesSince`). Lines are written as they come (one small synchronous append; the host logs a few lines a
 * minute), so a console that is killed keeps everything it said. Only the process holding the data folder's lock
 * writes it. A log that cannot be written is given up quietly: the console's own output still has every line.
 */
export class RuntimeLog {
  private fd: number | undefined;
  private bytes = 0;
  private failed = false;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(
    private readonly path: string,
    options: RuntimeLogOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  write(line: string): void {
    if (this.failed) return;
    try {
      if (this.fd === undefined) this.open();
      const text = `${new Date(this.now()).toISOString()} ${line.replace(/\r?\n/g, '\n    ')}\n`;
      const size = Buffer.byteLength(text);
      if (this.bytes > 0 && this.bytes + size > this.maxBytes) this.rotate();
      writeSync(this.fd!, text);
      this.bytes += size;
    } catch {
      this.failed = true;
      this.close();
    }
  }

  /** Closes the file for good: later lines are not written. */
  end(): void {
    this.failed = true;
    this.close();
  }

  private close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }

  private open(): void {
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, 'a', 0o600);
    this.bytes = statSync(this.path).size;
  }

  private rotate(): void {
    this.close();
    renameSync(this.path, `${this.path}.1`);
    this.open();
  }
}

/**
 * The runtime log's lines at or after `since` (the rotated file first), oldest first, at most `maxLines` (the
 * newest kept; `dropped` counts the others). A continuation line (indented) follows its line. Undefined when there
 * is no log.
 */
export function linesSince(path: string, since: Date, maxLines: number): { lines: string[]; dropped: number } | undefined {
  const texts: string[] = [];
  for (const file of [`${path}.1`, path]) {
    try {
      texts.push(readFileSync(file, 'utf8'));
    } catch {
      // absent
    }
  }
  if (texts.length === 0) return undefined;
  const cutoff = since.getTime();
  const lines: string[] = [];
  let keep = false;
  for (const line of texts.join('').split('\n')) {
    if (line === '') continue;
    if (!line.startsWith(' ')) {
      const at = Date.parse(line.slice(0, line.indexOf(' ')));
      keep = !Number.isNaN(at) && at >= cutoff;
    }
    if (keep) lines.push(line);
  }
  const dropped = Math.max(0, lines.length - maxLines);
  return { lines: dropped ? lines.slice(dropped) : lines, dropped };
}
