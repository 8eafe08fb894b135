import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';

export interface ServedConsole {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeOptions {
  /** An existing data folder (kept on stop: its owner removes it); default a fresh one, removed on stop. */
  readonly dataDir?: string;
  /** Default: a free port. */
  readonly port?: number;
}

/** Starts the built console (`node dist/cli.mjs serve`) on a free port with a fresh data folder. */
export async function startServedConsole(env: NodeJS.ProcessEnv = {}, options: ServeOptions = {}): Promise<ServedConsole> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/cli.mjs'), 'serve', '--port', String(options.port ?? 0), '--json'], {
    // Probes of registries stay on this machine (a deployment naming mcr.microsoft.com is "not checked", not probed).
    env: { ...process.env, GATEHOUSE_PROBE_SCOPE: 'loopback', ...env, GATEHOUSE_HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolveLine, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolveLine(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`gatehouse serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`gatehouse serve did not start in 20 s: ${stderr}`)), 20_000);
  });
  const { url, port } = JSON.parse(first) as { url: string; port: number };
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test fixture: one served console per worker. */
export const test = base.extend<object, { served: ServedConsole }>({
  served: [
    async ({}, use) => {
      const served = await startServedConsole();
      await use(served);
      await served.stop();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';

export const SCREENSHOTS = join(ROOT, 'e2e', 'screenshots');
