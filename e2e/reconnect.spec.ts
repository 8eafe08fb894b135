import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, startServedConsole, test, type ServedConsole } from './support/served-console';

/**
 * The console process goes away and comes back under an open page: the page says so plainly, disables what
 * needs the host, and reconnects by itself when the same console (same data folder, same port) is back; a
 * console that no longer accepts its token gets an explanation instead of "Reconnecting…" forever.
 * These tests run their own consoles (they stop and start them), not the worker's.
 */
const homes: string[] = [];
const running: ServedConsole[] = [];
const home = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-reconnect-'));
  homes.push(dir);
  return dir;
};
async function serve(dataDir: string, port = 0): Promise<ServedConsole> {
  const served = await startServedConsole({}, { dataDir, port });
  running.push(served);
  return served;
}
async function stop(served: ServedConsole): Promise<void> {
  await served.stop();
  running.splice(running.indexOf(served), 1);
}

test.afterEach(async () => {
  for (const served of running.splice(0)) await served.stop();
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const banner = (page: Page) => page.getByTestId('connection-banner');
const checkAgain = (page: Page) => page.getByTestId('card-engine').getByRole('button', { name: 'Check again' });

test.describe('a restarted console (served console)', () => {
  test('shows the page as disconnected, disables actions, and reconnects by itself when the console is back', async ({ page }) => {
    const dataDir = home();
    const first = await serve(dataDir);
    await page.goto(first.url);
    await expect(page.getByTestId('status-connection')).toHaveText('Console connected');
    await expect(checkAgain(page)).toBeEnabled();
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'light');
    await expect(banner(page)).toHaveCount(0);

    await stop(first);
    await expect(banner(page)).toHaveAttribute('data-state', 'reconnecting');
    await expect(banner(page)).toContainText('Disconnected from the Gatehouse host');
    await expect(banner(page)).toContainText(/Data shown is from .+ and may be stale/);
    await expect(page.getByTestId('status-connection')).toHaveText('Reconnecting…');
    await expect(checkAgain(page)).toBeDisabled();
    await page.mouse.move(600, 600);
    await page.screenshot({ path: join(SCREENSHOTS, 'connection-reconnecting-light.png') });

    // Commands that need the host are greyed in the palette and do nothing.
    await page.keyboard.press('Control+k');
    const palette = page.getByTestId('command-palette');
    await palette.getByRole('searchbox').fill('theme dark');
    const option = palette.getByRole('option', { name: /Theme: dark/ });
    await expect(option).toHaveAttribute('aria-disabled', 'true');
    await expect(option).toContainText('Needs the connection to the host');
    await page.keyboard.press('Enter');
    await expect(palette).toBeVisible();
    await page.keyboard.press('Escape');

    // On the Settings page, the theme cannot be changed either.
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('theme-choice').getByRole('radio', { name: 'Dark' })).toBeDisabled();

    // Meanwhile the settings change on disk; the console comes back on the same data folder and port.
    writeFileSync(join(dataDir, 'settings.json'), `${JSON.stringify({ theme: 'dark', recentFolders: [] }, null, 2)}\n`);
    const second = await serve(dataDir, first.port);
    expect(second.port).toBe(first.port);
    await expect(banner(page)).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('status-connection')).toHaveText('Console connected');
    // Everything cached was refetched: the page shows what the host has now.
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByTestId('theme-choice').getByRole('radio', { name: 'Dark' })).toBeEnabled();
    await expect(page.getByTestId('theme-choice').getByRole('radio', { name: 'Dark' })).toBeChecked();
    await page.getByTestId('theme-choice').getByRole('radio', { name: 'Light' }).click(); // controlled: checked once the host answers
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'light');
  });

  test('explains a token that is no longer accepted instead of reconnecting forever', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const first = await serve(home());
    await page.goto(first.url);
    await expect(page.getByTestId('status-connection')).toHaveText('Console connected');

    // Another console (another data folder, so another token) now serves this address.
    await stop(first);
    await expect(banner(page)).toHaveAttribute('data-state', 'reconnecting');
    const other = await serve(home(), first.port);
    expect(other.port).toBe(first.port);
    await expect(banner(page)).toHaveAttribute('data-state', 'unauthorized', { timeout: 20_000 });
    await expect(banner(page)).toContainText('This page is no longer authorized');
    await expect(banner(page)).toContainText('gatehouse serve');
    await expect(page.getByTestId('status-connection')).toHaveText('Not authorized');
    await expect(checkAgain(page)).toBeDisabled();
    await page.mouse.move(600, 600);
    await page.screenshot({ path: join(SCREENSHOTS, 'connection-unauthorized-dark.png') });

    // "Check again" asks, and the answer is still no.
    await page.getByTestId('connection-retry').click();
    await expect(banner(page)).toHaveAttribute('data-state', 'unauthorized');

    // Opening the URL the console printed lets the page in again.
    await page.goto(other.url);
    await expect(page.getByTestId('status-connection')).toHaveText('Console connected');
    await expect(banner(page)).toHaveCount(0);
    await expect(checkAgain(page)).toBeEnabled();
  });

  test('a token rotated with `gatehouse token rotate` locks the open page out at once, with the explanation', async ({ page }) => {
    const dataDir = home();
    const served = await serve(dataDir);
    await page.goto(served.url);
    await expect(page.getByTestId('status-connection')).toHaveText('Console connected');

    const rotated = JSON.parse(execFileSync(process.execPath, [CLI, 'token', 'rotate', '--json'], { env: { ...process.env, GATEHOUSE_HOME: dataDir }, encoding: 'utf8' })) as { url: string };
    expect(rotated.url).not.toBe(served.url);
    await expect(banner(page)).toHaveAttribute('data-state', 'unauthorized');
    await expect(banner(page)).toContainText('gatehouse token show');
    await expect(checkAgain(page)).toBeDisabled();

    await page.goto(rotated.url);
    await expect(page.getByTestId('status-connection')).toHaveText('Console connected');
    await expect(banner(page)).toHaveCount(0);
  });

  test('a save tried while disconnected says why it failed; the edits stay and are saved once the console is back', async ({ page }) => {
    const dataDir = home();
    const parent = home();
    const first = await serve(dataDir);
    await page.goto(first.url);
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('solution-parent').fill(parent);
    await page.getByTestId('solution-name').fill('restart-solution');
    await page.getByTestId('create-solution').click();
    await page.getByTestId('file-tree').getByTestId('tree-deployment.template.json').click();
    const editor = page.getByTestId('code-editor').locator('.view-lines');
    await expect(editor).toContainText('"loggingOptions": ""');
    // Into the loggingOptions value (line 11), which keeps the manifest valid.
    await editor.click();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < 11; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('written-after-the-restart');
    await page.keyboard.press('Escape');
    const tab = page.getByTestId('tab-deployment.template.json');
    await expect(tab).toHaveAttribute('data-dirty', 'true');

    await stop(first);
    await expect(banner(page)).toHaveAttribute('data-state', 'reconnecting');
    await expect(page.getByTestId('save-file')).toBeDisabled();
    await page.keyboard.press('Control+s'); // the shortcut still works, and fails visibly
    await expect(page.getByTestId('editor-notice')).toContainText('not connected to the Gatehouse host, so nothing was sent');
    await expect(tab).toHaveAttribute('data-dirty', 'true');

    await serve(dataDir, first.port);
    await expect(banner(page)).toHaveCount(0, { timeout: 20_000 });
    // The restarted console has no folder open (the page now says so); reopening it finds the edits still there.
    await expect(page.getByTestId('manifests-landing')).toBeVisible();
    await page.getByTestId('recent-folders').getByText('restart-solution', { exact: true }).click();
    await expect(tab).toHaveAttribute('data-dirty', 'true');
    await expect(editor).toContainText('written-after-the-restart');
    await page.getByTestId('save-file').click();
    await expect(tab).toHaveAttribute('data-dirty', 'false');
    expect(readFileSync(join(parent, 'restart-solution', 'deployment.template.json'), 'utf8')).toContain('"loggingOptions": "written-after-the-restart"');
  });
});
