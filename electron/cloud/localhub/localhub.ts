import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import { appError, err, ok, type Result } from '../../../shared/errors';
import type { LocalHubEndpoint, LocalHubInfo, LocalHubState } from '../../../shared/ipc/localhub.contract';
import { Emitter, type Event } from '../../runtime/drivers/event';
import type { SecretBox } from '../../runtime/secrets/secret-box';
import { IotHubMqttFrontEnd, attachMqttWebSocket, listenMqttTls } from '../../protocol/mqtt-front-end';
import { bindAll, closeAll, listenHttps } from '../../protocol/loopback-listen';
import { openLocalHubCa, type LocalHubCaFiles } from './localhub-ca';
import { ConfigurationApplier } from './configuration-applier';
import { LocalHubRegistry } from './registry';
import { createRestHandler } from './rest-server';
import { EventHubsLog } from './eventhubs-log';
import { EventHubsServer } from './eventhubs-server';

/** Ports a non-root user can bind; `GATEHOUSE_LOCALHUB_HTTPS_PORT` / `_MQTT_PORT` (0 = any free port) override them. */
export const DEFAULT_LOCALHUB_HTTPS_PORT = 9443;
export const DEFAULT_LOCALHUB_MQTT_PORT = 9883;
/** The Event Hubs-compatible endpoint (AMQPS); `GATEHOUSE_LOCALHUB_AMQP_PORT` overrides it (0 = any free port). */
export const DEFAULT_LOCALHUB_AMQP_PORT = 9671;

export interface LocalHubOptions {
  readonly dataDir: string;
  readonly secrets: SecretBox;
  /** Host name in connection strings and the certificate (default `localhost`). */
  readonly hostName?: string;
  readonly httpsPort?: number;
  readonly mqttPort?: number;
  /** Event Hubs-compatible AMQPS port; default `GATEHOUSE_LOCALHUB_AMQP_PORT`, else 9671. Not binding it is not fatal. */
  readonly amqpPort?: number;
  /** The local gateway, registered as an edge device on first start. */
  readonly edgeDeviceId?: string;
  readonly log?: (line: string) => void;
}

interface Running {
  readonly registry: LocalHubRegistry;
  readonly deployments: ConfigurationApplier;
  readonly frontEnd: IotHubMqttFrontEnd;
  readonly ca: LocalHubCaFiles;
  readonly endpoint: LocalHubEndpoint;
  /** The Event Hubs-compatible entity (the hub name) when its endpoint is listening. */
  readonly eventHubsName?: string;
  readonly closers: (() => Promise<void>)[];
}

/**
 * The embedded local hub: an IoT Hub-compatible peer (HUB-CONTRACTS.md) made of the registry and its REST API
 * (./registry, ./rest-server), the device-facing MQTT front end shared with the edge hub (electron/protocol), MQTT
 * over WebSockets on the HTTPS port (`/$iothub/websocket`), its own CAs (./localhub-ca) and a store in
 * `<data>/localhub/`. Listens on loopback only (127.0.0.1 and ::1). State changes are events; `dispose` closes all.
 */
export class LocalHub {
  private current: LocalHubState = { state: 'starting' };
  private running?: Running;
  private readonly changed = new Emitter<LocalHubState>();
  readonly onDidChangeState: Event<LocalHubState> = this.changed.event;
  private disposed = false;

  private constructor(private readonly options: LocalHubOptions) {}

  static start(options: LocalHubOptions): LocalHub {
    const hub = new LocalHub(options);
    void hub.boot();
    return hub;
  }

  get state(): LocalHubState {
    return this.current;
  }

  get registry(): LocalHubRegistry | undefined {
    return this.running?.registry;
  }

  /** Deployments at scale being assigned and applied (undefined until running). */
  get deployments(): ConfigurationApplier | undefined {
    return this.running?.deployments;
  }

  /** The device CA's certificate (PEM) the hub trusts for CA-signed devices; undefined until running. */
  get deviceCaCertificatePem(): string | undefined {
    return this.running?.ca.deviceCa.certificatePem;
  }

  async info(withCaKey = false): Promise<Result<LocalHubInfo>> {
    const running = this.running;
    if (!running) {
      const why = this.current.state === 'failed' || this.current.state === 'off' ? this.current.reason : 'it is still starting';
      return err(appError('CONFLICT', `The local hub is not running: ${why}`));
    }
    const owner = running.registry.policies().find((p) => p.keyName === 'iothubowner');
    if (!owner) return err(appError('INTERNAL', 'the local hub has no iothubowner policy'));
    const connectionString = `HostName=${running.endpoint.host};SharedAccessKeyName=${owner.keyName};SharedAccessKey=${owner.primaryKey}`;
    const eventHubs = running.eventHubsName && running.endpoint.amqpPort !== undefined
      ? { eventHubsConnectionString: `Endpoint=sb://${running.endpoint.host}:${running.endpoint.amqpPort}/;SharedAccessKeyName=${owner.keyName};SharedAccessKey=${owner.primaryKey};EntityPath=${running.eventHubsName}` }
      : {};
    return ok({
      ...running.endpoint,
      connectionString,
      ...eventHubs,
      ...(withCaKey ? { deviceCaCert: running.ca.deviceCa.certificatePem, deviceCaKey: running.ca.deviceCa.privateKeyPem } : {}),
    });
  }

  private set(state: LocalHubState): void {
    this.current = state;
    this.changed.fire(state);
  }

  private async boot(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    const host = this.options.hostName ?? 'localhost';
    const hostNames = [...new Set([host, 'localhost', '127.0.0.1', '::1'])];
    const closers: (() => Promise<void>)[] = [];
    for (const [name, port] of [['HTTPS', this.options.httpsPort], ['MQTT', this.options.mqttPort]] as const) {
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        return this.fail(`GATEHOUSE_LOCALHUB_${name}_PORT is not a port number (0–65535; 0 means any free port)`, closers);
      }
    }
    try {
      const ca = await openLocalHubCa({ dataDir: this.options.dataDir, secrets: this.options.secrets, hostNames });
      if (!ca.ok) return this.fail(ca.error.message, closers);
      const registry = await LocalHubRegistry.open({ dir: join(this.options.dataDir, 'localhub', 'store'), hostName: host, log });
      closers.push(() => registry.close());
      const deployments = new ConfigurationApplier(registry, log);
      closers.push(async () => deployments.dispose());
      // X.509 connection strings ignore GatewayHostName (azure-iot-device's X509AuthenticationProvider takes only
      // HostName), so an X.509 device reaches a hub on a non-standard MQTT port with HostName=<host>:<port>, and its
      // CONNECT username starts with that: accept it for a known port (a port chosen at start, 0, cannot be listed).
      const mqttPortOption = this.options.mqttPort ?? DEFAULT_LOCALHUB_MQTT_PORT;
      const deviceHostNames = mqttPortOption > 0 && mqttPortOption !== 8883 ? [...hostNames, ...hostNames.filter((h) => !h.includes(':')).map((h) => `${h}:${mqttPortOption}`)] : hostNames;
      const frontEnd = new IotHubMqttFrontEnd({ backend: registry, hostNames: deviceHostNames, trustedDeviceCaPems: [ca.value.deviceCa.certificatePem], log });
      closers.push(async () => frontEnd.close());
      registry.setGateway(frontEnd);
      // The Event Hubs-compatible endpoint: retention fed by the registry's telemetry, AMQPS and AMQP over WebSockets.
      const eventHubsLog = new EventHubsLog();
      const eventHubsName = host.split('.')[0] || 'localhub';
      const telemetry = registry.onTelemetry((record) => void eventHubsLog.append(record.from, record.message, new Date(record.enqueuedTimeUtc)));
      closers.push(async () => telemetry.dispose());
      const eventHubs = await EventHubsServer.create({ entityPath: eventHubsName, log: eventHubsLog, policies: () => registry.policies(), hostNames, cert: ca.value.server.certificatePem, key: ca.value.server.privateKeyPem, logLine: log, service: { hostName: host, sink: registry } });
      closers.push(() => eventHubs.close());
      const rest = createRestHandler({ registry, hostName: host, gateway: frontEnd, log });
      const tls = { cert: ca.value.server.certificatePem, key: ca.value.server.privateKeyPem, requestCert: true, rejectUnauthorized: false };
      const httpsPort = await listenTwice(async (address, port) => {
        const server: HttpsServer = createHttpsServer(tls, rest);
        const webSocket = attachMqttWebSocket(server, frontEnd);
        const amqpWebSocket = eventHubs.attachWebSocket(server);
        closers.push(async () => amqpWebSocket.close());
        const bound = await listenHttps(server, address, port, closers);
        // Upgraded WebSocket sockets are no longer the HTTP server's connections (closeAllConnections misses them), so
        // the server's close would wait for every MqttWs device: end them first (closers run in reverse).
        closers.push(async () => webSocket.close());
        return bound;
      }, this.options.httpsPort ?? DEFAULT_LOCALHUB_HTTPS_PORT, 'HTTPS');
      const mqttPort = await listenTwice(async (address, port) => {
        const listener = await listenMqttTls({ frontEnd, host: address, port, cert: tls.cert, key: tls.key, requestCert: true });
        closers.push(() => listener.close());
        return listener.port;
      }, this.options.mqttPort ?? DEFAULT_LOCALHUB_MQTT_PORT, 'MQTT');
      const amqpPort = await listenEventHubs(eventHubs, this.options.amqpPort ?? envPort(process.env.GATEHOUSE_LOCALHUB_AMQP_PORT) ?? DEFAULT_LOCALHUB_AMQP_PORT, log);
      if (this.options.edgeDeviceId) await ensureEdgeDevice(registry, this.options.edgeDeviceId, log);
      if (this.disposed) return void (await closeAll(closers));
      const endpoint = { host, httpsPort, mqttPort, ...(amqpPort !== undefined ? { amqpPort } : {}), caFile: ca.value.caFile };
      this.running = { registry, deployments, frontEnd, ca: ca.value, endpoint, ...(amqpPort !== undefined ? { eventHubsName } : {}), closers };
      this.set({ state: 'running', endpoint, since: new Date().toISOString() });
      log(`gatehouse: local hub on https://${host}:${httpsPort} and mqtts://${host}:${mqttPort}${amqpPort !== undefined ? ` (Event Hubs-compatible: amqps://${host}:${amqpPort})` : ''}`);
    } catch (cause) {
      await this.fail(String((cause as Error).message ?? cause), closers);
    }
  }

  private async fail(reason: string, closers: (() => Promise<void>)[]): Promise<void> {
    await closeAll(closers);
    this.set({ state: 'failed', reason });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const running = this.running;
    this.running = undefined;
    if (running) await closeAll(running.closers);
    this.changed.dispose();
  }
}

/**
 * The Event Hubs-compatible endpoint is an addition: a port that is taken or refused leaves the hub running without
 * it (logged; info() then has no eventHubsConnectionString), unlike the HTTPS and MQTT ports.
 */
async function listenEventHubs(server: EventHubsServer, port: number, log: (line: string) => void): Promise<number | undefined> {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    log('gatehouse: GATEHOUSE_LOCALHUB_AMQP_PORT is not a port number (0–65535); the Event Hubs-compatible endpoint is off');
    return undefined;
  }
  try {
    return await listenTwice((address, p) => server.listen(address, p), port, 'AMQP');
  } catch (cause) {
    log(`gatehouse: the local hub's Event Hubs-compatible endpoint is off: ${(cause as Error).message}`);
    return undefined;
  }
}

function envPort(value: string | undefined): number | undefined {
  return value === undefined || value.trim() === '' ? undefined : Number(value);
}

const LOOPBACK = ['127.0.0.1', '::1'];

/** 127.0.0.1 and then ::1 on the same port (::1 is optional); a taken port names the setting that moves it. */
function listenTwice(bind: (address: string, port: number) => Promise<number>, port: number, what: string): Promise<number> {
  return bindAll(LOOPBACK, port, what, `GATEHOUSE_LOCALHUB_${what === 'MQTT' || what === 'AMQP' ? what : 'HTTPS'}_PORT`, bind);
}

/** The local gateway as an edge device of its own hub (created once; an existing identity is left as it is). */
async function ensureEdgeDevice(registry: LocalHubRegistry, deviceId: string, log: (line: string) => void): Promise<void> {
  if (registry.getDevice(deviceId).ok) return;
  const created = await registry.putDevice(deviceId, { deviceId, status: 'enabled', capabilities: { iotEdge: true } }, undefined);
  if (!created.ok) log(`gatehouse: the local hub could not register the gateway ${deviceId}: ${created.error.message}`);
}
