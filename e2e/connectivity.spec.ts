import { execFileSync } from 'node:child_process';
import Dockerode from 'dockerode';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, forEachLook, shotPath, startServedConsole, test, type ServedConsole } from './support/served-console';
import { clearEngineRun } from './support/engine-run';

/**
 * The status bar's network word is the host's answer: can it reach the registries the applied deployment still has
 * to pull from. Every registry here is on 127.0.0.1 (a real loopback server answering /v2/ with 401, then a closed
 * port): nothing leaves this machine.
 */

const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const runId = `e2en${Date.now().toString(36)}`;
const docker = new Dockerode();
const sensor = `sensor-${runId}`;

let served: ServedConsole;
let registry: Server | undefined;

async function rpc(method: string, params: unknown): Promise<{ ok: boolean }> {
  const response = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await response.json()) as { ok: boolean };
}

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { env: { ...process.env, GATEHOUSE_HOME: served.dataDir }, encoding: 'utf8' });
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  await new Promise((r) => server.close(r));
  return port;
}

/** `<name>-<light|dark>.png` at 1440×900 (each scheme this run photographs), then light. */
async function shoot(page: Page, name: string, hover?: () => Promise<void>): Promise<void> {
  await forEachLook(
    page,
    async (look) => {
      await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', look.scheme);
      if (hover) await hover();
      else await page.mouse.move(look.width - 8, look.height / 2);
      await page.screenshot({ path: shotPath(name, look, { size: false }), animations: 'disabled' });
    },
    { sizes: ['large'] },
  );
}

test.beforeAll(async () => {
  served = await startServedConsole();
});

test.afterAll(async () => {
  await clearEngineRun(served, docker, runId);
  if (registry?.listening) await new Promise((r) => registry?.close(r));
  await served.stop();
});

test.describe('Network in the status bar (served console, real sockets)', () => {
  test.describe.configure({ mode: 'serial' });

  test('no deployment: no network needed', async ({ page }) => {
    await page.goto(served.url);
    const network = page.getByTestId('status-network');
    await expect(network).toHaveText('No network needed');
    await expect(network).toHaveAttribute('data-tone', 'idle');
    // The Overview says the same word, from the same answer.
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('overview-network-state')).toHaveText('No network needed');
    await expect(page.getByTestId('overview-network-state')).toHaveAttribute('data-tone', 'idle');
    await shoot(page, 'status-network-not-needed');
  });

  test('a loopback registry that answers /v2/ (401): Online; when it cannot be reached: Offline, naming it', async ({ page }) => {
    registry = createServer((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="e2e"' }).end());
    const port = await new Promise<number>((r) => registry?.listen(0, '127.0.0.1', () => r((registry?.address() as { port: number }).port)));
    expect((await rpc('runtime.apply', { text: testDeployment(runId, { [sensor]: { image: `127.0.0.1:${port}/gatehouse-e2e/sensor:1` } }), overrideForeignRuntime: true })).ok).toBe(true);

    await page.goto(served.url);
    const network = page.getByTestId('status-network');
    await expect(network).toHaveText('Online', { timeout: 15_000 });
    await expect(network).toHaveAttribute('data-tone', 'ok');
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('overview-network-state')).toHaveText('Online');
    await expect(page.getByTestId('overview-network-state')).toHaveAttribute('data-tone', 'ok');
    await expect(page.getByTestId('overview-network-targets')).toContainText(`Registry 127.0.0.1:${port}: reachable`);
    await shoot(page, 'status-network-online');

    const closed = await freePort();
    expect((await rpc('runtime.apply', { text: testDeployment(runId, { [sensor]: { image: `127.0.0.1:${closed}/gatehouse-e2e/sensor:1` } }), overrideForeignRuntime: true })).ok).toBe(true);
    await expect(network).toHaveText(`Offline: cannot reach 127.0.0.1:${closed}`, { timeout: 15_000 });
    await expect(network).toHaveAttribute('data-tone', 'bad');
    await expect(page.getByTestId('status-network-word')).toHaveText('Offline:');
    await expect(page.getByTestId('overview-network-state')).toHaveText('Offline');
    await expect(page.getByTestId('overview-network-state')).toHaveAttribute('data-tone', 'bad');
    await expect(page.getByTestId('overview-network-summary')).toContainText(`Cannot reach 127.0.0.1:${closed}`);

    // The tooltip: the host's sentence, each target with its reason and local check time, the browser only as a hint.
    await network.hover();
    const tip = page.getByTestId('status-network-tip');
    await expect(tip).toContainText(`Cannot reach 127.0.0.1:${closed} (HTTPS: connection refused; HTTP: connection refused).`);
    await expect(tip).toContainText(new RegExp(`Registry 127\\.0\\.0\\.1:${closed}: unreachable; HTTPS: connection refused; HTTP: connection refused — checked \\d`));
    await expect(tip).toContainText('IoT hub: not needed; Local hub on this machine (localhost): nothing upstream to reach.');
    await expect(tip).toContainText('This browser reports it is online');
    await shoot(page, 'status-network-offline', async () => {
      await page.mouse.move(700, 450);
      await network.hover();
      await expect(tip).toBeVisible();
    });

    // The CLI says the same, in --json and in words.
    const json = JSON.parse(cli('status', '--json')) as { connectivity: { state: string; targets: { address: string; state: string }[] } };
    expect(json.connectivity.state).toBe('offline');
    expect(json.connectivity.targets).toContainEqual(expect.objectContaining({ address: `127.0.0.1:${closed}`, state: 'unreachable' }));
    expect(cli('status')).toContain(`Network:  offline — Cannot reach 127.0.0.1:${closed}`);
  });
});
