import { statfs } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import type { FactSources } from '../../../shared/commissioning/check-runner';
import { deploymentParts, upstreamRoutes } from '../../../shared/commissioning/deployment-parts';
import type { CertificateFact, DeploymentFact, Facts, ModuleFact, OutboxFact, RuntimeFact, Unavailable } from '../../../shared/commissioning/facts';
import type { Result } from '../../../shared/errors';
import type { Outbox, RouteConfigStatus, TappedMessage } from '../../../shared/ipc/edgehub.contract';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import type { HubStatus } from '../../../shared/ipc/status.contract';
import { watchArrivals, type HubArrival } from './arrivals';
import { hubClock, probeEndpoint, resolveHost } from './probes';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hub the gateway talks to, as the checks probe it. */
export interface HubEndpoints {
  readonly kind: 'local' | 'cloud';
  /** host[:port] as the console names it. */
  readonly hostName: string;
  readonly host: string;
  readonly httpsPort: number;
  readonly ports: readonly { readonly port: number; readonly purpose: string }[];
  /** PEM of the CA that signs the hub's certificate when it is not in the system store (the local hub's own CA). */
  readonly ca?: string;
}

/** The hub's service API as the checks use it (the connected hub's IotHubClient fits). */
export interface HubReader {
  getDevice(deviceId: string): Promise<Result<Json>>;
  listModules(deviceId: string): Promise<Result<Json[]>>;
  getTwin(deviceId: string, moduleId?: string): Promise<Result<Json>>;
}

/** Everything the gatherers read: services of the console, passed in by the host (composition root). */
export interface CommissioningDeps {
  /** This machine's runtime device. */
  readonly deviceId: string;
  readonly dataDir: string;
  /** The deployment the runtime applied (JSON text) and its version, if any. */
  readonly appliedDeployment: () => { text: string; version: number } | undefined;
  readonly runtimeStatus: () => Promise<Result<RuntimeSnapshot>>;
  readonly desiredDriver: () => RuntimeFact['driver'];
  readonly engineVersion: () => Promise<Result<{ version: string; apiVersion: string }>>;
  readonly imagePresent: (image: string) => Promise<boolean>;
  /** What the console's registry probes last said about a registry. */
  readonly registryState: (address: string) => { state: 'reachable' | 'unreachable' | 'unknown'; reason?: string };
  /** The log configuration of a module's container (docker inspect HostConfig.LogConfig). */
  readonly containerLogConfig: (containerId: string) => Promise<{ type: string; config: Record<string, string> } | undefined>;
  readonly hubStatus: () => HubStatus;
  readonly hubEndpoints: () => HubEndpoints | undefined;
  readonly hub: () => Result<HubReader>;
  /** The key the runtime holds for its device (compared here; never leaves). */
  readonly runtimeDeviceKey: () => Promise<string | undefined>;
  /** PEM certificates the runtime depends on, by name (the edge CA). */
  readonly runtimeCertificates: () => Promise<readonly { name: string; pem: string }[]>;
  readonly edgeHub: () =>
    | {
        routes(): Result<RouteConfigStatus>;
        outbox(): Result<Outbox>;
        onRouted(listener: (batch: readonly TappedMessage[]) => void): { dispose(): void } | undefined;
      }
    | undefined;
  readonly onHubArrival: (listener: (message: HubArrival) => void) => { dispose(): void };
  readonly registryNeeds: (text: string) => { address: string; images: readonly string[] }[];
}

export interface GatherOptions {
  readonly deviceId: string;
  readonly endToEnd: boolean;
  readonly endToEndTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Gap between the two outbox samples (default 1 s). */
  readonly outboxIntervalMs?: number;
}

const unavailable = (reason: string): Unavailable => ({ available: false, reason });
const REMOTE = 'only for this machine’s runtime: the device is checked through the hub';

/** The gatherers of one run: each reads its fact when a check first needs it (the runner calls each at most once). */
export function factSources(deps: CommissioningDeps, options: GatherOptions): FactSources {
  const local = options.deviceId === deps.deviceId;
  const once = <T>(read: () => Promise<T>): (() => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= read());
  };
  const twin = (moduleId: string) =>
    once(async () => {
      const hub = deps.hub();
      if (!hub.ok) return hub;
      return hub.value.getTwin(options.deviceId, moduleId);
    });
  const agentTwin = twin('$edgeAgent');
  const hubTwin = twin('$edgeHub');
  const runtimeSnapshot = once(() => deps.runtimeStatus());

  const deployment = once(async (): Promise<Facts['deployment']> => {
    const driver = local ? deps.desiredDriver() : 'cloud';
    if (local && driver !== 'cloud') {
      const applied = deps.appliedDeployment();
      return { available: true, deployment: applied ? { source: 'local-runtime', text: applied.text, version: applied.version } : undefined };
    }
    // The cloud drives (or another device): its $edgeAgent/$edgeHub desired properties are the deployment.
    const [agent, edge] = await Promise.all([agentTwin(), hubTwin()]);
    if (!agent.ok) return unavailable(agent.error.message);
    const agentDesired = desiredOf(agent.value);
    if (!agentDesired || !isObject(agentDesired.modules) && !isObject(agentDesired.systemModules)) return { available: true, deployment: undefined };
    const hubDesired = edge.ok ? desiredOf(edge.value) : undefined;
    const strip = (d: Json | undefined) => (d ? Object.fromEntries(Object.entries(d).filter(([k]) => !k.startsWith('$'))) : {});
    const text = JSON.stringify({ modulesContent: { $edgeAgent: { 'properties.desired': strip(agentDesired) }, $edgeHub: { 'properties.desired': strip(hubDesired) } } }, null, 2);
    const fact: DeploymentFact = { source: 'device-twins', text, version: typeof agentDesired.$version === 'number' ? agentDesired.$version : 0 };
    return { available: true, deployment: fact };
  });

  const hubProbe = once(async (): Promise<Facts['hub']> => {
    const hub = deps.hubEndpoints();
    if (!hub) return unavailable(hubOffReason(deps.hubStatus()));
    const dns = await resolveHost(hub.host);
    const endpoints = dns.ok ? await Promise.all(hub.ports.map((p) => probeEndpoint(hub.host, p.port, p.purpose, hub.ca))) : [];
    return { available: true, hostName: hub.hostName, host: hub.host, kind: hub.kind, dns, endpoints };
  });

  const deploymentText = async () => {
    const d = await deployment();
    return d.available ? d.deployment?.text : undefined;
  };

  return {
    now: async () => new Date().toISOString(),
    target: async () => ({ deviceId: options.deviceId, runtime: local ? 'local' : 'remote' }),
    deployment,
    images: async () => {
      if (!local) return unavailable(REMOTE);
      const text = await deploymentText();
      const parts = text ? deploymentParts(text) : undefined;
      if (!parts) return unavailable('no deployment');
      const needs = deps.registryNeeds(text ?? '');
      const registryOf = (image: string) => needs.find((n) => n.images.includes(image))?.address ?? '';
      const byImage = new Map<string, string[]>();
      const policy = new Map<string, 'on-create' | 'never'>();
      const doc = parts.document as Json;
      for (const m of parts.modules) {
        if (!m.image) continue;
        byImage.set(m.image, [...(byImage.get(m.image) ?? []), m.name]);
        policy.set(m.image, pullPolicyOf(doc, m.name));
      }
      const images = await Promise.all(
        [...byImage].map(async ([image, modules]) => {
          const present = await deps.imagePresent(image);
          const address = registryOf(image);
          const state = present ? { state: 'unknown' as const } : deps.registryState(address);
          return { image, modules, present, pullPolicy: policy.get(image) ?? 'on-create', registry: state.state, registryAddress: address, ...(state.reason ? { registryDetail: state.reason } : {}) };
        }),
      );
      return { available: true, images };
    },
    engine: async () => {
      if (!local) return unavailable(REMOTE);
      const version = await deps.engineVersion();
      if (!version.ok) return unavailable(version.error.message);
      const text = await deploymentText();
      const min = text ? deploymentParts(text)?.minDockerVersion : undefined;
      return { available: true, version: version.value.version, apiVersion: version.value.apiVersion, ...(min ? { minDockerVersion: min } : {}) };
    },
    disk: async () => {
      const s = await statfs(deps.dataDir);
      return { available: true, path: deps.dataDir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    },
    containers: async () => {
      if (!local) return unavailable(REMOTE);
      const snapshot = await runtimeSnapshot();
      if (!snapshot.ok) return unavailable(snapshot.error.message);
      const containers = await Promise.all(
        snapshot.value.modules
          .filter((m) => m.containerId)
          .map(async (m) => {
            const log = await deps.containerLogConfig(m.containerId ?? '');
            return log ? [{ module: m.name, containerId: m.containerId ?? '', logDriver: log.type, logOptions: log.config }] : [];
          }),
      );
      return { available: true, containers: containers.flat() };
    },
    clock: async () => {
      const hub = deps.hubEndpoints();
      if (!hub) return unavailable(hubOffReason(deps.hubStatus()));
      return { available: true, ...(await hubClock(hub.host, hub.httpsPort, hub.ca)) };
    },
    hub: hubProbe,
    device: async () => {
      const hub = deps.hub();
      if (!hub.ok) return unavailable(hub.error.message);
      const device = await hub.value.getDevice(options.deviceId);
      if (!device.ok) {
        if (device.error.code === 'NOT_FOUND') return { available: true, deviceId: options.deviceId, exists: false, edgeEnabled: false, status: 'absent', authType: 'none' };
        return unavailable(device.error.message);
      }
      const d = device.value;
      const auth = isObject(d.authentication) ? d.authentication : {};
      const keys = isObject(auth.symmetricKey) ? auth.symmetricKey : {};
      const runtimeKey = local ? await deps.runtimeDeviceKey() : undefined;
      const keyMatches = runtimeKey === undefined || auth.type !== 'sas' ? undefined : runtimeKey === keys.primaryKey || runtimeKey === keys.secondaryKey;
      const outbox = local ? deps.edgeHub()?.outbox() : undefined;
      const upstream = outbox?.ok ? outbox.value.upstream : undefined;
      return {
        available: true,
        deviceId: options.deviceId,
        exists: true,
        edgeEnabled: isObject(d.capabilities) && d.capabilities.iotEdge === true,
        status: typeof d.status === 'string' ? d.status : 'unknown',
        authType: typeof auth.type === 'string' ? auth.type : 'unknown',
        ...(keyMatches !== undefined ? { keyMatches } : {}),
        ...(upstream ? { upstream: { state: upstream.state, ...(upstream.state === 'offline' ? { error: upstream.lastError } : upstream.state === 'off' ? { error: upstream.reason } : {}) } } : {}),
      };
    },
    moduleIdentities: async () => {
      const hub = deps.hub();
      if (!hub.ok) return unavailable(hub.error.message);
      const modules = await hub.value.listModules(options.deviceId);
      if (!modules.ok) return unavailable(modules.error.message);
      return { available: true, modules: modules.value.map((m) => String(m.moduleId ?? '')).filter((m) => m && !m.startsWith('$')) };
    },
    certificates: async () => {
      const certificates: CertificateFact[] = [];
      if (local) {
        for (const { name, pem } of await deps.runtimeCertificates()) {
          const cert = new X509Certificate(pem);
          certificates.push({ name, subject: cert.subject.replace(/\n/g, ', '), validTo: new Date(cert.validTo).toISOString() });
        }
      }
      // The hub's server certificate as the connectivity probe saw it (one TLS handshake per port per run).
      const hub = await hubProbe();
      const https = hub.available ? hub.endpoints.find((e) => e.port === deps.hubEndpoints()?.httpsPort)?.tls : undefined;
      if (https?.ok) certificates.push({ name: `hub server certificate (${https.subject})`, subject: https.subject, validTo: https.validTo });
      return { available: true, certificates };
    },
    runtime: async () => {
      if (local) {
        const snapshot = await runtimeSnapshot();
        if (!snapshot.ok) return unavailable(snapshot.error.message);
        const fact = runtimeFromSnapshot(snapshot.value, deps.desiredDriver());
        if (fact.driver !== 'cloud') return { available: true, ...fact };
        // The cloud drives: the versions that matter are the twin's desired $version and what the device reported.
        const agent = await agentTwin();
        const reported = agent.ok ? runtimeFromTwin(agent.value) : undefined;
        if (!reported) return { available: true, ...fact };
        return { available: true, ...fact, desiredVersion: reported.desiredVersion, reportedVersion: reported.reportedVersion, lastDesiredStatus: reported.lastDesiredStatus };
      }
      const agent = await agentTwin();
      if (!agent.ok) return unavailable(agent.error.message);
      const fact = runtimeFromTwin(agent.value);
      return fact ? { available: true, ...fact } : unavailable(`device ${options.deviceId} has no $edgeAgent desired properties`);
    },
    routes: async () => {
      if (local) {
        const edge = deps.edgeHub();
        if (!edge) return unavailable('the edge hub is not running in this console');
        const routes = edge.routes();
        if (!routes.ok) return unavailable(routes.error.message);
        return { available: true, code: routes.value.code, description: routes.value.description, routes: routes.value.routes.map((r) => ({ name: r.name, text: r.text, endpoint: r.endpoint })) };
      }
      const edge = await hubTwin();
      if (!edge.ok) return unavailable(edge.error.message);
      const reported = reportedOf(edge.value);
      const status = reported && isObject(reported.lastDesiredStatus) ? reported.lastDesiredStatus : undefined;
      if (!status) return unavailable('the device has not reported $edgeHub lastDesiredStatus');
      return { available: true, code: Number(status.code ?? 0), description: String(status.description ?? ''), routes: [] };
    },
    outbox: async () => {
      if (!local) return unavailable(REMOTE);
      const edge = deps.edgeHub();
      if (!edge) return unavailable('the edge hub is not running in this console');
      const before = edge.outbox();
      if (!before.ok) return unavailable(before.error.message);
      const intervalMs = options.outboxIntervalMs ?? 1000;
      await new Promise((r) => setTimeout(r, intervalMs));
      const after = edge.outbox();
      if (!after.ok) return unavailable(after.error.message);
      return { available: true, ...outboxFact(before.value, after.value, intervalMs) };
    },
    arrivals: async () => {
      if (!options.endToEnd) return unavailable('End-to-end checks were not asked for (run without --no-end-to-end to wait for messages).');
      if (!local) return unavailable('End-to-end checks watch this machine’s edge hub: run them on the gateway.');
      const edge = deps.edgeHub();
      if (!edge) return unavailable('the edge hub is not running in this console');
      const text = await deploymentText();
      const parts = text ? deploymentParts(text) : undefined;
      if (!parts) return unavailable('no deployment');
      const routes = upstreamRoutes(parts);
      const arrivals = await watchArrivals({
        deviceId: options.deviceId,
        routes,
        onRouted: (listener) => edge.onRouted(listener) ?? { dispose: () => undefined },
        onArrived: deps.onHubArrival,
        timeoutMs: options.endToEndTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { available: true, arrivals };
    },
  };
}

function hubOffReason(status: HubStatus): string {
  if (status.state === 'off') return status.reason;
  if (status.state === 'unreachable') return `${status.hostName} is unreachable: ${status.reason}`;
  return `${status.hostName} is ${status.state}`;
}

function desiredOf(twin: Json): Json | undefined {
  const props = isObject(twin.properties) ? twin.properties : undefined;
  return props && isObject(props.desired) ? props.desired : undefined;
}

function reportedOf(twin: Json): Json | undefined {
  const props = isObject(twin.properties) ? twin.properties : undefined;
  return props && isObject(props.reported) ? props.reported : undefined;
}

function pullPolicyOf(doc: Json, module: string): 'on-create' | 'never' {
  const content = (doc.modulesContent ?? doc.moduleContent) as Json | undefined;
  const agent = isObject(content) && isObject(content.$edgeAgent) ? content.$edgeAgent['properties.desired'] : undefined;
  const modules = isObject(agent) && isObject(agent.modules) ? agent.modules : {};
  const m = modules[module];
  return isObject(m) && m.imagePullPolicy === 'never' ? 'never' : 'on-create';
}

export function runtimeFromSnapshot(s: RuntimeSnapshot, driver: RuntimeFact['driver']): RuntimeFact {
  const modules: ModuleFact[] = s.modules.map((m) => ({
    name: m.name,
    desiredStatus: m.desiredStatus,
    runtimeStatus: m.runtimeStatus,
    restartCount: m.restartCount,
    ...(m.lastRestartTime ? { lastRestartTime: m.lastRestartTime } : {}),
    ...(m.exitCode !== undefined ? { exitCode: m.exitCode } : {}),
    ...(m.problem ? { problem: m.problem.summary } : {}),
  }));
  return { modules, desiredVersion: s.version, reportedVersion: s.reconciledVersion, lastDesiredStatus: s.lastDesiredStatus, driver };
}

/** The runtime as a device reports it in its `$edgeAgent` twin (EDGE-CONTRACTS.md: reported properties). */
export function runtimeFromTwin(twin: Json): RuntimeFact | undefined {
  const desired = desiredOf(twin);
  if (!desired) return undefined;
  const reported = reportedOf(twin) ?? {};
  const desiredModules = isObject(desired.modules) ? desired.modules : {};
  const reportedModules = isObject(reported.modules) ? reported.modules : {};
  const modules: ModuleFact[] = Object.entries(desiredModules).map(([name, m]) => {
    const want = isObject(m) && m.status === 'stopped' ? 'stopped' : 'running';
    const r = isObject(reportedModules[name]) ? (reportedModules[name] as Json) : {};
    return {
      name,
      desiredStatus: want,
      runtimeStatus: typeof r.runtimeStatus === 'string' ? r.runtimeStatus : 'unknown',
      restartCount: typeof r.restartCount === 'number' ? r.restartCount : 0,
      ...(typeof r.lastRestartTimeUtc === 'string' ? { lastRestartTime: r.lastRestartTimeUtc } : {}),
      ...(typeof r.exitCode === 'number' ? { exitCode: r.exitCode } : {}),
    };
  });
  const status = isObject(reported.lastDesiredStatus) ? reported.lastDesiredStatus : {};
  return {
    modules,
    desiredVersion: typeof desired.$version === 'number' ? desired.$version : 0,
    reportedVersion: typeof reported.lastDesiredVersion === 'number' ? reported.lastDesiredVersion : 0,
    lastDesiredStatus: { code: typeof status.code === 'number' ? status.code : 0, description: typeof status.description === 'string' ? status.description : 'not reported' },
    driver: 'cloud',
  };
}

export function outboxFact(before: Outbox, after: Outbox, intervalMs: number): Omit<OutboxFact, never> {
  const u = after.upstream;
  const detail = u.state === 'connected' || u.state === 'connecting' ? u.hubHost : u.state === 'offline' ? `${u.hubHost}: ${u.lastError}` : u.reason;
  return {
    upstream: { state: u.state, detail },
    intervalMs,
    endpoints: after.endpoints.map((e) => ({
      endpoint: e.endpoint,
      depthBefore: before.endpoints.find((b) => b.endpoint === e.endpoint)?.depth ?? 0,
      depthAfter: e.depth,
      oldestAgeMs: e.oldestAgeMs,
      expired: e.expired,
    })),
  };
}
