import { request } from 'node:https';
import { Client, Registry, SharedAccessSignature } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceGateway, IdentityRef, MethodFailure, MethodResponse } from '../../protocol/device-backend';
import type { Result } from '../../../shared/errors';
import type { Configuration } from 'azure-iothub/dist/configuration';
import { HOST_NAME, sdkErrorName, startTestHub, wireSdkClient, type TestHub } from './localhub-sdk.test-util';

// Configurations, direct methods, queries and refusals through the unmodified azure-iothub SDK (§9 items 13, 16, 18;
// peer configurations.js and device_method.js service calls), plus raw requests for what the SDK cannot send.

type Invoke = (target: IdentityRef, name: string, payload: unknown, timeoutMs: number) => Promise<Result<MethodResponse, MethodFailure>>;
let invoke: Invoke = async () => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'stub' } });
const calls: { target: IdentityRef; name: string; payload: unknown; timeoutMs: number }[] = [];
const gateway: DeviceGateway = {
  invokeMethod: (target, name, payload, timeoutMs) => {
    calls.push({ target, name, payload, timeoutMs });
    return invoke(target, name, payload, timeoutMs);
  },
  pushDesired: () => undefined,
  deliver: async () => false,
  disconnect: () => undefined,
  isConnected: () => false,
};

let hub: TestHub;
let registry: Registry;
const queryRuns: string[] = [];

beforeAll(async () => {
  hub = await startTestHub({
    gateway,
    rest: {
      // A stand-in for shared/query: every device twin, so paging is tested on its own.
      query: (sql, reg) => (queryRuns.push(sql), sql.includes('bad') ? { ok: false, error: { message: 'unexpected token' } } : { ok: true, value: reg.twinDocuments(sql.includes('devices.modules') ? 'devices.modules' : 'devices') }),
    },
  });
  registry = hub.sdkRegistry();
  await registry.create({ deviceId: 'dev' });
});
afterAll(async () => hub.close());

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string>; auth?: string | null } = {}): Promise<RawReply> {
  const token = options.auth === undefined ? SharedAccessSignature.create(HOST_NAME, 'iothubowner', ownerKey(), Math.ceil(Date.now() / 1000) + 3600).toString() : options.auth;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: HOST_NAME, path, method, agent: hub.agent(), headers: { ...(token ? { Authorization: token } : {}), ...(options.body ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The SDK's `Configuration` typing wants every field; the peer tests pass partial objects, as these do. */
const asConfig = (config: unknown) => config as Configuration;

function ownerKey(): string {
  return hub.registry.policies().find((p) => p.keyName === 'iothubowner')?.primaryKey ?? '';
}

describe('configurations (item 16, peer configurations.js)', () => {
  for (const entity of ['module', 'device']) {
    it(`adds, finds, lists, updates, force-updates and removes a ${entity} configuration`, async () => {
      const config = { id: `node_e2e_${entity}_cfg`, content: { [`${entity}Content`]: { 'properties.desired': { prop1: 'foo' } } }, targetCondition: '', priority: 20 };
      await registry.addConfiguration(asConfig(config));
      const { responseBody: found } = await registry.getConfiguration(config.id);
      expect(found.id).toBe(config.id);
      expect(found.content).toEqual(config.content);
      expect(found).toMatchObject({ schemaVersion: '1.0', priority: 20, etag: expect.any(String), createdTimeUtc: expect.any(String), lastUpdatedTimeUtc: expect.any(String) });
      expect(found.systemMetrics?.results).toMatchObject({ targetedCount: 0, appliedCount: 0 });
      expect((await registry.getConfigurations()).responseBody.map((c) => c.id)).toContain(config.id);
      expect(await sdkErrorName(registry.addConfiguration(asConfig(config)))).toBe('DeviceAlreadyExistsError');

      found.priority = 99;
      await registry.updateConfiguration(found);
      expect((await registry.getConfiguration(config.id)).responseBody.priority).toBe(99);
      expect(await sdkErrorName(registry.updateConfiguration(found))).toBe('InvalidEtagError');
      await registry.updateConfiguration(asConfig({ ...config, priority: 7 }), true);
      const { responseBody: forced } = await registry.getConfiguration(config.id);
      expect(forced.priority).toBe(7);
      expect(forced.createdTimeUtc).toBe(found.createdTimeUtc);

      await registry.removeConfiguration(config.id);
      expect(await sdkErrorName(registry.getConfiguration(config.id))).toBe('Error');
      expect(await sdkErrorName(registry.removeConfiguration(config.id))).toBe('Error');
    });
  }

  it('edge deployments carry the edge system metrics; bad content is ArgumentError', async () => {
    await registry.addConfiguration(asConfig({ id: 'deploy1', content: { modulesContent: { $edgeAgent: { 'properties.desired': {} } } }, targetCondition: "tags.env='prod'", priority: 10, labels: { k: 'v' } }));
    const { responseBody: deployment } = await registry.getConfiguration('deploy1');
    expect(Object.keys(deployment.systemMetrics?.queries ?? {}).sort()).toEqual(['appliedCount', 'reportedFailedCount', 'reportedSuccessfulCount', 'targetedCount']);
    expect(deployment.labels).toEqual({ k: 'v' });
    expect(await sdkErrorName(registry.addConfiguration(asConfig({ id: 'bad', content: {}, targetCondition: '', priority: 1 })))).toBe('ArgumentError');
    expect(await sdkErrorName(registry.addConfiguration(asConfig({ id: 'bad', content: { deviceContent: {} }, targetCondition: '', priority: -1 })))).toBe('ArgumentError');
  });
});

describe('direct methods (item 18, peer device_method.js) with a stub gateway', () => {
  for (const payload of [null, '', 'foo', { k1: 'v1' }, {}]) {
    it(`relays a call with payload ${JSON.stringify(payload)} and returns {status, payload}`, async () => {
      invoke = async (_target, _name, p) => ({ ok: true, value: { status: 200, payload: p } });
      calls.length = 0;
      const client = hub.sdkClient();
      const { result } = await client.invokeDeviceMethod('dev', { methodName: 'method1', payload, connectTimeoutInSeconds: 30, responseTimeoutInSeconds: 45 });
      expect(result).toEqual({ status: 200, payload });
      expect(calls).toEqual([{ target: { deviceId: 'dev' }, name: 'method1', payload, timeoutMs: 45_000 }]);
    });
  }

  it('works for a client created from a shared access signature, and for modules', async () => {
    invoke = async (target) => ({ ok: true, value: { status: 201, payload: { module: target.moduleId ?? null } } });
    const sas = SharedAccessSignature.create(HOST_NAME, 'service', hub.registry.policies().find((p) => p.keyName === 'service')?.primaryKey ?? '', Math.ceil(Date.now() / 1000) + 3600).toString();
    const client = Client.fromSharedAccessSignature(sas);
    wireSdkClient(client, hub.port, hub.caPem);
    expect((await client.invokeDeviceMethod('dev', { methodName: 'm', payload: null })).result).toEqual({ status: 201, payload: { module: null } });
    await registry.addModule({ deviceId: 'dev', moduleId: 'mm' });
    expect((await hub.sdkClient().invokeDeviceMethod('dev', 'mm', { methodName: 'm', payload: null })).result).toEqual({ status: 201, payload: { module: 'mm' } });
  });

  it('offline -> 404 with errorCode 404103 (Error "Not found"); no reply -> 504 GatewayTimeoutError; unknown device -> DeviceNotFoundError', async () => {
    invoke = async () => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'offline' } });
    const client = hub.sdkClient();
    const offline = await client.invokeDeviceMethod('dev', { methodName: 'm', payload: null }).catch((e: Error & { responseBody?: string }) => e);
    expect(offline).toBeInstanceOf(Error);
    expect((offline as Error).message).toBe('Not found');
    expect(JSON.parse(JSON.parse((offline as { responseBody: string }).responseBody).Message).errorCode).toBe(404103);
    invoke = async () => ({ ok: false, error: { code: 'TIMEOUT', message: 'no answer' } });
    expect(await sdkErrorName(client.invokeDeviceMethod('dev', { methodName: 'm', payload: null, responseTimeoutInSeconds: 5 }))).toBe('GatewayTimeoutError');
    expect(await sdkErrorName(client.invokeDeviceMethod('nobody', { methodName: 'm', payload: null }))).toBe('DeviceNotFoundError');
    expect(await sdkErrorName(client.invokeDeviceMethod('dev', { methodName: 'm', payload: null, responseTimeoutInSeconds: 1 }))).toBe('ArgumentError');
  });

  it('waits up to connectTimeoutInSeconds for the device to come online', async () => {
    let attempts = 0;
    invoke = async () => (++attempts < 3 ? { ok: false, error: { code: 'NOT_CONNECTED', message: 'not yet' } } : { ok: true, value: { status: 200, payload: 'late' } });
    const { result } = await hub.sdkClient().invokeDeviceMethod('dev', { methodName: 'm', payload: null, connectTimeoutInSeconds: 5 });
    expect(result).toEqual({ status: 200, payload: 'late' });
    expect(attempts).toBe(3);
  });
});

describe('queries (item 13) paging through the SDK', () => {
  it('pages with x-ms-max-item-count and stops when x-ms-continuation is absent', async () => {
    await registry.addDevices(Array.from({ length: 7 }, (_, i) => ({ deviceId: `q${i}` })));
    const total = hub.registry.twinDocuments('devices').length;
    queryRuns.length = 0;
    const query = registry.createQuery('SELECT * FROM devices', 3);
    const seen: string[] = [];
    let pages = 0;
    while (query.hasMoreResults) {
      const { result } = await query.nextAsTwin();
      pages += 1;
      seen.push(...result.map((twin) => twin.deviceId));
      expect(result.length).toBeLessThanOrEqual(3);
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 3));
    // Later pages come from the first page's cursor, not from running the query again.
    expect(queryRuns).toEqual(['SELECT * FROM devices']);
  });

  it('answers a malformed query with ArgumentError and a foreign continuation token with 400', async () => {
    expect(await sdkErrorName(registry.createQuery('SELECT bad FROM', 10).next())).toBe('ArgumentError');
    const reply = await raw('POST', '/devices/query?api-version=2021-04-12', { body: JSON.stringify({ query: 'SELECT * FROM devices' }), headers: { 'x-ms-continuation': 'garbage' } });
    expect(reply.status).toBe(400);
  });
});

describe('refusals', () => {
  it('401 IotHubUnauthorizedAccess for a wrong key, an expired token, another hub, missing rights (UnauthorizedError)', async () => {
    const wrongKey = Registry.fromConnectionString(`HostName=${HOST_NAME};SharedAccessKeyName=iothubowner;SharedAccessKey=${Buffer.alloc(32, 1).toString('base64')}`);
    wireSdkClient(wrongKey, hub.port, hub.caPem);
    expect(await sdkErrorName(wrongKey.get('dev'))).toBe('UnauthorizedError');
    const expired = SharedAccessSignature.create(HOST_NAME, 'iothubowner', ownerKey(), Math.floor(Date.now() / 1000) - 60).toString();
    const expiredRegistry = Registry.fromSharedAccessSignature(expired);
    wireSdkClient(expiredRegistry, hub.port, hub.caPem);
    expect(await sdkErrorName(expiredRegistry.get('dev'))).toBe('UnauthorizedError');
    const otherHub = SharedAccessSignature.create('other.azure-devices.net', 'iothubowner', ownerKey(), Math.ceil(Date.now() / 1000) + 3600).toString();
    const other = await raw('GET', '/devices/dev?api-version=2021-04-12', { auth: otherHub });
    expect(other.status).toBe(401);
    expect(JSON.parse(other.body).Message).toMatch(/^ErrorCode:IotHubUnauthorizedAccess;/);
    expect(await sdkErrorName(hub.sdkRegistry('registryRead').create({ deviceId: 'nope' }))).toBe('UnauthorizedError');
    expect((await hub.sdkRegistry('registryRead').get('dev')).responseBody.deviceId).toBe('dev');
    expect(await sdkErrorName(hub.sdkRegistry('service').get('dev'))).toBe('UnauthorizedError');
    expect((await raw('GET', '/devices/dev', { auth: null })).status).toBe(401);
  });

  it('400 with the reason for malformed JSON, an oversized body, a non-object; never a crash', async () => {
    const malformed = await raw('PUT', '/devices/x1?api-version=2021-04-12', { body: '{"deviceId": "x1",' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(malformed.body).Message).toMatch(/^ErrorCode:ArgumentInvalid;malformed JSON/);
    const big = await raw('PATCH', '/twins/dev?api-version=2021-04-12', { body: JSON.stringify({ tags: { x: 'a'.repeat(300 * 1024) } }), headers: { 'If-Match': '"*"' } });
    expect(big.status).toBe(400);
    expect(JSON.parse(big.body).Message).toMatch(/larger than/);
    expect((await raw('PUT', '/devices/x2', { body: '[1,2]' })).status).toBe(400);
    expect(await sdkErrorName(registry.updateTwin('dev', 'not json at all' as never, '*'))).toBe('ArgumentError');
    expect((await registry.get('dev')).responseBody.deviceId).toBe('dev');
  });

  it('404 for unknown paths, 405 for wrong methods, 400 for jobs; ids with $ and encoded characters route', async () => {
    expect((await raw('GET', '/nothing/here')).status).toBe(404);
    const wrongMethod = await raw('POST', '/devices/dev', { body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, PUT, DELETE');
    const jobs = await raw('GET', '/jobs?api-version=2021-04-12');
    expect(jobs.status).toBe(400);
    expect(JSON.parse(jobs.body).Message).toMatch(/not supported by the local hub/);
    expect(await sdkErrorName(registry.importDevicesFromBlob('https://x/in', 'https://x/out'))).toBe('ArgumentError');
    await registry.create({ deviceId: "odd:id(1)@x'y" });
    expect((await registry.getTwin("odd:id(1)@x'y")).responseBody.deviceId).toBe("odd:id(1)@x'y");
    expect((await raw('GET', '/statistics/service?api-version=2021-04-12')).body).toBe('{"connectedDeviceCount":0}');
  });

  it('bad percent-encoding is 400; an unknown twin is DeviceNotFound; never a crash on odd input', async () => {
    expect((await raw('GET', '/devices/%E0%A4%A')).status).toBe(400);
    expect((await raw('GET', '/twins/nobody?api-version=2021-04-12')).status).toBe(404);
    expect((await raw('PATCH', '/twins/dev', { body: 'null', headers: { 'If-Match': '"*"' } })).status).toBe(400);
    expect((await raw('POST', '/devices?api-version=2021-04-12', { body: '{}' })).status).toBe(400);
    expect((await raw('POST', '/devices?api-version=2021-04-12', { body: JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ id: `x${i}`, importMode: 'create' }))) })).status).toBe(400);
    expect((await raw('POST', '/twins/dev/methods', { body: '{"methodName": 5}' })).status).toBe(400);
    expect((await raw('GET', '/devices/dev')).status).toBe(200);
  });
});

describe('twin replace (PUT /twins, not in Registry)', () => {
  it('replaces tags and desired wholesale, honours If-Match', async () => {
    await registry.create({ deviceId: 'put-twin' });
    await registry.updateTwin('put-twin', { tags: { a: 1, b: 2 }, properties: { desired: { x: 1, y: 2 } } }, '*');
    const stale = (await registry.getTwin('put-twin')).responseBody.etag;
    const replaced = await raw('PUT', '/twins/put-twin?api-version=2021-04-12', { body: JSON.stringify({ tags: { a: 9 }, properties: { desired: { y: 3 } } }), headers: { 'If-Match': `"${stale}"` } });
    expect(replaced.status).toBe(200);
    const twin = JSON.parse(replaced.body) as { tags: unknown; properties: { desired: Record<string, unknown> } };
    expect(twin.tags).toEqual({ a: 9 });
    expect(twin.properties.desired).toMatchObject({ y: 3, $version: 3 });
    expect(twin.properties.desired.x).toBeUndefined();
    const again = await raw('PUT', '/twins/put-twin?api-version=2021-04-12', { body: JSON.stringify({ tags: {} }), headers: { 'If-Match': `"${stale}"` } });
    expect(again.status).toBe(412);
    expect(JSON.parse(again.body).Message).toMatch(/^ErrorCode:PreconditionFailed;/);
  });

  it('concurrent PATCHes with the same etag: exactly one wins, the others get InvalidEtagError', async () => {
    await registry.create({ deviceId: 'race' });
    const etag = (await registry.getTwin('race')).responseBody.etag;
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => sdkErrorName(registry.updateTwin('race', { tags: { winner: i } }, etag))));
    expect(outcomes.filter((name) => name === 'resolved')).toHaveLength(1);
    expect(outcomes.filter((name) => name === 'InvalidEtagError')).toHaveLength(4);
    expect((await registry.getTwin('race')).responseBody.properties.desired.$version).toBe(1);
  });
});
