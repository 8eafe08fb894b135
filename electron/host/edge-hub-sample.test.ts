import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../shared/ipc/cloud.contract';
import type { Outbox, RouteConfigStatus } from '../../shared/ipc/edgehub.contract';
import { BESIDE_TEST_LOOKALIKES } from '../runtime/agent/agent.test-util';
import { newRunId, requireEngine, requireTestImages, TEST_LABEL, waitFor } from '../runtime/drivers/test-engine.test-util';
import { createHost, type Host } from './host';
import { disposeEngineHost, waitForHubs } from './host.test-util';

/**
 * The sample as a user runs it: the console (agent, edge hub, embedded local hub) applies
 * resources/samples/sensor-filter.deployment.json; the sample modules, written with azure-iot-device and built into
 * local images, run in containers on the real engine; sensor → filter → $upstream messages arrive at the local hub
 * as the filter module, with the filter's Alert property. Module names carry the run id so parallel runs never meet.
 */

const REPO = resolve(__dirname, '../..');
const runId = newRunId();
const SENSOR = `tempSensor-${runId}`;
const FILTER = `filter-${runId}`;
let docker: Dockerode;
let host: Host;
const dataDir = mkdtempSync(join(tmpdir(), 'gh-sample-'));
const telemetry: TelemetryEvent[] = [];

function sampleDeployment(threshold?: number): string {
  const doc = JSON.parse(readFileSync(join(REPO, 'resources/samples/sensor-filter.deployment.json'), 'utf8')) as {
    modulesContent: Record<string, Record<string, unknown>>;
  };
  const content = doc.modulesContent;
  const agent = content.$edgeAgent?.['properties.desired'] as { modules: Record<string, { settings: { createOptions?: string } }> };
  const labelled = (module: { settings: { createOptions?: string } }) => {
    const options = JSON.parse(module.settings.createOptions ?? '{}') as Record<string, unknown>;
    module.settings.createOptions = JSON.stringify({ ...options, Labels: { ...(options.Labels as object), [TEST_LABEL]: runId } });
    return module;
  };
  agent.modules = { [SENSOR]: labelled(agent.modules.tempSensor!), [FILTER]: labelled(agent.modules.filter!) };
  // Readings arrive every second rather than the sample's default, and the filter lets most of them through.
  content[SENSOR] = { 'properties.desired': { SendInterval: 1 } };
  content[FILTER] = { 'properties.desired': { TemperatureThreshold: threshold ?? 0 } };
  delete content.tempSensor;
  delete content.filter;
  const text = JSON.stringify(doc).replaceAll('/modules/tempSensor/', `/modules/${SENSOR}/`).replaceAll('/modules/filter/', `/modules/${FILTER}/`);
  return text;
}

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['sample-temperature-sensor', 'sample-filter']);
  host = createHost({
    dataDir,
    shell: 'served',
    env: { ...process.env, GATEHOUSE_DEVICE_ID: `sample-${runId}`, GATEHOUSE_RECONCILE_PERIOD_MS: '2000' },
    log: () => undefined,
  });
  host.events.listen((wire, payload) => {
    if (wire === 'cloud.telemetry') telemetry.push(payload as TelemetryEvent);
  });
  await host.ready;
}, 300_000);

afterAll(() => disposeEngineHost(host, docker, runId, dataDir), 60_000);

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await host.dispatcher.invoke(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

describe('the sample deployment in containers, through the edge hub, to the local hub', () => {
  it('delivers filtered readings upstream as the filter module, with the alert property', async () => {
    await waitForHubs(host);
    const applied = await host.agent.apply(sampleDeployment(), 'sample.json', BESIDE_TEST_LOOKALIKES);
    expect(applied.ok, applied.ok ? '' : applied.error.message).toBe(true);
    // The hub takes the deployment's routes when the agent reports the new version.
    const routes = await waitFor('the routes of the deployment', async () => {
      const r = await call<RouteConfigStatus>('edgehub.routes');
      return applied.ok && r.lastDesiredVersion === applied.value.version ? r : undefined;
    });
    expect(routes.code).toBe(200);
    expect(routes.routes.map((r) => r.endpoint).sort()).toEqual(['$upstream', `module/${FILTER}/input1`]);

    const alerts = await waitFor('filtered readings at the local hub', () => {
      const fromFilter = telemetry.filter((t) => t.moduleId === FILTER);
      return fromFilter.length >= 3 ? fromFilter : undefined;
    }, 120_000).catch(async (error: unknown) => {
      // What each side saw, to tell a module that never connected from a message that was never routed.
      for (const name of [SENSOR, FILTER]) {
        const logs = await docker.getContainer(name).logs({ stdout: true, stderr: true, tail: 30 }).catch((e: Error) => Buffer.from(e.message));
        console.error(`--- ${name}\n${logs.toString()}`);
      }
      console.error('--- outbox', JSON.stringify(await host.dispatcher.invoke('edgehub.outbox', {})));
      console.error('--- reported', JSON.stringify(await host.dispatcher.invoke('edgehub.reported', {})));
      throw error;
    });
    for (const alert of alerts) {
      expect(alert.deviceId).toBe(`sample-${runId}`);
      expect(alert.properties.MessageType).toBe('Alert');
      const body = JSON.parse(alert.body) as { machine: { temperature: number } };
      expect(typeof body.machine.temperature).toBe('number');
    }
    // Nothing from the sensor goes upstream: its only route is to the filter.
    expect(telemetry.filter((t) => t.moduleId === SENSOR)).toEqual([]);
    const outbox = await call<Outbox>('edgehub.outbox');
    expect(outbox.upstream.state).toBe('connected');
    expect(outbox.endpoints.find((e) => e.endpoint === '$upstream')?.delivered).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it("a deployment's desired threshold reaches the filter, and its reported patch comes back to the hub's twin", async () => {
    const applied = await host.agent.apply(sampleDeployment(1000), 'sample.json', BESIDE_TEST_LOOKALIKES);
    expect(applied.ok).toBe(true);
    const reported = await waitFor('the filter to report the new threshold', async () => {
      const twin = await edgeHubTwin(FILTER);
      return twin?.reported?.TemperatureThreshold === 1000 ? twin.reported : undefined;
    }, 90_000);
    expect(reported.TemperatureThreshold).toBe(1000);
  }, 120_000);
});

/** The module twin as the edge hub keeps it (what the module itself gets on a twin GET). */
async function edgeHubTwin(moduleId: string): Promise<{ desired: Record<string, unknown>; reported: Record<string, unknown> } | undefined> {
  const twin = await host.edgeHub?.core?.getTwin({ deviceId: `sample-${runId}`, moduleId });
  return twin?.ok ? (twin.value as { desired: Record<string, unknown>; reported: Record<string, unknown> }) : undefined;
}
