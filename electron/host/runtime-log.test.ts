import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linesSince, RuntimeLog, runtimeLogPath } from './runtime-log';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-runtime-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the runtime log on disk', () => {
  it('appends each line with its time to <data>/logs/runtime.log, readable by its owner only; a multi-line message stays one entry', () => {
    const dir = dataDir();
    let now = Date.parse('2026-12-03T10:00:00.000Z');
    const log = new RuntimeLog(runtimeLogPath(dir), { now: () => now });
    log.write('agent: deployment version 1 accepted');
    now += 1_000;
    log.write('edgehub: refused\nsecond line');
    log.end();
    const path = runtimeLogPath(dir);
    expect(readFileSync(path, 'utf8')).toBe('2026-12-03T10:00:00.000Z agent: deployment version 1 accepted\n2026-12-03T10:00:01.000Z edgehub: refused\n    second line\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Ended: a late line is not written (another console may own the folder by then).
    log.write('late');
    expect(readFileSync(path, 'utf8')).not.toContain('late');
    // Since a time: whole entries, continuation lines with theirs.
    expect(linesSince(path, new Date('2026-12-03T10:00:00.500Z'), 100)).toEqual({ lines: ['2026-12-03T10:00:01.000Z edgehub: refused', '    second line'], dropped: 0 });
  });

  it('rotates to runtime.log.1 past its size, and reads both back, oldest first, keeping the newest lines', () => {
    const dir = dataDir();
    let now = Date.parse('2026-12-03T10:00:00.000Z');
    const log = new RuntimeLog(runtimeLogPath(dir), { maxBytes: 200, now: () => now });
    for (let i = 0; i < 12; i++) {
      log.write(`line ${i} ${'x'.repeat(20)}`);
      now += 1_000;
    }
    log.end();
    const path = runtimeLogPath(dir);
    expect(statSync(path).size).toBeLessThanOrEqual(200);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(200);
    const all = linesSince(path, new Date(0), 1_000)!;
    const numbers = all.lines.map((l) => Number(/line (\d+)/.exec(l)?.[1]));
    // Two files of at most 200 bytes: the oldest lines went with the file rotated away twice.
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.at(-1)).toBe(11);
    expect(numbers.length).toBeGreaterThan(4);
    expect(linesSince(path, new Date(0), 2)).toEqual({ lines: all.lines.slice(-2), dropped: all.lines.length - 2 });
  });

  it('a log it cannot write is given up quietly; no log reads as undefined', () => {
    const dir = dataDir();
    // A regular file where the logs folder should be: the folder cannot be made.
    writeFileSync(join(dir, 'logs'), '');
    const log = new RuntimeLog(runtimeLogPath(dir));
    expect(() => log.write('a line')).not.toThrow();
    expect(() => log.write('another')).not.toThrow();
    expect(() => log.end()).not.toThrow();
    expect(linesSince(runtimeLogPath(dir), new Date(0), 10)).toBeUndefined();
  });
});
