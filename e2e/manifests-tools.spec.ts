import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, test, type ServedConsole } from './support/served-console';

/**
 * The Manifests area's tools beside the text: the route graph, the modules form (kept in step with the text both
 * ways) and Apply to local runtime (a template is expanded, then planned in the Runtime area; never applied here:
 * the template's images are not on this machine).
 */
const parent = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-manifests-tools-'));
const solution = join(parent, 'tools-solution');
const manifest = join(solution, 'deployment.template.json');
const FILE = 'deployment.template.json';

test.afterAll(async ({ served }) => {
  // The served console is shared by the worker's specs: leave it as found, with no folder open.
  await rpc(served, 'workspace.close', {});
  rmSync(parent, { recursive: true, force: true });
});

async function rpc(served: ServedConsole, method: string, params: object): Promise<{ ok: boolean }> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as { ok: boolean };
}

/** 1-based line of the first line of the file on disk that contains `needle`. */
function lineOf(needle: string): number {
  return readFileSync(manifest, 'utf8').split('\n').findIndex((line) => line.includes(needle)) + 1;
}

/** The template open in the editor, fresh page. */
async function openTemplate(page: Page, served: ServedConsole): Promise<void> {
  await page.goto(served.url);
  await page.getByTestId('nav-manifests').click();
  await page.getByTestId('file-tree').getByTestId(`tree-${FILE}`).click();
  await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('"$schema-template": "4.0.0"');
}

/** No hover or focus tooltip, no focus ring in a screenshot. */
async function calm(page: Page): Promise<void> {
  await page.mouse.move(0, 400);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
}

/** Puts the cursor at the end of line `line` of the editor (Ctrl+G, as in VS Code). */
async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.getByTestId('code-editor').locator('.view-lines').click();
  await page.keyboard.press('Control+g');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
}

test.describe('Manifests tools: routes, modules form, apply (served console)', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async ({ served }) => {
    expect(await rpc(served, 'workspace.createFromTemplate', { template: 'sensor-filter-upstream', parent, name: 'tools-solution' })).toMatchObject({ ok: true });
  });

  test('draws the routes of the open template and selects a clicked route in the text', async ({ page, served }) => {
    await openTemplate(page, served);
    await page.getByTestId('toggle-routes').click();
    const panel = page.getByTestId('routes-panel');
    await expect(panel.getByTestId('route-graph-summary')).toHaveText('2 modules · 2 routes');
    await expect(panel.getByTestId('route-graph-module')).toHaveCount(2);
    await expect(panel.getByTestId('route-graph-upstream')).toBeVisible();
    await expect(panel.locator('.react-flow__edge')).toHaveCount(2);
    await calm(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-routes-light.png') });

    // The route to $upstream: its text (the value of "filterToUpstream") becomes the editor's selection.
    const line = lineOf('"filterToUpstream"');
    await panel.locator('.react-flow__edge[data-id="route:filterToUpstream"] .react-flow__edge-interaction').dispatchEvent('click');
    const editor = page.getByTestId('code-editor');
    await expect(editor).toHaveAttribute('data-selection', new RegExp(`^${line}:\\d+-${line}:\\d+$`));
    const [start, end] = ((await editor.getAttribute('data-selection')) ?? '').split('-').map((p) => Number(p.split(':')[1]));
    expect(end! - start!).toBe('"FROM /messages/modules/filtermodule/outputs/output1 INTO $upstream"'.length);
    await expect(editor.locator('.selected-text').first()).toBeAttached();

    // The graph follows the text: a third route typed in the editor appears once typing pauses.
    await goToLineEnd(page, line);
    await page.keyboard.type(',\n"alertsToUpstream": "FROM /messages/modules/SimulatedTemperatureSensor/outputs/alerts INTO $upstream"');
    await page.keyboard.press('Escape');
    await expect(panel.getByTestId('route-graph-summary')).toHaveText('2 modules · 3 routes');
    await expect(panel.locator('.react-flow__edge')).toHaveCount(3);
  });

  test('the route graph and the modules form read well in dark mode', async ({ page, served }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openTemplate(page, served);
    await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', 'dark');
    await page.getByTestId('toggle-routes').click();
    await expect(page.getByTestId('routes-panel').locator('.react-flow__edge')).toHaveCount(2);
    await calm(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-routes-dark.png') });
    // Both open: the graph under the text refits to the narrower column.
    await page.getByTestId('toggle-modules').click();
    await expect(page.getByTestId('module-SimulatedTemperatureSensor-image')).toBeVisible();
    await calm(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-modules-form-dark.png') });
  });

  test('edits a module in the form, the text follows (undoably), and typing in the text updates the form', async ({ page, served }) => {
    await openTemplate(page, served);
    await page.getByTestId('toggle-modules').click();
    const panel = page.getByTestId('modules-panel');
    await expect(panel.getByTestId('module-edgeHub')).toContainText('system');
    // The file's desired status, not a live-looking badge: what runs is the Runtime area's to say.
    await expect(panel.getByTestId('desired-status-SimulatedTemperatureSensor')).toHaveText('desired: running');
    // The first custom module opens by default; look at the other one.
    await panel.getByTestId('module-SimulatedTemperatureSensor').getByRole('button', { name: /^SimulatedTemperatureSensor/ }).click();
    await panel.getByTestId('module-filtermodule').getByRole('button', { name: /^filtermodule/ }).click();
    const policy = panel.getByTestId('module-filtermodule-restartPolicy');
    await expect(policy).toHaveValue('always');
    await expect(panel.getByTestId('module-filtermodule-image')).toHaveValue('gatehouse/sample-filter:1.0');

    const tab = page.getByTestId(`tab-${FILE}`);
    await policy.selectOption('on-failure');
    await expect(tab).toHaveAttribute('data-dirty', 'true');
    await expect(tab.getByTestId('dirty-indicator')).toBeVisible();
    await page.keyboard.press('Control+s');
    await expect(tab).toHaveAttribute('data-dirty', 'false');
    const saved = readFileSync(manifest, 'utf8');
    expect(saved.slice(saved.indexOf('"filtermodule": {'))).toMatch(/^"filtermodule": \{\s+"version": "1.0",\s+"type": "docker",\s+"status": "running",\s+"restartPolicy": "on-failure",/);

    // A variable added in the form lands in the text; the form's edits are undone in the editor like typing.
    await panel.getByTestId('module-filtermodule-env-add').click();
    await page.keyboard.type('LOG_LEVEL');
    await page.keyboard.press('Tab');
    await page.keyboard.type('debug');
    await page.keyboard.press('Tab');
    await expect(panel.getByTestId('module-filtermodule-env-0-key')).toHaveValue('LOG_LEVEL');
    await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('"LOG_LEVEL"');
    await calm(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-modules-form-light.png') });
    await page.getByTestId('code-editor').locator('.view-lines').click();
    const env = panel.getByTestId('module-filtermodule-env');
    for (let i = 0; i < 6 && !(await env.textContent())?.includes('No environment variables.'); i++) {
      await page.keyboard.press('Control+z');
      await page.waitForTimeout(400);
    }
    await expect(env).toContainText('No environment variables.');
    await expect(tab).toHaveAttribute('data-dirty', 'false');

    // Typing in the text: the form follows; broken JSON keeps the last form, disabled, with a note.
    await goToLineEnd(page, lineOf('"startupOrder": 1,'));
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('7');
    await expect(panel.getByTestId('module-filtermodule-startupOrder')).toHaveValue('7');
    await page.keyboard.type('}');
    await expect(panel.getByTestId('modules-broken')).toBeVisible();
    await expect(policy).toBeDisabled();
    await page.keyboard.press('Backspace');
    await expect(panel.getByTestId('modules-broken')).toBeHidden();
    await expect(policy).toBeEnabled();
  });

  test('applies the template from the editor: expanded with .env and module.json, then planned in the Runtime area', async ({ page, served }) => {
    await openTemplate(page, served);
    // An unsaved change goes with it: the plan pulls the image the form now says.
    await page.getByTestId('toggle-modules').click();
    const image = page.getByTestId('module-SimulatedTemperatureSensor-image');
    await image.fill('mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.4');
    await image.press('Enter');
    await expect(page.getByTestId(`tab-${FILE}`)).toHaveAttribute('data-dirty', 'true');

    await page.getByTestId('apply-local').click();
    await expect(page.getByTestId('area-runtime')).toBeVisible();
    const dialog = page.getByTestId('apply-dialog');
    await expect(dialog).toContainText(/Apply deployment\.(amd64|arm64v8|arm32v7)\.json/);
    const steps = dialog.getByTestId('plan-steps');
    await expect(steps).toContainText('ensure image gatehouse/sample-filter:1.0 for filtermodule');
    await expect(steps).toContainText('ensure image mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.4 for SimulatedTemperatureSensor');
    await page.mouse.move(0, 400);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-apply-light.png'), animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    // Cancel brings you back to the editor you came from.
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    await expect(page.getByTestId('code-editor')).toBeVisible();
    expect(readFileSync(manifest, 'utf8')).toContain('gatehouse/sample-temperature-sensor:1.0'); // nothing was saved
  });

  test('a template that does not expand stays in the editor with the reason, the cursor on it', async ({ page, served }) => {
    await openTemplate(page, served);
    await page.getByTestId('toggle-modules').click();
    const image = page.getByTestId('module-SimulatedTemperatureSensor-image');
    await image.fill('${NOT_IN_DOT_ENV}/sensor:1');
    await image.press('Enter');
    await page.getByTestId('apply-local').click();
    await expect(page.getByTestId('editor-notice')).toContainText('NOT_IN_DOT_ENV');
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    await expect(page.getByTestId('code-editor')).toHaveAttribute('data-selection', new RegExp(`^${lineOf('gatehouse/sample-temperature-sensor:1.0')}:`));
  });
});
