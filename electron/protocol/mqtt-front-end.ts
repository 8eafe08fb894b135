import { X509Certificate } from 'node:crypto';
import { Duplex } from 'node:stream';
import type { DetailedPeerCertificate } from 'node:tls';
import type { Aedes, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import type { Result } from '../../shared/errors';
import { authenticateConnect, parsePemCertificates, peerCertificateChain } from './authenticate';
import type { BackendError, DeviceBackend, DeviceGateway, HubMessage, IdentityRef, MethodFailure, MethodResponse } from './device-backend';
import { MqttFrameMeter } from './mqtt-frame-meter';
import { encodePropertyBag } from './property-bag';
import {
  c2dTopic,
  desiredPatchTopic,
  identityKey,
  inputTopic,
  mayPublish,
  methodRequestTopic,
  parsePublishTopic,
  subscriptionFeature,
  twinResponseTopic,
  type PublishTopic,
  type SubscriptionFeature,
} from './topics';

/**
 * IoT Hub's device-facing MQTT (HUB-CONTRACTS.md §6) on an aedes broker, for any hub that supplies a DeviceBackend.
 * Nothing here is a general-purpose broker: clients authenticate as one identity, publish only as themselves,
 * subscribe only to their own filters, and everything the hub sends goes to ONE client (the `$iothub/...` topics are
 * the same for every device, so broker-wide routing would leak method calls and twin replies).
 *
 * Decisions:
 * - Telemetry and module outputs are handed to `backend.acceptTelemetry` and awaited BEFORE the PUBACK. A refusal
 *   closes that connection without a PUBACK, as IoT Hub does on MQTT 3.1.1 (there is no negative PUBACK): the SDK
 *   reconnects and retries, which is right for UNAVAILABLE/THROTTLED and ends in the SDK's 240 s give-up otherwise.
 * - An oversized packet (payload over `maxMessageBytes`, or a packet announcing more than that plus topic room) and any
 *   unknown, malformed or foreign publish close only that connection, with a log line.
 * - Twin failures answer `res/<status>` with a JSON body carrying a truthy `errorCode` (§4.2): the SDK ignores the
 *   status and only fails on the body.
 */

export interface IotHubMqttFrontEndOptions {
  readonly backend: DeviceBackend;
  /** Host names the hub answers to (connection-string `HostName`s); compared case-insensitively. */
  readonly hostNames: readonly string[];
  /** PEM device CA certificates trusted for `certificateAuthority` identities. */
  readonly trustedDeviceCaPems?: readonly string[];
  /** Largest accepted message body; default 256 KiB (IoT Hub's limit). */
  readonly maxMessageBytes?: number;
  /** One line per notable event (refusals, protocol errors); never contains a token or key. */
  readonly log?: (line: string) => void;
}

export interface HandleOptions {
  /** `socket.getPeerCertificate(true)` of the TLS connection the stream runs on; read from the stream when it is a TLS socket. */
  readonly peerCertificate?: DetailedPeerCertificate;
}

/** One live, authenticated MQTT connection. */
interface Connection {
  readonly client: Client;
  readonly identity: IdentityRef;
  readonly key: string;
  /** Closes the connection when its SAS token expires. */
  readonly expiry?: NodeJS.Timeout;
}

/** Longest delay a Node timer takes (about 24.8 days); a token valid for longer is not timed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface PendingMethod {
  readonly key: string;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (result: Result<MethodResponse, MethodFailure>) => void;
}

const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
/** How long a delivered QoS 1 message waits for the client's PUBACK before it counts as not delivered (sent again). */
const ACK_TIMEOUT_MS = 60_000;
/** Room for the topic (and its property bag) and the packet header on top of the message body. */
const TOPIC_ALLOWANCE = 64 * 1024 + 16;

const TWIN_ERRORS: Record<BackendError['code'], { status: number; errorCode: number }> = {
  BAD_REQUEST: { status: 400, errorCode: 400004 },
  UNAUTHORIZED: { status: 401, errorCode: 401002 },
  NOT_FOUND: { status: 404, errorCode: 404001 },
  TOO_LARGE: { status: 413, errorCode: 413001 },
  THROTTLED: { status: 429, errorCode: 429001 },
  INTERNAL: { status: 500, errorCode: 500001 },
  UNAVAILABLE: { status: 503, errorCode: 503001 },
};

export class IotHubMqttFrontEnd implements DeviceGateway {
  /** Set once aedes is loaded (`ready`): it is imported on first use, not when the CLI loads this module. */
  private broker: Aedes | undefined;
  private readonly ready: Promise<void>;
  private readonly backend: DeviceBackend;
  private hostNames: readonly string[];
  private trustedDeviceCas: readonly X509Certificate[];
  private readonly maxMessageBytes: number;
  private readonly log: (line: string) => void;
  /** Certificate chains by the stream aedes reads, set in `handle` before CONNECT can arrive. */
  private readonly chains = new WeakMap<object, X509Certificate[]>();
  /** Authenticated identities of clients whose CONNECT is being completed. */
  private readonly authenticated = new WeakMap<Client, IdentityRef>();
  /** When the token a client authenticated with expires (epoch ms), until its connection is registered. */
  private readonly tokenExpiry = new WeakMap<Client, number>();
  private readonly connections = new Map<Client, Connection>();
  private readonly pendingMethods = new Map<string, PendingMethod>();
  /** QoS 1 deliveries waiting for the client's PUBACK, by the payload buffer sent. */
  private readonly awaitingAck = new Map<Buffer, { readonly client: Client; readonly resolve: (acked: boolean) => void; readonly timer: NodeJS.Timeout }>();
  private nextRid = 1;
  private closed = false;

  constructor(options: IotHubMqttFrontEndOptions) {
    this.backend = options.backend;
    this.hostNames = [...options.hostNames];
    this.trustedDeviceCas = parsePemCertificates(options.trustedDeviceCaPems ?? []);
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.log = options.log ?? (() => undefined);
    this.ready = this.startBroker();
    // Also said when no connection ever comes (each waiting connection says it again).
    this.ready.catch((error: unknown) => this.log(`mqtt: broker failed to start: ${(error as Error).message}`));
  }

  /** More names the hub answers to from now on (e.g. `host:port` once a port chosen at start is known). */
  addHostNames(names: readonly string[]): void {
    this.hostNames = [...new Set([...this.hostNames, ...names])];
  }

  /** The device CAs trusted for `certificateAuthority` identities from now on (the edge hub: its upstream hub's). */
  setTrustedDeviceCas(pems: readonly string[]): void {
    this.trustedDeviceCas = parsePemCertificates(pems);
  }

  /** aedes costs ~100 ms to load: every CLI command would pay for it, so it is imported when a front end is made. */
  private async startBroker(): Promise<void> {
    const { Aedes } = await import('aedes').catch((error: unknown) => {
      throw new Error(`the MQTT broker library (aedes) did not load: ${(error as Error).message}`);
    });
    const broker = new Aedes({
      // `<d>/<m>` with 128-character ids (aedes defaults to 23).
      maxClientsIdLength: 300,
      authenticate: (client, username, password, done) => void this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => void this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => this.authorizeSubscribe(client, subscription, done),
      authorizeForward: (client, packet) => (isHubToDevice(packet.topic) ? packet : null),
    });
    broker.on('client', (client) => this.opened(client));
    broker.on('clientDisconnect', (client) => this.closedConnection(client));
    broker.on('clientReady', (client) => this.sessionReady(client));
    // After the SUBACK: the backend may now deliver what waits (cloud-to-device messages queued while offline).
    broker.on('subscribe', (subscriptions, client) => {
      const identity = client ? this.connections.get(client)?.identity : undefined;
      if (!identity || !this.backend.subscribed) return;
      const features = new Set(subscriptions.map((subscription) => subscriptionFeature(identity, subscription.topic)).filter((f): f is SubscriptionFeature => f !== undefined));
      for (const feature of features) this.backend.subscribed(identity, feature);
    });
    broker.on('ack', (packet) => {
      const payload = (packet as { payload?: unknown } | undefined)?.payload;
      if (Buffer.isBuffer(payload)) this.settleAck(payload, true);
    });
    broker.on('clientError', (client, error) => this.log(`mqtt ${client.id}: connection closed: ${error.message}`));
    broker.on('connectionError', (_client, error) => this.log(`mqtt: connection closed before CONNECT completed: ${error.message}`));
    this.broker = broker;
    await broker.listen();
  }

  /** Serves one client connection: a TLS socket, or a WebSocket stream (with the TLS peer certificate passed in). */
  handle(stream: Duplex, options: HandleOptions = {}): void {
    if (this.closed) {
      stream.destroy();
      return;
    }
    const peer = options.peerCertificate ?? tlsPeerCertificate(stream);
    let chain: X509Certificate[] = [];
    try {
      chain = peerCertificateChain(peer);
    } catch (error) {
      this.log(`mqtt: unreadable client certificate: ${(error as Error).message}`);
    }
    const limit = this.maxMessageBytes + TOPIC_ALLOWANCE;
    const metered = meteredStream(stream, limit, (announced) => this.log(`mqtt: refused a packet of ${announced < 0 ? 'malformed' : announced} bytes (limit ${limit}); connection closed`));
    this.chains.set(metered, chain);
    void this.ready.then(
      () => (this.closed || !this.broker ? metered.destroy() : this.broker.handle(metered)),
      (error: unknown) => {
        this.log(`mqtt: broker failed to start: ${(error as Error).message}`);
        metered.destroy();
      },
    );
  }

  async invokeMethod(target: IdentityRef, methodName: string, payload: unknown, timeoutMs: number): Promise<Result<MethodResponse, MethodFailure>> {
    const connection = this.newest(target, 'methods');
    if (!connection) return { ok: false, error: { code: 'NOT_CONNECTED', message: `${identityKey(target)} is not connected or not subscribed to methods` } };
    const rid = (this.nextRid++).toString(16);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingMethods.delete(rid);
        resolve({ ok: false, error: { code: 'TIMEOUT', message: `${identityKey(target)} did not answer ${methodName} within ${timeoutMs} ms` } });
      }, timeoutMs);
      this.pendingMethods.set(rid, { key: connection.key, timer, resolve });
      void this.send(connection, methodRequestTopic(methodName, rid), JSON.stringify(payload ?? null), 0);
    });
  }

  pushDesired(target: IdentityRef, patch: Record<string, unknown>): void {
    const version = typeof patch.$version === 'number' ? patch.$version : undefined;
    for (const connection of this.connectionsOf(target, 'desired')) void this.send(connection, desiredPatchTopic(version), JSON.stringify(patch), 0);
  }

  /**
   * QoS 1 to the newest subscribed connection; for a persistent session (the SDK's) true once the client PUBACKed it,
   * false when it closed or did not answer in time; for a clean session true once written.
   */
  async deliver(target: IdentityRef, message: HubMessage, input?: string): Promise<boolean> {
    const feature: SubscriptionFeature = input === undefined ? 'c2d' : 'inputs';
    if ((input === undefined) !== (target.moduleId === undefined)) return false;
    const connection = this.newest(target, feature);
    if (!connection) return false;
    const bag = encodePropertyBag(message.systemProperties, message.properties);
    const topic = input === undefined || target.moduleId === undefined ? c2dTopic(target.deviceId, bag) : inputTopic(target.deviceId, target.moduleId, input, bag);
    const payload = Buffer.from(message.body);
    // A clean session's packets are not kept by aedes, so its PUBACK cannot be matched: written is all we can know.
    if ((connection.client as Client & { clean?: boolean }).clean) return this.send(connection, topic, payload, 1);
    // QoS 1 to a persistent session (the SDK's clean=false): delivered means the client's PUBACK came back, not that the
    // bytes were written (a module that dies before acknowledging must get the message again).
    const acked = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.settleAck(payload, false), ACK_TIMEOUT_MS);
      timer.unref?.();
      this.awaitingAck.set(payload, { client: connection.client, resolve, timer });
    });
    if (!(await this.send(connection, topic, payload, 1))) {
      this.settleAck(payload, false);
      return false;
    }
    return acked;
  }

  /** Ends the wait for one delivered message's PUBACK (the payload buffer is the key: aedes hands back the packet it sent). */
  private settleAck(payload: Buffer, acked: boolean): void {
    const waiting = this.awaitingAck.get(payload);
    if (!waiting) return;
    this.awaitingAck.delete(payload);
    clearTimeout(waiting.timer);
    waiting.resolve(acked);
  }

  disconnect(target: IdentityRef): void {
    for (const connection of this.connectionsOf(target)) connection.client.close();
  }

  isConnected(target: IdentityRef): boolean {
    return this.connectionsOf(target).length > 0;
  }

  /** Closes every connection and the broker; pending method calls end NOT_CONNECTED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const payload of [...this.awaitingAck.keys()]) this.settleAck(payload, false);
    for (const [rid, pending] of this.pendingMethods) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, error: { code: 'NOT_CONNECTED', message: 'the hub is closing' } });
      this.pendingMethods.delete(rid);
    }
    await this.ready.catch(() => undefined);
    const broker = this.broker;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  // aedes hooks ------------------------------------------------------------------------------------------------

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void): Promise<void> {
    try {
      const result = await authenticateConnect(
        { backend: this.backend, hostNames: this.hostNames, trustedDeviceCas: this.trustedDeviceCas },
        { clientId: client.id, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }), certificateChain: this.chains.get(client.conn) ?? [] },
      );
      if (!result.ok) {
        this.log(`mqtt ${client.id}: CONNECT refused (${result.error.returnCode}): ${result.error.reason}`);
        done(Object.assign(new Error(result.error.reason), { returnCode: result.error.returnCode }) as AuthenticateError, false);
        return;
      }
      this.authenticated.set(client, { deviceId: result.value.identity.deviceId, ...(result.value.identity.moduleId === undefined ? {} : { moduleId: result.value.identity.moduleId }) });
      if (result.value.expiresAtMs !== undefined) this.tokenExpiry.set(client, result.value.expiresAtMs);
      done(null, true);
    } catch (error) {
      this.log(`mqtt ${client.id}: CONNECT failed: ${(error as Error).message}`);
      done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, false);
    }
  }

  private async authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): Promise<void> {
    const connection = client ? this.connections.get(client) : undefined;
    if (!connection) return done(new Error('publish from an unauthenticated client or a will'));
    const refuse = (reason: string) => {
      this.log(`mqtt ${connection.key}: publish refused, connection closed: ${reason}`);
      done(new Error(reason));
    };
    // IoT Hub has no QoS 2 (it closes the connection) and keeps no retained messages.
    if (packet.qos === 2) return refuse('QoS 2 is not supported');
    packet.retain = false;
    const body = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (body.length > this.maxMessageBytes) return refuse(`message of ${body.length} bytes exceeds ${this.maxMessageBytes}`);
    const topic = parsePublishTopic(packet.topic);
    if (!mayPublish(connection.identity, topic)) return refuse(topic.kind === 'unknown' ? `topic not accepted: ${topic.reason}` : 'it may publish only as itself');
    try {
      await this.dispatch(connection, topic, body, packet.qos, refuse, done);
    } catch (error) {
      refuse(`internal error: ${(error as Error).message}`);
    }
  }

  private async dispatch(connection: Connection, topic: PublishTopic, body: Buffer, qos: 0 | 1, refuse: (reason: string) => void, done: (error?: Error | null) => void): Promise<void> {
    switch (topic.kind) {
      case 'telemetry':
      case 'output': {
        const accepted = await this.backend.acceptTelemetry(connection.identity, { body: new Uint8Array(body), systemProperties: topic.systemProperties, properties: topic.properties }, { qos });
        return accepted.ok ? done(null) : refuse(`telemetry refused by the hub (${accepted.error.code}): ${accepted.error.message}`);
      }
      case 'twinGet': {
        done(null);
        const twin = await this.backend.getTwin(connection.identity);
        if (twin.ok) void this.send(connection, twinResponseTopic(200, topic.rid), JSON.stringify({ desired: twin.value.desired, reported: twin.value.reported }), 0);
        else this.twinError(connection, topic.rid, twin.error);
        return;
      }
      case 'reportedPatch': {
        done(null);
        const patch = parseJsonObject(body);
        if (!patch) return this.twinError(connection, topic.rid, { code: 'BAD_REQUEST', message: 'the reported patch is not a JSON object' });
        const patched = await this.backend.patchReported(connection.identity, patch);
        if (patched.ok) void this.send(connection, twinResponseTopic(204, topic.rid, patched.value.version), '', 0);
        else this.twinError(connection, topic.rid, patched.error);
        return;
      }
      case 'methodResponse': {
        done(null);
        const pending = this.pendingMethods.get(topic.rid);
        if (!pending || pending.key !== connection.key) {
          this.log(`mqtt ${connection.key}: method response for unknown request ${topic.rid.slice(0, 40)} ignored`);
          return;
        }
        this.pendingMethods.delete(topic.rid);
        clearTimeout(pending.timer);
        pending.resolve({ ok: true, value: { status: topic.status, payload: parseJson(body) } });
        return;
      }
      case 'unknown':
        return refuse(topic.reason);
    }
  }

  private authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    // A persistent session's subscriptions are restored during CONNECT, before the connection is registered: the
    // authenticated identity decides then (the SDK relies on this after a SAS renewal: it does not subscribe again).
    const identity = this.connections.get(client)?.identity ?? this.authenticated.get(client);
    if (!identity || subscriptionFeature(identity, subscription.topic) === undefined) {
      this.log(`mqtt ${client.id}: subscription to ${subscription.topic.slice(0, 200)} refused`);
      done(null, null);
      return;
    }
    done(null, subscription);
  }

  // connections ------------------------------------------------------------------------------------------------

  private opened(client: Client): void {
    const identity = this.authenticated.get(client);
    if (!identity) return;
    const key = identityKey(identity);
    const first = this.connectionsOf(identity).length === 0;
    const expiresAtMs = this.tokenExpiry.get(client);
    const delayMs = expiresAtMs === undefined ? undefined : Math.max(0, expiresAtMs - Date.now());
    // IoT Hub closes a connection when its SAS token expires; the SDKs renew before (reconnecting with a new token).
    const expiry =
      delayMs !== undefined && delayMs <= MAX_TIMER_MS
        ? setTimeout(() => {
            if (client.closed) return;
            this.log(`mqtt ${client.id}: its SAS token expired; connection closed, as IoT Hub closes it`);
            client.close();
          }, delayMs)
        : undefined;
    expiry?.unref();
    this.connections.set(client, { client, identity, key, ...(expiry ? { expiry } : {}) });
    if (first) this.backend.connectionChanged(identity, true);
  }

  /**
   * A persistent session (the SDK's clean=false) gets its subscriptions back without a SUBSCRIBE: told once aedes has
   * finished the CONNECT, queue flush included (`clientReady`). Told earlier, a delivery enqueued before that flush
   * is written twice.
   */
  private sessionReady(client: Client): void {
    const identity = this.connections.get(client)?.identity;
    if (!identity || !this.backend.subscribed) return;
    const features = new Set(Object.keys(subscriptionsOf(client)).map((filter) => subscriptionFeature(identity, filter)).filter((f): f is SubscriptionFeature => f !== undefined));
    for (const feature of features) this.backend.subscribed(identity, feature);
  }

  private closedConnection(client: Client): void {
    for (const [payload, waiting] of this.awaitingAck) if (waiting.client === client) this.settleAck(payload, false);
    const connection = this.connections.get(client);
    if (!connection) return;
    clearTimeout(connection.expiry);
    this.connections.delete(client);
    if (this.connectionsOf(connection.identity).length === 0) this.backend.connectionChanged(connection.identity, false);
  }

  private connectionsOf(target: IdentityRef, feature?: SubscriptionFeature): Connection[] {
    const key = identityKey(target);
    return [...this.connections.values()].filter(
      (c) => c.key === key && !c.client.closed && (feature === undefined || Object.keys(subscriptionsOf(c.client)).some((filter) => subscriptionFeature(c.identity, filter) === feature)),
    );
  }

  private newest(target: IdentityRef, feature: SubscriptionFeature): Connection | undefined {
    return this.connectionsOf(target, feature).at(-1);
  }

  private send(connection: Connection, topic: string, payload: string | Buffer, qos: 0 | 1): Promise<boolean> {
    return new Promise((resolve) => {
      connection.client.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos, dup: false, retain: false }, (error) => {
        if (error) this.log(`mqtt ${connection.key}: publish to ${topic.split('?')[0] ?? topic} failed: ${error.message}`);
        resolve(!error);
      });
    });
  }

  private twinError(connection: Connection, rid: string, error: BackendError): void {
    const mapped = TWIN_ERRORS[error.code];
    void this.send(connection, twinResponseTopic(mapped.status, rid), JSON.stringify({ errorCode: mapped.errorCode, message: error.message }), 0);
  }
}

/** Only what the hub sends may reach a client (the broker never routes one device's publish to another). */
function isHubToDevice(topic: string): boolean {
  return (
    topic.startsWith('$iothub/twin/res/') ||
    topic.startsWith('$iothub/twin/PATCH/properties/desired/') ||
    topic.startsWith('$iothub/methods/POST/') ||
    /^devices\/[^/]+\/messages\/devicebound\//.test(topic) ||
    /^devices\/[^/]+\/modules\/[^/]+\/inputs\//.test(topic)
  );
}

/** The filters aedes holds for a client, including those restored from a `clean=false` session (not in aedes' types). */
function subscriptionsOf(client: Client): Record<string, unknown> {
  return (client as Client & { subscriptions?: Record<string, unknown> }).subscriptions ?? {};
}

function tlsPeerCertificate(stream: Duplex): DetailedPeerCertificate | undefined {
  const socket = stream as Duplex & { getPeerCertificate?: (detailed: true) => DetailedPeerCertificate };
  return typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(true) : undefined;
}

/**
 * A duplex over `source` that refuses (destroys) the connection when a packet announces more than `limit` bytes.
 * Packets aedes writes while an earlier write is still under way (a burst of deliveries, a batch of PUBACKs) reach
 * `source` together, corked: one TLS record and one syscall for the lot instead of one per packet (TCP_NODELAY is on).
 */
export function meteredStream(source: Duplex, limit: number, onRefused: (announced: number) => void): Duplex {
  const meter = new MqttFrameMeter(limit);
  const metered = new Duplex({
    read: () => void source.resume(),
    write: (chunk: Buffer, _encoding, callback) => void source.write(chunk, callback),
    writev: (chunks, callback) => {
      source.cork();
      chunks.forEach(({ chunk }, index) => source.write(chunk as Buffer, index === chunks.length - 1 ? callback : undefined));
      source.uncork();
    },
    final: (callback) => {
      source.end();
      callback();
    },
    destroy: (error, callback) => {
      source.destroy();
      callback(error);
    },
  });
  source.on('data', (chunk: Buffer) => {
    const over = meter.feed(chunk);
    if (over !== undefined) {
      onRefused(over);
      metered.destroy();
      return;
    }
    if (!metered.push(chunk)) source.pause();
  });
  source.on('end', () => metered.push(null));
  source.on('error', (error) => metered.destroy(error));
  source.on('close', () => metered.destroy());
  return metered;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return null;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return body.toString('utf8');
  }
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  const value = parseJson(body);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export { attachMqttWebSocket, listenMqttTls, type MqttTlsListener, type MqttTlsListenOptions, type MqttWebSocketAttachment } from './mqtt-listeners';
