import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { expect, rpc, SCREENSHOTS, screenshotEach, startServedConsole, test, type ServedConsole } from './support/served-console';

/**
 * "Run the sample" from the Runtime page's empty state, in one click: the sample images are built on this engine
 * (no registry), the sample deployment is applied, and its modules (written with azure-iot-device) run and connect
 * to the edge hub; their filtered readings reach the embedded local hub as the filter module. The spec leaves an
 * empty deployment behind (the sample's module names are fixed, and later specs run it too).
 */

const SAMPLE = join(process.cwd(), 'resources', 'samples', 'sensor-filter.deployment.json');
const docker = new Dockerode();
let served: ServedConsole;


function emptyDeployment(): string {
  const manifest = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { modulesContent: Record<string, { 'properties.desired': Record<string, unknown> }> };
  manifest.modulesContent.$edgeAgent!['properties.desired'].modules = {};
  manifest.modulesContent.$edgeHub!['properties.desired'].routes = {};
  for (const key of Object.keys(manifest.modulesContent)) if (!key.startsWith('$')) delete manifest.modulesContent[key];
  return JSON.stringify(manifest);
}


test.beforeAll(async () => {
  served = await startServedConsole();
});

test.afterAll(async () => {
  await rpc(served, 'runtime.apply', { text: emptyDeployment(), fileName: 'empty.json' });
  for (let i = 0; i < 60; i++) {
    const left = await docker.listContainers({ all: true, filters: { name: ['^/tempSensor$', '^/filter$'] } });
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await served.stop();
});

test.describe('Run the sample (served console, real Docker engine)', () => {
  test('one click builds the images and runs sensor → filter → $upstream on the edge hub', async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    const empty = page.getByTestId('runtime-empty');
    await expect(empty).toContainText('No deployment applied yet');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.mouse.move(1432, 450);
    await page.screenshot({ path: join(SCREENSHOTS, 'runtime-sample-empty-large-light.png'), animations: 'disabled' });

    await page.getByTestId('run-sample').click();
    await expect(page.getByTestId('runtime-status-tempSensor')).toHaveText('running', { timeout: 180_000 });
    await expect(page.getByTestId('runtime-status-filter')).toHaveText('running');
    await expect(page.getByTestId('run-sample-error')).toHaveCount(0);

    // The modules connected to the edge hub, and the sensor's readings were routed to the filter's input (the
    // filtered ones reaching the local hub upstream is electron/host/edge-hub-sample.test.ts: the sample's default
    // threshold takes a minute of readings to pass).
    await expect
      .poll(async () => {
        const outbox = await rpc<{ endpoints: { endpoint: string; delivered: number }[] }>(served, 'edgehub.outbox');
        return outbox.value?.endpoints.find((e) => e.endpoint === 'module/filter/input1')?.delivered ?? 0;
      }, { timeout: 60_000, message: 'readings delivered to filter/input1' })
      .toBeGreaterThan(0);
    const reported = await rpc<{ clients: Record<string, { status: string } | null> }>(served, 'edgehub.reported');
    const connected = Object.entries(reported.value?.clients ?? {}).filter(([, c]) => c?.status === 'Connected').map(([k]) => k.split('/')[1]);
    expect(connected.sort()).toEqual(['filter', 'tempSensor']);
    await screenshotEach(page, 'runtime-sample-running');
  });
});
