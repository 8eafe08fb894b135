import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, test } from './support/served-console';

const parent = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-manifests-'));
const solution = join(parent, 'edge-solution');
const manifest = join(solution, 'deployment.template.json');

test.afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Visible text of the Monaco editor (only rendered lines; manifests here are short enough near the top). */
const editorText = (page: Page) => page.getByTestId('code-editor').locator('.view-lines');

/** A fresh page (each test has its own): in through the tokened URL, then to the Manifests area. */
async function openManifests(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('nav-manifests').click();
  await expect(page.getByTestId('area-manifests')).toBeVisible();
}

/** Puts the cursor at the end of line `line` of the focused editor. */
async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.getByTestId('code-editor').locator('.view-lines').click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}

test.describe('Manifests area (served console)', () => {
  test.describe.configure({ mode: 'serial' });

  test('creates a solution from the template and opens its manifest in Monaco', async ({ page, served }) => {
    const complaints: string[] = [];
    page.on('console', (m) => /security policy|web worker|unsafe-eval|cdn\.jsdelivr/i.test(m.text()) && complaints.push(m.text()));
    page.on('request', (r) => !r.url().startsWith(served.origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:') && complaints.push(`request to ${r.url()}`));
    await page.goto(served.url);
    await page.keyboard.press('Alt+2');
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    await expect(page.getByTestId('manifests-landing')).toBeVisible();
    await expect(page.getByTestId('template-sensor-filter-upstream')).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-landing-light.png') });

    await page.getByTestId('solution-parent').fill(parent);
    await page.getByTestId('solution-name').fill('edge-solution');
    await page.getByTestId('create-solution').click();
    await expect(page.getByTestId('workspace-name')).toHaveText('edge-solution');
    await expect(page.getByTestId('workspace-root')).toHaveText(solution);

    const tree = page.getByTestId('file-tree');
    for (const path of ['deployment.template.json', '.env', 'modules/filtermodule/module.json', 'modules/filtermodule/app.js']) {
      await expect(tree.getByTestId(`tree-${path}`)).toBeVisible();
    }
    await tree.getByTestId('tree-deployment.template.json').click();
    await expect(page.getByTestId('code-editor').locator('.monaco-editor')).toBeVisible();
    await expect(editorText(page)).toContainText('"$schema-template": "4.0.0"');
    await expect(page.getByTestId('problems-panel')).toContainText('No problems: IoT Edge would accept this.');
    await expect(page.getByTestId('problems-panel')).toContainText('Deployment template');
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-editor-light.png') });

    // The JSON worker runs (bundled, under the CSP) with the deployment schema: hovering a key shows its docs.
    await editorText(page).getByText('"$schema-template"').hover();
    await expect(page.locator('.monaco-hover').filter({ hasText: 'Template schema version' })).toBeVisible();
    expect(complaints).toEqual([]);
  });

  test('marks an error as it is typed, saves with Ctrl+S, fixes it, and keeps every save in history', async ({ page, served }) => {
    await openManifests(page, served.url);
    await page.getByTestId('file-tree').getByTestId('tree-deployment.template.json').click();
    await expect(editorText(page)).toContainText('"schemaVersion": "1.1"');

    // Line 6 is `"schemaVersion": "1.1",` of $edgeAgent: make it 9.9, a version edgeAgent refuses.
    await goToLineEnd(page, 6);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('9.9');
    const tab = page.getByTestId('tab-deployment.template.json');
    await expect(tab).toHaveAttribute('data-dirty', 'true');
    const problem = page.getByTestId('problem').filter({ hasText: '9.9' }).first();
    await expect(problem).toHaveAttribute('data-severity', 'error');
    await expect(page.getByTestId('code-editor').locator('.squiggly-error').first()).toBeAttached();
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-problem-light.png') });

    await page.keyboard.press('Control+s');
    await expect(tab).toHaveAttribute('data-dirty', 'false');
    expect(readFileSync(manifest, 'utf8')).toContain('"schemaVersion": "9.9"');

    // Clicking the problem moves the cursor there; its quick fix puts a supported version back.
    await problem.click();
    await problem.getByTestId('problem-fix').click();
    await expect(page.getByTestId('problem').filter({ hasText: '9.9' })).toHaveCount(0);
    await expect(tab).toHaveAttribute('data-dirty', 'true');
    await page.getByTestId('save-file').click();
    await expect(tab).toHaveAttribute('data-dirty', 'false');
    expect(readFileSync(manifest, 'utf8')).toContain('"schemaVersion": "1.1"');

    await page.getByTestId('toggle-history').click();
    const versions = page.getByTestId('history-panel').getByTestId('history-version');
    await expect(versions).toHaveCount(3);
    await expect(versions.nth(2)).toHaveAttribute('data-reason', 'disk');
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-history-light.png') });
  });

  test('compares a saved version with the editor and restores it', async ({ page, served }) => {
    await openManifests(page, served.url);
    await page.getByTestId('file-tree').getByTestId('tree-deployment.template.json').click();
    await page.getByTestId('toggle-history').click();
    const versions = page.getByTestId('history-panel').getByTestId('history-version');
    await expect(versions).toHaveCount(3);

    // The middle version is the save with 9.9.
    await versions.nth(1).getByTestId('compare-version').click();
    const compare = page.getByTestId('compare-view');
    await expect(compare.locator('.monaco-diff-editor')).toBeVisible();
    await expect(compare.locator('.monaco-diff-editor .editor.original')).toContainText('"9.9"');
    await expect(compare.locator('.monaco-diff-editor .editor.modified')).toContainText('"1.1"');
    await page.mouse.move(0, 400);
    await page.keyboard.press('Escape'); // the focused compare button's tooltip
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-compare-light.png') });

    await page.getByTestId('compare-restore').click();
    await expect(compare).toBeHidden();
    await expect(page.getByTestId('editor-notice')).toContainText('Restored the version');
    await expect(versions).toHaveCount(4);
    await expect(versions.first()).toHaveAttribute('data-reason', 'restore');
    expect(readFileSync(manifest, 'utf8')).toContain('"schemaVersion": "9.9"');
    await expect(editorText(page)).toContainText('"schemaVersion": "9.9"');
    await expect(page.getByTestId('problem').filter({ hasText: '9.9' }).first()).toBeVisible();
  });

  test('picks up changes made on disk: reloads a clean file, asks about a dirty one', async ({ page, served }) => {
    await openManifests(page, served.url);
    await page.getByTestId('file-tree').getByTestId('tree-deployment.template.json').click();
    await expect(editorText(page)).toContainText('"schemaVersion": "9.9"');

    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"schemaVersion": "9.9"', '"schemaVersion": "1.0"'));
    await expect(editorText(page)).toContainText('"schemaVersion": "1.0"');
    await expect(page.getByTestId('editor-notice')).toContainText('changed outside this editor');
    await expect(page.getByTestId('problem').filter({ hasText: '9.9' })).toHaveCount(0);

    // Unsaved edits, then another program writes: the editor asks instead of reloading.
    await goToLineEnd(page, 1);
    await page.keyboard.type(' ');
    await page.keyboard.press('Escape'); // the suggestion list
    await expect(page.getByTestId('tab-deployment.template.json')).toHaveAttribute('data-dirty', 'true');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"minDockerVersion": "v1.25"', '"minDockerVersion": "v1.40"'));
    await expect(page.getByTestId('disk-changed')).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-disk-changed-light.png') });
    await page.getByTestId('reload-from-disk').click();
    await expect(page.getByTestId('disk-changed')).toBeHidden();
    await expect(page.getByTestId('tab-deployment.template.json')).toHaveAttribute('data-dirty', 'false');
    await expect(editorText(page)).toContainText('"minDockerVersion": "v1.40"');

    // A file created elsewhere appears in the tree.
    writeFileSync(join(solution, 'deployment.debug.template.json'), readFileSync(manifest, 'utf8'));
    await expect(page.getByTestId('file-tree').getByTestId('tree-deployment.debug.template.json')).toBeVisible();
  });

  test('looks right in dark mode, and reopens recent folders', async ({ page, served }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openManifests(page, served.url);
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'dark');
    await page.getByTestId('file-tree').getByTestId('tree-deployment.template.json').click();
    await page.getByTestId('toggle-history').click();
    await expect(page.getByTestId('history-panel').getByTestId('history-version')).toHaveCount(4);
    await expect(page.getByTestId('code-editor').locator('.monaco-editor.vs-dark')).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-editor-dark.png') });
    await page.getByTestId('history-panel').getByTestId('history-version').nth(2).getByTestId('compare-version').click();
    await expect(page.getByTestId('compare-view').locator('.monaco-diff-editor')).toBeVisible();
    await page.mouse.move(0, 400);
    await page.keyboard.press('Escape'); // the focused compare button's tooltip
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-compare-dark.png') });

    await page.getByTestId('close-folder').click();
    await expect(page.getByTestId('manifests-landing')).toBeVisible();
    await expect(page.getByTestId('recent-folders')).toContainText(solution);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-landing-dark.png') });
    await page.getByTestId('recent-folders').getByText('edge-solution', { exact: true }).click();
    await expect(page.getByTestId('workspace-name')).toHaveText('edge-solution');
  });

  test('refuses paths outside the folder', async ({ page, served }) => {
    await openManifests(page, served.url);
    const answer = await page.evaluate(async (origin) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`);
      await new Promise((resolve) => ws.addEventListener('open', resolve));
      const reply = new Promise<string>((resolve) => ws.addEventListener('message', (e) => resolve(String(e.data))));
      ws.send(JSON.stringify({ t: 'invoke', id: 1, method: 'workspace.readFile', params: { path: '../../etc/passwd' } }));
      return reply;
    }, served.origin);
    expect(JSON.parse(answer)).toMatchObject({ t: 'result', result: { ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'OUTSIDE_WORKSPACE' } } } });
  });
});
