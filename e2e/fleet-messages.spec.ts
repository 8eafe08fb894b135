import { readFileSync } from 'node:fs';
import deviceSdk, { type Client, type Message } from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { calm, startLocalHubConsole, type LocalHubInfo } from './support/local-hub';
import { expect, forEachLook, rpc, shotPath, test, type ServedConsole } from './support/served-console';

/**
 * Fleet › a device › Messages: cloud-to-device messages through the console (cloud.c2dMessageSend, azure-iothub's
 * Client.send over AMQP to the embedded local hub). Sent while the device is away, a message waits in the hub (the
 * hub's own count shows it); the official azure-iot-device client then connects and receives it with its properties.
 */

test.describe('Fleet › Messages on the embedded local hub (served console)', () => {
  test.describe.configure({ mode: 'serial' });
  let served: ServedConsole | undefined;
  let hub: LocalHubInfo | undefined;
  let notRunning = 'the served console did not start';
  let device: Client | undefined;

  test.beforeAll(async () => {
    ({ served, hub, notRunning } = await startLocalHubConsole());
  });

  test.afterAll(async () => {
    await device?.close().catch(() => undefined);
    await served?.stop();
  });

  test('sends a message to a device that is away: it waits in the hub, then the device receives it with its properties', async ({ page }) => {
    test.skip(!hub, `Skipped: ${notRunning}`);
    const console = served!;
    const deviceId = 'thermostat-7';
    expect(await rpc(console, 'cloud.deviceCreate', { deviceId, edgeEnabled: false, auth: { type: 'sas' } })).toMatchObject({ ok: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(console.url);
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId(`device-row-${deviceId}`).click();
    await expect(page.getByTestId('device-title')).toHaveText(deviceId);
    await page.getByTestId('tab-messages').click();
    await expect(page.getByTestId('c2d-waiting')).toHaveText('none waiting');

    // A body that is not JSON under application/json is said before anything is sent.
    await page.getByTestId('c2d-body').fill('{"setpoint": 21.5');
    await page.getByTestId('c2d-send').click();
    await expect(page.getByTestId('c2d-invalid')).toContainText('The body is not JSON');
    await page.getByTestId('c2d-body').fill('{"setpoint": 21.5}');
    await page.getByTestId('c2d-properties').fill('kind=config\nzone=north');
    await page.getByTestId('c2d-message-id').fill('setpoint-1');
    await page.getByTestId('c2d-send').click();
    await expect(page.getByTestId('c2d-history').getByRole('listitem')).toHaveCount(1);
    await expect(page.getByTestId('c2d-history')).toContainText('setpoint-1');
    // The hub's own count: the device has not connected.
    await expect(page.getByTestId('c2d-waiting')).toHaveText('1 waiting');
    await forEachLook(page, async (look) => {
      await calm(page);
      await page.screenshot({ path: shotPath('fleet-messages', look) });
    });

    // The device connects with the official SDK and receives it.
    const cs = (await rpc(console, 'cloud.connectionString', { deviceId })).value as { connectionString: string };
    device = deviceSdk.Client.fromConnectionString(`${cs.connectionString};GatewayHostName=localhost:${hub!.mqttPort}`, deviceMqtt.Mqtt);
    await device.setOptions({ ca: readFileSync(hub!.caFile, 'utf8') });
    const received = new Promise<Message>((resolve) => device!.on('message', (message: Message) => resolve(message)));
    await device.open();
    const message = await received;
    expect(message.messageId).toBe('setpoint-1');
    expect(message.contentType).toBe('application/json');
    expect(message.data.toString()).toBe('{"setpoint": 21.5}');
    expect(message.properties.getValue('kind')).toBe('config');
    expect(message.properties.getValue('zone')).toBe('north');
    await expect
      .poll(async () => {
        await page.getByTestId('c2d-refresh').click();
        return page.getByTestId('c2d-waiting').textContent();
      })
      .toBe('none waiting');

    // An unknown device is said by the hub, in its words.
    expect(await rpc(console, 'cloud.c2dMessageSend', { deviceId: 'nobody-here', body: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
