import { execFileSync } from 'node:child_process';
import Dockerode from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { buildLocalImages } from '../electron/runtime/drivers/images/build-local-images';
import { saveImages } from '../electron/runtime/drivers/images/image-build';
import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, forEachLook, SCREENSHOTS, shotPath, startServedConsole, test, type ServedConsole } from './support/served-console';
import { clearEngineRun } from './support/engine-run';

/**
 * One status vocabulary: with a module in backoff and one that gave up, the Runtime header, the status bar, the
 * Overview and `gatehouse runtime status --json` / `gatehouse status --json` say the same word in the same tone.
 * Then the module drawer (status, next retry, Restart/Stop/Start saying what they do), and the plan preview of a
 * deployment whose images are not on this machine (Sideload… each, a file picked in the page). Every image that
 * is missing lives on 127.0.0.1 (nothing answers there): nothing here ever reaches beyond this machine.
 */

const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const runId = `e2es${Date.now().toString(36)}`;
const docker = new Dockerode();
const ticker = `ticker-${runId}`;
const crasher = `crasher-${runId}`;
const quitter = `quitter-${runId}`;
const sensor = `sensor-${runId}`;
const sideloadable = `gatehouse/sample-sensor-${runId}:1.0`;
const unreachable = `127.0.0.1:5999/azureiotedge-simulated-temperature-sensor:1.5`;
const work = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-status-'));
const SIZES = [
  { width: 1440, height: 900, name: 'large' },
  { width: 1024, height: 700, name: 'small' },
] as const;

let served: ServedConsole;

async function rpc(method: string, params: unknown): Promise<unknown> {
  const response = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: JSON.stringify({ method, params }) });
  return response.json();
}

function cli(...args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [CLI, ...args], { env: { ...process.env, GATEHOUSE_HOME: served.dataDir }, encoding: 'utf8' }));
}

/**
 * `<name>-<large|small>-<light|dark>.png` at each look this run photographs. `run` (what must hold before a picture)
 * is checked at both sizes in every run, in light where this run takes no picture of that size.
 */
async function shoot(page: Page, name: string, run?: () => Promise<void>): Promise<void> {
  await forEachLook(
    page,
    async (look) => {
      await expect(page.getByTestId('app-root')).toHaveAttribute('data-theme', look.scheme);
      await run?.();
      if (!look.shoot) return;
      // No tooltip of whatever was clicked last over the picture.
      await page.mouse.move(look.width - 8, Math.round(look.height / 2));
      await page.screenshot({ path: shotPath(name, look), animations: 'disabled' });
    },
    { everySize: run !== undefined },
  );
}

/** The status bar's geometry: its height, status words cut short, items beyond its box, the runtime's sentence. */
async function statusBarLayout(page: Page) {
  return page.getByRole('contentinfo', { name: 'Status' }).evaluate((bar) => {
    const box = bar.getBoundingClientRect();
    const cut = (el: Element) => el.scrollWidth > el.clientWidth + 1;
    const items = [...bar.querySelectorAll('[data-tone]')];
    const detail = bar.querySelector('[data-testid="status-runtime-detail"]');
    const shown = detail ? getComputedStyle(detail).display !== 'none' : false;
    return {
      height: box.height,
      clippedWords: [...bar.querySelectorAll('[data-testid$="-word"]')].filter(cut).map((w) => w.textContent),
      outside: items.filter((el) => el.getBoundingClientRect().right > box.right + 0.5).map((el) => el.getAttribute('data-testid')),
      runtimeDetail: { visible: shown, cut: detail && shown ? cut(detail) : false, ellipsis: detail ? getComputedStyle(detail).textOverflow === 'ellipsis' : false },
    };
  });
}

test.beforeAll(async () => {
  served = await startServedConsole();
  const built = await buildLocalImages(docker, { names: ['busybox-module'] });
  if (!built.ok) throw new Error(`test images: ${built.error.message}`);
});

test.afterAll(async () => {
  await clearEngineRun(served, docker, runId);
  await docker.getImage(sideloadable).remove({ noprune: true }).catch(() => undefined);
  await served.stop();
  rmSync(work, { recursive: true, force: true });
});

test.describe('Runtime status, one vocabulary (served console, real Docker engine)', () => {
  test.describe.configure({ mode: 'serial' });

  test('header, status bar, Overview and the CLI say the same word with a module in backoff and one failing', async ({ page }) => {
    const applied = (await rpc('runtime.apply', {
      text: testDeployment(runId, {
        [ticker]: { cmd: ['run'], env: { LOG_PREFIX: 'ticker' }, startupOrder: 1 },
        [crasher]: { cmd: ['crashloop', '3'], restartPolicy: 'always', startupOrder: 2 },
        [quitter]: { cmd: ['exit', '4', '0'], restartPolicy: 'never', startupOrder: 3 },
      }),
      overrideForeignRuntime: true,
    })) as { ok: boolean };
    expect(applied.ok).toBe(true);

    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await expect(page.getByTestId(`runtime-status-${crasher}`)).toHaveText('backoff');
    await expect(page.getByTestId(`runtime-status-${quitter}`)).toHaveText('failed');
    await expect(page.getByTestId(`runtime-status-${ticker}`)).toHaveText('running');

    // The header and the status bar: the same word, in the same tone.
    await expect(page.getByTestId('agent-state')).toHaveText('failing');
    await expect(page.getByTestId('agent-state')).toHaveAttribute('data-tone', 'danger');
    await expect(page.getByTestId('status-runtime-word')).toHaveText('Runtime: failing');
    await expect(page.getByTestId('status-runtime')).toHaveAttribute('data-tone', 'bad');
    const summary = page.getByTestId('runtime-summary');
    await expect(summary).toContainText(`${quitter} failed: it exited with code 4 and its restart policy (never) does not restart it`);
    await expect(summary).toContainText(`${crasher} is in backoff`);
    await expect(page.getByText('Last status')).toHaveCount(0);
    await shoot(page, 'runtime-status');

    // The status bar stays one line: a status word is never cut; the runtime's sentence beside it (where there is
    // room) ends in an ellipsis, and the tooltip has it whole.
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      const layout = await statusBarLayout(page);
      expect(layout.height, size.name).toBeLessThanOrEqual(29);
      expect(layout.clippedWords, size.name).toEqual([]);
      expect(layout.outside, size.name).toEqual([]);
      if (size.width >= 1280) expect(layout.runtimeDetail, size.name).toMatchObject({ visible: true, cut: true, ellipsis: true });
      else expect(layout.runtimeDetail, size.name).toMatchObject({ visible: false });
      await page.getByTestId('status-runtime').hover();
      await expect(page.getByRole('tooltip')).toContainText(`${crasher} is in backoff`);
      await page.mouse.move(size.width / 2, size.height / 2);
    }

    // The CLI, through the running console: the same value, in --json for both commands.
    const runtimeJson = cli('runtime', 'status', '--json') as { state: { state: string; tone: string; summary: string } };
    const statusJson = cli('status', '--json') as { runtime: { state: string; tone: string; summary: string } };
    expect(runtimeJson.state).toMatchObject({ state: 'failing', tone: 'danger' });
    expect(statusJson.runtime).toMatchObject({ state: 'failing', tone: 'danger' });
    for (const text of [runtimeJson.state.summary, statusJson.runtime.summary]) {
      expect(text).toContain(`${quitter} failed`);
      expect(text).toContain(`${crasher} is in backoff`);
    }

    // The Overview.
    await page.setViewportSize({ width: 1360, height: 860 });
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('overview-runtime-state')).toHaveText('failing');
    await expect(page.getByTestId('overview-runtime-summary')).toContainText(`${crasher} is in backoff`);
    await expect(page.getByTestId('terminal-hint')).toContainText('npx gatehouse status');
    await expect(page.getByTestId('terminal-hint')).toContainText(served.dataDir);
    await expect(page.getByTestId('terminal-hint')).not.toContainText('4780');
    await page.getByTestId('check-engine').click();
    await expect(page.getByTestId('check-engine-result')).toContainText(/Checked at .*: the engine answers\./);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('copy-terminal-hint').click();
    await expect(page.getByTestId('copy-terminal-hint')).toHaveText(/Copied|Could not copy/);
    await shoot(page, 'overview-status');
  });

  test('the module drawer shows status, next retry, and says what Restart, Stop and Start do', async ({ page }) => {
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await page.getByRole('button', { name: crasher, exact: true }).click();
    const drawer = page.getByTestId('module-drawer');
    await expect(drawer.getByTestId('drawer-runtime-status')).toHaveText(/backoff|running/);
    await expect(drawer.getByTestId('module-fact-restart-policy')).toHaveText('always');
    await expect(drawer.getByTestId('module-fact-exit-code')).toHaveText('3');
    // Next retry in local time with how far it is; never an ISO stamp.
    await expect(drawer.getByTestId('module-fact-next-retry')).toHaveText(/\d{1,2}:\d\d:\d\d.*\((in \d+ s|any moment now)\)/);
    await expect(drawer.getByTestId('module-status')).not.toContainText(/\d{4}-\d\d-\d\dT/);
    await expect(drawer.getByTestId('drawer-restart-explanation')).toContainText(/v1 → v2/);
    await shoot(page, 'runtime-module-drawer', async () => {
      await expect(drawer.getByTestId('module-fact-next-retry')).toBeVisible();
    });

    // Stop: the confirmation says the truth (a new version of the applied deployment), and so does the outcome.
    await page.setViewportSize({ width: 1360, height: 860 });
    await drawer.getByTestId('drawer-stop').click();
    const dialog = page.getByTestId('module-status-dialog');
    await expect(dialog.getByTestId('module-status-explanation')).toHaveText(
      `Stop sets ${crasher}'s desired status to stopped in the applied deployment: deployment v1 becomes v2. The agent stops its container, and it stays stopped (no restarts) until you Start it or apply a deployment in which it runs.`,
    );
    await dialog.getByTestId('module-status-confirm').click();
    await expect(dialog.getByTestId('module-status-result')).toHaveText(`Deployment v2 applied: ${crasher}'s desired status is now stopped.`);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Restart on a module stopped on purpose is not offered, and says why.
    await expect(drawer.getByTestId('drawer-restart')).toBeDisabled();
    await expect(drawer.getByTestId('drawer-restart-explanation')).toContainText('Stopped on purpose');
    await expect(drawer.getByTestId('drawer-start')).toBeVisible();
    await drawer.getByRole('button', { name: 'Close' }).click();
    await expect(drawer).toBeHidden();

    // Restart on one that is not running starts it, and says so.
    await page.getByTestId(`restart-${quitter}`).click();
    await expect(page.getByTestId('restart-toast')).toContainText(`Started ${quitter}`);
  });

  test('the plan preview lists the images missing here, each with Sideload…; a file picked in the page loads it', async ({ page }) => {
    // The "sample solution" offline: one image only a tarball can bring, one behind a registry nobody answers for.
    await docker.getImage('gatehouse/busybox-module:test').tag({ repo: `gatehouse/sample-sensor-${runId}`, tag: '1.0' });
    const saved = await saveImages(docker, [sideloadable], join(work, 'sample-sensor.tar'));
    if (!saved.ok) throw new Error(saved.error.message);
    await docker.getImage(sideloadable).remove({ noprune: true });

    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    const deployment = testDeployment(runId, {
      [ticker]: { cmd: ['run'], env: { LOG_PREFIX: 'ticker' }, startupOrder: 1 },
      [sensor]: { image: sideloadable, cmd: ['run'], startupOrder: 2 },
      [`${sensor}-2`]: { image: unreachable, startupOrder: 3 },
    });
    await page.getByTestId('apply-file').setInputFiles({ name: 'deployment.json', mimeType: 'application/json', buffer: Buffer.from(deployment) });
    const dialog = page.getByTestId('apply-dialog');
    const missing = dialog.getByTestId('plan-missing-images');
    await expect(missing).toContainText('2 images are not on this machine');
    await expect(missing.getByTestId('missing-image')).toHaveCount(2);
    await expect(missing).toContainText(unreachable);
    await expect(missing).toContainText(sideloadable);
    await shoot(page, 'runtime-apply-missing-images', async () => {
      await expect(missing).toBeVisible();
    });

    await page.setViewportSize({ width: 1360, height: 860 });
    await missing.getByTestId('missing-image').filter({ hasText: sideloadable }).getByTestId('missing-image-sideload').click();
    const sideload = page.getByTestId('sideload-dialog');
    await expect(sideload.getByTestId('sideload-needed')).toContainText('not on this engine yet');
    await expect(sideload.getByTestId('engine-images')).toContainText('gatehouse/busybox-module:test');
    await sideload.getByTestId('sideload-file').setInputFiles(join(work, 'sample-sensor.tar'));
    await expect(sideload.getByTestId('sideload-chosen')).toContainText('sample-sensor.tar');
    await sideload.getByTestId('sideload-confirm').click();
    await expect(sideload.getByTestId('sideload-result')).toContainText(`Loaded ${sideloadable} at `);
    await expect(sideload.getByTestId('sideload-needed')).toContainText('on this engine now');
    await expect(sideload.getByTestId('engine-images')).toContainText(sideloadable);
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-sideload-picked.png'), animations: 'disabled' });
    await sideload.getByRole('button', { name: 'Close' }).click();

    // The preview ran again: only the unreachable one is left.
    await expect(missing).toContainText('1 image is not on this machine');
    await expect(missing).not.toContainText(sideloadable);
    if (await dialog.getByTestId('apply-override-foreign').isVisible()) await dialog.getByTestId('apply-override-foreign').click();
    await dialog.getByTestId('apply-confirm').click();
    await expect(dialog).toContainText('Deployment v3 accepted');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The failure reads as a sentence with local times; the engine's words only behind Details.
    const problem = page.getByTestId(`problem-${sensor}-2`);
    await expect(problem).toContainText(`The image ${unreachable} for ${sensor}-2 is not on this machine and could not be pulled: the registry 127.0.0.1:5999 cannot be reached (offline?).`);
    await expect(problem).toContainText(/Failed at \d{1,2}:\d\d:\d\d/);
    await expect(problem).toContainText(/Next attempt at \d{1,2}:\d\d:\d\d/);
    await expect(page.getByTestId('runtime-problems')).not.toContainText(/\d{4}-\d\d-\d\dT|HTTP|\b500\b/);
    // Said once: the problems box names the failure, the sentence above it keeps the count and the rest.
    await expect(page.getByTestId('runtime-summary')).toContainText('2 of 3 modules running (deployment v3).');
    await expect(page.getByTestId('runtime-summary')).toContainText(`${sensor}-2 has no container yet.`);
    await expect(page.getByTestId('runtime-summary')).not.toContainText('could not be pulled');
    await expect(problem.locator('details pre')).toBeHidden();
    await problem.getByText('Details').click();
    await expect(problem.locator('details pre')).toContainText('127.0.0.1:5999');
    await expect(page.getByTestId(`runtime-status-${sensor}`)).toHaveText('running');
    await shoot(page, 'runtime-apply-failure');
  });
});
