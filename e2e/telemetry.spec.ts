import Dockerode from 'dockerode';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, forEachLook, rpc, shotPath, startServedConsole, test, type ServedConsole, type SizeName } from './support/served-console';

/**
 * Issue 12, Telemetry: the edge hub of a served console as the Telemetry area shows it — its state, the sample
 * sensor → filter → $upstream deployment on the real engine with the charts moving, a message inspected, a recording
 * made and replayed into the filter's input, the outbox; and with the edge hub off, only why.
 */

const docker = new Dockerode();
const SAMPLE = join(process.cwd(), 'resources', 'samples', 'sensor-filter.deployment.json');
const IMAGES = ['gatehouse/sample-temperature-sensor:1.0', 'gatehouse/sample-filter:1.0'];

interface Manifest {
  modulesContent: Record<string, { 'properties.desired': Record<string, unknown> }>;
}

/** The sample, sending every second instead of every 5 (the chart moves within the test). */
function sampleDeployment(): string {
  const manifest = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Manifest;
  const sensor = manifest.modulesContent.tempSensor?.['properties.desired'];
  if (sensor) sensor.SendInterval = 1;
  const filter = manifest.modulesContent.filter?.['properties.desired'];
  // Low enough that the filter forwards readings, so $upstream has traffic too.
  if (filter) filter.TemperatureThreshold = 0;
  return JSON.stringify(manifest, null, 2);
}

/** The same runtime and hub with no modules and no routes (what the agent is left with after the spec). */
function emptyDeployment(): string {
  const manifest = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Manifest;
  manifest.modulesContent.$edgeAgent!['properties.desired'].modules = {};
  manifest.modulesContent.$edgeHub!['properties.desired'].routes = {};
  for (const key of Object.keys(manifest.modulesContent)) if (!key.startsWith('$')) delete manifest.modulesContent[key];
  return JSON.stringify(manifest);
}

async function calm(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(400);
}

/** `<name>-<large|small>-<light|dark>.png` at each look this run photographs among `sizes`, then 1440×900 light. */
async function shoot(page: Page, name: string, sizes: readonly SizeName[] = ['large', 'small']): Promise<void> {
  await forEachLook(
    page,
    async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath(name, look) });
    },
    { sizes },
  );
}

async function openTelemetry(page: Page, served: ServedConsole): Promise<void> {
  await page.goto(served.url);
  await expect(page.getByTestId('nav-telemetry')).toBeVisible();
  // Alt+7 goes to the area, as each area has its Alt+<n>.
  await page.keyboard.press('Alt+7');
  await expect(page.getByTestId('area-telemetry')).toBeVisible();
}

test.describe('Telemetry on the edge hub (served console, real Docker engine)', () => {
  test.describe.configure({ mode: 'serial' });
  let served: ServedConsole | undefined;
  let notRunning = 'the served console did not start';
  let noSample = '';
  let applied = false;

  test.beforeAll(async () => {
    served = await startServedConsole();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = (await rpc(served, 'edgehub.state', {})).value as { state: string; reason?: string } | undefined;
      if (state?.state === 'running') {
        notRunning = '';
        break;
      }
      if ((state && state.state !== 'starting') || Date.now() > deadline) {
        notRunning = `the edge hub is not running in the served console (${state?.state ?? 'no answer'}${state?.reason ? `: ${state.reason}` : ''})`;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!existsSync(SAMPLE)) noSample = `${SAMPLE} does not exist`;
    else {
      for (const image of IMAGES) {
        const found = await docker
          .getImage(image)
          .inspect()
          .then(() => true)
          .catch(() => false);
        if (!found) noSample = `the image ${image} is not on this engine (built by the sample modules' recipes)`;
      }
    }
  });

  test.afterAll(async () => {
    if (!served) return;
    if (applied) {
      // Leave the engine as found: no modules (the agent removes its containers), then whatever is left by force.
      await rpc(served, 'runtime.apply', { text: emptyDeployment() });
      const ours = () => docker.listContainers({ all: true, filters: { label: [`io.gatehouse.data-dir=${served!.dataDir}`] } });
      for (let i = 0; i < 40 && (await ours()).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
      await Promise.all((await ours()).map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    }
    await served.stop();
  });

  test('Alt+7 opens Telemetry: the hub is running, and the views say what they wait for', async ({ page }) => {
    test.skip(notRunning !== '', `Skipped: ${notRunning}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await openTelemetry(page, served!);
    await expect(page.getByTestId('telemetry-hub-state')).toHaveText('running');
    await expect(page.getByTestId('telemetry-hub-state')).toHaveAttribute('data-tone', 'ok');
    await expect(page.getByTestId('telemetry-hub-sentence')).toContainText('The edge hub takes module connections on MQTT port');
    await expect(page.getByTestId('telemetry-hub-not-running')).toHaveCount(0);
    // Nothing routed yet: empty charts that say so, never sample data.
    await expect(page.getByTestId('telemetry-rate-source')).toHaveAttribute('data-points', '0');
    await expect(page.getByTestId('telemetry-fields-chart')).toContainText('No numbers yet');
    await shoot(page, 'telemetry-idle');
    // The area's views are palette actions too.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Show the outbox');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('command-palette')).toBeHidden();
    await expect(page.getByTestId('telemetry-tab-outbox')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('outbox-upstream')).toBeVisible();
    await expect(page.getByTestId('outbox-upstream')).toHaveText(/^(connected|connecting|offline|off)$/);
    await page.getByTestId('telemetry-tab-messages').click();
    await expect(page.getByTestId('telemetry-messages-empty')).toContainText('Listening to the edge hub');
    // The record path defaults to the data folder.
    await expect(page.getByTestId('telemetry-record-path')).toHaveValue(new RegExp(`^${served!.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/recordings/\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}\\.ndjson$`));
  });

  test('the sample runs: rates and fields move, a message is inspected, a recording is made and replayed', async ({ page }) => {
    test.skip(notRunning !== '', `Skipped: ${notRunning}`);
    test.skip(noSample !== '', `Skipped: ${noSample}`);
    test.setTimeout(180_000);
    const result = await rpc(served!, 'runtime.apply', { text: sampleDeployment(), fileName: 'sensor-filter.deployment.json' });
    expect(result.error, JSON.stringify(result.error)).toBeUndefined();
    applied = true;

    await page.setViewportSize({ width: 1440, height: 900 });
    await openTelemetry(page, served!);
    await page.getByTestId('telemetry-tab-charts').click();

    // The modules start, connect and send: the per-source rate chart gets points and keeps moving.
    const bySource = page.getByTestId('telemetry-rate-source');
    await expect(bySource).not.toHaveAttribute('data-points', '0', { timeout: 90_000 });
    await expect(page.getByRole('region', { name: 'By module output' })).toContainText('tempSensor/temperatureOutput');
    const firstT = Number(await bySource.getAttribute('data-last-t'));
    await expect.poll(async () => Number(await bySource.getAttribute('data-last-t')), { timeout: 10_000 }).toBeGreaterThan(firstT);
    await expect(page.getByTestId('telemetry-rate-route')).toContainText('sensorToFilter');
    // Fields of the sensor's JSON are found and drawn without a click; a toggle takes one off.
    const temperature = page.getByTestId('telemetry-field-toggle').and(page.locator('[data-field="tempSensor/temperatureOutput · machine.temperature"]'));
    await expect(temperature).toHaveAttribute('aria-pressed', 'true', { timeout: 20_000 });
    await expect.poll(async () => Number(await page.getByTestId('telemetry-fields-chart').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(3);
    await shoot(page, 'telemetry-charts');

    // Inspect a message: system and application properties, the body pretty-printed, copy as JSON.
    await page.getByTestId('telemetry-tab-messages').click();
    const rows = page.getByTestId('telemetry-message-row');
    await expect(rows.first()).toBeVisible();
    await page.getByTestId('telemetry-source-filter').click();
    await page.getByRole('option', { name: 'tempSensor/temperatureOutput', exact: true }).click();
    await expect(rows.first()).toHaveAttribute('data-source', 'tempSensor/temperatureOutput');
    await page.getByTestId('telemetry-pause').click();
    await rows.first().click();
    const detail = page.getByTestId('telemetry-message-detail');
    await expect(detail.getByTestId('telemetry-message-body')).toHaveAttribute('data-kind', 'json');
    await expect(detail.getByTestId('telemetry-message-body')).toContainText('"machine": {');
    await expect(detail.getByTestId('telemetry-message-system-props')).toContainText('connectionModuleId');
    await expect(detail.getByTestId('telemetry-message-system-props')).toContainText('tempSensor');
    await expect(detail.getByTestId('telemetry-message-routes')).toContainText('sensorToFilter → module/filter/input1');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served!.origin });
    await detail.getByTestId('telemetry-message-copy').click();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { moduleId: string; output: string; body: { machine: { temperature: number } } };
    expect(copied.moduleId).toBe('tempSensor');
    expect(copied.output).toBe('temperatureOutput');
    expect(typeof copied.body.machine.temperature).toBe('number');
    // Paused, the list stands and the counter moves.
    await expect.poll(async () => Number(await page.getByTestId('telemetry-paused-count').getAttribute('data-count')), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('telemetry-text-filter').fill('temperature');
    await shoot(page, 'telemetry-messages');
    await page.getByTestId('telemetry-resume').click();
    await page.getByTestId('telemetry-text-filter').fill('');

    // Record for a few seconds (the default folder does not exist yet: the hub makes it), stop with the count, replay
    // it into the filter's input.
    await page.getByTestId('telemetry-record-start').click();
    await expect(page.getByTestId('telemetry-recording')).toContainText('Recording');
    await page.waitForTimeout(4_000);
    await page.getByTestId('telemetry-record-stop').click();
    const recorded = page.getByTestId('telemetry-recorded');
    await expect(recorded).toBeVisible();
    const count = Number(await recorded.getAttribute('data-messages'));
    expect(count).toBeGreaterThan(0);
    const path = (await page.getByTestId('telemetry-replay-path').inputValue()).trim();
    expect(path.startsWith(join(served!.dataDir, 'recordings'))).toBe(true);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(count);
    await expect(page.getByTestId('telemetry-replay-module')).toHaveValue('filter');
    await expect(page.getByTestId('telemetry-replay-input')).toHaveValue('input1');
    await page.getByTestId('telemetry-replay-start').click();
    await expect(page.getByTestId('telemetry-replayed')).toHaveAttribute('data-delivered', String(count), { timeout: 30_000 });
    await expect(page.getByTestId('telemetry-replayed')).toContainText(`to filter/input1`);
    await shoot(page, 'telemetry-record-replay', ['large']);

    // The outbox: each endpoint with its numbers and depth chart, the upstream link.
    await page.getByTestId('telemetry-tab-outbox').click();
    await expect(page.getByTestId('outbox-row').and(page.locator('[data-endpoint="module/filter/input1"]'))).toBeVisible();
    await expect(page.getByTestId('outbox-row').and(page.locator('[data-endpoint="$upstream"]'))).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('outbox-upstream')).toHaveText('connected', { timeout: 20_000 });
    await shoot(page, 'telemetry-outbox');
  });

  test('the route graph of the running deployment shows live rates on its edges', async ({ page }) => {
    test.skip(notRunning !== '', `Skipped: ${notRunning}`);
    test.skip(!applied, `Skipped: the sample was not applied (${noSample || 'the previous test failed before applying it'})`);
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-telemetry-'));
    try {
      writeFileSync(join(folder, 'deployment.json'), sampleDeployment());
      expect((await rpc(served!, 'workspace.open', { path: folder })).ok).toBe(true);
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(served!.url);
      await page.getByTestId('nav-manifests').click();
      await page.getByTestId('file-tree').getByTestId('tree-deployment.json').click();
      await page.getByTestId('toggle-routes').click();
      const graph = page.getByTestId('routes-panel').getByTestId('route-graph');
      await expect(graph).toHaveAttribute('data-live-rates', 'on', { timeout: 15_000 });
      const rate = graph.getByTestId('route-graph-edge-rate').and(page.locator('[data-route="sensorToFilter"]'));
      await expect(rate).toHaveText(/^\d+(\.\d+)?\/s$/);
      await expect.poll(async () => Number(await rate.getAttribute('data-rate')), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect(graph.getByTestId('route-graph-edge-rate').and(page.locator('[data-route="filterToUpstream"]'))).toBeVisible();
      await shoot(page, 'telemetry-route-graph-rates', ['large']);
    } finally {
      await rpc(served!, 'workspace.close', {});
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a burst through the filter keeps the page responsive: charts and inspector stay bounded', async ({ page }) => {
    test.skip(notRunning !== '', `Skipped: ${notRunning}`);
    test.skip(!applied, `Skipped: the sample was not applied (${noSample || 'an earlier test failed before applying it'})`);
    test.setTimeout(180_000);
    // 5,000 hot readings replayed into the filter's input: it forwards each one (above its threshold) as fast as it
    // can, so the hub routes and taps the filter's output at hundreds to thousands a second.
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-telemetry-burst-'));
    const burst = join(folder, 'burst.ndjson');
    const at = new Date().toISOString();
    const lines = Array.from({ length: 5_000 }, (_, i) => {
      const body = JSON.stringify({ machine: { temperature: 30 + (i % 50) / 10, pressure: 1.5 }, ambient: { temperature: 21, humidity: 25 }, timeCreated: at });
      return JSON.stringify({
        id: i + 1,
        at,
        deviceId: 'gatehouse-vm',
        moduleId: 'tempSensor',
        output: 'temperatureOutput',
        routes: ['sensorToFilter'],
        endpoints: ['module/filter/input1'],
        systemProperties: { contentType: 'application/json', contentEncoding: 'utf-8' },
        properties: { burst: String(i) },
        body,
        bodyEncoding: 'utf8',
        bodyBytes: body.length,
      });
    });
    writeFileSync(burst, `${lines.join('\n')}\n`);
    try {
      await page.addInitScript(() => {
        const w = window as unknown as { __longest: number; __longtasks: number };
        w.__longest = 0;
        w.__longtasks = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            w.__longtasks++;
            w.__longest = Math.max(w.__longest, entry.duration);
          }
        }).observe({ type: 'longtask', buffered: false });
      });
      await page.setViewportSize({ width: 1440, height: 900 });
      await openTelemetry(page, served!);
      await page.getByTestId('telemetry-tab-messages').click();
      await expect(page.getByTestId('telemetry-message-row').first()).toBeVisible({ timeout: 20_000 });
      // The burst arrives while the charts are drawn (the heavier view), then the inspector is opened.
      await page.getByTestId('telemetry-tab-charts').click();
      await expect(page.getByTestId('telemetry-rate-source')).toBeVisible();
      await page.evaluate(() => {
        const w = window as unknown as { __longest: number; __longtasks: number };
        w.__longest = 0;
        w.__longtasks = 0;
      });
      const started = Date.now();
      const replayed = await rpc(served!, 'edgehub.replay', { path: burst, moduleId: 'filter', input: 'input1' });
      expect(replayed.error, JSON.stringify(replayed.error)).toBeUndefined();
      const replayMs = Date.now() - started;
      // The rate chart has the burst (and its peak on the y axis).
      await expect.poll(async () => Number(await page.getByTestId('telemetry-rate-source').getAttribute('data-max')), { timeout: 10_000 }).toBeGreaterThan(100);
      // The inspector keeps the newest 500 sampled messages and has only the rows in view in the DOM.
      await page.getByTestId('telemetry-tab-messages').click();
      await expect(page.getByTestId('telemetry-message-count')).toHaveText('500 messages, newest first', { timeout: 30_000 });
      const rowsInDom = await page.getByTestId('telemetry-message-row').count();
      expect(rowsInDom).toBeLessThan(100);
      await page.getByTestId('telemetry-tab-charts').click();
      await expect(page.getByTestId('telemetry-rate-source')).toBeVisible();
      const peak = await page.evaluate(() => {
        const legend = [...document.querySelectorAll('[data-testid="telemetry-rate-source-total"]')].map((e) => e.textContent ?? '');
        return legend.join(' ');
      });
      const { longest, count } = await page.evaluate(() => {
        const w = window as unknown as { __longest: number; __longtasks: number };
        return { longest: w.__longest, count: w.__longtasks };
      });
      console.log(`[telemetry] burst of 5000 through the filter: replayed in ${replayMs} ms (${Math.round(5000 / (replayMs / 1000))}/s into the filter); longest main-thread task ${longest.toFixed(0)} ms (${count} over 50 ms); ${rowsInDom} inspector rows in the DOM; rate now: ${peak}`);
      await shoot(page, 'telemetry-burst', ['large']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

test.describe('Telemetry with the edge hub off', () => {
  test('the area says the hub is off and why, and shows nothing else', async ({ page }) => {
    const offline = await startServedConsole({ GATEHOUSE_EDGEHUB: 'off' });
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await openTelemetry(page, offline);
      await expect(page.getByTestId('telemetry-hub-state')).toHaveText('off');
      await expect(page.getByTestId('telemetry-hub-not-running')).toContainText('The edge hub is off');
      await expect(page.getByTestId('telemetry-hub-reason')).not.toBeEmpty();
      await expect(page.getByTestId('telemetry-charts')).toHaveCount(0);
      await expect(page.getByTestId('outbox-panel')).toHaveCount(0);
      await shoot(page, 'telemetry-hub-off', ['large']);
    } finally {
      await offline.stop();
    }
  });
});
