import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'azure-iothub';
import type { Configuration } from 'azure-iothub/dist/configuration';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { reachLocalHub } from '../iothub/local-adapter';
import { LocalHub } from './localhub';
import { sdkErrorName } from './localhub-sdk.test-util';

/**
 * Editing a deployment at scale on the composed local hub through the unmodified azure-iothub SDK
 * (`Registry.updateConfiguration(configuration, forceUpdate?)`): IoT Hub lets targetCondition, priority, labels and
 * metrics change after creation, never the content; a stale etag is 412; a new target condition or priority
 * re-assigns devices, and a device that leaves the target keeps what it last got (IoT Edge: "no change occurs on the
 * device ... isn't managed as part of this deployment anymore").
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startedHub(): Promise<{ hub: LocalHub; registry: Registry }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-localhub-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0 });
  cleanups.push(() => hub.dispose());
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  const registry = reachLocalHub(Registry.fromConnectionString(info.value.connectionString), { httpsPort: info.value.httpsPort, ca: readFileSync(info.value.caFile, 'utf8') });
  return { hub, registry };
}

const asConfig = (config: unknown) => config as Configuration;

function modulesContent(image: string) {
  return {
    $edgeAgent: { 'properties.desired': { schemaVersion: '1.1', modules: { sensor: { type: 'docker', settings: { image } } } } },
    $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream' } } },
  };
}

async function sensorImage(registry: Registry, deviceId: string): Promise<unknown> {
  const twin = (await registry.getModuleTwin(deviceId, '$edgeAgent')).responseBody.toJSON() as { properties: { desired: { modules?: { sensor?: { settings?: { image?: string } } } } } };
  return twin.properties.desired.modules?.sensor?.settings?.image;
}

async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  return { name: 'resolved', message: '' };
}

describe('updateConfiguration on the local hub', () => {
  it('changes targetCondition, priority, labels and metric queries with the etag and keeps the content', async () => {
    const { registry } = await startedHub();
    const content = { modulesContent: modulesContent('example/sensor:1.0') };
    await registry.addConfiguration(asConfig({ id: 'edit-me', content, targetCondition: "tags.env='prod'", priority: 10, labels: { team: 'a' }, metrics: { queries: { q1: 'SELECT deviceId FROM devices' } } }));
    const found = (await registry.getConfiguration('edit-me')).responseBody;
    const updated = (
      await registry.updateConfiguration({
        ...found,
        targetCondition: "tags.env='dev'",
        priority: 20,
        labels: { team: 'b', tier: '1' },
        metrics: { queries: { healthy: "SELECT deviceId FROM devices.modules WHERE moduleId = '$edgeAgent'" }, results: {} },
      })
    ).responseBody;
    expect(updated).toMatchObject({ id: 'edit-me', targetCondition: "tags.env='dev'", priority: 20, labels: { team: 'b', tier: '1' } });
    expect(updated.etag).not.toBe(found.etag);
    const read = (await registry.getConfiguration('edit-me')).responseBody;
    expect(read.content).toEqual(content);
    expect(read.metrics?.queries).toEqual({ healthy: "SELECT deviceId FROM devices.modules WHERE moduleId = '$edgeAgent'" });
    expect(read.createdTimeUtc).toBe(found.createdTimeUtc);

    // The old etag is stale now: 412 PreconditionFailed -> InvalidEtagError; forceUpdate ("*") goes through.
    expect(await sdkErrorName(registry.updateConfiguration({ ...found, priority: 30 }))).toBe('InvalidEtagError');
    await registry.updateConfiguration(asConfig({ id: 'edit-me', content, targetCondition: "tags.env='dev'", priority: 31 }), true);
    expect((await registry.getConfiguration('edit-me')).responseBody.priority).toBe(31);
  });

  it('refuses a changed content (400 ArgumentInvalid naming the content), with or without force, and leaves the configuration as it was', async () => {
    const { registry } = await startedHub();
    await registry.addConfiguration(asConfig({ id: 'fixed', content: { modulesContent: modulesContent('example/sensor:1.0') }, targetCondition: '*', priority: 1 }));
    const found = (await registry.getConfiguration('fixed')).responseBody;
    const changed = { ...found, priority: 5, content: { modulesContent: modulesContent('example/sensor:2.0') } };
    const refused = await sdkError(registry.updateConfiguration(changed));
    expect(refused.name).toBe('ArgumentError');
    expect(refused.message).toMatch(/content of configuration fixed cannot be updated/);
    expect((await sdkError(registry.updateConfiguration(changed, true))).name).toBe('ArgumentError');
    // A device configuration's content is just as fixed.
    await registry.addConfiguration(asConfig({ id: 'dev-cfg', content: { deviceContent: { 'properties.desired.interval': 30 } }, targetCondition: '', priority: 1 }));
    expect((await sdkError(registry.updateConfiguration(asConfig({ id: 'dev-cfg', content: { deviceContent: { 'properties.desired.interval': 60 } }, targetCondition: '', priority: 1 }), true))).name).toBe('ArgumentError');

    const after = (await registry.getConfiguration('fixed')).responseBody;
    expect(after).toMatchObject({ priority: 1, etag: found.etag, content: found.content });
  });

  it('re-assigns after a target condition or priority change; a device that leaves the target keeps its last applied content', async () => {
    const { hub, registry } = await startedHub();
    for (const [deviceId, env] of [['gw-a', 'prod'], ['gw-b', 'dev']] as const) {
      await registry.create({ deviceId, capabilities: { iotEdge: true } } as never);
      await registry.updateTwin(deviceId, { tags: { env } }, '*');
    }
    await registry.addConfiguration(asConfig({ id: 'base', content: { modulesContent: modulesContent('example/sensor:1.0') }, targetCondition: "tags.env='prod'", priority: 10 }));
    await hub.deployments!.settled();
    expect(await sensorImage(registry, 'gw-a')).toBe('example/sensor:1.0');
    expect(await sensorImage(registry, 'gw-b')).toBeUndefined();

    // Retarget to dev: gw-b newly matches and gets it; gw-a leaves the target and keeps what it had.
    const base = (await registry.getConfiguration('base')).responseBody;
    await registry.updateConfiguration({ ...base, targetCondition: "tags.env='dev'" });
    await hub.deployments!.settled();
    expect(await sensorImage(registry, 'gw-b')).toBe('example/sensor:1.0');
    expect(await sensorImage(registry, 'gw-a')).toBe('example/sensor:1.0');
    const metrics = (await registry.getConfiguration('base')).responseBody.systemMetrics?.results;
    expect(metrics).toMatchObject({ targetedCount: 1 });

    // Priority: a second deployment for dev wins only once its priority is raised above base's.
    await registry.addConfiguration(asConfig({ id: 'next', content: { modulesContent: modulesContent('example/sensor:2.0') }, targetCondition: "tags.env='dev'", priority: 5 }));
    await hub.deployments!.settled();
    expect(await sensorImage(registry, 'gw-b')).toBe('example/sensor:1.0');
    const next = (await registry.getConfiguration('next')).responseBody;
    await registry.updateConfiguration({ ...next, priority: 50 });
    await hub.deployments!.settled();
    expect(await sensorImage(registry, 'gw-b')).toBe('example/sensor:2.0');
  });
});
