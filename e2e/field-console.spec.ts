import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, forEachLook, shotPath, test, type ServedConsole } from './support/served-console';

/**
 * Issue 10, the editor and the keyboard: a manifest is whatever its content says (judged as the CLI judges it),
 * a template that cannot expand says so before Apply, quick fixes are code actions, Enter on a problem only
 * navigates, and the command palette acts from inside the editor and gives the focus back.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const parent = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-field-'));
const odd = join(parent, 'odd-names');
const solution = join(parent, 'field-solution');
/** A template with a variable outside quotes that its .env does not set (the manifest core's own fixture, copied). */
const unset = join(parent, 'unset-variable');
const UNSET_FIXTURE = join(ROOT, 'shared/manifest/testdata/verdicts/unquoted-unset');

/** A deployment the CLI rejects (blank registry credentials) with an unsupported schemaVersion (a quick fix). */
const DEPLOYMENT = `{
  "modulesContent": {
    "$edgeAgent": {
      "properties.desired": {
        "schemaVersion": "1.1",
        "runtime": {
          "type": "docker",
          "settings": {
            "registryCredentials": {
              "acr": { "address": "example.azurecr.io", "username": "", "password": "" }
            }
          }
        },
        "systemModules": {
          "edgeAgent": { "type": "docker", "settings": { "image": "mcr.microsoft.com/azureiotedge-agent:1.5" } },
          "edgeHub": {
            "type": "docker",
            "status": "running",
            "restartPolicy": "always",
            "settings": { "image": "mcr.microsoft.com/azureiotedge-hub:1.5" }
          }
        },
        "modules": {}
      }
    },
    "$edgeHub": {
      "properties.desired": {
        "schemaVersion": "9.9",
        "routes": {},
        "storeAndForwardConfiguration": { "timeToLiveSecs": 7200 }
      }
    }
  }
}
`;

test.afterAll(async ({ served }) => {
  await rpc(served, 'workspace.close', {});
  rmSync(parent, { recursive: true, force: true });
});

async function rpc(served: ServedConsole, method: string, params: object): Promise<{ ok: boolean }> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as { ok: boolean };
}

/** `gatehouse validate --json` on a file, as a script would run it. */
function cliVerdict(file: string): { kind: string; ok: boolean; diagnostics: { code: string; line: number }[] } {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli.mjs'), 'validate', '--json', file], { encoding: 'utf8' });
  const verdicts = JSON.parse(run.stdout) as { kind: string; ok: boolean; diagnostics: { code: string; line: number }[] }[];
  expect(verdicts).toHaveLength(1);
  return verdicts[0]!;
}

async function openFile(page: Page, served: ServedConsole, folder: string, file: string): Promise<void> {
  expect(await rpc(served, 'workspace.open', { path: folder })).toMatchObject({ ok: true });
  await page.goto(served.url);
  await page.getByTestId('nav-manifests').click();
  await page.getByTestId('file-tree').getByTestId(`tree-${file}`).click();
  await expect(page.getByTestId('code-editor').locator('.monaco-editor')).toBeVisible();
}

/** Code and line of every problem listed in the Problems panel. */
async function listedProblems(page: Page): Promise<string[]> {
  const rows = page.getByTestId('problems-panel').getByTestId('problem');
  return rows.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-code') ?? '-'}@${el.getAttribute('data-line')}`));
}

test.describe('Field-ready editor and keyboard (served console)', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async ({ served }) => {
    mkdirSync(join(odd, 'config'), { recursive: true });
    writeFileSync(join(odd, 'site-a.manifest.json'), DEPLOYMENT);
    writeFileSync(join(odd, 'manifest.json'), DEPLOYMENT.replace('"9.9"', '"1.1"'));
    writeFileSync(join(odd, 'config', 'gateway-deployment-3.json'), DEPLOYMENT);
    writeFileSync(join(odd, 'package.json'), '{ "name": "not-a-manifest" }\n');
    expect(await rpc(served, 'workspace.createFromTemplate', { template: 'sensor-filter-upstream', parent, name: 'field-solution' })).toMatchObject({ ok: true });
    const template = readFileSync(join(solution, 'deployment.template.json'), 'utf8');
    expect(template).toContain('"gatehouse/sample-filter:1.0"');
    writeFileSync(join(solution, 'deployment.template.json'), template.replace('"gatehouse/sample-filter:1.0"', '"${MODULES.nosuchmodule}"'));
  });

  test('a deployment with an unusual file name judged in the editor as the CLI judges it', async ({ page, served }) => {
    for (const file of ['site-a.manifest.json', 'manifest.json', 'config/gateway-deployment-3.json']) {
      await openFile(page, served, odd, file);
      const verdict = cliVerdict(join(odd, file));
      expect(verdict.kind).toBe('deployment');
      expect(verdict.ok).toBe(false);
      const expected = verdict.diagnostics.map((d) => `${d.code}@${d.line}`).sort();
      await expect.poll(async () => (await listedProblems(page)).sort()).toEqual(expected);
      await expect(page.getByTestId('problems-panel')).toContainText('Deployment manifest');
      await expect(page.getByTestId('problems-panel')).not.toContainText('No problems');
      // A manifest gets the manifest tools, whatever its name.
      await expect(page.getByTestId('toggle-routes')).toBeVisible();
      await expect(page.getByTestId('toggle-modules')).toBeVisible();
      await expect(page.getByTestId('apply-local')).toBeVisible();
      // The explorer badges the file's errors.
      const errors = await page.getByTestId('problems-panel').locator('[data-testid="problem"][data-severity="error"]').count();
      expect(errors).toBeGreaterThan(0);
      await expect(page.getByTestId('file-tree').getByTestId(`tree-${file}`).getByTestId('tree-errors')).toHaveText(String(errors));
    }
    // Other JSON stays plain JSON: no verdict, no manifest tools.
    await page.getByTestId('file-tree').getByTestId('tree-package.json').click();
    await expect(page.getByTestId('code-editor')).toHaveAttribute('data-path', 'package.json');
    await expect(page.getByTestId('problems-panel')).toContainText('No problems.');
    await expect(page.getByTestId('problems-panel')).not.toContainText('Deployment manifest');
    await expect(page.getByTestId('toggle-routes')).toHaveCount(0);
    await expect(page.getByTestId('apply-local')).toHaveCount(0);
  });

  test('broken JSON in a manifest with an unusual name gets our syntax diagnostic', async ({ page, served }) => {
    writeFileSync(join(odd, 'broken.manifest.json'), DEPLOYMENT.replace('"schemaVersion": "1.1",', '"schemaVersion": "1.1"'));
    await openFile(page, served, odd, 'broken.manifest.json');
    const verdict = cliVerdict(join(odd, 'broken.manifest.json'));
    expect(verdict.diagnostics.map((d) => d.code)).toContain('GH1001');
    // Ours agree with the CLI's (the JSON worker's own, without a code, also mark the placeholders outside quotes).
    await expect.poll(async () => (await listedProblems(page)).filter((p) => !p.startsWith('-@')).sort()).toEqual(verdict.diagnostics.map((d) => `${d.code}@${d.line}`).sort());
    await expect(page.getByTestId('problem').filter({ hasText: 'comma' }).first()).toHaveAttribute('data-source', 'Gatehouse');
  });

  test('Enter on a focused problem only moves the cursor there; the text is unchanged', async ({ page, served }) => {
    await openFile(page, served, odd, 'site-a.manifest.json');
    const tab = page.getByTestId('tab-site-a.manifest.json');
    const problem = page.getByTestId('problem').filter({ hasText: '9.9' }).first();
    await expect(problem).toBeVisible();
    const line = Number(await problem.getAttribute('data-line'));
    await problem.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('code-editor')).toHaveAttribute('data-selection', new RegExp(`^${line}:\\d+-${line}:\\d+$`));
    await page.waitForTimeout(300);
    await expect(tab).toHaveAttribute('data-dirty', 'false');
    expect(await page.getByTestId('code-editor').locator('.view-lines').innerText()).not.toMatch(/"schemaVersion":\s*\n\s*"9\.9"/);
  });

  test('a quick fix is a code action named by what it changes (lightbulb, Ctrl+.)', async ({ page, served }) => {
    await openFile(page, served, odd, 'site-a.manifest.json');
    const problem = page.getByTestId('problem').filter({ hasText: '9.9' }).first();
    const fixButton = problem.getByTestId('problem-fix');
    const title = (await fixButton.getAttribute('aria-label')) ?? '';
    expect(title).not.toBe('');
    expect(title).not.toBe('Fix');
    await expect(fixButton).toContainText(title);
    await problem.click();
    await page.keyboard.press('Control+.');
    const action = page.locator('.action-widget').getByText(title, { exact: true });
    await expect(action).toBeVisible();
    await action.click();
    await expect(page.getByTestId('problem').filter({ hasText: '9.9' })).toHaveCount(0);
    await expect(page.getByTestId('tab-site-a.manifest.json')).toHaveAttribute('data-dirty', 'true');
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('tab-site-a.manifest.json')).toHaveAttribute('data-dirty', 'false');
  });

  test('a template whose modules cannot be expanded shows why, instead of "No problems"', async ({ page, served }) => {
    await openFile(page, served, solution, 'deployment.template.json');
    const panel = page.getByTestId('problems-panel');
    const expansion = panel.locator('[data-testid="problem"][data-source="Expansion"]');
    await expect(expansion.first()).toBeVisible();
    await expect(expansion.first()).toContainText('nosuchmodule');
    await expect(panel).not.toContainText('No problems');
  });

  test('a template is checked with the .env beside it: a variable it does not set is a problem, as the CLI says', async ({ page, served }) => {
    mkdirSync(unset, { recursive: true });
    for (const file of ['deployment.template.json', '.env']) copyFileSync(join(UNSET_FIXTURE, file), join(unset, file));
    const verdict = cliVerdict(join(unset, 'deployment.template.json'));
    expect(verdict.diagnostics.filter((d) => d.code === 'GH6001').map((d) => d.line)).toEqual([43]);
    await openFile(page, served, unset, 'deployment.template.json');
    const panel = page.getByTestId('problems-panel');
    const problem = panel.locator('[data-testid="problem"][data-code="GH6001"]');
    await expect(problem).toHaveCount(1);
    await expect(problem).toHaveAttribute('data-line', '43');
    await expect(problem).toHaveAttribute('data-source', 'Gatehouse');
    await expect(problem).toContainText('The variable "TTL" (${TTL}) is not set');
    // Ours agree with the CLI's (the JSON worker's own, without a code, also mark the placeholders outside quotes).
    await expect.poll(async () => (await listedProblems(page)).filter((p) => !p.startsWith('-@')).sort()).toEqual(verdict.diagnostics.map((d) => `${d.code}@${d.line}`).sort());
    await forEachLook(page, async (look) => {
      await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', look.scheme);
      await problem.scrollIntoViewIfNeeded();
      await page.mouse.move(look.width - 8, look.height / 2);
      await page.screenshot({ path: shotPath('manifests-template-env', look, { size: 'width' }), animations: 'disabled' });
    });
    // Set in the .env (on disk, as another editor would): the problem goes.
    writeFileSync(join(unset, '.env'), `${readFileSync(join(unset, '.env'), 'utf8')}TTL=3600\n`);
    await expect(problem).toHaveCount(0);
    await expect(panel.locator('[data-testid="problem"][data-severity="error"]:not([data-source="JSON"])')).toHaveCount(0);
  });

  test("the palette's actions work from inside the editor, and closing it gives the focus back", async ({ page, served }) => {
    await openFile(page, served, odd, 'site-a.manifest.json');
    const editor = page.getByTestId('code-editor');
    await editor.locator('.view-lines').click();
    const inEditor = () => page.evaluate(() => document.activeElement?.closest('[data-testid="code-editor"]') !== null);
    expect(await inEditor()).toBe(true);

    // Ctrl+K from inside Monaco opens the palette (Monaco would take it as a chord); Escape gives the focus back.
    await page.keyboard.press('Control+k');
    const palette = page.getByTestId('command-palette');
    await expect(palette).toBeVisible();
    for (const title of ['Apply site-a.manifest.json to the local runtime…', 'Validate site-a.manifest.json: show its problems', 'Open a folder…', 'New solution from a template…', 'Sideload a module image…', 'Theme: dark']) {
      await expect(palette.getByRole('option', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })).toBeVisible();
    }
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();
    await expect.poll(inEditor).toBe(true);

    // Validate: the Problems panel's first problem gets the focus.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('validate');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('problem').first()).toBeFocused();

    // Open a folder…: the header's form opens with its path field focused.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+k');
    await page.keyboard.type('open a folder');
    await page.keyboard.press('Enter');
    await expect(page.locator('input[data-testid="folder-path"]')).toBeFocused();
    await page.keyboard.press('Escape');

    // Apply: to the Runtime area's plan preview.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+k');
    await page.keyboard.type('apply site');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('area-runtime')).toBeVisible();
  });

  test('Compare opens on the first difference, says when it is inline, and survives opening another folder', async ({ page, served }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const long = Array.from({ length: 120 }, (_, i) => `  "key${i + 1}": ${i + 1}`).join(',\n');
    writeFileSync(join(odd, 'long.json'), `{\n${long}\n}\n`);
    await openFile(page, served, odd, 'long.json');
    // Saved once (a version in History), then line 101 (key100) changed in the editor, unsaved.
    await page.getByTestId('code-editor').locator('.view-lines').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await page.keyboard.press('Control+s');
    await expect(page.getByTestId('tab-long.json')).toHaveAttribute('data-dirty', 'false');
    await page.keyboard.press('Control+g');
    await page.keyboard.type('101');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.type(' "changed": 9999,');
    await page.getByTestId('toggle-history').click();
    await page.getByTestId('history-panel').getByTestId('compare-version').first().click();
    const compare = page.getByTestId('compare-view');
    await expect(compare.locator('.monaco-diff-editor .editor.modified')).toContainText('"changed": 9999');
    await expect(compare.getByTestId('compare-legend')).toHaveText(/Left: this version|Inline/);
    const inline = (await compare.getAttribute('data-inline')) === 'true';
    await expect(compare.getByTestId('compare-legend')).toContainText(inline ? 'Inline' : 'Left: this version');

    // Another folder while comparing: no uncaught error from the diff editor.
    expect(await rpc(served, 'workspace.open', { path: solution })).toMatchObject({ ok: true });
    await expect(page.getByTestId('workspace-name')).toHaveText('field-solution');
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
  });

  test('Back with the palette (or a drawer) open closes it and stays in the area', async ({ page, served }) => {
    await openFile(page, served, odd, 'site-a.manifest.json');
    await page.getByTestId('nav-runtime').click();
    await page.getByTestId('nav-manifests').click();
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    await page.keyboard.press('Control+k');
    await expect(page.getByTestId('command-palette')).toBeVisible();
    await page.goBack();
    await expect(page.getByTestId('command-palette')).toBeHidden();
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    // A dialog of the area (New solution) too.
    await page.getByTestId('new-solution-menu').click();
    await expect(page.getByTestId('new-solution-form')).toBeVisible();
    await page.goBack();
    await expect(page.getByTestId('new-solution-form')).toBeHidden();
    await expect(page.getByTestId('area-manifests')).toBeVisible();
    // Without an overlay, Back goes back.
    await page.goBack();
    await expect(page.getByTestId('area-runtime')).toBeVisible();
  });

  test('Alt+<digit> moves the focus into the area', async ({ page, served }) => {
    await openFile(page, served, odd, 'site-a.manifest.json');
    await page.getByTestId('code-editor').locator('.view-lines').click();
    const focusedArea = () => page.evaluate(() => document.activeElement?.closest('main')?.getAttribute('data-testid'));
    await page.keyboard.press('Alt+1');
    await expect.poll(focusedArea).toBe('area-overview');
    // Back in Manifests the focus lands in the area (the editor takes it as it mounts again).
    await page.keyboard.press('Alt+2');
    await expect.poll(focusedArea).toBe('area-manifests');
    await page.keyboard.press('Alt+4');
    await expect.poll(focusedArea).toBe('area-settings');
  });
});
