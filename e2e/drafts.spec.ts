import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, test } from './support/served-console';

const FILE = 'deployment.template.json';
// Made in the worker (a module-level folder would also be made, and left, by the runner that lists the tests).
let parent = '';
let manifest = '';
test.beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-drafts-'));
  manifest = join(parent, 'draft-solution', FILE);
});
test.afterAll(() => rmSync(parent, { recursive: true, force: true }));

const editorText = (page: Page) => page.getByTestId('code-editor').locator('.view-lines');
const tab = (page: Page) => page.getByTestId(`tab-${FILE}`);
/** The drafts this page's origin keeps in localStorage. */
const draftKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('gatehouse.draft.v1:')));

/**
 * Types `text` at the end of the `loggingOptions` value (line 11, `"loggingOptions": "",`), which keeps the
 * manifest valid; a user gesture too (Chromium asks before unload only after one).
 */
async function typeInLoggingOptions(page: Page, text: string): Promise<void> {
  await editorText(page).click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < 11; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type(text);
  await page.keyboard.press('Escape'); // a suggestion list
  await expect(tab(page)).toHaveAttribute('data-dirty', 'true');
  await expect.poll(() => draftKeys(page)).toHaveLength(1);
}

/** Leaves the page (accepting the "leave site?" question), and returns what was asked. */
async function leave(page: Page, go: () => Promise<unknown>): Promise<string[]> {
  const asked: string[] = [];
  const onDialog = (dialog: import('@playwright/test').Dialog) => {
    asked.push(dialog.type());
    void dialog.accept();
  };
  page.on('dialog', onDialog);
  await go();
  page.off('dialog', onDialog);
  return asked;
}

test.describe('unsaved edits survive a reload (served console)', () => {
  test.describe.configure({ mode: 'serial' });

  test('asks before a reload, restores the draft after it, and forgets it once saved', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('solution-parent').fill(parent);
    await page.getByTestId('solution-name').fill('draft-solution');
    await page.getByTestId('create-solution').click();
    await page.getByTestId('file-tree').getByTestId(`tree-${FILE}`).click();
    await expect(editorText(page)).toContainText('"$schema-template"');

    await typeInLoggingOptions(page, 'kept-across-the-reload');

    const asked = await leave(page, () => page.reload());
    expect(asked).toEqual(['beforeunload']);

    // After the reload the file opens by itself, with the edits back as unsaved changes.
    await expect(page.getByTestId('draft-restored')).toContainText(/Restored unsaved changes from \d/);
    await expect(tab(page)).toHaveAttribute('data-dirty', 'true');
    await expect(editorText(page)).toContainText('kept-across-the-reload');
    expect(readFileSync(manifest, 'utf8')).not.toContain('kept-across-the-reload');
    await page.mouse.move(0, 400);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-draft-restored-light.png') });

    await page.getByTestId('save-file').click();
    await expect(tab(page)).toHaveAttribute('data-dirty', 'false');
    await expect(page.getByTestId('draft-restored')).toBeHidden();
    expect(readFileSync(manifest, 'utf8')).toContain('kept-across-the-reload');
    expect(await draftKeys(page)).toEqual([]);

    // Nothing unsaved: a reload neither asks nor restores.
    expect(await leave(page, () => page.reload())).toEqual([]);
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    await expect(page.getByTestId('workspace-name')).toHaveText('draft-solution');
    await expect(page.getByTestId(`tab-${FILE}`)).toHaveCount(0);
  });

  test('Discard drops the restored edits and their draft', async ({ page, served }) => {
    await page.goto(`${served.url}`);
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('file-tree').getByTestId(`tree-${FILE}`).click();
    await expect(editorText(page)).toContainText('"$schema-template"');
    await typeInLoggingOptions(page, '-to-be-discarded');
    await leave(page, () => page.reload());

    await expect(page.getByTestId('draft-restored')).toBeVisible();
    await expect(editorText(page)).toContainText('-to-be-discarded');
    await page.getByTestId('discard-draft').click();
    await expect(tab(page)).toHaveAttribute('data-dirty', 'false');
    await expect(editorText(page)).not.toContainText('-to-be-discarded');
    await expect(page.getByTestId('draft-restored')).toBeHidden();
    expect(await draftKeys(page)).toEqual([]);
  });

  test('a file changed on disk since the draft: compare, then keep my version', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('file-tree').getByTestId(`tree-${FILE}`).click();
    await expect(editorText(page)).toContainText('"$schema-template"');
    await typeInLoggingOptions(page, '-mine');

    // The page goes (a crash would do the same), then another program changes the file.
    await leave(page, () => page.goto('about:blank'));
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"minDockerVersion": "v1.25"', '"minDockerVersion": "v1.40"'));
    await page.goto(`${served.origin}/#/manifests`); // the cookie from the first visit still lets it in

    const bar = page.getByTestId('disk-changed');
    await expect(bar).toContainText(/Restored unsaved changes from .*, but deployment\.template\.json changed on disk since/);
    await expect(bar).toHaveAttribute('data-restored', 'true');
    await page.mouse.move(0, 400);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-draft-conflict-light.png') });

    await bar.getByTestId('compare-disk').click();
    const compare = page.getByTestId('compare-view');
    await expect(compare.locator('.monaco-diff-editor .editor.original')).toContainText('"v1.40"');
    await expect(compare.locator('.monaco-diff-editor .editor.modified')).toContainText('kept-across-the-reload-mine');

    await page.getByTestId('keep-mine').click();
    await expect(bar).toBeHidden();
    await page.getByTestId('save-file').click();
    await expect(tab(page)).toHaveAttribute('data-dirty', 'false');
    const saved = readFileSync(manifest, 'utf8');
    expect(saved).toContain('kept-across-the-reload-mine');
    expect(saved).toContain('"minDockerVersion": "v1.25"'); // my version, as kept
    expect(await draftKeys(page)).toEqual([]);
  });
});
