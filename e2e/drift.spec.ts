import Dockerode from 'dockerode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeSnapshot } from '../shared/ipc/runtime.contract';
import { buildLocalImages } from '../electron/runtime/drivers/images/build-local-images';
import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, rpc, SCREENSHOTS, startServedConsole, test, type ServedConsole } from './support/served-console';
import { clearEngineRun } from './support/engine-run';

/**
 * Issue 13, Drift: in the Commissioning area, a busybox deployment applied and approved ("Approve what runs now") is
 * in sync; a changed one applied (another env value) shows drift, the env row's desired cell highlighted; approving
 * the changed manifest from the open workspace brings it back in sync; another edge device is compared through the hub.
 */

const runId = `e2e${Date.now().toString(36)}`;
const docker = new Dockerode();
const name = `drift-${runId}`;
const deployment = (mode: string) => testDeployment(runId, { [name]: { cmd: ['run'], env: { MODE: mode } } });
let served: ServedConsole;
const folder = mkdtempSync(join(tmpdir(), 'gh-e2e-drift-workspace-'));

test.beforeAll(async () => {
  served = await startServedConsole();
  const built = await buildLocalImages(docker, { names: ['busybox-module'] });
  if (!built.ok) throw new Error(`test images: ${built.error.message}`);
});

test.afterAll(async () => {
  await clearEngineRun(served, docker, runId);
  await served.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** Applies a deployment and waits until its module's container runs with that env value. */
async function applyAndRun(mode: string): Promise<void> {
  const applied = await rpc(served, 'runtime.apply', { text: deployment(mode), overrideForeignRuntime: true });
  expect(applied.ok, applied.error?.message).toBe(true);
  await expect
    .poll(
      async () => {
        const status = await rpc<RuntimeSnapshot>(served, 'runtime.status');
        const row = status.value?.modules.find((m) => m.name === name && m.runtimeStatus === 'running' && m.containerId);
        if (!row?.containerId || status.value?.agent.state !== 'converged') return false;
        return ((await docker.getContainer(row.containerId).inspect()).Config.Env ?? []).includes(`MODE=${mode}`);
      },
      { timeout: 60_000 },
    )
    .toBe(true);
}

test('approve what runs, apply a changed env value: drift shown with the env field highlighted', async ({ page }) => {
  test.setTimeout(150_000);
  await applyAndRun('a');
  // The workspace holds the changed deployment, as an engineer's solution folder would.
  mkdirSync(join(folder, 'config'));
  writeFileSync(join(folder, 'config', 'deployment.b.json'), deployment('b'));
  const opened = await rpc(served, 'workspace.open', { path: folder });
  expect(opened.ok, opened.error?.message).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(served.url);
  await page.getByTestId('nav-commissioning').click();
  const view = page.getByTestId('drift-view');
  await expect(view.getByTestId('drift-verdict')).toHaveText('Nothing approved');

  await view.getByTestId('drift-approve-running').click();
  await expect(view.getByTestId('drift-verdict')).toHaveText('In sync');
  await expect(view.getByTestId('drift-approved')).toContainText('sha256');
  await expect(view.getByTestId('drift-desired-source')).toContainText("this machine's applied deployment");
  const env = view.getByTestId(`drift-row-${name}/env`);
  await expect(env).toHaveAttribute('data-verdict', 'in-sync');
  await view.scrollIntoViewIfNeeded();
  await view.screenshot({ path: join(SCREENSHOTS, 'drift-in-sync.png'), animations: 'disabled' });

  await applyAndRun('b');
  await view.getByTestId('drift-refresh').click();
  await expect(view.getByTestId('drift-verdict')).toHaveText('Drifted');
  await expect(env).toHaveAttribute('data-verdict', 'desired-differs');
  await expect(env.locator('[data-cell="desired"]')).toHaveAttribute('data-changed', 'true');
  await expect(env.locator('[data-cell="approved"]')).toHaveText('{"MODE":"a"}');
  await expect(env.locator('[data-cell="desired"]')).toHaveText('{"MODE":"b"}');
  await expect(env.locator('[data-cell="running"]')).toHaveText('{"MODE":"b"}');
  // Only the env row differs.
  await expect(view.locator('[data-verdict="desired-differs"], [data-verdict="running-differs"]')).toHaveCount(1);
  await view.scrollIntoViewIfNeeded();
  await page.mouse.move(1430, 450);
  await view.screenshot({ path: join(SCREENSHOTS, 'drift-env-changed.png'), animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await view.screenshot({ path: join(SCREENSHOTS, 'drift-env-changed-dark.png'), animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'light' });

  // Approve the changed manifest from the workspace: approved, desired and running agree again.
  await expect(view.getByTestId('drift-workspace-manifest')).toHaveText('config/deployment.b.json');
  await view.getByTestId('drift-approve-workspace').click();
  await expect(view.getByTestId('drift-verdict')).toHaveText('In sync');
  await expect(env.locator('[data-cell="approved"]')).toHaveText('{"MODE":"b"}');
  await expect(view.getByTestId('drift-approved')).toContainText(join('config', 'deployment.b.json'));
  await page.mouse.move(1430, 450);
  await view.screenshot({ path: join(SCREENSHOTS, 'drift-workspace-approved.png'), animations: 'disabled' });

  // Another edge device through the hub: its $edgeAgent/$edgeHub twins are the desired state; nothing runs there
  // (no agent reports for it), so the module is desired but not running.
  const other = `drift-other-${runId}`;
  expect((await rpc(served, 'cloud.deviceCreate', { deviceId: other, edgeEnabled: true })).ok).toBe(true);
  const set = await rpc(served, 'cloud.setModules', { deviceId: other, content: JSON.parse(deployment('b')) as object });
  expect(set.ok, set.error?.message).toBe(true);
  await view.getByTestId('drift-device').fill(other);
  await view.getByTestId('drift-refresh').click();
  await expect(view.getByTestId('drift-desired-source')).toContainText(`Desired: ${other}'s $edgeAgent/$edgeHub twins on the hub`);
  const presence = view.getByTestId(`drift-row-${name}/module`);
  await expect(presence.locator('[data-cell="desired"]')).toHaveText('present');
  await expect(presence.locator('[data-cell="running"]')).toHaveText('absent');
  await expect(view.getByTestId('drift-verdict')).toHaveText('Drifted');
  await page.mouse.move(1430, 450);
  await view.screenshot({ path: join(SCREENSHOTS, 'drift-other-device.png'), animations: 'disabled' });

  // A device the hub does not know: the hub's reason, not a table.
  await view.getByTestId('drift-device').fill('no-such-device');
  await view.getByTestId('drift-device').press('Enter');
  await expect(view.getByTestId('drift-error')).toContainText('no-such-device');
  // Blank again: this machine's runtime.
  await view.getByTestId('drift-device').fill('');
  await view.getByTestId('drift-refresh').click();
  await expect(view.getByTestId('drift-desired-source')).toContainText("this machine's applied deployment");
});
