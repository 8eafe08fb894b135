import type Dockerode from 'dockerode';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { TelemetryEvent } from '../../../shared/ipc/cloud.contract';
import type { HistoryEntry } from '../../../shared/ipc/rollback.contract';
import { manifest } from '../../../shared/manifest/manifest.test-util';
import { createHost, type Host } from '../../host/host';
import { disposeEngineHost, waitForHubs } from '../../host/host.test-util';
import { BUSYBOX_IMAGE, newRunId, requireEngine, requireTestImages, TEST_LABEL, waitFor } from '../../runtime/drivers/test-engine.test-util';

/**
 * A console on the real engine for last-known-good tests: the edge hub and the embedded local hub on free ports, the
 * commissioning checks judging each deployment within a short window. The good deployment is the sample
 * temperature sensor with its route into `$upstream`, so "good" includes its readings arriving at the hub; the bad
 * one swaps the sensor's image for one that crash-loops, so the readings stop. Registers its own beforeAll/afterAll.
 */
export const WINDOW_MS = 12_000;
export const SENSOR_IMAGE = 'gatehouse/sample-temperature-sensor:1.0';
export { BUSYBOX_IMAGE };

export function useRollbackConsole(name: string) {
  const runId = newRunId();
  const SENSOR = `sensor-${runId}`;
  const deviceId = `${name}-${runId}`;
  const dataDir = mkdtempSync(join(tmpdir(), `gh-${name}-`));
  let docker: Dockerode;
  let host: Host;
  /** Readings of the sensor as they arrive at the local hub. */
  const arrivals: { atMs: number }[] = [];

  function deployment(sensor: Record<string, unknown>): string {
    const createOptions = JSON.stringify({ ...(sensor.cmd ? { Cmd: sensor.cmd } : {}), Labels: { [TEST_LABEL]: runId } });
    const doc = manifest({
      modules: { [SENSOR]: { version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', env: { MessageCount: { value: '-1' } }, settings: { image: sensor.image, createOptions } } },
      routes: { sensorToUpstream: `FROM /messages/modules/${SENSOR}/outputs/* INTO $upstream` },
      // A reading every second: the end-to-end check sees one well inside the window.
      twins: { [SENSOR]: { 'properties.desired': { SendData: true, SendInterval: 1 } } },
    });
    return JSON.stringify(doc, null, 2);
  }

  async function call<T>(method: string, input: unknown = {}): Promise<T> {
    const result = await host.dispatcher.invoke(method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  }
  const entry = async (id: string) => (await call<HistoryEntry[]>('rollback.history')).find((e) => e.id === id);

  beforeAll(async () => {
    docker = await requireEngine();
    await requireTestImages(docker, ['busybox-module', 'sample-temperature-sensor']);
    const ports = { GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_MQTT_PORT: '0', GATEHOUSE_LOCALHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_AMQP_PORT: '0' };
    host = createHost({
      dataDir,
      shell: 'served',
      env: { ...process.env, ...ports, GATEHOUSE_DEVICE_ID: deviceId, GATEHOUSE_RECONCILE_PERIOD_MS: '1000', GATEHOUSE_KNOWN_GOOD_WINDOW_MS: String(WINDOW_MS), GATEHOUSE_KNOWN_GOOD_POLL_MS: '1500', GATEHOUSE_AUTO_ROLLBACK: '' },
      log: (line) => (process.env.DEBUG_ROLLBACK ? console.log(line) : undefined),
    });
    host.events.listen((wire, payload) => {
      const event = payload as TelemetryEvent;
      if (wire === 'cloud.telemetry' && event.moduleId === SENSOR) arrivals.push({ atMs: Date.now() });
    });
    await host.ready;
    await waitForHubs(host);
  }, 300_000);

  afterAll(() => disposeEngineHost(host, docker, runId, dataDir), 60_000);

  return {
    SENSOR,
    deviceId,
    dataDir,
    host: () => host,
    call,
    good: () => deployment({ image: SENSOR_IMAGE }),
    /** The same module, its image swapped for one that exits at once: a crash loop, and no readings. */
    bad: () => deployment({ image: BUSYBOX_IMAGE, cmd: ['sh', '-c', 'exit 3'] }),
    entry,
    judged: (id: string) =>
      waitFor(
        `${id} to be judged`,
        async () => {
          const e = await entry(id);
          return e && e.verdict !== 'pending' ? e : undefined;
        },
        WINDOW_MS + 60_000,
      ),
    async containers(): Promise<{ name: string; state: string; image: string }[]> {
      const list = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${runId}`] } });
      return list.map((c) => ({ name: (c.Names[0] ?? '').replace(/^\//, ''), state: c.State, image: c.Image }));
    },
    arrivals,
    /** Waits for a reading of the sensor that arrived at the hub after `sinceMs`. */
    readingAfter: (what: string, sinceMs: number) => waitFor(what, async () => arrivals.find((a) => a.atMs > sinceMs), 60_000),
  };
}
