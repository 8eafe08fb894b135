import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gh-lock-'));
  dirs.push(d);
  return d;
};

describe('data folder lock', () => {
  it('lets one host in and refuses a second one while the first lives', () => {
    const d = dir();
    const first = lockDataDir(d, process.pid);
    expect(first.ok).toBe(true);
    const second = lockDataDir(d, process.pid + 1);
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { pid: process.pid } } });
    if (first.ok) first.value.dispose();
    expect(existsSync(join(d, 'host.lock'))).toBe(false);
    expect(lockDataDir(d, process.pid + 1).ok).toBe(true);
  });

  it('takes over the lock of a process that is gone', () => {
    const d = dir();
    writeFileSync(join(d, 'host.lock'), '999999999');
    const taken = lockDataDir(d);
    expect(taken.ok).toBe(true);
    expect(readFileSync(join(d, 'host.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('does not remove a lock that another process took meanwhile', () => {
    const d = dir();
    const mine = lockDataDir(d);
    writeFileSync(join(d, 'host.lock'), '424242');
    if (mine.ok) mine.value.dispose();
    expect(readFileSync(join(d, 'host.lock'), 'utf8')).toBe('424242');
  });
});
