import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { manifest, module } from '../shared/manifest/manifest.test-util';
import { expect, forEachLook, shotPath, startServedConsole, test, type ServedConsole } from './support/served-console';

/**
 * Issue 11, Deployments. Against a served console with its embedded local hub: an edge device made by the CLI gets
 * the deployment open in the editor (Deploy to device…: diff, confirm), which the CLI then reads from the
 * $edgeAgent twin; a deployment at scale whose target condition matches it (the live count says 1) is listed with
 * targeted 1, and deleted; a deployment is edited (target condition with the live count, priority, labels, metrics;
 * content read-only) and a change made meanwhile is a conflict with a reload.
 */

const ROOT = join(import.meta.dirname, '..');
const DEVICE = 'gw1';
const IMAGE = 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5';
const parent = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-deployments-'));
const solution = join(parent, 'dep-solution');

async function rpc(served: ServedConsole, method: string, params: object): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function calm(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
}

let env: NodeJS.ProcessEnv = {};
function cli(...args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'dist/cli.mjs'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

test.describe('Deployments (served console, embedded local hub)', () => {
  test.describe.configure({ mode: 'serial' });
  let served: ServedConsole | undefined;
  let notRunning = '';

  test.beforeAll(async () => {
    const ports = { GATEHOUSE_LOCALHUB_HTTPS_PORT: String(await freePort()), GATEHOUSE_LOCALHUB_MQTT_PORT: String(await freePort()) };
    served = await startServedConsole(ports);
    env = { ...ports, GATEHOUSE_HOME: served.dataDir };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = (await rpc(served, 'localhub.state', {})) as { value?: { state: string; reason?: string } };
      if (state.value?.state === 'running') break;
      if (state.value?.state !== 'starting' || Date.now() > deadline) {
        notRunning = `the embedded local hub is not running (${state.value?.state ?? 'no answer'}${state.value?.reason ? `: ${state.value.reason}` : ''})`;
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    mkdirSync(solution, { recursive: true });
    writeFileSync(join(solution, 'deployment.json'), JSON.stringify(manifest({ modules: { tempSensor: module({}, { image: IMAGE }) } }), null, 2));
    // A deployment IoT Edge would refuse: $edgeAgent without its desired properties, no $edgeHub.
    writeFileSync(join(solution, 'deployment.broken.json'), JSON.stringify({ modulesContent: { $edgeAgent: { 'properties.desired': { schemaVersion: '1.1' } } } }, null, 2));
    expect(await rpc(served, 'workspace.open', { path: solution })).toMatchObject({ ok: true });
  });

  test.afterAll(async () => {
    if (served) await rpc(served, 'workspace.close', {});
    await served?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  test('deploys the manifest open in the editor to gw1 after a diff, and the CLI reads the modules from its $edgeAgent twin', async ({ page }) => {
    test.skip(!!notRunning, `Skipped: ${notRunning}`);
    cli('device-identity', 'create', '-d', DEVICE, '--edge-enabled');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(served!.url);
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('file-tree').getByTestId('tree-deployment.json').click();
    await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('modulesContent');

    // From the palette (the toolbar button opens the same dialog).
    await expect(page.getByTestId('deploy-to-device')).toBeEnabled();
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Deploy deployment.json to a device');
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('deploy-device-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('deploy-device-confirm')).toBeDisabled();
    await page.getByTestId('deploy-device-select').selectOption(DEVICE);
    const diff = page.getByTestId('deploy-device-diff');
    await expect(diff.locator('.modified .view-lines')).toContainText('tempSensor');
    await forEachLook(page, async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath('deploy-to-device', look) });
    });
    await page.getByTestId('deploy-device-confirm').click();
    await expect(page.getByTestId('deploy-device-result')).toContainText(`Sent to ${DEVICE}.`);
    await page.getByTestId('deploy-device-close').click();

    const twin = JSON.parse(cli('module-twin', 'show', '-d', DEVICE, '-m', '$edgeAgent', '--json')) as { properties: { desired: { modules?: Record<string, { settings: { image: string } }> } } };
    expect(twin.properties.desired.modules?.['tempSensor']?.settings.image).toBe(IMAGE);
  });

  test('creates a deployment at scale whose condition matches gw1 (live count 1), lists it with targeted 1, deletes it', async ({ page }) => {
    test.skip(!!notRunning, `Skipped: ${notRunning}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(served!.url);
    // The editor's file is the manifest offered by the dialog.
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('file-tree').getByTestId('tree-deployment.json').click();
    await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('modulesContent');
    await page.keyboard.press('Alt+6');
    await expect(page.getByTestId('area-deployments')).toBeVisible();
    await expect(page).toHaveTitle(/Deployments — Gatehouse/);
    await page.getByTestId('deployments-create').click();
    await page.getByTestId('create-deployment-id').fill('sensors-at-scale');
    await expect(page.getByTestId('create-source-editor')).toBeChecked();

    // A condition that does not read is pointed at locally, and the hub is not asked.
    const condition = page.getByTestId('create-deployment-condition');
    await condition.fill("deviceId = 'gw1' AND");
    await expect(page.getByTestId('condition-pointer')).toBeVisible();
    await expect(page.getByTestId('create-deployment-confirm')).toBeDisabled();
    await condition.fill(`deviceId = '${DEVICE}'`);
    await expect(page.getByTestId('target-count')).toHaveText('Matches 1 device now.');
    await page.getByTestId('create-deployment-labels').fill('team=sensors, ring=1');
    await page.getByTestId('create-deployment-metrics').fill("running=SELECT deviceId FROM devices.modules WHERE moduleId='$edgeAgent'");
    await forEachLook(page, async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath('deployments-create', look) });
    });
    await page.getByTestId('create-deployment-confirm').click();
    await expect(page.getByTestId('create-deployment-dialog')).toHaveCount(0);

    const row = page.locator('[data-testid="deployment-row"][data-id="sensors-at-scale"]');
    await expect(row).toBeVisible();
    // Targeted is the hub's own count (the local hub assigns deployments a moment after a change): gw1 only.
    const targeted = async () => {
      const shown = await rpc(served!, 'cloud.deploymentShow', { deploymentId: 'sensors-at-scale' });
      return (shown.value as { systemMetrics?: { results?: { targetedCount?: number } } }).systemMetrics?.results?.targetedCount ?? 0;
    };
    await expect.poll(targeted, { timeout: 15_000 }).toBe(1);
    const hubTargeted = 1;
    await expect(row.getByTestId('metric-targeted')).toHaveText(String(hubTargeted), { timeout: 15_000 });
    await expect(page.getByTestId('deployment-detail')).toContainText('sensors-at-scale');
    await forEachLook(page, async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath('deployments-list', look) });
    });
    await page.getByTestId('deployment-delete').click();
    await expect(page.getByTestId('delete-deployment-dialog')).toContainText('Delete deployment sensors-at-scale?');
    await page.getByTestId('delete-deployment-confirm').click();
    await expect(row).toHaveCount(0);
    const list = await rpc(served!, 'cloud.deploymentList', {});
    expect((list.value as { id: string }[]).map((d) => d.id)).not.toContain('sensors-at-scale');
  });

  test('says why a manifest the device would refuse is not sent, with the first errors\' line and column', async ({ page }) => {
    test.skip(!!notRunning, `Skipped: ${notRunning}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(served!.url);
    await page.getByTestId('nav-manifests').click();
    await page.getByTestId('file-tree').getByTestId('tree-deployment.broken.json').click();
    await expect(page.getByTestId('code-editor').locator('.view-lines')).toContainText('modulesContent');
    await page.getByTestId('deploy-to-device').click();
    await expect(page.getByTestId('deploy-device-invalid')).toHaveText(/^deployment\.broken\.json cannot be sent\. The deployment has \d+ errors?\. Ln \d+, Col \d+: /);
    await page.getByTestId('deploy-device-select').selectOption(DEVICE);
    await expect(page.getByTestId('deploy-device-confirm')).toBeDisabled();
    await expect(page.getByTestId('deploy-device-diff')).toHaveCount(0);
  });

  test('edits a deployment: new target condition (live count 1), priority, labels, metrics; content read-only; a change made meanwhile is a conflict with reload', async ({ page }) => {
    test.skip(!!notRunning, `Skipped: ${notRunning}`);
    const created = await rpc(served!, 'cloud.deploymentCreate', { deploymentId: 'edit-me', content: manifest({ modules: { tempSensor: module({}, { image: IMAGE }) } }), targetCondition: "deviceId = 'nobody'", priority: 5, labels: { team: 'a' } });
    expect(created).toMatchObject({ ok: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(served!.url);
    await page.keyboard.press('Alt+6');
    const row = page.locator('[data-testid="deployment-row"][data-id="edit-me"]');
    await row.getByTestId('deployment-row-edit').click();
    const dialog = page.getByTestId('edit-deployment-dialog');
    await expect(dialog).toContainText('Edit deployment edit-me');
    await expect(page.getByTestId('edit-deployment-condition')).toHaveValue("deviceId = 'nobody'");
    await expect(page.getByTestId('edit-target-count')).toHaveText('Matches 0 devices now.');
    await expect(page.getByTestId('edit-deployment-save')).toBeDisabled();
    await expect(page.getByTestId('edit-deployment-content')).toContainText('tempSensor');
    await expect(page.getByTestId('edit-deployment-content-note')).toContainText('does not allow changing');

    await page.getByTestId('edit-deployment-condition').fill(`deviceId = '${DEVICE}'`);
    await expect(page.getByTestId('edit-target-count')).toHaveText('Matches 1 device now.');
    await page.getByTestId('edit-deployment-priority').fill('20');
    await page.getByTestId('edit-deployment-labels').fill('team=b, ring=2');
    await page.getByTestId('edit-deployment-metrics').fill("running=SELECT deviceId FROM devices.modules WHERE moduleId='$edgeAgent'");
    await forEachLook(page, async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath('deployments-edit', look) });
    });
    await page.getByTestId('edit-deployment-save').click();
    await expect(dialog).toHaveCount(0);
    const shown = async () => (await rpc(served!, 'cloud.deploymentShow', { deploymentId: 'edit-me' })).value as { priority: number; targetCondition: string; labels: Record<string, string>; metrics: { queries: Record<string, string> }; systemMetrics?: { results?: { targetedCount?: number } } };
    expect(await shown()).toMatchObject({ priority: 20, targetCondition: `deviceId = '${DEVICE}'`, labels: { team: 'b', ring: '2' }, metrics: { queries: { running: "SELECT deviceId FROM devices.modules WHERE moduleId='$edgeAgent'" } } });
    await expect.poll(async () => (await shown()).systemMetrics?.results?.targetedCount ?? 0, { timeout: 15_000 }).toBe(1);
    await expect(row.getByTestId('metric-targeted')).toHaveText('1', { timeout: 15_000 });

    // Someone else changes it while the dialog is open: saving is refused, nothing is overwritten, Reload shows theirs.
    await page.getByTestId('deployment-edit').click();
    await expect(page.getByTestId('edit-deployment-priority')).toHaveValue('20');
    expect(await rpc(served!, 'cloud.deploymentUpdate', { deploymentId: 'edit-me', etag: '*', priority: 30 })).toMatchObject({ ok: true });
    await page.getByTestId('edit-deployment-priority').fill('25');
    await page.getByTestId('edit-deployment-save').click();
    await expect(page.getByTestId('edit-deployment-error')).toHaveAttribute('data-code', 'CONFLICT');
    await expect(page.getByTestId('edit-deployment-error')).toContainText('nothing was saved');
    await forEachLook(page, async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath('deployments-edit-conflict', look) });
    });
    expect((await shown()).priority).toBe(30);
    await page.getByTestId('edit-deployment-reload').click();
    await expect(page.getByTestId('edit-deployment-reloaded')).toBeVisible();
    await expect(page.getByTestId('edit-deployment-priority')).toHaveValue('30');
    await page.getByTestId('edit-deployment-priority').fill('31');
    await page.getByTestId('edit-deployment-save').click();
    await expect(page.getByTestId('edit-deployment-dialog')).toHaveCount(0);
    expect((await shown()).priority).toBe(31);
    expect(await rpc(served!, 'cloud.deploymentDelete', { deploymentId: 'edit-me' })).toMatchObject({ ok: true });
  });
});
