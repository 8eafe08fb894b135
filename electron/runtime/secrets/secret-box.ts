import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file';

/**
 * Protects the master key with the OS keychain when the shell has one (Electron's safeStorage). The served
 * console has none: its key file is then only as private as the data folder (0600).
 */
export interface KeyProtector {
  readonly name: 'safeStorage';
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

const MAGIC = 'gatehouse-secret';

/**
 * Secrets at rest (deployments with registry passwords, module keys, CA private keys) are sealed with
 * AES-256-GCM under one master key, `<data>/secrets/master.key`. Files written before encryption existed are
 * still read (as plain text) and sealed on their next write.
 */
export class SecretBox {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly protector?: KeyProtector,
  ) {}

  /** How the master key is kept, for Settings and the notes: the keychain, or a private file. */
  get protection(): 'safeStorage' | 'file' {
    return this.protector ? 'safeStorage' : 'file';
  }

  async seal(text: string): Promise<string> {
    const key = await this.masterKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return `${JSON.stringify({ [MAGIC]: 1, alg: 'A256GCM', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') })}\n`;
  }

  /** Opens sealed text; text that was never sealed (older files) is returned as it is. */
  async open(stored: string): Promise<string> {
    if (!isSealed(stored)) return stored;
    const box = JSON.parse(stored) as { iv: string; tag: string; data: string };
    const decipher = createDecipheriv('aes-256-gcm', await this.masterKey(), Buffer.from(box.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
  }

  async writeFile(path: string, text: string): Promise<void> {
    await writeFileAtomic(path, await this.seal(text), 0o600);
  }

  /** The file's plain text; undefined when it does not exist. Throws when it cannot be opened (wrong key, tampered). */
  async readFile(path: string): Promise<string | undefined> {
    let stored: string;
    try {
      stored = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    return this.open(stored);
  }

  private masterKey(): Promise<Buffer> {
    this.key ??= this.loadOrCreateKey();
    return this.key;
  }

  private async loadOrCreateKey(): Promise<Buffer> {
    const dir = join(this.dataDir, 'secrets');
    const path = join(dir, 'master.key');
    let stored: { protection: 'safeStorage' | 'file'; key: string } | undefined;
    try {
      stored = JSON.parse(await readFile(path, 'utf8')) as typeof stored;
    } catch {
      stored = undefined;
    }
    if (stored) {
      const raw = Buffer.from(stored.key, 'base64');
      if (stored.protection === 'file') return raw;
      if (!this.protector) throw new Error(`The secrets in ${this.dataDir} are protected by the desktop app's keychain; open them with the desktop app.`);
      return this.protector.decrypt(raw);
    }
    const key = randomBytes(32);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const record = this.protector ? { protection: 'safeStorage', key: this.protector.encrypt(key).toString('base64') } : { protection: 'file', key: key.toString('base64') };
    await writeFileAtomic(path, `${JSON.stringify(record)}\n`, 0o600);
    return key;
  }
}

export function isSealed(stored: string): boolean {
  return stored.trimStart().startsWith(`{"${MAGIC}"`);
}
