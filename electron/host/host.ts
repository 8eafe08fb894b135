import { fail, ok, type ErrorCode, type Result } from '../../shared/errors';
import { lockDataDir } from './data-dir-lock';
import { appContract, cloudContract, commissioningContract, localhubContract, runtimeContract, statusContract, workspaceContract } from '../../shared/ipc';
import { CloudService } from '../services/cloud.service';
import type { AppInfo } from '../../shared/ipc/app.contract';
import { arch, hostname, platform } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../runtime/agent/agent';
import type { CertificateIssuer } from '../runtime/workload/edge-ca';
import { EdgeSecurity } from '../runtime/workload/edge-security';
import { SecretBox, type KeyProtector } from '../runtime/secrets/secret-box';
import type { RuntimeContext } from '../runtime/agent/container-spec';
import { DockerDriver } from '../runtime/drivers/docker/docker-driver';
import { nextEvent } from '../runtime/drivers/event';
import { RuntimeService } from '../services/runtime.service';
import { SettingsService } from '../services/settings.service';
import { ConnectivityService } from '../services/connectivity.service';
import { StatusService } from '../services/status.service';
import { HubConnectionService } from '../services/hub-connection.service';
import { HubConnectionsStore } from '../services/hub-connections.store';
import { DEFAULT_LOCALHUB_HTTPS_PORT, DEFAULT_LOCALHUB_MQTT_PORT, LocalHub } from '../cloud/localhub/localhub';
import { telemetryEvent } from './telemetry-event';
import { createCommissioning } from './commissioning-host';
import { createSupportBundle } from '../services/support/support-wiring';
import { RuntimeLog, runtimeLogPath } from './runtime-log';
import { supportContract } from '../../shared/ipc/support.contract';
import { rollbackContract } from '../../shared/ipc/rollback.contract';
import { createRollback } from '../services/rollback/rollback-wiring';
import { driftContract } from '../../shared/ipc/drift.contract';
import { createDrift } from '../services/drift/drift-wiring';
import { WorkspaceService } from '../services/workspace.service';
import type { EdgeHub } from '../runtime/hub/edge-hub';
import { hubPortConflict, hubPorts, registerEdgeHubOff, startEdgeHub } from './edge-hub-host';
import { defaultTemplatesDir } from '../services/workspace-templates';
import { Dispatcher } from './dispatcher';
import { EventBus, type Disposable } from './event-bus';
import { GATEHOUSE_VERSION, packageVersion } from './version';

export interface HostOptions {
  readonly dataDir: string;
  readonly shell: AppInfo['shell'];
  /** Versions the shell knows (Electron, Chromium) added to the component list. */
  readonly shellComponents?: readonly { name: string; version: string }[];
  /** The Docker engine's socket (default: DOCKER_HOST or the platform's socket). */
  readonly dockerSocketPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** The OS keychain for the master key of secrets at rest (Electron's safeStorage); a private file otherwise. */
  readonly keyProtector?: KeyProtector;
  /** The shell's native folder dialog (Electron); absent in the served console. Resolves undefined when cancelled. */
  readonly pickFolder?: (title?: string) => Promise<string | undefined>;
  /** Start the embedded local hub (default: yes, unless GATEHOUSE_LOCALHUB=off). A CLI command's own host does not. */
  readonly localHub?: boolean;
  /** Start the edge hub (default: yes, unless GATEHOUSE_EDGEHUB=off). A CLI command's own host does not. */
  readonly edgeHub?: boolean;
}

/** Why a host could not be created (e.g. CONFLICT: another Gatehouse runs on the data folder). */
export class HostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Host extends Disposable {
  readonly dataDir: string;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
  readonly agent: Agent;
  /** The local runtime's edge hub (undefined when this process runs none: a CLI command's own host, GATEHOUSE_EDGEHUB=off). */
  readonly edgeHub: EdgeHub | undefined;
  /** Resolves when the agent has loaded its persisted state and made its first reconcile. */
  readonly ready: Promise<void>;
  /** Seals secrets at rest for this data folder (the console token too). */
  readonly secrets: SecretBox;
  /** The local edge CA (issues the remote console's HTTPS certificate). */
  edgeCa(): Promise<Result<CertificateIssuer>>;
}

/**
 * The composition root: every service is built once, here, and registered against its contract.
 * Electron's main process and `gatehouse serve` both call this; only the transport in front differs.
 */
export function createHost(options: HostOptions): Host {
  const env0 = options.env ?? process.env;
  const ports = hubPorts(env0);
  const localHubOn = options.localHub !== false && env0.GATEHOUSE_LOCALHUB !== 'off';
  const edgeHubOn = options.edgeHub !== false && env0.GATEHOUSE_EDGEHUB !== 'off';
  const conflict = hubPortConflict(ports, edgeHubOn, localHubOn);
  if (conflict) throw new HostError('CONFLICT', conflict);
  const lock = lockDataDir(options.dataDir);
  if (!lock.ok) throw new HostError(lock.error.code, lock.error.message);
  const events = new EventBus();
  const dispatcher = new Dispatcher();
  const settings = new SettingsService(options.dataDir, events);
  const env = options.env ?? process.env;
  // Every line the console logs is also kept in its data folder (the support bundle's runtime log).
  const runtimeLog = new RuntimeLog(runtimeLogPath(options.dataDir));
  const print = options.log ?? ((line: string) => console.log(line));
  const log = (line: string) => {
    runtimeLog.write(line);
    print(line);
  };
  const driver = new DockerDriver(options.dockerSocketPath ? { socketPath: options.dockerSocketPath } : {});
  const runtime = runtimeContext(options.dataDir, env);
  const periodMs = Number(env.GATEHOUSE_RECONCILE_PERIOD_MS) || undefined;
  const secrets = new SecretBox(options.dataDir, options.keyProtector);
  const security = EdgeSecurity.start({ dataDir: options.dataDir, deviceId: runtime.deviceId, secrets });
  // Modules are given the edge hub's address (IOTEDGE_GATEWAYHOSTNAME, with its port) when their container is
  // created: no container is created before the hub has bound its port (or given up), at most 15 s.
  let gatewayKnown: () => void = () => undefined;
  let gatewaySettled = false;
  const gatewayReady = Promise.race([new Promise<void>((resolve) => (gatewayKnown = resolve)), new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref())]).then(() => {
    gatewaySettled = true;
  });
  const prepareModules = async (names: readonly string[]) => {
    if (!gatewaySettled) await gatewayReady;
    const started = await security;
    return started.ok ? started.value.prepareModules(names) : started;
  };
  const agent = new Agent({ dataDir: options.dataDir, driver, runtime, log, periodMs, prepareModules, secrets });
  const engineVerdict = nextEvent(driver.onDidChangeState, (s) => s.state !== 'connecting', AbortSignal.timeout(5000));
  const ready = Promise.all([
    agent.start().catch((error: unknown) => log(`gatehouse: the agent did not start: ${(error as Error).message}`)),
    driver.state.state === 'connecting' ? engineVerdict : undefined,
  ]).then(() => undefined);
  const runtimeService = new RuntimeService(agent, driver, runtime, events, (o) => driver.buildLocalImages(o));
  const localHub = startLocalHub(options, env, secrets, runtime.deviceId, log);
  const edgeSecurity = security.then((s) => (s.ok ? ok({ identities: s.value.identities, issuer: s.value.ca }) : s));
  const edgeHub = edgeHubOn
    ? startEdgeHub({ dataDir: options.dataDir, runtime, ports, security: edgeSecurity, agent, localHub, dispatcher, events, log })
    : registerEdgeHubOff(dispatcher, 'the edge hub is off in this process (a CLI command without a running console, or GATEHOUSE_EDGEHUB=off)');
  const hubForGateway = edgeHub?.edgeHub;
  if (!hubForGateway || hubForGateway.state.state !== 'starting') gatewayKnown();
  else hubForGateway.onDidChangeState((state) => state.state !== 'starting' && gatewayKnown());
  const hubConnection = new HubConnectionService(localHub, { store: new HubConnectionsStore(options.dataDir, secrets) });
  const connectivity = new ConnectivityService({
    deployment: () => agent.desiredDeployment,
    onDeploymentChange: agent.onDidChange,
    imagePresent: async (image) => (await driver.inspectImage(image)).ok,
    hub: () => hubConnection.get(),
    scope: env.GATEHOUSE_PROBE_SCOPE === 'loopback' ? 'loopback' : 'all',
  });
  const status = new StatusService(driver, agent, events, connectivity, hubConnection);
  const workspace = new WorkspaceService({ dataDir: options.dataDir, events, templatesDir: defaultTemplatesDir() });

  const info: AppInfo = {
    name: 'Gatehouse',
    version: GATEHOUSE_VERSION,
    shell: options.shell,
    dataDir: options.dataDir,
    platform: platform(),
    arch: arch(),
    runtime: { deviceId: runtime.deviceId, network: runtime.network, workloadUri: runtime.workloadUri, engineEndpoint: driver.endpoint },
    components: [
      { name: 'Gatehouse', version: GATEHOUSE_VERSION },
      ...(options.shellComponents ?? []),
      { name: 'Node.js', version: process.versions.node },
      { name: 'V8', version: process.versions.v8 },
      ...['dockerode', 'ws', 'zod'].flatMap((name) => {
        const version = packageVersion(name);
        return version ? [{ name, version }] : [];
      }),
    ],
  };

  dispatcher.register(appContract, {
    getInfo: async () => {
      const engine = status.get().engine;
      const engineComponent = engine.state === 'available' ? [{ name: `${engine.name} (API ${engine.apiVersion})`, version: engine.version }] : [];
      return ok({ ...info, components: [...info.components, ...engineComponent] });
    },
    getSettings: async () => ok(await settings.get()),
    pickFolder: async ({ title }) =>
      options.pickFolder ? ok({ path: await options.pickFolder(title) }) : fail('UNSUPPORTED', 'The served console has no folder dialog: type the folder path.'),
    updateSettings: async (patch) => settings.update(patch),
  });
  dispatcher.register(statusContract, {
    get: async () => ok(status.get()),
    refresh: async () => ok(await status.refresh()),
  });
  dispatcher.register(workspaceContract, workspace);
  dispatcher.register(runtimeContract, runtimeService);
  const noLocalHub = 'the embedded local hub is off in this process (a CLI command without a running console, or GATEHOUSE_LOCALHUB=off)';
  dispatcher.register(localhubContract, {
    state: async () => ok(localHub?.state ?? { state: 'off' as const, reason: noLocalHub }),
    info: async ({ withCaKey }) => (localHub ? localHub.info(withCaKey === true) : fail('CONFLICT', `The local hub is not running: ${noLocalHub}`)),
  });
  dispatcher.register(cloudContract, new CloudService(() => hubConnection.hub(), hubConnection));
  const commissioning = createCommissioning({
    dataDir: options.dataDir,
    deviceId: runtime.deviceId,
    agent,
    driver,
    runtimeService,
    connectivity,
    hubConnection,
    localHub,
    edgeHub: () => edgeHub?.edgeHub,
    security,
    events,
    invoke: (method, params) => dispatcher.invoke(method, params),
    version: GATEHOUSE_VERSION,
    secrets,
  });
  dispatcher.register(commissioningContract, commissioning);
  dispatcher.register(driftContract, createDrift({ dataDir: options.dataDir, secrets, agent, driver, invoke: (m, i) => dispatcher.invoke(m, i) }));
  dispatcher.register(supportContract, createSupportBundle({ dataDir: options.dataDir, agent, driver, security, secrets, call: (m, i) => dispatcher.invoke(m, i), events, runtimeLogPath: runtimeLogPath(options.dataDir), localHubRegistry: () => localHub?.registry }));
  const rollback = createRollback({ dataDir: options.dataDir, secrets, deviceId: runtime.deviceId, agent, driver, runtimeService, commissioning, invoke: (m, i) => dispatcher.invoke(m, i), events, env, log });
  dispatcher.register(rollbackContract, rollback);
  const hubSubscriptions = [
    ...(localHub ? [localHub.onDidChangeState((s) => events.emit(localhubContract, 'changed', s)), forwardTelemetry(localHub, events, () => hubConnection.eventsFrom === 'local')] : []),
    // A cloud hub's device-to-cloud messages, read from its Event Hubs-compatible endpoint while it is the active hub.
    hubConnection.onTelemetry((event) => events.emit(cloudContract, 'telemetry', event)),
  ];

  return {
    dataDir: options.dataDir,
    dispatcher,
    events,
    agent,
    edgeHub: edgeHub?.edgeHub,
    // The saved active hub is chosen before the host counts as ready: a command's first call never races it.
    ready: Promise.all([ready, hubConnection.selected]).then(() => undefined),
    secrets,
    edgeCa: async () => {
      const started = await security;
      return started.ok ? ok(started.value.ca) : started;
    },
    dispose: () => {
      status.dispose();
      rollback.dispose();
      commissioning.dispose();
      for (const s of hubSubscriptions) s.dispose();
      hubConnection.dispose();
      edgeHub?.dispose();
      void localHub?.dispose();
      connectivity.dispose();
      workspace.dispose();
      runtimeService.dispose();
      agent.dispose();
      driver.dispose();
      void security.then((s) => s.ok && s.value.dispose());
      // Lines logged after this are printed only: the data folder is another console's once the lock is gone.
      runtimeLog.end();
      lock.value.dispose();
    },
  };
}

/**
 * What the runtime tells modules about this device. The network is a runtime setting: IoT Edge uses the
 * user-defined bridge `azure-iot-edge`; Gatehouse defaults to host networking, which keeps module traffic on
 * this machine's loopback (GATEHOUSE_RUNTIME_NETWORK=azure-iot-edge on a real gateway).
 */
export function runtimeContext(dataDir: string, env: NodeJS.ProcessEnv): RuntimeContext {
  const deviceId = env.GATEHOUSE_DEVICE_ID ?? `gatehouse-${hostname()}`.toLowerCase();
  return {
    deviceId,
    iotHubHostName: env.GATEHOUSE_IOTHUB_HOSTNAME ?? 'localhub.gatehouse.local',
    gatewayHostName: env.GATEHOUSE_GATEWAY_HOSTNAME ?? 'localhost',
    // Each module reaches the workload API only on its own socket: <data>/mnt/<module>/ is bound over
    // /var/run/iotedge. There is no TCP workload endpoint (any local process could sign as any module), so the
    // URI is fixed rather than configurable.
    workloadUri: 'unix:///var/run/iotedge/workload.sock',
    workloadListenDir: join(dataDir, 'mnt'),
    network: env.GATEHOUSE_RUNTIME_NETWORK ?? 'host',
    generationIds: {},
    apiVersion: '2022-08-03',
    runtimeLogLevel: 'info',
    allowElevatedDockerPermissions: true,
  };
}

/** The embedded local hub, unless this host runs without one (a CLI command's own host, GATEHOUSE_LOCALHUB=off). */
function startLocalHub(options: HostOptions, env: NodeJS.ProcessEnv, secrets: SecretBox, deviceId: string, log: (line: string) => void): LocalHub | undefined {
  if (options.localHub === false || env.GATEHOUSE_LOCALHUB === 'off') return undefined;
  return LocalHub.start({
    dataDir: options.dataDir,
    secrets,
    hostName: env.GATEHOUSE_LOCALHUB_HOSTNAME || 'localhost',
    httpsPort: portSetting(env.GATEHOUSE_LOCALHUB_HTTPS_PORT, DEFAULT_LOCALHUB_HTTPS_PORT),
    mqttPort: portSetting(env.GATEHOUSE_LOCALHUB_MQTT_PORT, DEFAULT_LOCALHUB_MQTT_PORT),
    edgeDeviceId: deviceId,
    log,
  });
}

/** A port from the environment: 0-65535 (0 = any free port); anything else is -1, which the hub refuses by name. */
function portSetting(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : -1;
}

/** Device-to-cloud messages arriving at the local hub, as `cloud.telemetry` events (pushed only to subscribers). */
function forwardTelemetry(localHub: LocalHub, events: EventBus, isEventsSource: () => boolean): Disposable {
  let subscription: Disposable | undefined;
  const follow = () => {
    subscription?.dispose();
    subscription = localHub.registry?.onTelemetry((record) => {
      if (isEventsSource()) events.emit(cloudContract, 'telemetry', telemetryEvent(record));
    });
  };
  const state = localHub.onDidChangeState(follow);
  follow();
  return { dispose: () => (state.dispose(), subscription?.dispose()) };
}

