import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'azure-iothub';
import { appError, err, ok, type Result } from '../../shared/errors';
import { reachLocalHub } from '../cloud/iothub/local-adapter';
import type { TelemetryRecord } from '../cloud/localhub/registry';
import { LocalHub } from '../cloud/localhub/localhub';
import { nextEvent } from '../runtime/drivers/event';
import { UPSTREAM_ENDPOINT, type QueuedMessage, type UpstreamState } from '../runtime/hub/hub-model';
import type { UpstreamLink, UpstreamModuleKeys } from '../runtime/hub/upstream/upstream-link';
import { SecretBox } from '../runtime/secrets/secret-box';

/**
 * The real embedded local hub for the upstream link's tests (edgehub-upstream*.test.ts): started in-process on
 * free ports with the gateway registered as an edge device, an SDK Registry through the product's local adapter,
 * every telemetry record it accepts, and the host's ensureIdentities written with that Registry.
 */

export const GATEWAY = 'gateway-1';

export type Cleanups = (() => Promise<void> | void)[];

export function tempDir(cleanups: Cleanups): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-upstream-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export type StartedHub = Awaited<ReturnType<typeof startHub>>;

export async function startHub(dataDir: string, ports: { httpsPort: number; mqttPort: number } = { httpsPort: 0, mqttPort: 0 }) {
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), ...ports, edgeDeviceId: GATEWAY });
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  const ca = readFileSync(info.value.caFile, 'utf8');
  const registry = reachLocalHub(Registry.fromConnectionString(info.value.connectionString), { httpsPort: info.value.httpsPort, ca });
  const received: TelemetryRecord[] = [];
  hub.registry!.onTelemetry((record) => received.push(record));
  return { hub, info: info.value, ca, registry, received };
}

/** The host's ensureIdentities, written with azure-iothub's Registry: create each module, or set its keys. */
export function ensureWith(registry: () => Registry, calls: string[][]) {
  return async (modules: readonly UpstreamModuleKeys[]): Promise<Result<void>> => {
    calls.push(modules.map((m) => m.moduleId));
    try {
      for (const { moduleId, primaryKey, secondaryKey } of modules) {
        const authentication = { type: 'sas', symmetricKey: { primaryKey, secondaryKey } };
        const existing = await registry().getModule(GATEWAY, moduleId).catch(() => undefined);
        if (!existing) await registry().addModule({ deviceId: GATEWAY, moduleId, authentication } as never);
        else if (existing.responseBody.authentication?.symmetricKey?.primaryKey !== primaryKey) {
          await registry().updateModule({ deviceId: GATEWAY, moduleId, authentication } as never, true);
        }
      }
      return ok(undefined);
    } catch (cause) {
      return err(appError('IO', `cannot register modules: ${(cause as Error).message}`));
    }
  };
}

/** Gives the gateway in the hub the keys the runtime's identity store holds for it. */
export async function setGatewayKeys(hub: StartedHub, keys: { primaryKey: string; secondaryKey: string }): Promise<void> {
  await hub.registry.update({ deviceId: GATEWAY, status: 'enabled', capabilities: { iotEdge: true }, authentication: { symmetricKey: keys } } as never);
}

let seq = 0;
export function queued(moduleId: string | undefined, body: string, systemProperties: Record<string, string> = {}, properties: Record<string, string> = {}): QueuedMessage {
  seq += 1;
  return {
    endpoint: UPSTREAM_ENDPOINT,
    seq,
    priority: 0,
    expiresAtMs: undefined,
    enqueuedAtMs: Date.now(),
    source: moduleId === undefined ? { deviceId: GATEWAY } : { deviceId: GATEWAY, moduleId },
    message: { body: Buffer.from(body), systemProperties, properties },
  };
}

export function stateIs(link: UpstreamLink, wanted: UpstreamState['state']): Promise<unknown> {
  return link.state.state === wanted ? Promise.resolve() : nextEvent(link.onDidChange, (s) => s.state === wanted);
}

export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

export async function untilAsync(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 50));
}
