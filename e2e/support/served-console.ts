import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';
import { forEachLook, shotPath } from './looks';

export interface ServedConsole {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  /** What the console logged on stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

/** The consoles started by this worker and not stopped: their logs are attached to a failed test. */
const live = new Set<ServedConsole>();

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
  const served: ServedConsole = {
    url,
    origin: parsed.origin,
    port,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    log: () => stderr,
    stop: async () => {
      live.delete(served);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  live.add(served);
  return served;
}

/**
 * A test fixture: one served console per worker. A failed test gets every live console's log attached, and its
 * last lines printed, so a failure in CI says what the console was doing.
 */
export const test = base.extend<{ consoleLogOnFailure: void }, { served: ServedConsole }>({
  consoleLogOnFailure: [
    async ({}, use, testInfo) => {
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      for (const served of live) {
        const tail = served.log().split('\n').slice(-150).join('\n');
        // The list reporter shows 300 characters of a text attachment: print the tail too (it shows a test's stderr).
        process.stderr.write(`--- ${testInfo.title}: console log (port ${served.port}, last 150 lines) ---\n${tail}\n--- end of console log ---\n`);
        await testInfo.attach(`console log (port ${served.port})`, { body: served.log(), contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
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

export { forEachLook, LOOKS, looksFor, SCREENSHOT_MODE, SCREENSHOTS, shotPath, WINDOW_SIZES, type Look, type LookOptions, type Scheme, type SizeName } from './looks';

/** What `/api/rpc` answers: the host's Result. */
export interface RpcResult<T = unknown> {
  readonly ok: boolean;
  readonly value?: T;
  readonly error?: { readonly code: string; readonly message: string };
}

/** One contract method on a served console, as the renderer calls it (the token in the Authorization header). */
export async function rpc<T = unknown>(served: ServedConsole, method: string, params: object = {}): Promise<RpcResult<T>> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as RpcResult<T>;
}

export const SCREEN_SIZES = [
  { width: 1440, height: 900, name: 'large' },
  { width: 1024, height: 700, name: 'small' },
] as const;

/**
 * `<name>-<large|small>-<light|dark>.png` under e2e/screenshots at each of this run's looks (`LOOKS`: every size and
 * scheme locally, large light in CI) among `sizes`, with the pointer parked at the window's edge; then large light.
 */
export async function screenshotEach(page: import('@playwright/test').Page, name: string, sizes: readonly (typeof SCREEN_SIZES)[number][] = SCREEN_SIZES): Promise<void> {
  await forEachLook(
    page,
    async (look) => {
      await page.mouse.move(look.width - 8, Math.round(look.height / 2));
      await page.screenshot({ path: shotPath(name, look), animations: 'disabled' });
    },
    { sizes: sizes.map((size) => size.name) },
  );
}
