import { readFileSync } from 'node:fs';
import { ok, type Result } from '../../shared/errors';
import { userInfo } from 'node:os';
import { knownSecretsOf } from '../services/support/support-wiring';
import type { SecretBox } from '../runtime/secrets/secret-box';
import type { HubRates } from '../../shared/ipc/edgehub.contract';
import type { EvidenceDeps } from '../services/commissioning/evidence';
import type { LocalHub } from '../cloud/localhub/localhub';
import type { Agent } from '../runtime/agent/agent';
import { deploymentFrom } from '../runtime/agent/desired-state';
import type { DockerDriver } from '../runtime/drivers/docker/docker-driver';
import type { EdgeHub } from '../runtime/hub/edge-hub';
import type { EdgeSecurity } from '../runtime/workload/edge-security';
import { CommissioningService } from '../services/commissioning/commissioning.service';
import type { CommissioningDeps, HubEndpoints } from '../services/commissioning/fact-sources';
import type { HubArrival } from '../services/commissioning/arrivals';
import type { ConnectivityService } from '../services/connectivity.service';
import { registryNeeds } from '../services/connectivity-targets';
import type { HubConnectionService } from '../services/hub-connection.service';
import type { RuntimeService } from '../services/runtime.service';
import type { EventBus } from './event-bus';
import { telemetryEvent } from './telemetry-event';

export interface CommissioningHostOptions {
  readonly dataDir: string;
  readonly deviceId: string;
  readonly agent: Agent;
  readonly driver: DockerDriver;
  readonly runtimeService: RuntimeService;
  readonly connectivity: ConnectivityService;
  readonly hubConnection: HubConnectionService;
  readonly localHub: LocalHub | undefined;
  readonly edgeHub: () => EdgeHub | undefined;
  readonly security: Promise<Result<EdgeSecurity>>;
  readonly events: EventBus;
  /** The console's contract methods: the evidence reads what the UI reads. */
  readonly invoke: (method: string, params: unknown) => Promise<Result<unknown>>;
  readonly version: string;
  /** The data folder's SecretBox: the saved hubs' connection strings and the console token are sealed with it. */
  readonly secrets: SecretBox;
}

const noop = { dispose: () => undefined };

/** Wires the commissioning checks to the console's services (the composition root's part for issue 13). */
export function createCommissioning(o: CommissioningHostOptions): CommissioningService {
  const deps: CommissioningDeps = {
    deviceId: o.deviceId,
    dataDir: o.dataDir,
    appliedDeployment: () => {
      const persisted = o.agent.persistedDeployment;
      return persisted ? { text: persisted.deployment, version: persisted.version } : undefined;
    },
    runtimeStatus: () => o.runtimeService.status(),
    desiredDriver: () => o.agent.desiredSource.driver,
    engineVersion: () => o.driver.version(),
    imagePresent: async (image) => (await o.driver.inspectImage(image)).ok,
    registryState: (address) => {
      const target = o.connectivity.get().targets.find((t) => t.kind === 'registry' && t.address === address);
      if (!target) return { state: 'unknown' };
      const state = target.state === 'reachable' ? 'reachable' : target.state === 'unreachable' ? 'unreachable' : 'unknown';
      return { state, ...(target.reason ? { reason: target.reason } : {}) };
    },
    containerLogConfig: async (containerId) => {
      try {
        const details = (await o.driver.client.getContainer(containerId).inspect()) as { HostConfig?: { LogConfig?: { Type?: string; Config?: Record<string, string> } } };
        const log = details.HostConfig?.LogConfig;
        return { type: log?.Type ?? 'json-file', config: { ...(log?.Config ?? {}) } };
      } catch {
        return undefined;
      }
    },
    hubStatus: () => o.hubConnection.get(),
    hubEndpoints: () => hubEndpoints(o),
    hub: () => o.hubConnection.hub(),
    runtimeDeviceKey: async () => {
      const security = await o.security;
      return security.ok ? (await security.value.identities.getDevice()).primaryKey : undefined;
    },
    runtimeCertificates: async () => {
      const security = await o.security;
      return security.ok ? [{ name: 'edge CA', pem: security.value.ca.trustBundlePem() }] : [];
    },
    edgeHub: () => {
      const hub = o.edgeHub();
      if (!hub) return undefined;
      return {
        routes: () => hub.routes(),
        outbox: () => hub.outbox(),
        onRouted: (listener) => hub.core?.tap.onMessages(listener),
      };
    },
    onHubArrival: (listener: (m: HubArrival) => void) => {
      const status = o.hubConnection.get();
      if (status.state !== 'off' && status.kind === 'local') {
        return o.localHub?.registry?.onTelemetry((record) => {
          const event = telemetryEvent(record);
          listener({ deviceId: event.deviceId, ...(event.moduleId ? { moduleId: event.moduleId } : {}), body: event.body, atMs: Date.parse(event.enqueuedTimeUtc) });
        }) ?? noop;
      }
      return o.hubConnection.onTelemetry((event) => listener({ deviceId: event.deviceId, ...(event.moduleId ? { moduleId: event.moduleId } : {}), body: event.body, atMs: Date.parse(event.enqueuedTimeUtc) }));
    },
    registryNeeds: (text) => {
      try {
        const deployment = deploymentFrom(JSON.parse(text));
        return deployment.ok ? registryNeeds(deployment.value) : [];
      } catch {
        return [];
      }
    },
  };
  const rates = rateHistory(o.edgeHub);
  const evidence: EvidenceDeps = {
    deviceId: o.deviceId,
    version: o.version,
    user: () => {
      try {
        return userInfo().username;
      } catch {
        return process.env.USER ?? 'unknown';
      }
    },
    invoke: o.invoke,
    hubStatus: () => o.hubConnection.get(),
    appliedDeployment: () => {
      const persisted = o.agent.persistedDeployment;
      return persisted ? { text: persisted.deployment, version: persisted.version, appliedAt: persisted.appliedAt } : undefined;
    },
    lastChecks: async () => {
      const last = await service.last();
      return last.ok ? last.value : null;
    },
    imageDetails: async (image) => {
      try {
        const details = (await o.driver.client.getImage(image).inspect()) as { Id?: string; RepoDigests?: string[] };
        return { id: details.Id ?? '', digests: details.RepoDigests ?? [] };
      } catch {
        return undefined;
      }
    },
    recentMessages: () => o.edgeHub()?.core?.tap.recent() ?? [],
    rateHistory: () => rates.values(),
    // The same known secrets as the support bundle: manifest, registry passwords, identities, hub connections, console token.
    redactor: async () => (await knownSecretsOf({ dataDir: o.dataDir, agent: o.agent, security: o.security, secrets: o.secrets, call: o.invoke, localHubRegistry: () => o.localHub?.registry })).redactor(),
    signer: async () => {
      const security = await o.security;
      return security.ok ? ok(security.value.ca) : security;
    },
    trustedRoots: async () => {
      const security = await o.security;
      return security.ok ? [security.value.ca.trustBundlePem()] : [];
    },
  };
  const service: CommissioningService = new CommissioningService(deps, o.events, undefined, evidence);
  return service;
}

/** The last five minutes of the edge hub's per-second rates, for the evidence report's chart. */
function rateHistory(edgeHub: () => EdgeHub | undefined): { values(): HubRates[] } {
  const ring: HubRates[] = [];
  let subscribed: unknown;
  const follow = () => {
    const core = edgeHub()?.core;
    if (!core || subscribed === core) return;
    subscribed = core;
    core.tap.onRates((r) => {
      ring.push(r);
      if (ring.length > 300) ring.shift();
    });
  };
  edgeHub()?.onDidChangeState(follow);
  follow();
  return {
    values: () => {
      follow();
      return [...ring];
    },
  };
}

function hubEndpoints(o: CommissioningHostOptions): HubEndpoints | undefined {
  const status = o.hubConnection.get();
  if (status.state === 'off') return undefined;
  if (status.kind === 'local') {
    const state = o.localHub?.state;
    if (state?.state !== 'running') return undefined;
    const e = state.endpoint;
    let ca: string | undefined;
    try {
      ca = readFileSync(e.caFile, 'utf8');
    } catch {
      ca = undefined;
    }
    return {
      kind: 'local',
      hostName: status.hostName,
      host: e.host,
      httpsPort: e.httpsPort,
      ports: [
        { port: e.httpsPort, purpose: `HTTPS and WebSocket (${e.httpsPort}, 443 on IoT Hub)` },
        { port: e.mqttPort, purpose: `MQTT (${e.mqttPort}, 8883 on IoT Hub)` },
        ...(e.amqpPort !== undefined ? [{ port: e.amqpPort, purpose: `AMQP (${e.amqpPort}, 5671 on IoT Hub)` }] : []),
      ],
      ...(ca ? { ca } : {}),
    };
  }
  const [host = status.hostName, port] = status.hostName.split(':');
  const https = port ? Number(port) : 443;
  return {
    kind: 'cloud',
    hostName: status.hostName,
    host,
    httpsPort: https,
    ports: [
      { port: https, purpose: `HTTPS and WebSocket (${https})` },
      { port: 8883, purpose: 'MQTT (8883)' },
      { port: 5671, purpose: 'AMQP (5671)' },
    ],
  };
}
