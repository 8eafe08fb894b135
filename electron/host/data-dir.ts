import { mkdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The one folder for workspaces history, runtime state and secrets. `GATEHOUSE_HOME` overrides it (serve, tests);
 * Electron passes its userData folder; otherwise the platform's usual application-data folder.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv, electronUserData?: string): string {
  const dir = env.GATEHOUSE_HOME ? resolve(env.GATEHOUSE_HOME) : (electronUserData ?? defaultDataDir(env));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Gatehouse');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Gatehouse');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Gatehouse');
  }
}
