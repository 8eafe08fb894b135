import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as DeviceClient, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../shared/ipc/cloud.contract';
import { azEvent } from '../../shared/telemetry/az-event';
import { EventHubsReader } from '../cloud/iothub/event-hubs-reader';
import { IotHubClient } from '../cloud/iothub/iothub-client';
import { LocalHub } from '../cloud/localhub/localhub';
import { SecretBox } from '../runtime/secrets/secret-box';
import { CloudService } from './cloud.service';
import { HubConnectionService } from './hub-connection.service';
import { HubConnectionsStore } from './hub-connections.store';

/**
 * A cloud hub's live events through its Event Hubs-compatible endpoint: a second local hub stands in for the IoT Hub
 * in Azure (service connection string + Event Hubs-compatible connection string, both reached through the adapter),
 * a real azure-iot-device client sends telemetry over MQTT, and the console's hub service delivers it as
 * `cloud.telemetry` events read by the official EventHubConsumerClient.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startedHub(dataDir: string, edgeDeviceId: string): Promise<LocalHub> {
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0, amqpPort: 0, edgeDeviceId });
  cleanups.push(() => hub.dispose());
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  if (hub.state.state !== 'running') throw new Error(`hub did not start: ${JSON.stringify(hub.state)}`);
  return hub;
}

async function consoleWithCloudHub() {
  const dataDir = tempDir('gh-events-');
  const local = await startedHub(join(dataDir, 'localhub'), 'gateway-1');
  const cloudHub = await startedHub(tempDir('gh-events-cloud-'), 'cloud-gateway');
  const info = await cloudHub.info();
  if (!info.ok) throw new Error(info.error.message);
  const ca = readFileSync(info.value.caFile, 'utf8');
  const store = new HubConnectionsStore(dataDir, new SecretBox(dataDir));
  const service = new HubConnectionService(local, {
    store,
    connect: (cs) => IotHubClient.connect(cs, { httpsPort: info.value.httpsPort, ca }),
    connectEvents: (cs, options) => EventHubsReader.create(cs, { ...options, local: { httpsPort: info.value.httpsPort, ca } }),
  });
  cleanups.push(() => service.dispose());
  await service.ready;
  return { dataDir, service, cloud: new CloudService(() => service.hub(), service), info: info.value, ca, cloudHub };
}

describe('cloud hub events through the Event Hubs-compatible endpoint', () => {
  it('without that endpoint says where to find it; with a wrong key it is refused and nothing is stored', async () => {
    const { cloud, info, service } = await consoleWithCloudHub();
    expect(await cloud.eventsSource()).toMatchObject({ ok: true, value: { source: 'local' } });
    const added = await cloud.hubAdd({ connectionString: info.connectionString, name: 'plant' });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.value.eventHubs).toBeUndefined();
    await cloud.hubSelect({ id: added.value.id });
    expect(service.eventsFrom).toBe('none');
    const none = await cloud.eventsSource();
    expect(none).toMatchObject({ ok: true, value: { source: 'none', message: expect.stringContaining('Built-in endpoints') } });

    const wrongKey = info.eventHubsConnectionString!.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 9).toString('base64')}`);
    const refused = await cloud.hubAdd({ connectionString: info.connectionString, eventHubsConnectionString: wrongKey });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Event Hubs-compatible endpoint of localhost refused') } });
    const serviceString = await cloud.hubAdd({ connectionString: info.connectionString, eventHubsConnectionString: info.connectionString });
    expect(serviceString).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('Built-in endpoints') } });
    const hubs = await cloud.hubs();
    expect(hubs.ok && hubs.value.hubs.find((h) => h.id === added.value.id)?.eventHubs).toBeUndefined();
  });

  it('reads a device message of the cloud hub as a cloud.telemetry event, and keeps the endpoint string sealed', async () => {
    const { dataDir, cloud, service, info, ca, cloudHub } = await consoleWithCloudHub();
    const added = await cloud.hubAdd({ connectionString: info.connectionString, eventHubsConnectionString: info.eventHubsConnectionString! });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.value.eventHubs).toEqual({ entityPath: 'localhost', consumerGroup: '$Default' });
    const key = info.eventHubsConnectionString!.split('SharedAccessKey=')[1]!.split(';')[0]!;
    for (const file of readdirSync(join(dataDir, 'hubs'))) expect(readFileSync(join(dataDir, 'hubs', file)).toString('latin1')).not.toContain(key);

    const events: TelemetryEvent[] = [];
    service.onTelemetry((e) => events.push(e));
    await cloud.hubSelect({ id: added.value.id });
    expect(await cloud.eventsSource()).toMatchObject({ ok: true, value: { source: 'eventHubs', entityPath: 'localhost', consumerGroup: '$Default' } });

    await cloudHub.registry!.putDevice('line-3', { deviceId: 'line-3' }, undefined);
    const device = await cloud.connectionString({ deviceId: 'line-3' });
    if (!device.ok) throw new Error(device.error.message);
    const client = DeviceClient.fromConnectionString(`${device.value.connectionString};GatewayHostName=localhost:${info.mqttPort}`, Mqtt);
    cleanups.push(() => client.close());
    await client.setOptions({ ca });
    await client.open();
    // The reader starts at "latest" once its partitions are attached: send until one arrives (each message is distinct).
    for (let i = 0; events.length === 0 && i < 100; i += 1) {
      const message = new Message(JSON.stringify({ speed: 7, i }));
      message.messageId = `m-${i}`;
      message.contentType = 'application/json';
      message.contentEncoding = 'utf-8';
      message.properties.add('line', '3');
      await client.sendEvent(message);
      await new Promise((r) => setTimeout(r, 200));
    }
    const [event] = events;
    expect(event).toMatchObject({
      deviceId: 'line-3',
      systemProperties: { mid: expect.stringMatching(/^m-\d+$/), ct: 'application/json', ce: 'utf-8' },
      properties: { line: '3' },
      bodyEncoding: 'utf8',
    });
    expect(JSON.parse(event!.body)).toMatchObject({ speed: 7 });
    expect(azEvent(event!).event).toMatchObject({ origin: 'line-3', annotations: { 'iothub-connection-device-id': 'line-3' }, properties: { application: { line: '3' } } });

    // Back to the local hub: the reader is closed and events come from the local hub again.
    await cloud.hubSelect({ id: 'local' });
    expect(await cloud.eventsSource()).toMatchObject({ ok: true, value: { source: 'local' } });
  });
});
