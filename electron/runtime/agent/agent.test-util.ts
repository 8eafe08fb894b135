import { BUSYBOX_IMAGE, TEST_LABEL } from '../drivers/test-engine.test-util';
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
