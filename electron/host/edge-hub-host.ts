import { readFileSync } from 'node:fs';
import { fail, ok, type Result } from '../../shared/errors';
import { edgehubContract } from '../../shared/ipc';
import type { Outbox } from '../../shared/ipc/edgehub.contract';
import type { LocalHub } from '../cloud/localhub/localhub';
import type { LocalHubRegistry } from '../cloud/localhub/registry';
import type { IdentityCredentials } from '../protocol/device-backend';
import { inDeviceScope, type LeafIdentity, type LeafIdentitySource } from '../runtime/hub/leaf-identities';
import type { Agent } from '../runtime/agent/agent';
import { modulesContentOf } from '../runtime/agent/desired-state';
import { DEFAULT_EDGEHUB_HTTPS_PORT, DEFAULT_EDGEHUB_MQTT_PORT, EdgeHub, type EdgeHubSecurity, type UpstreamTarget } from '../runtime/hub/edge-hub';
import type { SystemTwinSync, SystemTwinSyncState } from '../runtime/hub/upstream/system-twins';
import { startSystemTwins } from './cloud-twins-host';
import type { RuntimeContext } from '../runtime/agent/container-spec';
import type { Dispatcher } from './dispatcher';
import type { Disposable, EventBus } from './event-bus';
import { DEFAULT_LOCALHUB_HTTPS_PORT, DEFAULT_LOCALHUB_MQTT_PORT } from '../cloud/localhub/localhub';

/** The ports each hub is asked for, from the environment (0 = any free port; -1 = not a port, refused by the hub). */
export interface HubPorts {
  readonly edgeMqtt: number;
  readonly edgeHttps: number;
  readonly localMqtt: number;
  readonly localHttps: number;
}

export function hubPorts(env: NodeJS.ProcessEnv): HubPorts {
  return {
    edgeMqtt: portSetting(env.GATEHOUSE_EDGEHUB_MQTT_PORT, DEFAULT_EDGEHUB_MQTT_PORT),
    edgeHttps: portSetting(env.GATEHOUSE_EDGEHUB_HTTPS_PORT, DEFAULT_EDGEHUB_HTTPS_PORT),
    localMqtt: portSetting(env.GATEHOUSE_LOCALHUB_MQTT_PORT, DEFAULT_LOCALHUB_MQTT_PORT),
    localHttps: portSetting(env.GATEHOUSE_LOCALHUB_HTTPS_PORT, DEFAULT_LOCALHUB_HTTPS_PORT),
  };
}

/**
 * Two hubs asked for one port would fail half-way (whichever binds second): say which settings collide, before
 * anything starts. `edgeHubOn`/`localHubOn`: whether each hub starts in this process.
 */
export function hubPortConflict(ports: HubPorts, edgeHubOn: boolean, localHubOn: boolean): string | undefined {
  const named: [string, number][] = [
    ...(edgeHubOn ? ([['GATEHOUSE_EDGEHUB_MQTT_PORT', ports.edgeMqtt], ['GATEHOUSE_EDGEHUB_HTTPS_PORT', ports.edgeHttps]] as [string, number][]) : []),
    ...(localHubOn ? ([['GATEHOUSE_LOCALHUB_MQTT_PORT', ports.localMqtt], ['GATEHOUSE_LOCALHUB_HTTPS_PORT', ports.localHttps]] as [string, number][]) : []),
  ];
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      const [a, portA] = named[i] as [string, number];
      const [b, portB] = named[j] as [string, number];
      if (portA > 0 && portA === portB) {
        return `The edge hub and the local hub are both asked for port ${portA} (${a} and ${b}); nothing was started. Give one of them another port.`;
      }
    }
  }
  return undefined;
}

export interface EdgeHubHostOptions {
  readonly dataDir: string;
  readonly runtime: RuntimeContext;
  readonly ports: HubPorts;
  readonly security: Promise<Result<EdgeHubSecurity>>;
  readonly agent: Agent;
  readonly localHub: LocalHub | undefined;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
  readonly log: (line: string) => void;
}

/**
 * Starts the edge hub beside the agent and wires it: the deployment's `$edgeHub` routes and module twins follow
 * each apply, modules are told where the hub listens, `$upstream` goes to the embedded local hub while it runs,
 * and the `edgehub` contract (state, routes, outbox, recording, replay) is served.
 */
export function startEdgeHub(options: EdgeHubHostOptions): { readonly edgeHub: EdgeHub } & Disposable {
  const { agent, events, localHub, log } = options;
  const edgeHub = EdgeHub.start({
    dataDir: options.dataDir,
    deviceId: options.runtime.deviceId,
    iotHubHostName: options.runtime.iotHubHostName,
    gatewayHostName: options.runtime.gatewayHostName,
    security: options.security,
    mqttPort: options.ports.edgeMqtt,
    httpsPort: options.ports.edgeHttps,
    log,
  });
  const subscriptions: Disposable[] = [];

  let appliedVersion = -1;
  const followDeployment = () => {
    const persisted = agent.persistedDeployment;
    if (!persisted || persisted.version === appliedVersion) return;
    appliedVersion = persisted.version;
    let content: Record<string, unknown> | undefined;
    try {
      content = modulesContentOf(JSON.parse(persisted.deployment));
    } catch {
      content = undefined; // the agent accepted it, so it parsed; nothing to route if it somehow does not
    }
    const desired = (content?.$edgeHub as Record<string, unknown> | undefined)?.['properties.desired'] as Record<string, unknown> | undefined;
    const status = edgeHub.applyDeployment(desired, persisted.version, content);
    if (status && status.code !== 200) log(`gatehouse: edge hub: deployment ${persisted.version}: ${status.description}`);
  };
  subscriptions.push(agent.onDidChange(followDeployment));
  followDeployment();

  subscriptions.push(
    edgeHub.onDidChangeState((state) => {
      safeEmit(log, () => events.emit(edgehubContract, 'changed', state));
      if (state.state === 'running') {
        const address = edgeHub.gatewayAddress();
        if (address) agent.setGatewayHostName(address);
        followDeployment();
      }
    }),
  );

  // The cloud's $edgeAgent/$edgeHub twins follow the same target as $upstream (cloud-twins-host.ts).
  let twins: SystemTwinSync | undefined;
  const twinsState = (): SystemTwinSyncState => twins?.state ?? { state: 'off' };
  if (localHub) {
    // One change at a time: two overlapping setUpstream calls would leave two links.
    let chain = Promise.resolve();
    // Module identities live in the hub as edgeAgent keeps them: created with the deployment (with the runtime's
    // keys) and removed with it; only identities managed by IoT Edge (managedBy IotEdge) are ever removed.
    let current: UpstreamTarget | undefined;
    let synced = '';
    let identityChain = Promise.resolve();
    const syncIdentities = () => {
      identityChain = identityChain
        .then(async () => {
          const registry = localHub.registry;
          const security = await options.security;
          if (!registry || !current || !security.ok) return;
          const names = (agent.desiredDeployment?.modules ?? []).map((m) => m.name).sort();
          const known = (await Promise.all(names.map((n) => security.value.identities.getModule(n)))).filter((m) => m !== undefined);
          const key = JSON.stringify([current.port, names, known.map((m) => m.primaryKey)]);
          if (key === synced) return;
          const ensured = await current.ensureIdentities(known.map((m) => ({ moduleId: m.moduleId, primaryKey: m.primaryKey, secondaryKey: m.secondaryKey })));
          if (!ensured.ok) return log(`gatehouse: edge hub: module identities in the local hub: ${ensured.error.message}`);
          const listed = registry.listModules(options.runtime.deviceId);
          for (const module of listed.ok ? listed.value : []) {
            const id = String(module.moduleId ?? '');
            if (module.managedBy === 'IotEdge' && !id.startsWith('$') && !names.includes(id)) await registry.deleteModule(options.runtime.deviceId, id, '*');
          }
          if (known.length === names.length) synced = key;
        })
        .catch((error: unknown) => log(`gatehouse: edge hub: module identities in the local hub: ${(error as Error).message}`));
    };
    subscriptions.push(agent.onDidChange(syncIdentities));
    const follow = () => {
      chain = chain
        .then(async () => {
          const target = await followLocalHub(edgeHub, localHub, options.runtime.deviceId, () => options.security, log);
          if (target === 'unchanged') return;
          current = target;
          syncIdentities();
          await twins?.dispose();
          twins = undefined;
          const security = await options.security;
          if (target && security.ok) twins = startSystemTwins({ target, deviceId: options.runtime.deviceId, agent, edgeHub, identities: security.value.identities, log });
        })
        .catch((error: unknown) => log(`gatehouse: edge hub: upstream to the local hub: ${(error as Error).message}`));
    };
    subscriptions.push(localHub.onDidChangeState(follow));
    subscriptions.push({ dispose: () => void twins?.dispose() });
    follow();
  } else {
    void edgeHub.setUpstream(undefined, 'the embedded local hub is off in this process and no hub is connected');
  }

  subscriptions.push(tapEvents(edgeHub, events, log));

  // The Outbox moves: push it once a second while it changes (and once more when it stops changing).
  let lastOutbox = '';
  // The Outbox says who drives the desired state and how the cloud's twins are (cloud-twins-host.ts).
  const outboxNow = (): Result<Outbox> => {
    const outbox = edgeHub.outbox();
    if (!outbox.ok) return outbox;
    const sync = twinsState();
    const leaves = leafDevices(edgeHub);
    return ok({
      ...outbox.value,
      cloud: { twins: sync.state, ...(sync.state === 'offline' ? { lastError: sync.lastError } : {}), desired: agent.desiredSource },
      ...(leaves ? { leafDevices: leaves } : {}),
    });
  };
  const outboxTimer = setInterval(() => {
    const outbox = outboxNow();
    if (!outbox.ok) return;
    const text = JSON.stringify(outboxShape(outbox.value));
    if (text === lastOutbox) return;
    lastOutbox = text;
    safeEmit(log, () => events.emit(edgehubContract, 'outbox', outbox.value));
  }, 1000);
  outboxTimer.unref();
  subscriptions.push({ dispose: () => clearInterval(outboxTimer) });

  registerEdgeHubContract(options.dispatcher, edgeHub, outboxNow);
  return {
    edgeHub,
    dispose: () => {
      for (const s of subscriptions) s.dispose();
      void edgeHub.dispose();
    },
  };
}

/** The tap's events once the hub runs (its core exists only then). */
function tapEvents(edgeHub: EdgeHub, events: EventBus, log: (line: string) => void): Disposable {
  let tap: Disposable | undefined;
  const state = edgeHub.onDidChangeState(() => {
    const core = edgeHub.core;
    if (!core || tap) return;
    tap = core.tap.onMessages((batch) => safeEmit(log, () => events.emit(edgehubContract, 'messages', batch)));
    const rates = core.tap.onRates((r) => safeEmit(log, () => events.emit(edgehubContract, 'rates', r)));
    const inner = tap;
    tap = { dispose: () => (inner.dispose(), rates.dispose()) };
  });
  return { dispose: () => (state.dispose(), tap?.dispose()) };
}

/** The Outbox's line on downstream devices: connected now, and known children (cached identities). */
export function leafDevices(edgeHub: EdgeHub): { connected: number; known: number } | undefined {
  const core = edgeHub.core;
  return core ? { connected: core.leafConnections().length, known: core.leaves.size } : undefined;
}

/** Ages change every second; only what a person would notice decides whether to push. */
function outboxShape(outbox: Outbox): unknown {
  return { ...outbox, endpoints: outbox.endpoints.map((e) => ({ ...e, oldestAgeMs: Math.round(e.oldestAgeMs / 1000) })) };
}

/** `$upstream` to the embedded local hub while it runs, as the gateway device and its modules. */
export async function followLocalHub(
  edgeHub: EdgeHub,
  localHub: LocalHub,
  deviceId: string,
  securityOf: () => Promise<Result<EdgeHubSecurity>>,
  log: (line: string) => void,
): Promise<UpstreamTarget | undefined | 'unchanged'> {
  const state = localHub.state;
  const registry = localHub.registry;
  if (state.state !== 'running' || !registry) {
    const reason = state.state === 'failed' || state.state === 'off' ? `the local hub is ${state.state}: ${state.reason}` : 'the local hub is starting';
    if (state.state === 'starting') return 'unchanged';
    await edgeHub.setUpstream(undefined, reason);
    return undefined;
  }
  let ca: string;
  try {
    ca = readFileSync(state.endpoint.caFile, 'utf8');
  } catch (error) {
    await edgeHub.setUpstream(undefined, `the local hub's CA file cannot be read: ${(error as Error).message}`);
    return undefined;
  }
  // The local hub keeps the gateway's identities with the runtime's keys, as edgeAgent keeps module identities in IoT
  // Hub: the device's keys first (the link opens the device client at once), the modules' when the link asks.
  const security = await securityOf();
  if (!security.ok) {
    await edgeHub.setUpstream(undefined, `the runtime's identities are not available: ${security.error.message}`);
    return undefined;
  }
  const device = await security.value.identities.getDevice();
  const current = registry.getDevice(deviceId);
  const currentKey = current.ok ? (current.value.authentication as { symmetricKey?: { primaryKey?: string } } | undefined)?.symmetricKey?.primaryKey : undefined;
  if (currentKey !== device.primaryKey) {
    const put = await registry.putDevice(
      deviceId,
      { deviceId, status: 'enabled', capabilities: { iotEdge: true }, authentication: { type: 'sas', symmetricKey: { primaryKey: device.primaryKey, secondaryKey: device.secondaryKey } } },
      current.ok ? '*' : undefined,
    );
    if (!put.ok) {
      await edgeHub.setUpstream(undefined, `the local hub did not take the gateway's keys: ${put.error.message}`);
      return undefined;
    }
  }
  const target: UpstreamTarget = {
    hubHostName: state.endpoint.host,
    port: state.endpoint.mqttPort,
    ca,
    ensureIdentities: async (modules) => {
      for (const module of modules) {
        const existing = registry.getModule(deviceId, module.moduleId);
        const key = existing.ok ? (existing.value.authentication as { symmetricKey?: { primaryKey?: string } } | undefined)?.symmetricKey?.primaryKey : undefined;
        if (key === module.primaryKey) continue;
        const put = await registry.putModule(
          deviceId,
          module.moduleId,
          { deviceId, moduleId: module.moduleId, managedBy: 'IotEdge', authentication: { type: 'sas', symmetricKey: { primaryKey: module.primaryKey, secondaryKey: module.secondaryKey } } },
          existing.ok ? '*' : undefined,
        );
        if (!put.ok) return fail('IO', `the local hub did not take module ${module.moduleId}: ${put.error.message}`);
      }
      return ok(undefined);
    },
    leafIdentities: registryLeafSource(registry, deviceId),
    // Downstream devices with CA-signed certificates chain to the local hub's device CA, as to a CA verified in IoT Hub.
    ...(localHub.deviceCaCertificatePem ? { trustedDeviceCaPems: [localHub.deviceCaCertificatePem] } : {}),
  };
  await edgeHub.setUpstream(target);
  log(`gatehouse: edge hub: $upstream goes to the local hub at ${state.endpoint.host}:${state.endpoint.mqttPort}`);
  return target;
}

/**
 * The local hub's registry as the edge hub's source of downstream devices: those whose `deviceScope` is the edge
 * device's scope or whose `parentScopes` name it (what IoT Hub's device-scope API returns to edgeHub).
 */
export function registryLeafSource(registry: LocalHubRegistry, edgeDeviceId: string): LeafIdentitySource {
  const edgeScope = (): string | undefined => {
    const edge = registry.getDevice(edgeDeviceId);
    const scope = edge.ok ? edge.value.deviceScope : undefined;
    return typeof scope === 'string' ? scope : undefined;
  };
  return {
    lookup: async (deviceId) => {
      const device = registry.getDevice(deviceId);
      if (!device.ok || deviceId === edgeDeviceId) return ok({ kind: 'unknown' as const });
      const scope = edgeScope();
      const scoped = scopedDevice(device.value);
      if (!inDeviceScope(scope, scoped)) {
        return ok({ kind: 'outOfScope' as const, reason: `its deviceScope is ${scoped.deviceScope ?? 'not set'}, this edge device's is ${scope ?? 'not set'}` });
      }
      return ok({ kind: 'inScope' as const, identity: leafIdentity(device.value) });
    },
    list: async () => {
      const scope = edgeScope();
      return ok(registry.listDevices().filter((device) => device.deviceId !== edgeDeviceId && inDeviceScope(scope, scopedDevice(device))).map(leafIdentity));
    },
    onDidChange: (listener) => registry.onDidChange(listener),
  };
}

function scopedDevice(device: Record<string, unknown>): { deviceId: string; deviceScope?: string; parentScopes?: string[] } {
  const parents = Array.isArray(device.parentScopes) ? device.parentScopes.filter((s): s is string => typeof s === 'string') : [];
  return { deviceId: String(device.deviceId), ...(typeof device.deviceScope === 'string' ? { deviceScope: device.deviceScope } : {}), parentScopes: parents };
}

function leafIdentity(device: Record<string, unknown>): LeafIdentity {
  const auth = (device.authentication ?? {}) as {
    type?: string;
    symmetricKey?: { primaryKey?: string | null; secondaryKey?: string | null };
    x509Thumbprint?: { primaryThumbprint?: string | null; secondaryThumbprint?: string | null };
  };
  let credentials: IdentityCredentials;
  switch (auth.type) {
    case 'sas':
      credentials = { type: 'sas', primaryKey: auth.symmetricKey?.primaryKey ?? '', secondaryKey: auth.symmetricKey?.secondaryKey ?? '' };
      break;
    case 'selfSigned':
      credentials = {
        type: 'selfSigned',
        ...(auth.x509Thumbprint?.primaryThumbprint ? { primaryThumbprint: auth.x509Thumbprint.primaryThumbprint } : {}),
        ...(auth.x509Thumbprint?.secondaryThumbprint ? { secondaryThumbprint: auth.x509Thumbprint.secondaryThumbprint } : {}),
      };
      break;
    case 'certificateAuthority':
      credentials = { type: 'certificateAuthority' };
      break;
    default:
      credentials = { type: 'none' };
  }
  return { deviceId: String(device.deviceId), status: device.status === 'disabled' ? 'disabled' : 'enabled', credentials };
}

function registerEdgeHubContract(dispatcher: Dispatcher, edgeHub: EdgeHub, outbox: () => Result<Outbox>): void {
  const notRunning = () => fail('CONFLICT', `The edge hub is not running: ${edgeHub.state.state === 'failed' || edgeHub.state.state === 'off' ? edgeHub.state.reason : 'it is still starting'}`);
  dispatcher.register(edgehubContract, {
    state: async () => ok(edgeHub.state),
    routes: async () => edgeHub.routes(),
    outbox: async () => outbox(),
    reported: async () => edgeHub.reported(),
    recordStart: async ({ path }) => {
      if (!path.endsWith('.ndjson')) return fail('BAD_REQUEST', `A recording is an NDJSON file: the path must end in .ndjson (${path})`);
      return edgeHub.core ? edgeHub.core.recordStart(path) : notRunning();
    },
    recordStop: async () => (edgeHub.core ? edgeHub.core.recordStop() : notRunning()),
    replay: async ({ path, moduleId, input }) => (edgeHub.core ? edgeHub.core.replay(path, moduleId, input) : notRunning()),
  });
}

function portSetting(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : -1;
}

/** The contract's answers when this process runs no edge hub: its state says why; everything else refuses. */
export function registerEdgeHubOff(dispatcher: Dispatcher, reason: string): undefined {
  const off = async () => fail('CONFLICT', `The edge hub is not running: ${reason}`);
  dispatcher.register(edgehubContract, {
    state: async () => ok({ state: 'off' as const, reason }),
    routes: off,
    outbox: off,
    reported: off,
    recordStart: off,
    recordStop: off,
    replay: off,
  });
  return undefined;
}

/** An event that does not match its contract is a bug to log, never an exception out of a timer or the message path. */
function safeEmit(log: (line: string) => void, emit: () => void): void {
  try {
    emit();
  } catch (error) {
    log(`gatehouse: edge hub: an event was not sent: ${(error as Error).message.split('\n')[0]}`);
  }
}
