import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { manifest } from '../shared/manifest/manifest.test-util';
import { expect, forEachLook, SCREENSHOTS, shotPath, test, type ServedConsole } from './support/served-console';

/**
 * Issue 10, small screens: at 1024×700 the Manifests area with the Modules and Routes panels open keeps a usable
 * editor, its tab strip and an unclipped Apply button; panels give way and resize. Screenshots at 1440×900 and
 * 1024×700, light and dark.
 */
const parent = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-layout-'));
const FILE = 'deployment.template.json';

test.afterAll(async ({ served }) => {
  await rpc(served, 'workspace.close', {});
  rmSync(parent, { recursive: true, force: true });
});

async function rpc(served: ServedConsole, method: string, params: object): Promise<{ ok: boolean }> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as { ok: boolean };
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  expect(found).not.toBeNull();
  return found!;
}

/** True when the element shows all its content (nothing cut by its own overflow). */
async function unclipped(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1);
}

async function calm(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(400);
}

async function openWithPanels(page: Page, served: ServedConsole, width: number, height: number, dark: boolean): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
  await page.goto(served.url);
  await page.getByTestId('nav-manifests').click();
  const tree = page.getByTestId('file-tree');
  // Folded by an earlier test (the store lives on in the page only, so a fresh page has it open).
  await tree.getByTestId(`tree-${FILE}`).click();
  await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('"$schema-template"');
  await page.getByTestId('toggle-modules').click();
  await page.getByTestId('toggle-routes').click();
  await expect(page.getByTestId('routes-panel').getByTestId('route-graph-summary')).toBeVisible();
}

/**
 * A deployment with `modules` modules and `routes` routes, every fifth one broken: most of those with a target that
 * cannot be read (each drawn to a marker of its own beside its module), every fifth of them with a bad condition.
 */
function bigManifest(moduleCount: number, routeCount: number): string {
  const names = Array.from({ length: moduleCount }, (_, i) => `sensorGatewayModule${String(i + 1).padStart(2, '0')}`);
  const modules = Object.fromEntries(names.map((name) => [name, { version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: `localhost:5000/${name.toLowerCase()}:1.0` } }]));
  const routes: Record<string, string> = {};
  for (let i = 0; i < routeCount; i++) {
    const from = names[i % moduleCount]!;
    const to = names[(i * 7 + 3) % moduleCount]!;
    const name = `route${String(i + 1).padStart(3, '0')}${from === to ? 'Loop' : ''}`;
    if (i % 25 === 24) routes[name] = `FROM /messages/modules/${from}/outputs/out${i % 3} WHERE temperature >> 30 INTO BrokeredEndpoint("/modules/${to}/inputs/in1")`;
    else if (i % 5 === 4) routes[name] = `FROM /messages/modules/${from}/outputs/raw INTO BrokeredEndpoint("/modules/${to}/inputs/`;
    else if (i % 5 === 0) routes[name] = `FROM /messages/modules/${from}/outputs/* INTO $upstream`;
    else routes[name] = `FROM /messages/modules/${from}/outputs/out${i % 3} WHERE as_number(temperature) > ${i} INTO BrokeredEndpoint("/modules/${to}/inputs/in${i % 2}")`;
  }
  return JSON.stringify(manifest({ modules, routes }), null, 2);
}

test.describe('Manifests at small and large sizes (served console)', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async ({ served }) => {
    expect(await rpc(served, 'workspace.createFromTemplate', { template: 'sensor-filter-upstream', parent, name: 'layout-solution' })).toMatchObject({ ok: true });
    writeFileSync(join(parent, 'layout-solution', 'deployment.big.json'), bigManifest(60, 100));
  });

  test('at 1024×700 with Modules and Routes open the editor keeps a usable width, the tabs and Apply', async ({ page, served }) => {
    await openWithPanels(page, served, 1024, 700, false);
    // Opening a side panel on a small screen folds the explorer away: the text needs the room more.
    await expect(page.getByTestId('explorer-show')).toBeVisible();
    const editor = await box(page.getByTestId('code-editor'));
    expect(editor.width).toBeGreaterThanOrEqual(400);
    expect(editor.height).toBeGreaterThanOrEqual(140);

    const tab = page.getByTestId(`tab-${FILE}`);
    await expect(tab).toBeVisible();
    const tabBox = await box(tab);
    expect(tabBox.width).toBeGreaterThan(60);
    expect(tabBox.x + tabBox.width).toBeLessThanOrEqual(1024);

    const apply = page.getByTestId('apply-local');
    await expect(apply).toBeVisible();
    const applyBox = await box(apply);
    expect(applyBox.x + applyBox.width).toBeLessThanOrEqual(1024);
    expect(await unclipped(apply)).toBe(true);

    // The modules form is beside the text, not over it, and the graph under it.
    const side = await box(page.getByTestId('modules-panel'));
    expect(side.x).toBeGreaterThanOrEqual(editor.x + editor.width - 1);
    // A problem's message reads as a line, not a word per line.
    await calm(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-small-panels-light.png') });

    // The side panel gives way to the text: dragging it wider stops where the text keeps 400 px.
    const grip = page.getByTestId('side-panel-grip');
    await grip.focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
    expect((await box(page.getByTestId('code-editor'))).width).toBeGreaterThanOrEqual(399);
    // Problems is resizable too.
    const problemsGrip = page.getByTestId('problems-grip');
    await expect(problemsGrip).toBeAttached();
    // The route graph grows from the keyboard (End: as tall as the column allows) and the text keeps its minimum.
    const routes = page.getByTestId('routes-panel');
    const before = (await box(routes)).height;
    await page.getByTestId('routes-grip').focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await box(routes)).height).toBeGreaterThan(before);
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    // Home: the smallest graph, 160 px (plus the panel's 1 px top border).
    await expect.poll(async () => Math.round((await box(routes)).height)).toBe(161);
  });

  test('at 1024×700 in dark mode, and the explorer folded', async ({ page, served }) => {
    await openWithPanels(page, served, 1024, 700, true);
    await expect(page.getByTestId('explorer-show')).toBeVisible();
    expect((await box(page.getByTestId('code-editor'))).width).toBeGreaterThanOrEqual(400);
    await calm(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'manifests-small-panels-dark.png') });
  });

  test('at 1440×900, light and dark', async ({ page, served }) => {
    await openWithPanels(page, served, 1440, 900, false);
    expect((await box(page.getByTestId('code-editor'))).width).toBeGreaterThanOrEqual(400);
    await forEachLook(
      page,
      async (look) => {
        await calm(page);
        await page.screenshot({ path: shotPath('manifests-large-panels', look, { size: false }) });
      },
      { sizes: ['large'] },
    );
  });

  test('the route graph at 60 modules and 100 routes: route names on edges, a search that narrows it', async ({ page, served }) => {
    // Four sizes of a 60-module graph in one test: on a loaded 2-core runner one pass can take 20 s.
    test.setTimeout(150_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The graph's checks run at both sizes; the dark passes only where every look is photographed.
    await forEachLook(
      page,
      async (look) => {
        await page.goto(served.url);
        await page.getByTestId('nav-manifests').click();
        await page.getByTestId('file-tree').getByTestId('tree-deployment.big.json').click();
        await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('modulesContent');
        await page.getByTestId('toggle-routes').click();
        const panel = page.getByTestId('routes-panel');
        const summary = panel.getByTestId('route-graph-summary');
        await expect(summary).toContainText('60 modules · 100 routes');
        await expect(summary).toContainText('20 broken');
        // Each broken route whose target cannot be read ends at a marker of its own, not in one crowded node.
        await expect(panel.getByTestId('route-graph-error')).toHaveCount(16);
        await expect(panel.locator('[data-testid="route-graph-error"][data-route="route005"]')).toHaveCount(1);
        // Every edge says which route it is; long names are not cut to nothing.
        await expect(panel.locator('[data-testid="route-graph-edge-label"][data-route="route002"]')).toContainText('route002');
        if (look.shoot) {
          await calm(page);
          await page.screenshot({ path: shotPath('route-graph-big', look, { size: 'width' }) });
        }

        // A module's name narrows the graph to its routes (this one sends two broken routes: two markers beside it).
        await panel.getByTestId('route-graph-search').fill('sensorGatewayModule05');
        await expect(panel.getByTestId('route-graph-error')).toHaveCount(2);
        await expect(summary).toContainText(/of 100 routes/);
        const shown = await panel.locator('[data-testid="route-graph-edge-label"]').count();
        expect(shown).toBeGreaterThan(0);
        expect(shown).toBeLessThan(20);
        if (look.shoot) {
          await calm(page);
          await page.screenshot({ path: shotPath('route-graph-big-filtered', look, { size: 'width' }) });
        }
        await panel.getByTestId('route-graph-search').fill('');
        await expect(summary).toContainText('60 modules · 100 routes');
        // Routes off until the next page.
        await page.getByTestId('toggle-routes').click();
      },
      { everySize: true },
    );
    expect(errors).toEqual([]);
  });

  test('screens changed by issue 10 at both sizes, light and dark: the palette over the editor, the shell', async ({ page, served }) => {
    // The palette's first action is checked at both sizes; the dark passes only where every look is photographed.
    await forEachLook(
      page,
      async (look) => {
        await page.goto(served.url);
        if (look.shoot) {
          await calm(page);
          await page.screenshot({ path: shotPath('shell-overview', look, { size: 'width' }) });
        }
        await page.getByTestId('nav-manifests').click();
        await page.getByTestId('file-tree').getByTestId(`tree-${FILE}`).click();
        await page.getByTestId('code-editor').locator('.view-lines').click();
        await page.keyboard.press('Control+k');
        const palette = page.getByTestId('command-palette');
        await expect(palette.getByRole('option').first()).toContainText(`Apply ${FILE} to the local runtime`);
        if (look.shoot) {
          await page.mouse.move(0, 0);
          await page.waitForTimeout(300);
          await page.screenshot({ path: shotPath('palette-actions', look, { size: 'width' }) });
        }
        await page.keyboard.press('Escape');
        await expect(palette).toBeHidden();
      },
      { everySize: true },
    );
  });
});
