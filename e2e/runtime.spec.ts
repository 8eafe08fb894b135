import Dockerode from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLocalImages } from '../electron/runtime/drivers/images/build-local-images';
import { saveImages } from '../electron/runtime/drivers/images/image-build';
import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, SCREENSHOTS, startServedConsole, test, type ServedConsole } from './support/served-console';
import { clearEngineRun } from './support/engine-run';

const runId = `e2e${Date.now().toString(36)}`;
const docker = new Dockerode();
const ticker = `ticker-${runId}`;
const crasher = `crasher-${runId}`;
const work = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-runtime-'));

// Its own console: the deployments applied here must not leak into other specs' runtime state.
let served: ServedConsole;

test.beforeAll(async () => {
  served = await startServedConsole();
  const built = await buildLocalImages(docker, { names: ['busybox-module'] });
  if (!built.ok) throw new Error(`test images: ${built.error.message}`);
});

test.afterAll(async () => {
  await clearEngineRun(served, docker, runId);
  await served.stop();
  rmSync(work, { recursive: true, force: true });
});

test.describe('Runtime area (served console, real Docker engine)', () => {
  test.describe.configure({ mode: 'serial' });

  test('a long plan numbers steps 10 and up without clipping them', async ({ page }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`many${i}-${runId}`, { cmd: ['run'], startupOrder: i }]));
    await page.getByTestId('apply-file').setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(testDeployment(runId, many)) });
    const dialog = page.getByRole('dialog');
    const steps = dialog.getByTestId('plan-steps');
    await expect(steps.locator('li').nth(9)).toBeAttached();
    // List markers sit in the list's left padding: it must hold "100. " in the list's own font.
    const room = await steps.evaluate((ol) => {
      const style = getComputedStyle(ol);
      const context = document.createElement('canvas').getContext('2d');
      if (!context) return { padding: 0, marker: Infinity };
      context.font = `${style.fontSize} ${style.fontFamily}`;
      return { padding: parseFloat(style.paddingLeft), marker: context.measureText('100. ').width };
    });
    expect(room.padding).toBeGreaterThanOrEqual(room.marker);
    await steps.locator('li').nth(9).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-apply-long-plan.png'), animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
  });

  test('previews the plan, applies a deployment file and shows the modules running', async ({ page }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await expect(page.getByTestId('runtime-engine')).toContainText('Docker');
    const deployment = testDeployment(runId, {
      [ticker]: { cmd: ['run'], env: { LOG_PREFIX: 'ticker', API_TOKEN: 's3cret-value' }, startupOrder: 1 },
      [crasher]: { cmd: ['crashloop', '3'], restartPolicy: 'always', startupOrder: 2 },
    });
    await page.getByTestId('apply-file').setInputFiles({ name: 'deployment.json', mimeType: 'application/json', buffer: Buffer.from(deployment) });
    const dialog = page.getByTestId('apply-dialog');
    await expect(dialog.getByTestId('plan-steps').locator('li')).toHaveCount(6);
    await expect(dialog.getByTestId('plan-steps')).toContainText(`create ${ticker}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-plan-preview.png'), animations: 'disabled' });
    await dialog.getByTestId('apply-confirm').click();
    await expect(dialog).toContainText('Deployment v1 accepted');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();

    await expect(page.getByTestId(`runtime-status-${ticker}`)).toHaveText('running');
    await expect(page.getByTestId(`runtime-status-${crasher}`)).toHaveText(/backoff|running/);
    await expect(page.getByTestId('agent-state')).toHaveText(/running|degraded|applying/);
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-modules.png'), animations: 'disabled' });
  });

  test('refuses an invalid deployment whole and says where it is wrong', async ({ page }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    const broken = testDeployment(runId, { [ticker]: { restartPolicy: 'sometimes' } });
    await page.getByTestId('apply-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
    const dialog = page.getByTestId('apply-dialog');
    await expect(dialog).toContainText('nothing was applied');
    await expect(dialog).toContainText(/line \d+:\d+/);
    await expect(dialog.getByTestId('apply-confirm')).toBeDisabled();
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-invalid.png'), animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId(`runtime-status-${ticker}`)).toHaveText('running');
  });

  test('shows module details with secrets masked, follows logs, and restarts a module', async ({ page }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await page.getByRole('button', { name: ticker, exact: true }).click();
    const drawer = page.getByTestId('module-drawer');
    await expect(drawer.getByTestId('module-env')).toContainText('IOTEDGE_MODULEID');
    await expect(drawer.getByTestId('module-env')).not.toContainText('s3cret-value');
    // The generation id shown is the one the container got.
    const env = (await docker.getContainer(ticker).inspect()).Config.Env;
    const generation = env.find((e) => e.startsWith('IOTEDGE_MODULEGENERATIONID='))?.split('=')[1] ?? '';
    expect(generation).toMatch(/^\d{18}$/);
    await expect(drawer.getByTestId('module-env')).toContainText(generation);
    await expect(drawer.getByTestId('module-create-options')).toContainText('net.azure-devices.edge.owner');
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-module-details.png'), animations: 'disabled' });

    await drawer.getByRole('tab', { name: 'Logs' }).click();
    await expect(drawer.getByTestId('log-state')).toHaveText('following');
    await expect(drawer.getByTestId('log-viewport')).toContainText('ticker tick');
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-logs.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');

    // Row buttons say which module they act on (screen readers hear the name, not just "Logs").
    await expect(page.getByRole('button', { name: `Logs of ${ticker}` })).toBeVisible();
    await expect(page.getByRole('button', { name: `Restart ${ticker}` })).toBeVisible();
    await expect(page.getByRole('button', { name: `More actions for ${ticker}` })).toBeVisible();
    const before = (await docker.getContainer(ticker).inspect()).State.StartedAt;
    await page.getByTestId(`restart-${ticker}`).click();
    await expect.poll(async () => (await docker.getContainer(ticker).inspect()).State.StartedAt, { timeout: 20_000 }).not.toBe(before);
  });

  test('sideloads an image tarball with progress', async ({ page }) => {
    const tarball = join(work, 'images.tar');
    const saved = await saveImages(docker, ['gatehouse/busybox-module:test'], tarball);
    if (!saved.ok) throw new Error(saved.error.message);
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await page.getByTestId('open-sideload').click();
    await page.getByTestId('sideload-path').fill(tarball);
    await page.getByTestId('sideload-confirm').click();
    await expect(page.getByTestId('sideload-result')).toContainText('gatehouse/busybox-module:test');
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-sideload.png'), animations: 'disabled' });
  });
});
