import type Dockerode from 'dockerode';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_IMAGE, TEST_LABEL } from '../drivers/test-engine.test-util';
import type { ApplyOptions } from './agent';
import type { RuntimeContext } from './container-spec';
import { manifest } from '../../../shared/manifest/manifest.test-util';
import type { RegistryCredential } from './registry-credentials';

export const TEST_RUNTIME: RuntimeContext = {
  deviceId: 'test-gateway',
  iotHubHostName: 'localhub.gatehouse',
  gatewayHostName: 'test-gateway',
  workloadUri: 'http://127.0.0.1:15580',
  network: 'host',
  generationIds: {},
  apiVersion: '2022-08-03',
  runtimeLogLevel: 'info',
  allowElevatedDockerPermissions: true,
};

export interface TestModule {
  readonly status?: 'running' | 'stopped';
  readonly restartPolicy?: string;
  readonly startupOrder?: number;
  readonly image?: string;
  readonly env?: Record<string, string>;
  readonly cmd?: string[];
  readonly createOptions?: Record<string, unknown>;
}

/**
 * A real, strict deployment manifest of busybox test modules, labelled for cleanup. `registryCredentials` go to
 * `$edgeAgent` runtime.settings.registryCredentials, keyed by name as in IoT Edge (`{ myacr: { address, … } }`).
 */
export function testDeployment(runId: string, modules: Record<string, TestModule>, registryCredentials: Readonly<Record<string, RegistryCredential>> = {}): string {
  const mods = Object.fromEntries(
    Object.entries(modules).map(([name, m]) => [
      name,
      {
        version: '1.0',
        type: 'docker',
        status: m.status ?? 'running',
        restartPolicy: m.restartPolicy ?? 'always',
        ...(m.startupOrder !== undefined ? { startupOrder: m.startupOrder } : {}),
        env: Object.fromEntries(Object.entries(m.env ?? {}).map(([k, v]) => [k, { value: v }])),
        settings: {
          image: m.image ?? BUSYBOX_IMAGE,
          createOptions: JSON.stringify({ ...(m.cmd ? { Cmd: m.cmd } : {}), Labels: { [TEST_LABEL]: runId }, ...m.createOptions }),
        },
      },
    ]),
  );
  // The same deployment skeleton the manifest core's tests use, with these modules and no routes.
  return JSON.stringify(manifest({ modules: mods, routes: {}, registryCredentials }), null, 2);
}

/**
 * Apply options for agent tests that are not about the foreign-runtime refusal. agent-ownership.test.ts and the
 * CLI's runtime-ownership.test.ts put containers named edgeAgent/edgeHub with IoT Edge's labels on the shared
 * engine for a few seconds (`withIotEdgeLookalikes`); an apply in a test file running in parallel must not be
 * refused because of them. The refusal itself is tested there, without this override.
 */
export const BESIDE_TEST_LOOKALIKES: ApplyOptions = { overrideForeignRuntime: true };

/** IoT Edge's labels, as aziot-edged writes them on its edgeAgent at bootstrap (EDGE-CONTRACTS.md §2.2). */
export function iotEdgeLabels(image: string): Record<string, string> {
  return {
    'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent',
    'net.azure-devices.edge.original-image': image,
    'net.azure-devices.edge.create-options': '{}',
    'net.azure-devices.edge.env': '{}',
  };
}

const LOOKALIKE_LOCK = join(tmpdir(), 'gatehouse-test-iotedge-lookalikes.lock');

/**
 * Runs `run` while containers named `edgeAgent` and `edgeHub`, labelled as the real IoT Edge runtime labels them
 * (and `gatehouse.test=<runId>` for cleanup), run on the engine. Names are global on an engine, so test files take
 * turns through a lock folder. Refuses to run when such a container exists that a test did not make: that would be
 * a real IoT Edge runtime, which these tests must not disturb.
 */
export async function withIotEdgeLookalikes<T>(docker: Dockerode, runId: string, run: (ids: { edgeAgent: string; edgeHub: string }) => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOOKALIKE_LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOOKALIKE_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmdirSync(LOOKALIKE_LOCK); // left by a killed run
      if (Date.now() > deadline) throw new Error(`${LOOKALIKE_LOCK} is held by another test for too long`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const created: Dockerode.Container[] = [];
  try {
    for (const name of ['edgeAgent', 'edgeHub']) {
      const existing = await docker.getContainer(name).inspect().catch(() => undefined);
      if (existing && existing.Config.Labels[TEST_LABEL] === undefined) {
        throw new Error(`A container named ${name} that no test made exists on this engine (a real IoT Edge runtime?); these tests would clash with it.`);
      }
      if (existing) await docker.getContainer(name).remove({ force: true }); // left by a killed run
    }
    for (const [name, image] of [
      ['edgeAgent', 'mcr.microsoft.com/azureiotedge-agent:1.5'],
      ['edgeHub', 'mcr.microsoft.com/azureiotedge-hub:1.5'],
    ] as const) {
      const container = await docker.createContainer({
        name,
        Image: BUSYBOX_IMAGE,
        Cmd: ['run'],
        Labels: { ...iotEdgeLabels(image), [TEST_LABEL]: runId },
        HostConfig: { NetworkMode: 'host' },
      });
      created.push(container);
      await container.start();
    }
    return await run({ edgeAgent: created[0]?.id ?? '', edgeHub: created[1]?.id ?? '' });
  } finally {
    for (const c of created) await c.remove({ force: true }).catch(() => undefined);
    rmdirSync(LOOKALIKE_LOCK);
  }
}
