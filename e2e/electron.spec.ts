import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Path of Electron's binary when its (download-only) install step has run, else why it is missing. */
function electronBinary(): { path?: string; why?: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string;
    return existsSync(path) ? { path } : { why: `Electron's binary is not at ${path}` };
  } catch (error) {
    return { why: `Electron's binary is not installed (${(error as Error).message.split('\n')[0]})` };
  }
}

const binary = electronBinary();

test.describe('Electron shell', () => {
  test.skip(!binary.path, `Skipped: ${binary.why ?? ''}. This spec runs where Electron's binary can be downloaded.`);
  if (!binary.path) console.log(`electron.spec: not run — ${binary.why}`);

  test('opens a sandboxed window that talks to the host through the bridge only', async () => {
    const home = mkdtempSync(join(tmpdir(), 'gatehouse-electron-'));
    const app = await electron.launch({ executablePath: binary.path, args: [join(ROOT, 'dist/electron/main.cjs')], env: { ...process.env, GATEHOUSE_HOME: home } });
    try {
      const page = await app.firstWindow();
      await expect(page.getByTestId('area-overview')).toBeVisible();
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      const result = await page.evaluate(() => (window as unknown as { gatehouse: { invoke(m: string, p: unknown): Promise<unknown> } }).gatehouse.invoke('app.getInfo', {}));
      expect(result).toMatchObject({ ok: true, value: { shell: 'electron', dataDir: home } });
      const denied = await page.evaluate(() => (window as unknown as { gatehouse: { invoke(m: string, p: unknown): Promise<unknown> } }).gatehouse.invoke('fs.readFile', {}));
      expect(denied).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      await page.getByTestId('nav-settings').click();
      await page.screenshot({ path: join(ROOT, 'e2e/screenshots/electron-settings.png') });

      // The native folder dialog opens a solution folder (the dialog itself is stubbed in main).
      const solution = mkdtempSync(join(tmpdir(), 'gatehouse-electron-solution-'));
      await app.evaluate(({ dialog }, folder) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as typeof dialog.showOpenDialog;
      }, solution);
      await page.getByTestId('nav-manifests').click();
      await page.getByTestId('browse-folder').click();
      await expect(page.getByText(solution)).toBeVisible();
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
