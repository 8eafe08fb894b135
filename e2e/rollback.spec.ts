import Dockerode from 'dockerode';
import { join } from 'node:path';
import type { HistoryEntry } from '../shared/ipc/rollback.contract';
import type { RuntimeSnapshot } from '../shared/ipc/runtime.contract';
import { buildLocalImages } from '../electron/runtime/drivers/images/build-local-images';
import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, rpc, SCREENSHOTS, startServedConsole, test, type ServedConsole } from './support/served-console';
import { clearEngineRun } from './support/engine-run';

/**
 * Issue 13, last-known-good and rollback, in the Commissioning area: a busybox deployment passes its checks (Good);
 * one with a crash-looping module fails them, the banner offers the rollback to the good one, a click rolls back,
 * the good module alone runs again and the Deployments history shows all three with their origin and changes.
 */

const runId = `e2e${Date.now().toString(36)}`;
const docker = new Dockerode();
const GOOD = `steady-${runId}`;
const LOOPING = `looping-${runId}`;
const good = () => testDeployment(runId, { [GOOD]: { cmd: ['run'] } });
const bad = () => testDeployment(runId, { [GOOD]: { cmd: ['run'] }, [LOOPING]: { cmd: ['sh', '-c', 'exit 3'], restartPolicy: 'always' } });
let served: ServedConsole;

test.beforeAll(async () => {
  served = await startServedConsole({ GATEHOUSE_KNOWN_GOOD_WINDOW_MS: '8000', GATEHOUSE_KNOWN_GOOD_POLL_MS: '1000', GATEHOUSE_AUTO_ROLLBACK: '' });
  const built = await buildLocalImages(docker, { names: ['busybox-module'] });
  if (!built.ok) throw new Error(`test images: ${built.error.message}`);
});

test.afterAll(async () => {
  await clearEngineRun(served, docker, runId);
  await served.stop();
});

async function apply(text: string): Promise<string> {
  const applied = await rpc<{ version: number }>(served, 'runtime.apply', { text, overrideForeignRuntime: true });
  expect(applied.ok, applied.error?.message).toBe(true);
  return `v${applied.value?.version ?? 0}`;
}

async function verdictOf(id: string): Promise<string | undefined> {
  const history = await rpc<HistoryEntry[]>(served, 'rollback.history');
  return history.value?.find((e) => e.id === id)?.verdict;
}

test('a good deployment, a crash-looping one: the banner offers the rollback, a click restores the good one', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(served.url);
  await page.getByTestId('nav-commissioning').click();
  const view = page.getByTestId('deployments-view');
  await expect(view.getByTestId('rollback-auto')).not.toBeChecked();

  const goodId = await apply(good());
  const goodRow = view.getByTestId(`deployment-${goodId}`);
  await expect(goodRow).toHaveAttribute('data-verdict', 'pending', { timeout: 30_000 });
  await expect(goodRow).toHaveAttribute('data-verdict', 'good', { timeout: 90_000 });
  await expect(goodRow.getByTestId('deployment-verdict')).toHaveText('Good');
  await expect(goodRow.getByTestId('deployment-origin')).toHaveText('Applied');
  await expect(page.getByTestId('rollback-banner')).toHaveCount(0);

  const badId = await apply(bad());
  await expect.poll(() => verdictOf(badId), { timeout: 90_000 }).toBe('bad');
  const banner = page.getByTestId('rollback-banner');
  await expect(banner).toBeVisible();
  await expect(banner.getByTestId('rollback-banner-text')).toContainText(`Deployment ${badId} failed its checks (`);
  await expect(banner.getByTestId('rollback-banner-text')).toContainText(`Roll back to ${goodId}, the last known good?`);
  const badRow = view.getByTestId(`deployment-${badId}`);
  await expect(badRow.getByTestId('deployment-verdict')).toHaveText('Bad');
  await expect(badRow.getByTestId('deployment-detail')).toContainText('Failed: ');
  await badRow.getByTestId('deployment-diff-toggle').click();
  await expect(badRow.getByTestId('deployment-diff')).toContainText(`modules › ${LOOPING}`);
  await expect(badRow.getByTestId('deployment-diff')).toContainText('exit 3');
  await page.mouse.move(1430, 10);
  await page.getByRole('heading', { name: 'Commissioning', level: 1 }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'rollback-banner.png'), animations: 'disabled' });
  await badRow.scrollIntoViewIfNeeded();
  await view.screenshot({ path: join(SCREENSHOTS, 'rollback-history-bad.png'), animations: 'disabled' });

  await banner.getByTestId('rollback-now').click();
  await expect(banner).toHaveCount(0, { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const status = await rpc<RuntimeSnapshot>(served, 'runtime.status');
        const live = await docker.listContainers({ all: true, filters: { label: [`gatehouse.test=${runId}`] } });
        const names = live.map((c) => `${c.Names[0] ?? ''}:${c.State}`);
        return (
          status.value?.modules.map((m) => m.name).join() === GOOD &&
          status.value.modules[0]?.runtimeStatus === 'running' &&
          !names.some((n) => n.includes(LOOPING)) &&
          names.some((n) => n.includes(GOOD) && n.endsWith(':running'))
        );
      },
      { timeout: 60_000 },
    )
    .toBe(true);

  const rows = view.locator('li[data-origin]');
  await expect(rows).toHaveCount(3);
  const restored = rows.first();
  await expect(restored.getByTestId('deployment-origin')).toHaveText(`Rolled back from ${badId} to ${goodId}`);
  await expect(restored).toHaveAttribute('data-verdict', 'good', { timeout: 90_000 });
  await expect(rows.nth(1)).toHaveAttribute('data-testid', `deployment-${badId}`);
  await expect(rows.nth(2)).toHaveAttribute('data-testid', `deployment-${goodId}`);
  await restored.getByTestId('deployment-diff-toggle').click();
  await expect(restored.getByTestId('deployment-diff')).toContainText(`modules › ${LOOPING}`);
  await expect(restored.getByTestId('deployment-diff')).toContainText('removed {');
  await page.mouse.move(1430, 10);
  await view.scrollIntoViewIfNeeded();
  await view.screenshot({ path: join(SCREENSHOTS, 'rollback-history-restored.png'), animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await view.screenshot({ path: join(SCREENSHOTS, 'rollback-history-restored-dark.png'), animations: 'disabled' });
});

test('with the switch on, a crash-looping deployment is rolled back by itself and the banner says so', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(served.url);
  await page.getByTestId('nav-commissioning').click();
  const view = page.getByTestId('deployments-view');
  const lastGood = (await rpc<{ lastKnownGood: string | null }>(served, 'rollback.state')).value?.lastKnownGood;
  expect(lastGood).toBeTruthy();
  const toggle = view.getByTestId('rollback-auto');
  await toggle.click();
  await expect(toggle).toBeChecked();
  await expect.poll(async () => (await rpc<{ auto: boolean }>(served, 'rollback.state')).value?.auto).toBe(true);

  const badId = await apply(bad());
  const banner = page.getByTestId('rollback-auto-banner');
  await expect(banner).toContainText(`Rolled back automatically from ${badId} to ${lastGood} at `, { timeout: 90_000 });
  await expect(page.getByTestId('rollback-banner')).toHaveCount(0);
  const newest = view.locator('li[data-origin]').first();
  await expect(newest).toHaveAttribute('data-origin', 'auto-rollback');
  await expect(newest.getByTestId('deployment-origin')).toHaveText(`Rolled back automatically from ${badId} to ${lastGood}`);
  await expect(view.getByTestId(`deployment-${badId}`)).toHaveAttribute('data-verdict', 'bad');
  await page.mouse.move(1430, 10);
  await page.getByRole('heading', { name: 'Commissioning', level: 1 }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'rollback-auto-banner.png'), animations: 'disabled' });
  // Dismissed: gone, and still gone after a reload (this browser remembers which rollback it was).
  await page.getByTestId('rollback-auto-dismiss').click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await page.getByTestId('nav-commissioning').click();
  await expect(page.getByTestId('deployments-view')).toBeVisible();
  await expect(banner).toHaveCount(0);
  await toggle.click();
  await expect(toggle).not.toBeChecked();
});
