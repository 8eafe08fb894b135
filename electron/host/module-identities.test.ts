import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'azure-iothub';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalHubInfo } from '../../shared/ipc/localhub.contract';
import { testDeployment } from '../runtime/agent/agent.test-util';
import { newRunId, requireEngine, requireTestImages, waitFor } from '../runtime/drivers/test-engine.test-util';
import { reachLocalHub } from '../cloud/iothub/local-adapter';
import { createHost, type Host } from './host';
import { disposeEngineHost } from './host.test-util';

/**
 * Module identities in the hub follow the deployment, as edgeAgent keeps them: created with the runtime's keys when a
 * module is deployed (even one that never connects), removed when it is no longer deployed; an identity someone
 * created by hand (not managed by IoT Edge) is never removed.
 */

const runId = newRunId();
const dataDir = mkdtempSync(join(tmpdir(), 'gh-identities-'));
const DEVICE = `ids-${runId}`;
let docker: Dockerode;
let host: Host;

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module']);
  host = createHost({ dataDir, shell: 'served', env: { ...process.env, GATEHOUSE_DEVICE_ID: DEVICE }, log: () => undefined });
  await host.ready;
}, 300_000);

afterAll(() => disposeEngineHost(host, docker, runId, dataDir), 60_000);

it('created with the deployment and removed with it; a hand-made identity stays', async () => {
  const info = await waitFor('the local hub', async () => {
    const r = await host.dispatcher.invoke('localhub.info', {});
    return r.ok ? (r.value as LocalHubInfo) : undefined;
  });
  const registry = reachLocalHub(Registry.fromConnectionString(info.connectionString), { httpsPort: info.httpsPort, ca: readFileSync(info.caFile, 'utf8') });
  const modules = async () => (await registry.getModulesOnDevice(DEVICE)).responseBody.map((m) => ({ id: m.moduleId, managedBy: m.managedBy, key: m.authentication?.symmetricKey?.primaryKey }));
  await registry.addModule({ deviceId: DEVICE, moduleId: `manual-${runId}` } as never);

  const [a, b] = [`a-${runId}`, `b-${runId}`];
  // Modules that never connect to the edge hub (plain busybox) still get their identity.
  expect((await host.dispatcher.invoke('runtime.apply', { text: testDeployment(runId, { [a]: { cmd: ['run'] }, [b]: { cmd: ['run'] } }) })).ok).toBe(true);
  const created = await waitFor('both identities in the hub', async () => {
    const list = await modules();
    return [a, b].every((m) => list.some((x) => x.id === m)) ? list : undefined;
  });
  for (const name of [a, b]) {
    const runtimeKey = (await host.dispatcher.invoke('runtime.moduleDetails', { name })).ok;
    expect(runtimeKey).toBe(true);
    expect(created.find((x) => x.id === name)).toMatchObject({ managedBy: 'IotEdge', key: expect.any(String) });
  }

  expect((await host.dispatcher.invoke('runtime.apply', { text: testDeployment(runId, { [a]: { cmd: ['run'] } }) })).ok).toBe(true);
  const after = await waitFor('b removed from the hub', async () => {
    const list = await modules();
    return list.some((x) => x.id === b) ? undefined : list;
  });
  expect(after.map((x) => x.id)).toEqual(expect.arrayContaining([a, `manual-${runId}`]));
}, 120_000);
