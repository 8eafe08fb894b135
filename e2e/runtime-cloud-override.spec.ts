import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, SCREENSHOTS, startServedConsole, test, type ServedConsole } from './support/served-console';

/**
 * The hub's deployment drives the local runtime (an operator ran set-modules on the gateway, through the embedded
 * local hub): applying a file from the console is then an explicit local override. The Apply dialog says who
 * drives and offers "Apply as a local override"; after it, the Outbox says the override stands.
 */

const runId = `e2eo${Date.now().toString(36)}`;
let served: ServedConsole;

async function rpc<T>(method: string, params: object = {}): Promise<{ ok: boolean; value?: T; error?: { message: string } }> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
}

async function driver(): Promise<string | undefined> {
  const outbox = await rpc<{ cloud?: { desired: { driver: string } } }>('edgehub.outbox');
  return outbox.value?.cloud?.desired.driver;
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of [
    { width: 1440, height: 900, name: 'large' },
    { width: 1024, height: 700, name: 'small' },
  ]) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.mouse.move(size.width - 8, Math.round(size.height / 2));
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.name}-${scheme}.png`), animations: 'disabled' });
    }
  }
}

test.beforeAll(async () => {
  served = await startServedConsole();
});

test.afterAll(async () => {
  await served.stop();
});

test.describe('A local apply while the hub drives the runtime (served console, local hub)', () => {
  test('the Apply dialog says the hub drives and applies only as an explicit local override', async ({ page }) => {
    test.setTimeout(120_000);
    // set-modules on the gateway through the hub, as an operator would (no modules: nothing to run).
    await expect.poll(driver, { timeout: 60_000, message: 'the cloud twins connected' }).toBe('local');
    const info = await rpc<{ runtime: { deviceId: string } }>('app.getInfo');
    const set = await rpc('cloud.setModules', { deviceId: info.value!.runtime.deviceId, content: JSON.parse(testDeployment(runId, {})) });
    expect(set.ok, set.error?.message).toBe(true);
    await expect.poll(driver, { timeout: 60_000, message: "the hub's deployment drives the runtime" }).toBe('cloud');

    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await page.getByTestId('apply-file').setInputFiles({ name: 'local.json', mimeType: 'application/json', buffer: Buffer.from(testDeployment(runId, {})) });
    await page.getByTestId('apply-confirm').click();
    const warning = page.getByTestId('apply-cloud-drives');
    await expect(warning).toContainText("The hub's deployment drives this runtime");
    await expect(warning).toContainText('local override');
    await expect(page.getByTestId('apply-confirm')).toHaveCount(0);
    await shoot(page, 'runtime-apply-cloud-drives');

    await page.getByTestId('apply-override-cloud').click();
    await expect(page.getByTestId('apply-dialog')).toContainText('accepted');
    await expect.poll(driver, { timeout: 30_000 }).toBe('localOverride');
  });
});
