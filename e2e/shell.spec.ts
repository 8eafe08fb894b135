import { join } from 'node:path';
import { expect, SCREENSHOTS, test } from './support/served-console';

test.describe('app shell (served console)', () => {
  test('opens with the token, then keeps it out of the address bar', async ({ page, served }) => {
    await page.goto(served.url);
    await expect(page.getByTestId('area-overview')).toBeVisible();
    expect(page.url()).not.toContain('token');
    expect(page.url()).not.toContain(served.token);
    // The tokened URL was answered with a redirect, so going back leaves the console instead of reaching it.
    await page.goBack();
    expect(page.url()).not.toContain(served.token);
  });

  test('overview shows the real engine, runtime and hub state', async ({ page, served }) => {
    await page.goto(served.url);
    const engine = page.getByTestId('card-engine');
    await expect(engine).toContainText(/Docker Engine \d+/);
    await expect(page.getByTestId('status-engine')).toHaveAttribute('data-tone', 'ok');
    await expect(page.getByTestId('card-runtime')).toContainText('No deployment applied');
    await expect(page.getByTestId('status-connection')).toContainText('Console connected');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-light.png') });
  });

  test('navigates every area from the navigation, by keyboard and through the palette', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('area-settings')).toBeVisible();
    await expect(page).toHaveTitle(/Settings — Gatehouse/);
    await page.keyboard.press('Alt+1');
    await expect(page.getByTestId('area-overview')).toBeVisible();
    await page.goBack();
    await expect(page.getByTestId('area-settings')).toBeVisible();

    await page.keyboard.press('Control+k');
    const palette = page.getByTestId('command-palette');
    await expect(palette).toBeVisible();
    await page.keyboard.type('overview');
    await expect(palette.getByRole('option')).toHaveCount(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'command-palette.png') });
    await page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    await expect(page.getByTestId('area-overview')).toBeVisible();

    await page.keyboard.press('Control+k');
    await page.keyboard.type('zzzz-nothing');
    await expect(page.getByTestId('command-palette')).toContainText('No command matches');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('command-palette')).toBeHidden();
  });

  test('settings show the data folder and component versions', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('data-dir')).toHaveValue(served.dataDir);
    const versions = page.getByTestId('versions');
    for (const name of ['Gatehouse', 'Node.js', 'React', 'Fluent UI React']) await expect(versions).toContainText(name);
    await expect(versions).toContainText(/Docker Engine \(API [\d.]+\)/);
    await expect(page.getByTestId('runtime-settings')).toContainText('host');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-light.png'), fullPage: true });
  });

  test('theme follows the OS, and a chosen theme persists across reloads', async ({ page, served }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(served.url);
    const root = page.getByTestId('app-root');
    await expect(root).toHaveAttribute('data-theme', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(root).toHaveAttribute('data-theme', 'light');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-choice').getByText('Dark', { exact: true }).click();
    await expect(root).toHaveAttribute('data-theme', 'dark');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-dark.png'), fullPage: true });
    await page.reload();
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'dark');
    await page.keyboard.press('Alt+1');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-dark.png') });

    // Through the palette back to following the system.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('theme system');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'light');
  });
});
