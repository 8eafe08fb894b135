import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventHubConsumerClient, earliestEventPosition, type ReceivedEventData } from '@azure/event-hubs';
import { Registry } from 'azure-iothub';
import { Client as DeviceClient, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { localEventHubsClientOptions, reachLocalHub } from '../iothub/local-adapter';
import { LocalHub } from './localhub';
import { partitionOf } from './eventhubs-log';

/**
 * The local hub's Event Hubs-compatible endpoint read by the official `@azure/event-hubs` EventHubConsumerClient
 * (through the console's adapter: AMQP over WebSockets on the HTTPS port, trusting the local CA), fed by a real
 * azure-iot-device MQTT client.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startedHub(): Promise<{ hub: LocalHub; info: Awaited<ReturnType<LocalHub['info']>> & { ok: true }; ca: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-eh-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0, amqpPort: 0 });
  cleanups.push(() => hub.dispose());
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  return { hub, info, ca: readFileSync(info.value.caFile, 'utf8') };
}

function consumer(connectionString: string, httpsPort: number, ca: string): EventHubConsumerClient {
  const client = new EventHubConsumerClient('$Default', connectionString, { ...localEventHubsClientOptions({ httpsPort, ca }), retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } });
  cleanups.push(() => client.close());
  return client;
}

describe('local hub Event Hubs-compatible endpoint', () => {
  it('publishes its connection string and port; getEventHubProperties and getPartitionIds answer', async () => {
    const { info, ca } = await startedHub();
    const v = info.value;
    expect(v.amqpPort).toBeGreaterThan(0);
    expect(v.eventHubsConnectionString).toBe(`Endpoint=sb://localhost:${v.amqpPort}/;SharedAccessKeyName=iothubowner;SharedAccessKey=${v.connectionString.split('SharedAccessKey=')[1]};EntityPath=localhost`);
    const client = consumer(v.eventHubsConnectionString!, v.httpsPort, ca);
    expect(await client.getPartitionIds()).toEqual(['0', '1', '2', '3']);
    const properties = await client.getEventHubProperties();
    expect(properties.name).toBe('localhost');
    expect(properties.partitionIds).toEqual(['0', '1', '2', '3']);
    expect(properties.createdOn.getTime()).toBeLessThanOrEqual(Date.now());
    const partition = await client.getPartitionProperties('2');
    expect(partition).toMatchObject({ partitionId: '2', eventHubName: 'localhost', isEmpty: true, lastEnqueuedSequenceNumber: -1 });
  });

  it('delivers a device telemetry message with its properties and IoT Hub annotations, from latest', async () => {
    const { hub, info, ca } = await startedHub();
    const v = info.value;
    const registry = reachLocalHub(Registry.fromConnectionString(v.connectionString), { httpsPort: v.httpsPort, ca });
    const created = (await registry.create({ deviceId: 'sensor-eh' })).responseBody;
    const key = created.authentication?.symmetricKey?.primaryKey;
    const deviceClient = DeviceClient.fromConnectionString(`HostName=localhost;DeviceId=sensor-eh;SharedAccessKey=${key};GatewayHostName=localhost:${v.mqttPort}`, Mqtt);
    cleanups.push(() => deviceClient.close());
    await deviceClient.setOptions({ ca });
    await deviceClient.open();

    const client = consumer(v.eventHubsConnectionString!, v.httpsPort, ca);
    const received: ReceivedEventData[] = [];
    const errors: Error[] = [];
    let readers = 0;
    const subscription = client.subscribe(
      { processInitialize: async () => void (readers += 1), processEvents: async (events) => void received.push(...events), processError: async (e) => void errors.push(e) },
      { skipParsingBodyAsJson: true, maxWaitTimeInSeconds: 1 },
    );
    cleanups.push(() => subscription.close());
    while (readers < 4) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));

    const message = new Message(JSON.stringify({ temperature: 21.5 }));
    message.messageId = 'm-1';
    message.correlationId = 'c-1';
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    message.properties.add('alert', 'high');
    await deviceClient.sendEvent(message);
    while (received.length === 0 && errors.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual([]);
    const [event] = received;
    expect(Buffer.from(event!.body as Buffer).toString('utf8')).toBe('{"temperature":21.5}');
    expect(event!.messageId).toBe('m-1');
    expect(event!.correlationId).toBe('c-1');
    expect(event!.contentType).toBe('application/json');
    expect(event!.getRawAmqpMessage().properties?.contentEncoding).toBe('utf-8');
    expect(event!.properties).toEqual({ alert: 'high' });
    expect(event!.sequenceNumber).toBe(0);
    expect(event!.systemProperties).toMatchObject({ 'iothub-connection-device-id': 'sensor-eh', 'iothub-message-source': 'Telemetry' });
    // The client hands AMQP timestamps in annotations over as epoch milliseconds.
    expect(Math.abs(Number(event!.systemProperties!['iothub-enqueuedtime']) - Date.now())).toBeLessThan(60_000);
    expect(event!.enqueuedTimeUtc).toBeInstanceOf(Date);

    // The partition is the device's stable one, and its properties now count the event.
    const partitionId = String(partitionOf('sensor-eh', 4));
    const partition = await client.getPartitionProperties(partitionId);
    expect(partition).toMatchObject({ isEmpty: false, beginningSequenceNumber: 0, lastEnqueuedSequenceNumber: 0, lastEnqueuedOffset: event!.offset });
    expect(hub.state.state).toBe('running');
  });

  it('replays retained events from the earliest position and after a sequence number', async () => {
    const { hub, info, ca } = await startedHub();
    const v = info.value;
    await hub.registry!.putDevice('replayed', { deviceId: 'replayed' }, undefined);
    for (let i = 0; i < 3; i += 1) {
      await hub.registry!.acceptTelemetry({ deviceId: 'replayed' }, { body: Buffer.from(`n${i}`), systemProperties: {}, properties: {} });
    }
    const partitionId = String(partitionOf('replayed', 4));
    const client = consumer(v.eventHubsConnectionString!, v.httpsPort, ca);
    const all: ReceivedEventData[] = [];
    const s1 = client.subscribe(partitionId, { processEvents: async (events) => void all.push(...events), processError: async () => undefined }, { startPosition: earliestEventPosition, skipParsingBodyAsJson: true, maxWaitTimeInSeconds: 1 });
    cleanups.push(() => s1.close());
    while (all.length < 3) await new Promise((r) => setTimeout(r, 20));
    expect(all.map((e) => Buffer.from(e.body as Buffer).toString())).toEqual(['n0', 'n1', 'n2']);
    const after: ReceivedEventData[] = [];
    // One subscriber per partition per client (the client's own rule): a second client reads after sequence number 0.
    const s2 = consumer(v.eventHubsConnectionString!, v.httpsPort, ca).subscribe(partitionId, { processEvents: async (events) => void after.push(...events), processError: async () => undefined }, { startPosition: { sequenceNumber: 0 }, skipParsingBodyAsJson: true, maxWaitTimeInSeconds: 1 });
    cleanups.push(() => s2.close());
    while (after.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(after.map((e) => e.sequenceNumber)).toEqual([1, 2]);
  });

  it('refuses a wrong key and an expired token with UnauthorizedError', async () => {
    const { info, ca } = await startedHub();
    const v = info.value;
    const wrongKey = v.eventHubsConnectionString!.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`);
    const bad = consumer(wrongKey, v.httpsPort, ca);
    await expect(bad.getPartitionIds()).rejects.toMatchObject({ code: 'UnauthorizedError', message: expect.stringMatching(/signature/) });

    const unknownPolicy = v.eventHubsConnectionString!.replace('SharedAccessKeyName=iothubowner', 'SharedAccessKeyName=nobody');
    await expect(consumer(unknownPolicy, v.httpsPort, ca).getPartitionIds()).rejects.toMatchObject({ code: 'UnauthorizedError' });

    // A SAS token that has already expired (SharedAccessSignature in the connection string, as the client accepts).
    const key = v.connectionString.split('SharedAccessKey=')[1]!;
    const { createHmac } = await import('node:crypto');
    const sr = encodeURIComponent(`sb://localhost:${v.amqpPort}/localhost`);
    const se = Math.floor(Date.now() / 1000) - 60;
    const sig = encodeURIComponent(createHmac('sha256', Buffer.from(key, 'utf8')).update(`${sr}\n${se}`).digest('base64'));
    const expired = `Endpoint=sb://localhost:${v.amqpPort}/;SharedAccessSignature=SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=iothubowner;EntityPath=localhost`;
    await expect(consumer(expired, v.httpsPort, ca).getEventHubProperties()).rejects.toMatchObject({ code: 'UnauthorizedError', message: expect.stringMatching(/expired/) });
  });

  it('serves AMQPS on the port in its connection string (the client untouched; the CA trusted the usual way)', async () => {
    const { info } = await startedHub();
    const v = info.value;
    // A separate node: the client dials amqps://localhost:<amqpPort> as it would a real namespace on 5671, and trusts the
    // local CA through NODE_EXTRA_CA_CERTS (read by node only at start).
    const script = `
      const { EventHubConsumerClient } = require('@azure/event-hubs');
      const client = new EventHubConsumerClient('$Default', process.env.EH);
      client.getEventHubProperties().then((p) => { console.log(JSON.stringify({ name: p.name, partitionIds: p.partitionIds })); return client.close(); })
        .catch((e) => { console.error(e.code, e.message); process.exit(1); });`;
    // spawn, not spawnSync: the hub answering it runs in this process.
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), env: { ...process.env, EH: v.eventHubsConnectionString, NODE_EXTRA_CA_CERTS: v.caFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = { stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
    expect(await new Promise((resolve) => child.once('close', resolve))).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ name: 'localhost', partitionIds: ['0', '1', '2', '3'] });
  });

  it('a taken AMQP port leaves the hub running without the endpoint (no Event Hubs connection string in info)', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const taken = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-eh-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const lines: string[] = [];
    const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0, amqpPort: taken, log: (l) => lines.push(l) });
    cleanups.push(() => hub.dispose());
    while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
    expect(hub.state.state).toBe('running');
    const info = await hub.info();
    expect(info.ok ? info.value.eventHubsConnectionString : 'no info').toBeUndefined();
    expect(info.ok ? info.value.amqpPort : 'no info').toBeUndefined();
    expect(lines.join('\n')).toContain(`AMQP port ${taken} is in use by another program (set GATEHOUSE_LOCALHUB_AMQP_PORT)`);
  });
});
