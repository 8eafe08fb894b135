import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSealed, SecretBox, type KeyProtector } from './secret-box';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gh-secrets-'));
  dirs.push(d);
  return d;
};

/** A stand-in keychain: XOR is enough to tell protected from unprotected key files in a test. */
const keychain: KeyProtector = {
  name: 'safeStorage',
  encrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
  decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
};

describe('SecretBox', () => {
  it('seals files so the secret is not in them, and opens them again with the same data folder', async () => {
    const d = dir();
    const file = join(d, 'deployment.json');
    await new SecretBox(d).writeFile(file, '{"password":"hunter2"}');
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain('hunter2');
    expect(isSealed(stored)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(d, 'secrets', 'master.key')).mode & 0o777).toBe(0o600);
    expect(await new SecretBox(d).readFile(file)).toBe('{"password":"hunter2"}');
  });

  it('refuses a tampered file', async () => {
    const d = dir();
    const file = join(d, 'x');
    const box = new SecretBox(d);
    await box.writeFile(file, 'secret');
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    sealed.data = Buffer.from('other!').toString('base64');
    writeFileSync(file, JSON.stringify(sealed));
    await expect(new SecretBox(d).readFile(file)).rejects.toThrow();
  });

  it('reads files written before encryption as they are', async () => {
    const d = dir();
    writeFileSync(join(d, 'old.json'), '{"plain":true}');
    expect(await new SecretBox(d).readFile(join(d, 'old.json'))).toBe('{"plain":true}');
    expect(await new SecretBox(d).readFile(join(d, 'missing.json'))).toBeUndefined();
  });

  it('keeps the master key in the keychain when the shell has one', async () => {
    const d = dir();
    const box = new SecretBox(d, keychain);
    const sealed = await box.seal('s3cret');
    const record = JSON.parse(readFileSync(join(d, 'secrets', 'master.key'), 'utf8')) as { protection: string };
    expect(record.protection).toBe('safeStorage');
    expect(await new SecretBox(d, keychain).open(sealed)).toBe('s3cret');
    await expect(new SecretBox(d).open(sealed)).rejects.toThrow(/keychain/);
  });
});
