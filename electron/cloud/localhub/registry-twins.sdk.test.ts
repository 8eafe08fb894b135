import type { Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceGateway, IdentityRef } from '../../protocol/device-backend';
import { sdkErrorName, startTestHub, type TestHub } from './localhub-sdk.test-util';

// Modules and twins through the unmodified azure-iothub Registry and Twin (§9 items 9-12, 17; peer module_crud.js,
// module_twin.js and twin_e2e_tests.js service calls). The device side is the DeviceBackend the MQTT front end calls.

interface Pushed {
  target: IdentityRef;
  patch: Record<string, unknown>;
}

const pushed: Pushed[] = [];
const disconnected: IdentityRef[] = [];
const gateway: DeviceGateway = {
  invokeMethod: async () => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'stub' } }),
  pushDesired: (target, patch) => void pushed.push({ target, patch }),
  deliver: async () => false,
  disconnect: (target) => void disconnected.push(target),
  isConnected: () => false,
};

let hub: TestHub;
let registry: Registry;

beforeAll(async () => {
  hub = await startTestHub({ gateway });
  registry = hub.sdkRegistry();
  await registry.create({ deviceId: 'dev' });
  await registry.create({ deviceId: 'edge', capabilities: { iotEdge: true } });
});
afterAll(async () => hub.close());

const newProps = { foo: 1, bar: { baz: 2, tweedle: { dee: 3 } } };

describe('modules', () => {
  it('adds a module with keys and finds it by id and in the list (item 9)', async () => {
    await registry.addModule({ deviceId: 'dev', moduleId: 'm1' });
    const { responseBody: module } = await registry.getModule('dev', 'm1');
    expect(module).toMatchObject({ deviceId: 'dev', moduleId: 'm1', managedBy: null, connectionState: 'Disconnected' });
    expect(Buffer.from(module.authentication?.symmetricKey?.primaryKey ?? '', 'base64')).toHaveLength(32);
    const { responseBody: list } = await registry.getModulesOnDevice('dev');
    expect(list.map((m) => m.moduleId)).toContain('m1');
    expect(await sdkErrorName(registry.addModule({ deviceId: 'dev', moduleId: 'm1' }))).toBe('DeviceAlreadyExistsError');
    expect(await sdkErrorName(registry.addModule({ deviceId: 'nobody', moduleId: 'm1' }))).toBe('DeviceNotFoundError');
  });

  for (const force of [true, false]) {
    it(`swaps a module's keys with updateModule(force=${force}) and refuses a stale etag (item 10)`, async () => {
      const moduleId = `swap-${force}`;
      await registry.addModule({ deviceId: 'dev', moduleId });
      const { responseBody: found } = await registry.getModule('dev', moduleId);
      const primary = found.authentication?.symmetricKey?.secondaryKey ?? '';
      const secondary = found.authentication?.symmetricKey?.primaryKey ?? '';
      const staleEtag = found.etag;
      const changed = { ...found, authentication: { ...found.authentication, symmetricKey: { primaryKey: primary, secondaryKey: secondary } } };
      if (force) delete (changed as { etag?: string }).etag;
      await registry.updateModule(changed, force);
      const { responseBody: after } = await registry.getModule('dev', moduleId);
      expect(after.authentication?.symmetricKey).toEqual({ primaryKey: primary, secondaryKey: secondary });
      expect(disconnected).toContainEqual({ deviceId: 'dev', moduleId });
      expect(await sdkErrorName(registry.updateModule({ ...after, etag: staleEtag }, false))).toBe('InvalidEtagError');
    });
  }

  it('removes a module by ids and by object (item 10)', async () => {
    await registry.addModule({ deviceId: 'dev', moduleId: 'rm1' });
    await registry.removeModule('dev', 'rm1');
    expect(await sdkErrorName(registry.getModule('dev', 'rm1'))).toBe('Error');
    await registry.addModule({ deviceId: 'dev', moduleId: 'rm2' });
    const { responseBody: found } = await registry.getModule('dev', 'rm2');
    // The object form of removeModule only takes a callback (as the peer module_crud.js calls it).
    await new Promise<void>((resolve, reject) => registry.removeModule(found, (err?: Error) => (err ? reject(err) : resolve())));
    expect(await sdkErrorName(registry.getModule('dev', 'rm2'))).toBe('Error');
  });
});

describe('twins', () => {
  it('returns a device twin with etag, version, tags and $version/$metadata (item 11)', async () => {
    const { responseBody: twin } = await registry.getTwin('dev');
    expect(twin.deviceId).toBe('dev');
    expect(twin.etag).toBe('AAAAAAAAAAE=');
    expect(twin.tags).toEqual({});
    expect(twin.properties.desired).toMatchObject({ $version: 1, $metadata: { $lastUpdated: expect.any(String) } });
    expect(twin.properties.reported).toMatchObject({ $version: 1 });
    const raw = twin as unknown as { version: number; moduleId?: string };
    expect(raw.version).toBe(1);
    expect(raw.moduleId).toBeUndefined();
  });

  it('merges desired patches, pushes the difference with $version, deletes with null (item 12)', async () => {
    pushed.length = 0;
    const { responseBody: twin } = await registry.getTwin('dev');
    await twin.update({ properties: { desired: newProps } });
    await twin.update({ properties: { desired: { bar: { baz: 3 } } } });
    expect(twin.properties.desired).toMatchObject({ foo: 1, bar: { baz: 3, tweedle: { dee: 3 } }, $version: 3 });
    await twin.update({ properties: { desired: { bar: { tweedle: null } } } });
    expect(twin.properties.desired.bar).toEqual({ baz: 3 });
    expect(pushed.map((p) => p.patch)).toEqual([
      { ...newProps, $version: 2 },
      { bar: { baz: 3 }, $version: 3 },
      { bar: { tweedle: null }, $version: 4 },
    ]);
    expect(pushed.every((p) => p.target.deviceId === 'dev' && p.target.moduleId === undefined)).toBe(true);
    const metadata = twin.properties.desired.$metadata as Record<string, Record<string, unknown>>;
    expect(metadata.foo).toMatchObject({ $lastUpdatedVersion: 2 });
    expect(metadata.bar).toMatchObject({ $lastUpdatedVersion: 4 });
    await twin.update({ properties: { desired: null } });
    expect(Object.keys(twin.properties.desired).filter((k) => !k.startsWith('$'))).toEqual([]);
    expect(pushed.at(-1)?.patch).toEqual({ foo: null, bar: null, $version: 5 });
  });

  it('merges and nulls tags, with the etag or "*"', async () => {
    const { responseBody: twin } = await registry.getTwin('dev');
    await twin.update({ tags: newProps });
    expect(twin.tags).toEqual(newProps);
    twin.etag = '*';
    await twin.update({ tags: { bar: { tweedle: null } } });
    expect(twin.tags).toEqual({ foo: 1, bar: { baz: 2 } });
    await twin.update({ tags: null } as unknown as { tags: Record<string, unknown> });
    expect(twin.tags).toEqual({});
  });

  it('updateTwin with the actual etag works, with a stale or made-up one fails with InvalidEtagError (item 12)', async () => {
    const { responseBody: twin } = await registry.getTwin('dev');
    const { responseBody: updated } = await registry.updateTwin('dev', { properties: { desired: { telemetryInterval: 100 } } }, twin.etag);
    expect(updated.properties.desired.telemetryInterval).toBe(100);
    expect(await sdkErrorName(registry.updateTwin('dev', { properties: { desired: { telemetryInterval: 100 } } }, 'abc'))).toBe('InvalidEtagError');
    expect(await sdkErrorName(registry.updateTwin('dev', { properties: { desired: { x: 1 } } }, twin.etag))).toBe('InvalidEtagError');
    expect(await sdkErrorName(registry.updateTwin('dev', { properties: { reported: { x: 1 } } } as never, '*'))).toBe('ArgumentError');
  });

  it('shows reported properties the device patched, merged, with null deleting (peer twin_e2e)', async () => {
    const first = await hub.registry.patchReported({ deviceId: 'dev' }, newProps);
    const second = await hub.registry.patchReported({ deviceId: 'dev' }, { bar: { tweedle: null } });
    expect(first.ok && second.ok && second.value.version === first.value.version + 1).toBe(true);
    const { responseBody: twin } = await registry.getTwin('dev');
    expect(twin.properties.reported).toMatchObject({ foo: 1, bar: { baz: 2 } });
    expect((twin.properties.reported.bar as Record<string, unknown>).tweedle).toBeUndefined();
    const sections = await hub.registry.getTwin({ deviceId: 'dev' });
    expect(sections.ok && sections.value.reported.$version).toBe(second.ok && second.value.version);
  });

  it('module twins: get, update with push to the module, reported from the module (items 11, 12)', async () => {
    await registry.addModule({ deviceId: 'dev', moduleId: 'tw' });
    pushed.length = 0;
    const { responseBody: twin } = await registry.getModuleTwin('dev', 'tw');
    expect((twin as unknown as { moduleId: string }).moduleId).toBe('tw');
    await twin.update({ properties: { desired: { fake_key: '__FAKE_VALUE__' } } });
    expect(pushed).toEqual([{ target: { deviceId: 'dev', moduleId: 'tw' }, patch: { fake_key: '__FAKE_VALUE__', $version: 2 } }]);
    await hub.registry.patchReported({ deviceId: 'dev', moduleId: 'tw' }, { another_fake_key: '__ANOTHER_FAKE_VALUE__' });
    await twin.get();
    expect(twin.properties.reported.another_fake_key).toBe('__ANOTHER_FAKE_VALUE__');
    const { responseBody: updated } = await registry.updateModuleTwin('dev', 'tw', { tags: { site: 'a' } }, twin.etag);
    expect(updated.tags).toEqual({ site: 'a' });
    expect(await sdkErrorName(registry.getModuleTwin('dev', 'nope'))).toBe('Error');
  });

  it('applies configuration content to an edge device: module twins desired, modules created (item 17)', async () => {
    pushed.length = 0;
    const agentDesired = { schemaVersion: '1.1', runtime: { type: 'docker', settings: {} }, systemModules: {}, modules: {} };
    await registry.applyConfigurationContentOnDevice('edge', {
      modulesContent: {
        $edgeAgent: { 'properties.desired': agentDesired },
        $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { r1: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
        sensor: { 'properties.desired': { interval: 5 } },
      },
    });
    const { responseBody: agent } = await registry.getModuleTwin('edge', '$edgeAgent');
    expect(agent.properties.desired).toMatchObject(agentDesired);
    const { responseBody: sensor } = await registry.getModule('edge', 'sensor');
    expect(sensor.managedBy).toBe('iotEdge');
    expect((await registry.getModuleTwin('edge', 'sensor')).responseBody.properties.desired.interval).toBe(5);
    expect(pushed.map((p) => p.target.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub', 'sensor']);
    // The same content again changes nothing: no new $version, no push.
    await registry.applyConfigurationContentOnDevice('edge', { modulesContent: { $edgeAgent: { 'properties.desired': agentDesired } } });
    expect(pushed).toHaveLength(3);
    expect((await registry.getModuleTwin('edge', '$edgeAgent')).responseBody.properties.desired.$version).toBe(agent.properties.desired.$version);
    await registry.applyConfigurationContentOnDevice('edge', { modulesContent: { $edgeHub: { 'properties.desired.routes.r2': 'FROM /x INTO $upstream' } } });
    const { responseBody: edgeHub } = await registry.getModuleTwin('edge', '$edgeHub');
    expect(edgeHub.properties.desired.routes).toEqual({ r1: 'FROM /messages/* INTO $upstream', r2: 'FROM /x INTO $upstream' });
    expect(await sdkErrorName(registry.applyConfigurationContentOnDevice('dev', { modulesContent: { $edgeAgent: { 'properties.desired': {} } } }))).toBe('ArgumentError');
    await registry.applyConfigurationContentOnDevice('dev', { deviceContent: { 'properties.desired': { prop1: 'foo' } } });
    expect((await registry.getTwin('dev')).responseBody.properties.desired.prop1).toBe('foo');
  });
});
