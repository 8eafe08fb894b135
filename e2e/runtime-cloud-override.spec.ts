import { testDeployment } from '../electron/runtime/agent/agent.test-util';
import { expect, rpc, screenshotEach, startServedConsole, test, type ServedConsole } from './support/served-console';

/**
 * The hub's deployment drives the local runtime (an operator ran set-modules on the gateway, through the embedded
 * local hub): applying a file from the console is then an explicit local override. The Apply dialog says who
 * drives and offers "Apply as a local override"; after it, the Outbox says the override stands.
 */

const runId = `e2eo${Date.now().toString(36)}`;
let served: ServedConsole;


async function driver(): Promise<string | undefined> {
  const outbox = await rpc<{ cloud?: { desired: { driver: string } } }>(served, 'edgehub.outbox');
  return outbox.value?.cloud?.desired.driver;
}

test.beforeAll(async () => {
  served = await startServedConsole();
});

test.afterAll(async () => {
  await served.stop();
});

test.describe('A local apply while the hub drives the runtime (served console, local hub)', () => {
  test('the Apply dialog says the hub drives and applies only as an explicit local override', async ({ page }) => {
    test.setTimeout(120_000);
    // set-modules on the gateway through the hub, as an operator would (no modules: nothing to run).
    await expect.poll(driver, { timeout: 60_000, message: 'the cloud twins connected' }).toBe('local');
    // The console's own hub connection (what cloud.* calls use) connects beside the runtime's twins: wait for it too.
    await expect.poll(async () => (await rpc<{ hub: { state: string } }>(served, 'status.get')).value?.hub.state, { timeout: 60_000, message: 'the console connected to the hub' }).toBe('connected');
    const info = await rpc<{ runtime: { deviceId: string } }>(served, 'app.getInfo');
    const set = await rpc(served, 'cloud.setModules', { deviceId: info.value!.runtime.deviceId, content: JSON.parse(testDeployment(runId, {})) });
    expect(set.ok, set.error?.message).toBe(true);
    await expect.poll(driver, { timeout: 60_000, message: "the hub's deployment drives the runtime" }).toBe('cloud');

    await page.goto(served.url);
    await page.getByTestId('nav-runtime').click();
    await page.getByTestId('apply-file').setInputFiles({ name: 'local.json', mimeType: 'application/json', buffer: Buffer.from(testDeployment(runId, {})) });
    await page.getByTestId('apply-confirm').click();
    const warning = page.getByTestId('apply-cloud-drives');
    await expect(warning).toContainText("The hub's deployment drives this runtime");
    await expect(warning).toContainText('local override');
    await expect(page.getByTestId('apply-confirm')).toHaveCount(0);
    await screenshotEach(page, 'runtime-apply-cloud-drives');

    await page.getByTestId('apply-override-cloud').click();
    await expect(page.getByTestId('apply-dialog')).toContainText('accepted');
    await expect.poll(driver, { timeout: 30_000 }).toBe('localOverride');
  });
});
