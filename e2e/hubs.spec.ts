import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { LocalHub } from '../electron/cloud/localhub/localhub';
import { SecretBox } from '../electron/runtime/secrets/secret-box';
import { expect, forEachLook, shotPath, startServedConsole, test, type Look, type ServedConsole } from './support/served-console';

/**
 * Settings › Hubs: add a hub by connection string (a wrong key is refused under the input), make it active, and see
 * the status bar follow. The "other" hub is a second local hub on 127.0.0.1:443, which the console reaches with the
 * SDK untouched (it trusts that hub's CA through NODE_EXTRA_CA_CERTS): that needs root, and 443 free.
 */

let served: ServedConsole | undefined;
let other: LocalHub | undefined;
let otherDir: string | undefined;
let otherConnectionString = '';

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  await new Promise((r) => server.close(r));
  return port;
}

/** `<name>-<light|dark>.png` at 1440×900 (each scheme this run photographs), then light. */
async function shoot(page: Page, name: string): Promise<void> {
  await forEachLook(page, (look) => shootLook(page, shotPath(name, look, { size: false }), look), { sizes: ['large'] });
}

/** The same at 1440×900 and 1024×700 (`<name>-large|small-light|dark.png`, as this run photographs), then 1440×900 light. */
async function shootSizes(page: Page, name: string): Promise<void> {
  await forEachLook(page, (look) => shootLook(page, shotPath(name, look), look));
}

async function shootLook(page: Page, path: string, look: Look): Promise<void> {
  await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', look.scheme);
  await page.mouse.move(look.width - 8, look.height / 2);
  await page.screenshot({ path, animations: 'disabled' });
}

test.beforeAll(async () => {
  test.skip(process.getuid?.() !== 0, 'the second hub listens on 443, which needs root');
  otherDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-other-hub-'));
  other = LocalHub.start({ dataDir: otherDir, secrets: new SecretBox(otherDir), hostName: '127.0.0.1', httpsPort: 443, mqttPort: 0, edgeDeviceId: 'plant7-gateway' });
  while (other.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  test.skip(other.state.state !== 'running', `the second hub could not listen on 443: ${JSON.stringify(other.state)}`);
  const info = await other.info();
  if (!info.ok) throw new Error(info.error.message);
  otherConnectionString = info.value.connectionString;
  served = await startServedConsole({
    NODE_EXTRA_CA_CERTS: info.value.caFile,
    GATEHOUSE_LOCALHUB_HTTPS_PORT: String(await freePort()),
    GATEHOUSE_LOCALHUB_MQTT_PORT: String(await freePort()),
  });
});

test.afterAll(async () => {
  await served?.stop();
  await other?.dispose();
  if (otherDir) rmSync(otherDir, { recursive: true, force: true });
});

test('add a hub by connection string, refuse a wrong key, switch to it', async ({ page }) => {
  if (!served) throw new Error('no console');
  await page.goto(served.url);
  await page.getByTestId('nav-settings').click();
  const section = page.getByTestId('hubs-section');
  await expect(section.getByTestId('hub-row-local')).toContainText('active');
  await expect(section.getByTestId('hub-secret-storage')).toContainText('encrypted file in the data folder (weaker');
  await expect(page.getByTestId('status-hub')).toHaveAttribute('data-tone', 'ok');
  await expect(page.getByTestId('status-hub')).toContainText('localhost (local)');

  const input = section.getByTestId('hub-connection-string');
  await expect(input).toHaveAttribute('type', 'password');
  const wrong = otherConnectionString.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 3).toString('base64')}`);
  await input.fill(wrong);
  await section.getByTestId('hub-name').fill('Plant 7 (staging)');
  await section.getByTestId('hub-add').click();
  await expect(section.getByTestId('hub-add-field')).toContainText('127.0.0.1 refused the connection');
  await expect(section.locator('[data-testid^="hub-row-"]')).toHaveCount(1);
  await section.scrollIntoViewIfNeeded();
  await shoot(page, 'settings-hubs-wrong-key');

  await input.fill(otherConnectionString);
  await section.getByTestId('hub-add').click();
  await expect(section.locator('[data-testid^="hub-row-"]')).toHaveCount(2);
  await expect(input).toHaveValue('');
  const row = section.locator('[data-testid^="hub-row-hub-"]');
  await expect(row).toContainText('Plant 7 (staging)');
  await expect(page.locator('body')).not.toContainText(otherConnectionString.split('SharedAccessKey=')[1]!);
  await row.getByRole('button', { name: 'Use' }).click();
  await expect(row).toContainText('active');
  await expect(page.getByTestId('status-hub')).toContainText('Hub: 127.0.0.1');
  await expect(page.getByTestId('status-hub')).toHaveAttribute('data-tone', 'ok');
  await shoot(page, 'settings-hubs');

  // Rename: the local hub keeps its name (the host says so under the field); an empty name is refused at once.
  await section.getByTestId('hub-rename-local').click();
  const dialog = page.getByTestId('hub-rename-dialog');
  await dialog.getByTestId('hub-rename-input').fill('Mine');
  await dialog.getByTestId('hub-rename-confirm').click();
  await expect(dialog.getByTestId('hub-rename-field')).toContainText('Could not rename Local hub: the embedded local hub keeps its name');
  await shootSizes(page, 'settings-hubs-rename-refused');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(section.getByTestId('hub-row-local')).toContainText('Local hub');

  await row.getByRole('button', { name: 'Rename Plant 7 (staging)' }).click();
  await expect(dialog.getByTestId('hub-rename-input')).toHaveValue('Plant 7 (staging)');
  await dialog.getByTestId('hub-rename-input').fill('   ');
  await expect(dialog.getByTestId('hub-rename-field')).toContainText('A name is needed.');
  await expect(dialog.getByTestId('hub-rename-confirm')).toBeDisabled();
  await shootSizes(page, 'settings-hubs-rename-empty');
  await dialog.getByTestId('hub-rename-input').fill('Plant 7');
  await dialog.getByTestId('hub-rename-input').press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(row).toContainText('Plant 7');
  await expect(row).not.toContainText('staging');

  // The connection string: masked until Show asks the host for it; Copy copies it; Hide masks it again.
  const key = otherConnectionString.split('SharedAccessKey=')[1]!;
  const id = (await row.getAttribute('data-testid'))!.replace('hub-row-', '');
  const secret = section.getByTestId(`hub-secret-text-${id}`);
  await expect(secret).toHaveText('HostName=127.0.0.1;SharedAccessKeyName=iothubowner;SharedAccessKey=••••••••');
  await expect(page.locator('body')).not.toContainText(key);
  await section.getByRole('button', { name: 'Show the connection string of Plant 7' }).click();
  await expect(secret).toHaveText(otherConnectionString);
  await expect(secret).toHaveAttribute('data-revealed', 'true');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });
  await section.getByTestId(`hub-copy-${id}`).click();
  await expect(section.getByTestId(`hub-copy-${id}`)).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(otherConnectionString);
  // No tooltip of the focused Copy over the row in the pictures.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await shootSizes(page, 'settings-hubs-revealed');
  await section.getByRole('button', { name: 'Hide the connection string of Plant 7' }).click();
  await expect(secret).toHaveAttribute('data-revealed', 'false');
  await expect(page.locator('body')).not.toContainText(key);
  await shootSizes(page, 'settings-hubs-masked');

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('hub-remove-dialog')).toContainText('connects to the local hub');
  await page.getByTestId('hub-remove-confirm').click();
  await expect(section.locator('[data-testid^="hub-row-"]')).toHaveCount(1);
  await expect(section.getByTestId('hub-row-local')).toContainText('active');
});
