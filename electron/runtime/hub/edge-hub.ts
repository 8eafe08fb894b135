import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { appError, err, ok, type Result } from '../../../shared/errors';
import type { EdgeHubState, Outbox, RouteConfigStatus } from '../../../shared/ipc/edgehub.contract';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';
import { IotHubMqttFrontEnd, attachMqttWebSocket, listenMqttTls } from '../../protocol/mqtt-front-end';
import { bindAll, closeAll, listenHttps } from '../../protocol/loopback-listen';
import { Emitter, type Event } from '../drivers/event';
import type { CertificateIssuer } from '../workload/edge-ca';
import type { IdentityProvider } from '../workload/identity-provider';
import { EdgeHubCore } from './edge-hub-core';
import { EndpointPump } from './endpoint-pump';
import { UPSTREAM_ENDPOINT, deviceC2dEndpoint, parseDeviceC2dEndpoint, parseModuleInputEndpoint, type EndpointSender, type QueuedMessage, type SendOutcome, type UpstreamState } from './hub-model';
import { createModuleMethodHandler } from './module-methods';
import { HubTwins } from './hub-twins';
import { LeafIdentities, type LeafIdentitySource } from './leaf-identities';
import { LeafUpstream } from './leaf-upstream';
import { SecretBox } from '../secrets/secret-box';
import { serverCertificate } from './server-certificate';
import { DEFAULT_STORE_LIMIT_BYTES, openMessageStore, type DurableMessageStore } from './store/message-store';
import { systemModuleKeys } from './upstream/cloud-desired';
import { UpstreamLink, type UpstreamLinkOptions } from './upstream/upstream-link';

/**
 * Sends each endpoint pump keeps in flight. Both senders publish in call order on one connection (the front end writes
 * a module's input synchronously; UpstreamLink hands its publishes to the SDK one at a time), so a window keeps
 * order and overlaps the round trips (bench:hub: the upstream drain of 100,000 queued went from ~640 to ~2,800 msg/s).
 */
const PUMP_WINDOW = 128;

/** IoT Edge's ports: the hub owns 8883 (MQTT) and 443 (HTTPS: module-to-module methods, MQTT over WebSocket). */
export const DEFAULT_EDGEHUB_MQTT_PORT = 8883;
export const DEFAULT_EDGEHUB_HTTPS_PORT = 443;

export interface EdgeHubOptions {
  readonly dataDir: string;
  /** The edge device this hub runs on. */
  readonly deviceId: string;
  /** IOTEDGE_IOTHUBHOSTNAME: the audience of the SAS tokens modules sign (accepted in MQTT usernames). */
  readonly iotHubHostName: string;
  /** IOTEDGE_GATEWAYHOSTNAME without a port: the name modules dial (a SAN of the server certificate). */
  readonly gatewayHostName: string;
  /**
   * The module identities (keys) and the local edge CA, which issues the hub's server certificate (modules trust it
   * through the workload API's trust bundle). A promise: the runtime's security starts beside the hub.
   */
  readonly security: Promise<Result<EdgeHubSecurity>> | EdgeHubSecurity;
  /** 0 = any free port. */
  readonly mqttPort?: number;
  /** 0 = any free port. A port this user may not bind (443 without privileges) leaves methods and WebSocket off, said in the state. */
  readonly httpsPort?: number;
  /** Where it listens (default: loopback, 127.0.0.1 and ::1; modules run with host networking). */
  readonly bindAddresses?: readonly string[];
  readonly storeLimitBytes?: number;
  /** Seals the private key of the hub's server certificate kept between starts (default: the data folder's SecretBox). */
  readonly secrets?: SecretBox;
  readonly log?: (line: string) => void;
}

export interface EdgeHubSecurity {
  readonly identities: IdentityProvider;
  readonly issuer: CertificateIssuer;
}

/** Where upstream messages go and how the link reaches it (the host supplies it: the local hub, or a cloud hub). */
export type UpstreamTarget = Omit<UpstreamLinkOptions, 'identities' | 'log' | 'methods' | 'moduleReported' | 'moduleDesired' | 'leaves'> & {
  /** The hub's devices in this edge device's scope (downstream devices); without it only cached ones connect. */
  readonly leafIdentities?: LeafIdentitySource;
  /** The device CAs the upstream hub trusts (PEM): downstream devices with CA-signed certificates chain to them. */
  readonly trustedDeviceCaPems?: readonly string[];
};

/** How long a module has to answer a direct method relayed from the cloud (IoT Hub's own default is 30 s). */
const CLOUD_METHOD_TIMEOUT_MS = 25_000;

interface Running {
  readonly core: EdgeHubCore;
  readonly frontEnd: IotHubMqttFrontEnd;
  readonly store: DurableMessageStore;
  readonly mqttPort: number;
  readonly httpsPort: number | undefined;
  readonly closers: (() => Promise<void>)[];
}

/**
 * The local runtime's edge hub (EDGE-CONTRACTS.md §7): the device-facing MQTT front end shared with the local hub
 * (electron/protocol) over the hub's core (router, twins, methods: ./edge-hub-core), the durable store
 * (./store), one pump per endpoint (module inputs through the front end, `$upstream` through ./upstream), the
 * HTTPS endpoint of module-to-module methods and MQTT over WebSocket. Listens on loopback; a server certificate
 * from the edge CA names every host name modules use.
 */
export class EdgeHub {
  private current: EdgeHubState = { state: 'starting' };
  private running?: Running;
  private readonly changed = new Emitter<EdgeHubState>();
  readonly onDidChangeState: Event<EdgeHubState> = this.changed.event;
  private readonly pumps = new Map<string, EndpointPump>();
  private upstream?: UpstreamLink;
  private leafUpstream?: LeafUpstream;
  private readonly upstreamChanged = new Emitter<UpstreamState>();
  readonly onDidChangeUpstream: Event<UpstreamState> = this.upstreamChanged.event;
  private upstreamOff = 'no hub is connected';
  private security?: EdgeHubSecurity;
  private pendingUpstream?: { target: UpstreamTarget | undefined; reason: string };
  private pendingConfig?: { desired: Record<string, unknown> | undefined; version: number; modulesContent: Record<string, unknown> | undefined };
  private disposed = false;

  private constructor(private readonly options: EdgeHubOptions) {}

  static start(options: EdgeHubOptions): EdgeHub {
    const hub = new EdgeHub(options);
    void hub.boot();
    return hub;
  }

  get state(): EdgeHubState {
    return this.current;
  }

  /** The hub's core once running (routes, twins, tap), for the host and tests. */
  get core(): EdgeHubCore | undefined {
    return this.running?.core;
  }

  get gateway(): IotHubMqttFrontEnd | undefined {
    return this.running?.frontEnd;
  }

  /** IOTEDGE_GATEWAYHOSTNAME for modules: the host name, with the MQTT port when it is not 8883. */
  gatewayAddress(): string | undefined {
    const running = this.running;
    if (!running) return undefined;
    return running.mqttPort === DEFAULT_EDGEHUB_MQTT_PORT ? this.options.gatewayHostName : `${this.options.gatewayHostName}:${running.mqttPort}`;
  }

  /**
   * The deployment's `$edgeHub` desired properties (routes, store-and-forward) and custom module twins. A bad route
   * set is refused whole (reported 400) and the routes in force stay. Before the hub runs, the last call is kept.
   */
  applyDeployment(desired: Record<string, unknown> | undefined, version: number, modulesContent: Record<string, unknown> | undefined): RouteConfigStatus | undefined {
    const running = this.running;
    if (!running) {
      this.pendingConfig = { desired, version, modulesContent };
      return undefined;
    }
    const status = running.core.applyConfig(desired, version);
    const config = running.core.currentConfig();
    if (status.code === 200 && config) {
      running.store.setDefaultTtlSecs(config.timeToLiveSecs);
      if (config.maxStoreBytes !== undefined) running.store.setLimitBytes(Math.min(config.maxStoreBytes, this.options.storeLimitBytes ?? DEFAULT_STORE_LIMIT_BYTES));
    }
    void running.core.applyModuleTwins(modulesContent ?? {}).then((applied) => {
      if (!applied.ok) this.options.log?.(`gatehouse: edge hub: module twins of deployment ${version} not applied: ${applied.error.message}`);
    });
    this.syncPumps();
    return status;
  }

  routes(): Result<RouteConfigStatus> {
    const running = this.running;
    if (!running) return err(appError('CONFLICT', `The edge hub is not running: ${this.why()}`));
    return ok(running.core.routes());
  }

  reported(): Result<Record<string, unknown>> {
    const running = this.running;
    if (!running) return err(appError('CONFLICT', `The edge hub is not running: ${this.why()}`));
    return ok(running.core.reported());
  }

  outbox(): Result<Outbox> {
    const running = this.running;
    if (!running) return err(appError('CONFLICT', `The edge hub is not running: ${this.why()}`));
    return ok({
      endpoints: [...running.store.stats()],
      upstream: this.upstreamState(),
      storeBytes: running.store.bytes(),
      storeLimitBytes: running.store.limitBytes,
    });
  }

  upstreamState(): UpstreamState {
    return this.upstream?.state ?? { state: 'off', reason: this.upstreamOff };
  }

  /**
   * Points `$upstream` at a hub (or nowhere: messages are kept until one is set). A new target replaces the link;
   * what is queued drains to the new one, in order.
   */
  async setUpstream(target: UpstreamTarget | undefined, offReason = 'no hub is connected'): Promise<void> {
    const security = this.security;
    if (!security) {
      this.pendingUpstream = { target, reason: offReason };
      return;
    }
    const previous = this.upstream;
    this.upstream = undefined;
    this.upstreamOff = offReason;
    await this.pumps.get(UPSTREAM_ENDPOINT)?.dispose();
    this.pumps.delete(UPSTREAM_ENDPOINT);
    await previous?.dispose();
    const running = this.running;
    const leafUpstream = target && running && !this.disposed ? this.startLeafUpstream(target, running, security) : undefined;
    await this.leafUpstream?.dispose();
    this.leafUpstream = leafUpstream;
    running?.core.setLeafUpstream(leafUpstream);
    running?.frontEnd.setTrustedDeviceCas(target?.trustedDeviceCaPems ?? []);
    void running?.core.leaves.setSource(target?.leafIdentities);
    if (target && !this.disposed) {
      const link = new UpstreamLink({
        ...target,
        ...(leafUpstream ? { leaves: leafUpstream } : {}),
        identities: security.identities,
        log: this.options.log,
        methods: (moduleId, name, payload) => this.cloudMethod(moduleId, name, payload),
        moduleReported: (moduleId) => this.localReported(moduleId),
        moduleDesired: (moduleId, desired) => this.cloudModuleDesired(moduleId, desired),
      });
      this.upstream = link;
      link.onDidChange((state) => this.upstreamChanged.fire(state));
      link.onReconnected(() => {
        this.pumps.get(UPSTREAM_ENDPOINT)?.kick();
        if (running) leafUpstream?.reconnected(running.core.leafConnections());
      });
      link.start();
    }
    this.upstreamChanged.fire(this.upstreamState());
    this.syncPumps();
  }

  /** Downstream devices' own upstream connections (telemetry, twins, the cloud's methods) to `target`. */
  private startLeafUpstream(target: UpstreamTarget, running: Running, security: EdgeHubSecurity): LeafUpstream {
    const { core, frontEnd } = running;
    return new LeafUpstream({
      hubHostName: target.hubHostName,
      ...(target.port === undefined ? {} : { port: target.port }),
      ...(target.ca === undefined ? {} : { ca: target.ca }),
      leaves: core.leaves,
      twins: core.twinStore,
      gateway: () => frontEnd,
      isConnected: (deviceId) => frontEnd.isConnected({ deviceId }),
      cloudToDevice: (deviceId, message) => void this.keepForLeaf(running, deviceId, message),
      onBehalfOf: async () => {
        // `$edgeHub`'s keys, as the system twins register them (derived from the device's keys: cloud-desired.ts).
        const keys = systemModuleKeys(await security.identities.getDevice(), '$edgeHub');
        const ensured = await target.ensureIdentities([{ moduleId: '$edgeHub', ...keys }]);
        if (!ensured.ok) return ensured;
        return ok({ edgeDeviceId: this.options.deviceId, key: keys.primaryKey });
      },
      ...(this.options.log ? { log: this.options.log } : {}),
    });
  }

  /**
   * A cloud-to-device message the upstream hub sent a leaf: kept durably on the leaf's own endpoint (`c2d/<leaf>`),
   * delivered in order by its pump when the leaf listens, for as long as the message's own expiry allows.
   */
  private async keepForLeaf(running: Running, deviceId: string, message: HubMessage): Promise<void> {
    const now = Date.now();
    const expiry = message.systemProperties.exp ? Date.parse(message.systemProperties.exp) : Number.NaN;
    const ttlSecs = Number.isFinite(expiry) ? Math.max(1, Math.ceil((expiry - now) / 1000)) : 0;
    const kept = await running.store.append({ message, source: { deviceId: this.options.deviceId, moduleId: '$edgeHub' }, enqueuedAtMs: now }, [{ endpoint: deviceC2dEndpoint(deviceId), priority: 0, ttlSecs }]);
    if (!kept.ok) this.options.log?.(`gatehouse: edge hub: a cloud-to-device message for ${deviceId} was lost: the store refused it (${kept.error.code}): ${kept.error.message}`);
  }

  /**
   * Whether the module twins' desired properties in the cloud are the truth for this hub's twins (the host: while
   * the cloud drives the deployment). Otherwise the local deployment's module content is, and cloud patches are
   * not applied.
   */
  followCloudModuleTwins(when: () => boolean): void {
    this.cloudModuleTwins = when;
  }

  private cloudModuleTwins: () => boolean = () => false;

  private cloudModuleDesired(moduleId: string, desired: Record<string, unknown>): void {
    const running = this.running;
    if (!running || !this.cloudModuleTwins()) return;
    void running.core.applyModuleTwins({ [moduleId]: { 'properties.desired': desired } }).then((applied) => {
      if (!applied.ok) this.options.log?.(`gatehouse: edge hub: the cloud's desired properties of ${moduleId} were not applied: ${applied.error.message}`);
    });
  }

  /** A module twin's reported properties as this hub keeps them (undefined before it runs). */
  private async localReported(moduleId: string): Promise<Record<string, unknown> | undefined> {
    const twin = await this.running?.core.getTwin({ deviceId: this.options.deviceId, moduleId });
    return twin?.ok ? twin.value.reported : undefined;
  }

  /** A module twin's desired properties in the hub `$upstream` goes to (undefined when not connected, or unknown). */
  async upstreamModuleTwin(moduleId: string): Promise<Record<string, unknown> | undefined> {
    return this.upstream?.moduleTwinDesired(moduleId);
  }

  /**
   * A direct method from the cloud for a module, relayed to the module's connection to this hub: its answer, or
   * 404 when it is not connected / not subscribed to methods and 504 when it does not answer in time (IoT Hub's
   * statuses for an offline device and a gateway timeout).
   */
  private async cloudMethod(moduleId: string, methodName: string, payload: unknown): Promise<{ status: number; payload?: unknown }> {
    const running = this.running;
    if (!running) return { status: 503, payload: { message: `The edge hub is not running: ${this.why()}` } };
    const answer = await running.frontEnd.invokeMethod({ deviceId: this.options.deviceId, moduleId }, methodName, payload, CLOUD_METHOD_TIMEOUT_MS);
    if (answer.ok) return { status: answer.value.status, payload: answer.value.payload };
    const status = answer.error.code === 'TIMEOUT' ? 504 : 404;
    return { status, payload: { message: answer.error.message } };
  }

  private why(): string {
    return this.current.state === 'failed' || this.current.state === 'off' ? this.current.reason : 'it is still starting';
  }

  private set(state: EdgeHubState): void {
    this.current = state;
    this.changed.fire(state);
  }

  private async boot(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    const closers: (() => Promise<void>)[] = [];
    const mqttPortOption = this.options.mqttPort ?? DEFAULT_EDGEHUB_MQTT_PORT;
    const httpsPortOption = this.options.httpsPort ?? DEFAULT_EDGEHUB_HTTPS_PORT;
    for (const [name, port] of [['MQTT', mqttPortOption], ['HTTPS', httpsPortOption]] as const) {
      if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) return this.fail(`GATEHOUSE_EDGEHUB_${name}_PORT is not a port number (0–65535; 0 means any free port)`, closers);
    }
    try {
      const security = await this.options.security;
      if ('ok' in security && !security.ok) return this.fail(`the runtime's security did not start: ${security.error.message}`, closers);
      const { identities, issuer } = 'ok' in security ? security.value : security;
      const gatewayName = this.options.gatewayHostName;
      const sans = [...new Set([gatewayName, 'localhost', '127.0.0.1', '::1', osHostname().toLowerCase(), this.options.deviceId.toLowerCase(), 'edgehub'])];
      // Kept between starts (./server-certificate.ts): issuing one costs the hub's process an x509 library and an RSA key.
      const certificate = await serverCertificate(
        issuer,
        { commonName: gatewayName, hostnames: sans },
        { dir: join(this.options.dataDir, 'edgehub', 'tls'), secrets: this.options.secrets ?? new SecretBox(this.options.dataDir), log },
      );
      if (!certificate.ok) return this.fail(`the edge CA could not issue the hub's certificate: ${certificate.error.message}`, closers);
      const store = await openMessageStore({ dir: join(this.options.dataDir, 'edgehub', 'store'), limitBytes: this.options.storeLimitBytes ?? DEFAULT_STORE_LIMIT_BYTES });
      if (!store.ok) return this.fail(`the store-and-forward folder could not be opened: ${store.error.message}`, closers);
      closers.push(() => store.value.close());
      const twins = await HubTwins.open({ file: join(this.options.dataDir, 'edgehub', 'twins.json'), log });
      if (!twins.ok) return this.fail(`the module twins could not be read: ${twins.error.message}`, closers);
      const leaves = await LeafIdentities.open({ file: join(this.options.dataDir, 'edgehub', 'leaf-identities.json'), secrets: this.options.secrets ?? new SecretBox(this.options.dataDir), log });
      closers.push(async () => leaves.dispose());
      const core = { value: new EdgeHubCore({ identities, deviceId: this.options.deviceId, store: store.value, twins: twins.value, leaves, log }) };
      closers.push(() => core.value.close());
      // A port in IOTEDGE_GATEWAYHOSTNAME does not reach the SAS audience or the username: modules sign for the hub host.
      const hostNames = [...new Set([this.options.iotHubHostName, gatewayName, this.options.deviceId])];
      const frontEnd = new IotHubMqttFrontEnd({ backend: core.value, hostNames, log });
      closers.push(async () => frontEnd.close());
      core.value.attach(frontEnd);
      const tls = { cert: certificate.value.certificatePem, key: certificate.value.privateKeyPem };
      const addresses = this.options.bindAddresses ?? ['127.0.0.1', '::1'];
      const mqttPort = await bindAll(addresses, mqttPortOption, 'MQTT', 'GATEHOUSE_EDGEHUB_MQTT_PORT', async (address, port) => {
        // Client certificates are asked for (X.509 downstream devices) and checked by the front end, not by TLS.
        const listener = await listenMqttTls({ frontEnd, host: address, port, cert: tls.cert, key: tls.key, requestCert: true, log });
        closers.push(() => listener.close());
        return listener.port;
      });
      // azure-iot-device's X.509 clients ignore GatewayHostName: a downstream device dials HostName=<gateway>:<port>, and
      // its CONNECT username starts with that when the port is not 8883.
      if (mqttPort !== 8883) frontEnd.addHostNames(hostNames.map((name) => `${name}:${mqttPort}`));
      let httpsPort: number | undefined;
      try {
        const methods = createModuleMethodHandler({ core: core.value, deviceId: this.options.deviceId, hostNames, log });
        httpsPort = await bindAll(addresses, httpsPortOption, 'HTTPS', 'GATEHOUSE_EDGEHUB_HTTPS_PORT', async (address, port) => {
          const server: HttpsServer = createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: false }, methods);
          const webSocket = attachMqttWebSocket(server, frontEnd);
          const bound = await listenHttps(server, address, port, closers);
          closers.push(async () => webSocket.close());
          return bound;
        });
      } catch (cause) {
        // Without 443 modules still connect over MQTT; module-to-module methods and MqttWs need it.
        log(`gatehouse: edge hub: ${(cause as Error).message}; module-to-module methods and MQTT over WebSocket are off`);
      }
      if (this.disposed) return void (await closeAll(closers));
      this.running = { core: core.value, frontEnd, store: store.value, mqttPort, httpsPort, closers };
      // A module's reported patch here is mirrored to its twin in the cloud while connected (offline: on reconnect).
      core.value.onTwinReported((of) => {
        if (of.moduleId !== undefined) void this.upstream?.syncModuleReported(of.moduleId);
      });
      this.security = { identities, issuer };
      store.value.onAppended((endpoint) => this.ensurePump(endpoint));
      // A client that starts listening gets what waits for it now, not after its endpoint's backoff.
      core.value.onSubscribed((of, feature) => {
        if (feature === 'c2d' && of.moduleId === undefined) this.pumps.get(deviceC2dEndpoint(of.deviceId))?.kick();
        if (feature === 'inputs' && of.deviceId === this.options.deviceId && of.moduleId !== undefined) {
          for (const [endpoint, pump] of this.pumps) if (parseModuleInputEndpoint(endpoint)?.moduleId === of.moduleId) pump.kick();
        }
      });
      const pending = this.pendingConfig;
      this.pendingConfig = undefined;
      if (pending) this.applyDeployment(pending.desired, pending.version, pending.modulesContent);
      const upstream = this.pendingUpstream;
      this.pendingUpstream = undefined;
      if (upstream) await this.setUpstream(upstream.target, upstream.reason);
      this.syncPumps();
      this.set({ state: 'running', mqttPort, httpsPort: httpsPort ?? 0, since: new Date().toISOString() });
      log(`gatehouse: edge hub on mqtts://${gatewayName}:${mqttPort}${httpsPort ? ` and https://${gatewayName}:${httpsPort}` : ''}`);
    } catch (cause) {
      await this.fail(String((cause as Error).message ?? cause), closers);
    }
  }

  /** A pump for every endpoint that has messages or a route into it. */
  private syncPumps(): void {
    const running = this.running;
    if (!running) return;
    for (const stats of running.store.stats()) if (stats.depth > 0) this.ensurePump(stats.endpoint);
    for (const route of running.core.routes().routes) this.ensurePump(route.endpoint);
  }

  private ensurePump(endpoint: string): void {
    const running = this.running;
    if (!running || this.pumps.has(endpoint) || this.disposed) return;
    const sender = this.senderFor(endpoint, running);
    if (!sender) return;
    const pump = new EndpointPump({ store: running.store, endpoint, sender, window: PUMP_WINDOW, log: this.options.log });
    this.pumps.set(endpoint, pump);
    pump.start();
  }

  private senderFor(endpoint: string, running: Running): EndpointSender | undefined {
    if (endpoint === UPSTREAM_ENDPOINT) return this.upstream;
    const leaf = parseDeviceC2dEndpoint(endpoint);
    if (leaf !== undefined) return new DeviceC2dSender(running.frontEnd, leaf);
    const input = parseModuleInputEndpoint(endpoint);
    if (!input) return undefined;
    return new ModuleInputSender(running.frontEnd, { deviceId: this.options.deviceId, moduleId: input.moduleId }, input.input);
  }

  private async fail(reason: string, closers: (() => Promise<void>)[]): Promise<void> {
    await closeAll(closers);
    this.set({ state: 'failed', reason });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const pump of this.pumps.values()) await pump.dispose();
    this.pumps.clear();
    await this.upstream?.dispose();
    await this.leafUpstream?.dispose();
    const running = this.running;
    this.running = undefined;
    if (running) await closeAll(running.closers);
    this.changed.dispose();
    this.upstreamChanged.dispose();
  }
}

/** Delivers to a module input over its MQTT connection (QoS 1); a module that is not connected is retried later, in order. */
class ModuleInputSender implements EndpointSender {
  constructor(
    private readonly gateway: IotHubMqttFrontEnd,
    private readonly target: IdentityRef,
    private readonly input: string,
  ) {}

  async send(queued: QueuedMessage): Promise<SendOutcome> {
    const message: HubMessage = {
      body: queued.message.body,
      properties: queued.message.properties,
      // edgeHub stamps the sender's identity on messages it routes to a module input; the sender's output name is not
      // part of an input message (the input name is in the topic).
      systemProperties: {
        ...withoutOutputName(queued.message.systemProperties),
        cdid: queued.source.deviceId,
        ...(queued.source.moduleId ? { cmid: queued.source.moduleId } : {}),
      },
    };
    const delivered = await this.gateway.deliver(this.target, message, this.input);
    return delivered ? { ok: true } : { ok: false, retry: true, reason: `${this.target.moduleId} is not connected or has not subscribed to its inputs` };
  }
}

/** A downstream device's cloud-to-device endpoint: its messages go to its connection here (QoS 1, acknowledged). */
class DeviceC2dSender implements EndpointSender {
  constructor(
    private readonly gateway: IotHubMqttFrontEnd,
    private readonly deviceId: string,
  ) {}

  async send(queued: QueuedMessage): Promise<SendOutcome> {
    const delivered = await this.gateway.deliver({ deviceId: this.deviceId }, queued.message);
    return delivered ? { ok: true } : { ok: false, retry: true, reason: `${this.deviceId} is not connected or is not listening for cloud-to-device messages` };
  }
}

function withoutOutputName(systemProperties: Readonly<Record<string, string>>): Record<string, string> {
  const { on: _output, ...rest } = systemProperties;
  return rest;
}
