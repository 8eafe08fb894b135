import { join } from 'node:path';
import type { Result } from '../../../shared/errors';
import { ok } from '../../../shared/errors';
import type { Agent } from '../../runtime/agent/agent';
import { isManaged } from '../../runtime/agent/ownership';
import type { DockerDriver } from '../../runtime/drivers/docker/docker-driver';
import type { SecretBox } from '../../runtime/secrets/secret-box';
import type { EdgeSecurity } from '../../runtime/workload/edge-security';
import type { EventBus } from '../../host/event-bus';
import { linesSince } from '../../host/runtime-log';
import type { LocalHubRegistry } from '../../cloud/localhub/registry';
import { HubConnectionsStore } from '../hub-connections.store';
import { collectKnownSecrets, type KnownSecrets } from './known-secrets';
import { SupportBundleService } from './support-bundle.service';

export interface SupportHostOptions {
  readonly dataDir: string;
  readonly agent: Agent;
  readonly driver: DockerDriver;
  readonly security: Promise<Result<EdgeSecurity>>;
  /** The data folder's SecretBox (the saved hubs' connection strings and the console token are sealed with it). */
  readonly secrets: SecretBox;
  /** The dispatcher's invoke: other contracts' methods (app.getInfo, runtime.reported, localhub.info, ...). */
  readonly call: (method: string, input: unknown) => Promise<Result<unknown>>;
  readonly events: EventBus;
  /** The embedded local hub's registry, when it runs (its device, module and policy keys are masked by value). */
  readonly localHubRegistry?: () => LocalHubRegistry | undefined;
  /** The console's runtime log file (runtime-log.ts). */
  readonly runtimeLogPath: string;
}

/** Where ConsoleTokenStore keeps the served console's token (read here without making one when there is none). */
const consoleTokenPath = (dataDir: string) => join(dataDir, 'secrets', 'console-token');

/** Every secret this console knows now, from the sources it keeps them in (see known-secrets.ts). */
export function knownSecretsOf(o: Omit<SupportHostOptions, 'driver' | 'events' | 'runtimeLogPath'>): Promise<KnownSecrets> {
  return collectKnownSecrets({
    deploymentText: () => o.agent.persistedDeployment?.deployment,
    registryPasswords: () => (o.agent.desiredDeployment?.registryCredentials ?? []).map((c) => c.password),
    identities: async () => {
      const security = await o.security;
      if (!security.ok) throw new Error(security.error.message);
      const identities = security.value.identities;
      return { device: await identities.getDevice(), modules: await identities.listModules() };
    },
    connectionStrings: async () => {
      const values: string[] = [];
      const local = await o.call('localhub.info', {});
      if (local.ok) {
        const info = local.value as { connectionString?: string; eventHubsConnectionString?: string };
        for (const cs of [info.connectionString, info.eventHubsConnectionString]) if (cs) values.push(cs);
      }
      // A store of its own, read afresh: hubs added since the console started are in it.
      const store = new HubConnectionsStore(o.dataDir, o.secrets);
      for (const hub of (await store.list()).hubs) {
        const cs = await store.connectionString(hub.id);
        if (cs.ok) values.push(cs.value);
        const eventHubs = await store.eventHubsConnectionString(hub.id);
        if (eventHubs) values.push(eventHubs);
      }
      return values;
    },
    consoleToken: async () => (await o.secrets.readFile(consoleTokenPath(o.dataDir)).catch(() => undefined))?.trim(),
    hubRegistryKeys: async () => {
      const registry = o.localHubRegistry?.();
      return registry ? registryKeys(registry) : [];
    },
  });
}

/** Every key a local hub registry holds: its policies', and each device's and module's symmetric keys. */
export function registryKeys(registry: Pick<LocalHubRegistry, 'policies' | 'listDevices' | 'listModules'>): string[] {
  const keys: string[] = [];
  const symmetric = (identity: unknown) => {
    const key = (identity as { authentication?: { symmetricKey?: { primaryKey?: unknown; secondaryKey?: unknown } } }).authentication?.symmetricKey;
    for (const value of [key?.primaryKey, key?.secondaryKey]) if (typeof value === 'string') keys.push(value);
  };
  for (const policy of registry.policies()) keys.push(policy.primaryKey, policy.secondaryKey);
  for (const device of registry.listDevices()) {
    symmetric(device);
    const deviceId = (device as { deviceId?: unknown }).deviceId;
    if (typeof deviceId !== 'string') continue;
    const modules = registry.listModules(deviceId);
    if (modules.ok) for (const module of modules.value) symmetric(module);
  }
  return keys;
}

/** Wires the support bundle to the console's agent, engine and secret stores (the composition root's part). */
export function createSupportBundle(o: SupportHostOptions): SupportBundleService {
  return new SupportBundleService(
    {
      knownSecrets: () => knownSecretsOf(o),
      call: o.call,
      appliedDeployment: () => {
        const persisted = o.agent.persistedDeployment;
        return persisted ? { text: persisted.deployment, version: persisted.version } : undefined;
      },
      containers: () => o.agent.current.observed.filter((c) => isManaged(c.owner)).map((c) => ({ name: c.name, containerId: c.containerId })),
      inspect: async (containerId) => {
        try {
          return ok(await o.driver.client.getContainer(containerId).inspect());
        } catch (error) {
          return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: `docker inspect ${containerId}: ${(error as Error).message}` } };
        }
      },
      logs: async (containerId, since) => o.driver.logs(containerId, { since, timestamps: true, tail: 'all' }),
      runtimeLog: (since, maxLines) => linesSince(o.runtimeLogPath, since, maxLines),
    },
    o.events,
  );
}
