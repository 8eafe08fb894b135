import type Dockerode from 'dockerode';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RuntimeSnapshot } from '../../shared/ipc/runtime.contract';
import { testDeployment } from '../runtime/agent/agent.test-util';
import { newRunId, requireEngine, requireTestImages, waitFor } from '../runtime/drivers/test-engine.test-util';
import { createHost, type Host } from './host';
import { disposeEngineHost } from './host.test-util';

/**
 * A deployment applied the moment the console starts, with the edge hub on a port it picks (0): the module's
 * IOTEDGE_GATEWAYHOSTNAME carries the port the hub really listens on, not IoT Edge's default 8883 (the agent
 * creates no container before the hub has bound its port).
 */

const runId = newRunId();
const dataDir = mkdtempSync(join(tmpdir(), 'gh-gateway-'));
let docker: Dockerode;
let host: Host;

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module']);
}, 300_000);

afterAll(() => disposeEngineHost(host, docker, runId, dataDir), 60_000);

it('a module created while the edge hub starts is given the port the hub listens on', async () => {
  host = createHost({ dataDir, shell: 'served', env: { ...process.env, GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_DEVICE_ID: `gw-${runId}` }, localHub: false, log: () => undefined });
  const name = `early-${runId}`;
  // No wait for host.ready or the hub: applied at once.
  const applied = await host.dispatcher.invoke('runtime.apply', { text: testDeployment(runId, { [name]: { cmd: ['run'] } }) });
  expect(applied.ok).toBe(true);
  const snapshot = await waitFor('the module to run', async () => {
    const status = await host.dispatcher.invoke('runtime.status', {});
    const s = status.ok ? (status.value as RuntimeSnapshot) : undefined;
    return s?.modules.find((m) => m.name === name && m.runtimeStatus === 'running' && m.containerId) ? s : undefined;
  });
  const containerId = snapshot.modules.find((m) => m.name === name)?.containerId ?? '';
  const state = await host.dispatcher.invoke('edgehub.state', {});
  const port = state.ok && (state.value as { state: string; mqttPort?: number }).state === 'running' ? (state.value as { mqttPort: number }).mqttPort : undefined;
  expect(port).toBeGreaterThan(0);
  expect(port).not.toBe(8883);
  const env = ((await docker.getContainer(containerId).inspect()).Config.Env ?? []).find((e) => e.startsWith('IOTEDGE_GATEWAYHOSTNAME='));
  expect(env).toBe(`IOTEDGE_GATEWAYHOSTNAME=localhost:${port}`);
}, 120_000);
