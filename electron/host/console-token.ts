import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SecretBox } from '../runtime/secrets/secret-box';

/**
 * The served console's token, one per data folder and stable across restarts, so that an open page reconnects by
 * itself when the console process restarts. Stored sealed like the other secrets (`<data>/secrets/console-token`);
 * changed only by an explicit rotation (`gatehouse token rotate`).
 */
export class ConsoleTokenStore {
  constructor(
    private readonly dataDir: string,
    private readonly secrets: SecretBox,
  ) {}

  private get path(): string {
    return join(this.dataDir, 'secrets', 'console-token');
  }

  /** The stored token; a new one is made (and stored) when there is none or it cannot be opened. */
  async load(): Promise<string> {
    const stored = await this.secrets.readFile(this.path).catch(() => undefined);
    const token = stored?.trim();
    if (token && /^[\w-]{32,}$/.test(token)) return token;
    return this.rotate();
  }

  async rotate(): Promise<string> {
    const token = newToken();
    await this.secrets.writeFile(this.path, token);
    return token;
  }
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
