import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, startServedConsole, test, type ServedConsole } from './support/served-console';

/**
 * Issue 11, the Fleet area. Without a hub (the embedded local hub turned off) the area says the hub is not
 * reachable and why, in the host's words, and shows nothing else. With the local hub connected: create an edge
 * device, open its $edgeAgent view, invoke a method; the device list scrolls a large fleet.
 */

async function rpc(served: ServedConsole, method: string, params: object): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

async function calm(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
}

const SIZES = [
  { name: 'large', width: 1440, height: 900 },
  { name: 'small', width: 1024, height: 700 },
] as const;

test.describe('Fleet without a hub (served console, local hub off)', () => {
  test.describe.configure({ mode: 'serial' });
  let offline: ServedConsole;
  test.beforeAll(async () => {
    offline = await startServedConsole({ GATEHOUSE_LOCALHUB: 'off' });
  });
  test.afterAll(async () => {
    await offline?.stop();
  });

  test('says the hub is not reachable, with the reason from the error, and shows no list', async ({ page }) => {
    const answer = await rpc(offline, 'cloud.query', { query: 'SELECT * FROM devices' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    await page.goto(offline.url);
    await page.keyboard.press('Alt+5');
    await expect(page.getByTestId('area-fleet')).toBeVisible();
    await expect(page).toHaveTitle(/Fleet — Gatehouse/);
    const empty = page.getByTestId('fleet-hub-unavailable');
    await expect(empty).toBeVisible();
    await expect(empty.getByRole('heading')).toHaveText('The hub is not reachable');
    await expect(page.getByTestId('fleet-hub-reason')).toHaveText(answer.error!.message);
    await expect(page.getByTestId('device-list')).toHaveCount(0);
    await expect(page.getByTestId('fleet-filters')).toHaveCount(0);
    await expect(page.getByTestId('fleet-create')).toBeDisabled();
    // Asking again asks the host again and still says why.
    await page.getByTestId('fleet-retry').click();
    await expect(page.getByTestId('fleet-hub-reason')).toHaveText(answer.error!.message);
  });

  test('is a place in the palette', async ({ page }) => {
    await page.goto(offline.url);
    await page.keyboard.press('Control+k');
    await page.keyboard.type('fleet');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('area-fleet')).toBeVisible();
  });

  for (const size of SIZES) {
    for (const dark of [false, true]) {
      test(`screenshot ${size.width}x${size.height} ${dark ? 'dark' : 'light'}`, async ({ page }) => {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
        await page.goto(offline.url);
        await page.getByTestId('nav-fleet').click();
        await expect(page.getByTestId('fleet-hub-unavailable')).toBeVisible();
        const box = await page.getByTestId('fleet-hub-unavailable').boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
        await calm(page);
        await page.screenshot({ path: join(SCREENSHOTS, `fleet-no-hub-${size.name}-${dark ? 'dark' : 'light'}.png`) });
      });
    }
  }
});
