import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, SCREENSHOTS, startServedConsole, test } from './support/served-console';

test.describe('new solution (served console)', () => {
  test('offers to create a missing folder, then creates the solution in it', async ({ page }) => {
    // Its own console: the worker's shared one may have a folder open from other specs (no landing page then).
    const served = await startServedConsole();
    const base = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-new-'));
    const parent = join(base, 'site', 'gateways');
    try {
      await page.goto(served.url);
      await page.keyboard.press('Alt+2');
      await expect(page.getByTestId('manifests-landing')).toBeVisible();
      await page.getByTestId('template-empty').click();
      await page.getByTestId('solution-parent').fill(parent);
      await page.getByTestId('solution-name').fill('line-3');
      await page.getByTestId('create-solution').click();
      await expect(page.getByText(`There is no folder ${parent}.`)).toBeVisible();
      const offer = page.getByTestId('create-parent');
      await expect(offer).toBeVisible();
      await page.screenshot({ path: join(SCREENSHOTS, 'manifests-new-solution-missing-folder-light.png') });
      await offer.click();
      await expect(page.getByTestId('workspace-name')).toHaveText('line-3');
      expect(readdirSync(join(parent, 'line-3'))).toContain('deployment.template.json');
    } finally {
      await served.stop();
      rmSync(base, { recursive: true, force: true });
    }
  });
});
