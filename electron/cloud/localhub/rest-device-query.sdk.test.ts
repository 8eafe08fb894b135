import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { SharedAccessSignature as DeviceSas } from 'azure-iot-device';
import type { Registry } from 'azure-iothub';
import type { Configuration } from 'azure-iothub/dist/configuration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa } from '../../protocol/certificate-factory';
import type { TelemetryRecord } from './registry';
import { HOST_NAME, sdkErrorName, startTestHub, type TestHub } from './localhub-sdk.test-util';

// The query language end to end (shared/query behind POST /devices/query; §9 items 13, 14) and device-side HTTPS
// telemetry as azure-iot-device-http sends it (peer authentication.js / sas_token_tests.js over Http).

let hub: TestHub;
let registry: Registry;
let deviceKey = '';

beforeAll(async () => {
  hub = await startTestHub();
  registry = hub.sdkRegistry();
  deviceKey = (await registry.create({ deviceId: 'sensor' })).responseBody.authentication?.symmetricKey?.primaryKey ?? '';
  await registry.create({ deviceId: 'e1', capabilities: { iotEdge: true } });
  await registry.addDevices(Array.from({ length: 12 }, (_, i) => ({ deviceId: `q${i}` })));
  for (let i = 0; i < 12; i += 1) await registry.updateTwin(`q${i}`, { tags: { env: i % 3 === 0 ? 'prod' : 'dev', n: i } }, '*');
});
afterAll(async () => hub.close());

async function all(sql: string, pageSize?: number): Promise<Record<string, unknown>[]> {
  const query = registry.createQuery(sql, pageSize);
  const rows: Record<string, unknown>[] = [];
  while (query.hasMoreResults) rows.push(...((await query.next()).result as Record<string, unknown>[]));
  return rows;
}

describe('queries with the IoT Hub query language', () => {
  it('SELECT * FROM devices WHERE tags… pages as twins (item 13)', async () => {
    const query = registry.createQuery("SELECT * FROM devices WHERE tags.env = 'prod'", 2);
    const ids: string[] = [];
    while (query.hasMoreResults) ids.push(...(await query.nextAsTwin()).result.map((twin) => twin.deviceId));
    expect(ids.sort()).toEqual(['q0', 'q3', 'q6', 'q9']);
  });

  it('devices.modules and COUNT() AS (item 14)', async () => {
    const modules = await all("SELECT * FROM devices.modules WHERE deviceId = 'e1' AND moduleId = '$edgeAgent'");
    expect(modules).toHaveLength(1);
    expect(modules[0]).toMatchObject({ deviceId: 'e1', moduleId: '$edgeAgent', properties: { desired: { $version: 1 } } });
    const count = await all('SELECT COUNT() AS numberOfDevices FROM devices');
    expect(count).toEqual([{ numberOfDevices: 14 }]);
    const edge = await all('SELECT deviceId FROM devices WHERE capabilities.iotEdge = true');
    expect(edge).toEqual([{ deviceId: 'e1' }]);
  });

  it('a malformed query is ArgumentError; so is a malformed deployment targetCondition', async () => {
    expect(await sdkErrorName(registry.createQuery('SELECT * FROM', 10).next())).toBe('ArgumentError');
    const deployment = { id: 'd1', content: { modulesContent: { $edgeAgent: { 'properties.desired': {} } } }, targetCondition: "tags.env = 'prod' AND", priority: 1 };
    expect(await sdkErrorName(registry.addConfiguration(deployment as unknown as Configuration))).toBe('ArgumentError');
    await registry.addConfiguration({ ...deployment, targetCondition: "tags.env = 'prod'" } as unknown as Configuration);
  });
});

interface Reply {
  status: number;
  body: string;
}

function postEvent(path: string, authorization: string | undefined, body: string | Buffer, headers: Record<string, string> = {}, tls: { cert?: string; key?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: HOST_NAME,
        path: `${path}?api-version=2021-04-12`,
        method: 'POST',
        agent: hub.agent(),
        ...tls,
        headers: { 'iothub-to': path, ...(authorization ? { Authorization: authorization } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const inAnHour = () => Math.ceil(Date.now() / 1000) + 3600;

describe('device HTTPS telemetry (azure-iot-device-http wire)', () => {
  it('accepts a message with a device SAS: 204, recorded with its properties, onTelemetry fires', async () => {
    const seen: TelemetryRecord[] = [];
    const subscription = hub.registry.onTelemetry((record) => seen.push(record));
    const token = DeviceSas.create(HOST_NAME, 'sensor', deviceKey, inAnHour()).toString();
    const reply = await postEvent('/devices/sensor/messages/events', token, '{"t":21.5}', { 'iothub-app-alert': 'hot', 'IoTHub-MessageId': 'm1', 'iothub-contenttype': 'application/json' });
    subscription.dispose();
    expect(reply.status).toBe(204);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.from).toEqual({ deviceId: 'sensor' });
    expect(Buffer.from(seen[0]?.message.body ?? []).toString()).toBe('{"t":21.5}');
    expect(seen[0]?.message.properties).toEqual({ alert: 'hot' });
    expect(seen[0]?.message.systemProperties).toMatchObject({ mid: 'm1', ct: 'application/json' });
    expect(hub.registry.recentTelemetry().at(-1)?.from.deviceId).toBe('sensor');
    expect((await registry.get('sensor')).responseBody.lastActivityTime).not.toBe('0001-01-01T00:00:00Z');
  });

  it('bad key, expired token, another device\'s token -> 401; unknown device -> 404 DeviceNotFound; oversized -> 413', async () => {
    const badKey = DeviceSas.create(HOST_NAME, 'sensor', Buffer.from('invalidPrimaryKey').toString('base64'), inAnHour()).toString();
    expect((await postEvent('/devices/sensor/messages/events', badKey, 'x')).status).toBe(401);
    const expired = DeviceSas.create(HOST_NAME, 'sensor', deviceKey, Math.ceil(Date.now() / 1000) - 86400).toString();
    const expiredReply = await postEvent('/devices/sensor/messages/events', expired, 'x');
    expect(expiredReply.status).toBe(401);
    expect(JSON.parse(expiredReply.body).Message).toMatch(/^ErrorCode:IotHubUnauthorizedAccess;/);
    const otherDevice = DeviceSas.create(HOST_NAME, 'q1', deviceKey, inAnHour()).toString();
    expect((await postEvent('/devices/sensor/messages/events', otherDevice, 'x')).status).toBe(401);
    expect((await postEvent('/devices/sensor/messages/events', undefined, 'x')).status).toBe(401);
    const unknown = DeviceSas.create(HOST_NAME, 'sensorfoo', deviceKey, inAnHour()).toString();
    expect((await postEvent('/devices/sensorfoo/messages/events', unknown, 'x')).status).toBe(404);
    const token = DeviceSas.create(HOST_NAME, 'sensor', deviceKey, inAnHour()).toString();
    const big = await postEvent('/devices/sensor/messages/events', token, Buffer.alloc(300 * 1024, 1));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).Message).toMatch(/^ErrorCode:MessageTooLarge;/);
  });

  it('accepts module telemetry with a module SAS', async () => {
    const module = (await registry.addModule({ deviceId: 'sensor', moduleId: 'filter' })).responseBody as { authentication: { symmetricKey: { primaryKey: string } } };
    const token = DeviceSas.create(HOST_NAME, 'sensor/modules/filter', module.authentication.symmetricKey.primaryKey, inAnHour()).toString();
    expect((await postEvent('/devices/sensor/modules/filter/messages/events', token, 'm')).status).toBe(204);
    expect(hub.registry.recentTelemetry().at(-1)?.from).toEqual({ deviceId: 'sensor', moduleId: 'filter' });
  });

  it('accepts a self-signed X.509 device by its client certificate; another certificate gets 401', async () => {
    const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000) };
    const good = await createRootCa('x509dev', validity);
    const bad = await createRootCa('x509dev', validity);
    const thumbprint = new X509Certificate(good.certificatePem).fingerprint.replace(/:/g, '');
    await registry.create({ deviceId: 'x509dev', authentication: { x509Thumbprint: { primaryThumbprint: thumbprint } } });
    const ok = await postEvent('/devices/x509dev/messages/events', undefined, 'hello', {}, { cert: good.certificatePem, key: good.privateKeyPem });
    expect(ok.status).toBe(204);
    expect(hub.registry.recentTelemetry().at(-1)?.from).toEqual({ deviceId: 'x509dev' });
    const refused = await postEvent('/devices/x509dev/messages/events', undefined, 'hello', {}, { cert: bad.certificatePem, key: bad.privateKeyPem });
    expect(refused.status).toBe(401);
    expect((await postEvent('/devices/x509dev/messages/events', undefined, 'hello')).status).toBe(401);
  });
});
