import type { IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Connection, Container, EventContext, Message, Receiver, Sender } from 'rhea';
import type { WebSocket, WebSocketServer } from 'ws';
import type { SharedAccessPolicy } from './hub-model';
import { checkEventHubsToken, claimCovers, type EventHubsAudience } from './eventhubs-auth';
import { parseStartSelector, type EventHubsLog, type StoredEvent } from './eventhubs-log';
import { checkServicePutToken, isC2dAddress, isServiceReceiverAddress, parseC2dMessage, refusalFor, type AmqpRefusal, type ServiceLinkOptions } from './c2d-service-link';

/**
 * The local hub's Event Hubs-compatible endpoint: AMQP 1.0 over TLS (the port in its connection string) and AMQP over
 * WebSockets on the HTTPS port (`/$servicebus/websocket`, subprotocol `AMQPWSB10`, as Azure serves it on 443), with
 * as much of the Event Hubs protocol as `@azure/event-hubs`' EventHubConsumerClient uses:
 * - SASL ANONYMOUS (the client names the policy as its user and authenticates with CBS);
 * - `$cbs` put-token of a SAS token for an audience; a bad key, unknown policy or expired token is status 401
 *   with a description (the client surfaces UnauthorizedError);
 * - `$management` READ of `com.microsoft:eventhub` (name, created_at, partition_ids) and `com.microsoft:partition`
 *   (begin/last sequence numbers, last offset and enqueued time, is_partition_empty), with the `security_token` checked;
 * - receiver links on `<entity>/ConsumerGroups/<cg>/Partitions/<id>` covered by a claim, starting where the selector
 *   filter says (offset, sequence number, enqueued time, `@latest`), served as link credit allows.
 * Not implemented: sending to the entity (devices send telemetry), epochs/owner level, runtime metrics, AAD tokens.
 *
 * With `service`, the same endpoint is also IoT Hub's service AMQP endpoint for cloud-to-device messages
 * (./c2d-service-link): `$cbs` takes IoT Hub service tokens too (answered 200, as IoT Hub does), a sender link to
 * `/messages/devicebound` needs one, and each message is accepted once the registry has queued it, or rejected with
 * the condition the SDK turns into its error (DeviceNotFoundError, DeviceMaximumQueueDepthExceededError, …). The
 * service's feedback and file-notification links attach (with the token) and stay silent: no feedback is made.
 */

const SELECTOR_FILTER = 'apache.org:selector-filter:string';
const WEBSOCKET_PATH = '/$servicebus/websocket';

export interface EventHubsServerOptions {
  /** The entity path (the hub name). */
  readonly entityPath: string;
  readonly log: EventHubsLog;
  readonly policies: () => readonly SharedAccessPolicy[];
  readonly hostNames: readonly string[];
  readonly cert: string;
  readonly key: string;
  readonly logLine?: (line: string) => void;
  readonly clock?: () => Date;
  /** IoT Hub's service link for cloud-to-device messages; absent = Event Hubs only. */
  readonly service?: ServiceLinkOptions;
}

interface ConnectionState {
  /** Verified claims: audience path (lowercase compare) → expiry (epoch seconds). */
  readonly claims: Map<string, number>;
  /** Server senders by the client receiver's target address (the `reply_to` of requests). */
  readonly replyLinks: Map<string, Sender>;
  /** The `$cbs` reply link: IoT Hub's SDKs send `reply_to: cbs`, which names no link; answers go here. */
  cbsReply?: Sender;
  /** Expiry (epoch seconds) of the IoT Hub service token put on `$cbs`, if one was. */
  serviceUntil?: number;
  /** Cloud-to-device messages of this connection are queued one after the other, in the order they came. */
  c2dChain: Promise<void>;
}

/** rhea's module object (CommonJS: its container instance, with `types`, `message` and `create_container`). */
type Rhea = typeof import('rhea');

interface PartitionReader {
  readonly sender: Sender;
  readonly partitionId: string;
  next: number;
}

export class EventHubsServer {
  private readonly container: Container;
  private readonly connections = new Map<Connection, ConnectionState>();
  private readonly readers = new Set<PartitionReader>();
  private readonly servers: TlsServer[] = [];
  private readonly sockets = new Set<Duplex>();
  private readonly webSockets = new Set<WebSocket>();
  private readonly wss: WebSocketServer;
  private readonly ports: number[] = [];
  private readonly appended: { dispose(): void };

  /**
   * rhea and ws are imported here, not when the CLI loads this module (most commands never start a local hub);
   * rejects with what failed to load.
   */
  static async create(options: EventHubsServerOptions): Promise<EventHubsServer> {
    const [rhea, ws] = await Promise.all([import('rhea'), import('ws')]).catch((error: unknown) => {
      throw new Error(`the Event Hubs-compatible endpoint's libraries (rhea, ws) did not load: ${(error as Error).message}`);
    });
    // rhea is CommonJS whose export is an object: Node and esbuild put it on `default`.
    return new EventHubsServer(options, ((rhea as { default?: Rhea }).default ?? rhea) as Rhea, ws.WebSocketServer);
  }

  private constructor(
    private readonly options: EventHubsServerOptions,
    private readonly rhea: Rhea,
    Server: typeof WebSocketServer,
  ) {
    this.wss = new Server({ noServer: true, handleProtocols: (protocols) => (protocols.has('AMQPWSB10') ? 'AMQPWSB10' : false) });
    // Deliveries are settled here, not by rhea on arrival: a cloud-to-device message is accepted or rejected only
    // once the registry answered (every other message is accepted at once, as rhea's default did).
    this.container = rhea.create_container({ id: `gatehouse-localhub-${options.entityPath}`, autoaccept: false });
    this.container.on('connection_open', (context: EventContext) => this.connections.set(context.connection, { claims: new Map(), replyLinks: new Map(), c2dChain: Promise.resolve() }));
    this.container.on('receiver_open', (context: EventContext) => this.onClientSender(context));
    this.container.on('sender_open', (context: EventContext) => this.onClientReceiver(context));
    this.container.on('message', (context: EventContext) => this.onMessage(context));
    this.container.on('sendable', (context: EventContext) => this.pumpSender(context.sender));
    this.container.on('sender_close', (context: EventContext) => this.forgetSender(context.sender));
    this.container.on('disconnected', (context: EventContext) => this.forgetConnection(context.connection));
    this.container.on('connection_close', (context: EventContext) => this.forgetConnection(context.connection));
    this.container.on('error', (context: EventContext) => this.options.logLine?.(`gatehouse: local hub AMQP error: ${String((context as { error?: Error }).error?.message ?? 'unknown')}`));
    this.appended = options.log.onAppend((event) => this.pumpPartition(event.partitionId));
  }

  /** Binds AMQP over TLS on `address:port` (0 = any free); resolves with the bound port. */
  listen(address: string, port: number): Promise<number> {
    const server = createTlsServer({ cert: this.options.cert, key: this.options.key });
    server.on('secureConnection', (socket: TLSSocket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      (this.container.create_connection({}) as Connection & { accept(socket: Duplex): void }).accept(socket);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        this.servers.push(server);
        const bound = (server.address() as { port: number }).port;
        if (!this.ports.includes(bound)) this.ports.push(bound);
        resolve(bound);
      });
    });
  }

  /** Takes `/$servicebus/websocket` upgrades of an HTTPS server (AMQP over WebSockets); other paths are left alone. */
  attachWebSocket(server: HttpsServer): { close(): void } {
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (pathOf(request.url) !== WEBSOCKET_PATH) return;
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.webSockets.add(ws);
        ws.on('close', () => this.webSockets.delete(ws));
        ws.on('error', () => undefined);
        this.container.websocket_accept(ws as never, {} as never);
      });
    };
    server.on('upgrade', onUpgrade);
    return { close: () => void server.off('upgrade', onUpgrade) };
  }

  /** Audience check inputs: our host names and the ports bound so far. */
  private audience(): EventHubsAudience {
    return { hostNames: this.options.hostNames, ports: this.ports };
  }

  private now(): number {
    return Math.floor((this.options.clock?.() ?? new Date()).getTime() / 1000);
  }

  private entityMatches(name: string): boolean {
    return name.toLowerCase() === this.options.entityPath.toLowerCase();
  }

  /** A client sender attaching: requests to `$cbs` or `$management`, or cloud-to-device messages; sending events is not offered. */
  private onClientSender(context: EventContext): void {
    const receiver = context.receiver as Receiver;
    const address = targetAddress(receiver);
    if (address === '$cbs' || isManagement(address, this.options.entityPath)) {
      receiver.set_target({ address });
      return;
    }
    if (this.options.service && isC2dAddress(address)) {
      const state = this.connections.get(context.connection);
      if (state && this.serviceAuthorized(state)) return void receiver.set_target({ address });
      receiver.set_target(undefined as never);
      receiver.close({ condition: 'amqp:unauthorized-access', description: `Unauthorized access: no valid IoT Hub service token (ServiceConnect) was put on $cbs for '${address}'` });
      return;
    }
    receiver.set_target(undefined as never);
    receiver.close({ condition: 'amqp:not-implemented', description: `the local hub's Event Hubs-compatible endpoint only serves receivers: devices send telemetry over MQTT (link to "${address}")` });
  }

  /** A client receiver attaching: the reply link of `$cbs`/`$management`, or a partition reader. */
  private onClientReceiver(context: EventContext): void {
    const sender = context.sender as Sender;
    const state = this.connections.get(context.connection);
    const source = remoteAttach(sender)?.source as { address?: string; filter?: Record<string, unknown> } | undefined;
    const address = source?.address ?? '';
    if (address === '$cbs' || isManagement(address, this.options.entityPath)) {
      sender.set_source({ address });
      // Requests name the reply link in reply_to: by its target address ($management) or by its link name ($cbs,
      // whose reply link has no target address).
      const replyTo = targetAddress(sender);
      if (state && replyTo) state.replyLinks.set(replyTo, sender);
      if (state && sender.name) state.replyLinks.set(sender.name, sender);
      if (state && address === '$cbs') state.cbsReply = sender;
      return;
    }
    const refuse = (condition: string, description: string) => {
      sender.set_source(undefined as never);
      sender.close({ condition, description });
    };
    if (this.options.service && isServiceReceiverAddress(address)) {
      if (!state || !this.serviceAuthorized(state)) return refuse('amqp:unauthorized-access', `Unauthorized access: no valid IoT Hub service token (ServiceConnect) was put on $cbs for '${address}'`);
      // Attached and never sent on: the local hub makes no delivery feedback or file notifications. A refusal after
      // the attach would tear the SDK's whole connection down (its links report errors to the connection), and
      // apps commonly open the feedback receiver next to their sends.
      sender.set_source({ address });
      this.options.logLine?.(`gatehouse: local hub: a service client listens on ${address}; the local hub sends no ${/feedback/i.test(address) ? 'delivery feedback' : 'file upload notifications'} there`);
      return;
    }
    const match = /^\/?([^/]+)\/ConsumerGroups\/([^/]+)\/Partitions\/([^/]+)$/i.exec(address);
    if (!match || !this.entityMatches(match[1]!)) return refuse('amqp:not-found', `The messaging entity '${address}' could not be found (the local hub's entity is '${this.options.entityPath}', e.g. ${this.options.entityPath}/ConsumerGroups/$Default/Partitions/0).`);
    const partitionId = match[3]!;
    if (!this.options.log.hasPartition(partitionId)) return refuse('amqp:not-found', `partition '${partitionId}' does not exist: the partitions are ${this.options.log.partitionIds.join(', ')}`);
    if (!state || !this.authorized(state, address)) return refuse('amqp:unauthorized-access', `Unauthorized access: no valid token was put on $cbs for '${address}'`);
    const filterValue = filterText(source?.filter?.[SELECTOR_FILTER]);
    const position = filterValue === undefined ? { kind: 'latest' as const } : parseStartSelector(filterValue);
    if (!position) return refuse('amqp:invalid-field', `the start position filter '${filterValue}' is not understood (offset, sequence number or enqueued time)`);
    sender.set_source({ address, ...(source?.filter ? { filter: source.filter } : {}) } as never);
    const reader: PartitionReader = { sender, partitionId, next: this.options.log.firstSequence(partitionId, position) };
    this.readers.add(reader);
    setImmediate(() => this.pumpReader(reader));
  }

  private serviceAuthorized(state: ConnectionState): boolean {
    return state.serviceUntil !== undefined && state.serviceUntil >= this.now();
  }

  private authorized(state: ConnectionState, address: string): boolean {
    const now = this.now();
    for (const [path, expiry] of state.claims) if (expiry >= now && claimCovers(path, address)) return true;
    return false;
  }

  private onMessage(context: EventContext): void {
    const receiver = context.receiver as Receiver;
    const message = context.message as Message;
    const state = this.connections.get(context.connection);
    const address = targetAddress(receiver);
    if (state && this.options.service && isC2dAddress(address)) return this.onCloudToDevice(context, state);
    context.delivery?.accept();
    if (!state) return;
    const reply = (properties: Record<string, unknown>, body?: unknown) => {
      const named = message.reply_to ? state.replyLinks.get(message.reply_to) : undefined;
      const link = named ?? (address === '$cbs' ? state.cbsReply : undefined);
      link?.send({ correlation_id: message.message_id, to: message.reply_to, application_properties: properties, ...(body !== undefined ? { body } : {}) } as Message);
    };
    const props = (message.application_properties ?? {}) as Record<string, unknown>;
    if (address === '$cbs') {
      if (props.operation !== 'put-token') return reply({ 'status-code': 400, 'status-description': `unsupported $cbs operation '${String(props.operation)}'` });
      const token = typeof message.body === 'string' ? message.body : Buffer.isBuffer(message.body) ? message.body.toString('utf8') : '';
      const checked = checkEventHubsToken(token, this.audience(), this.options.policies(), this.now());
      const service = this.options.service;
      if (!checked.ok && checked.reason === 'resource' && service) {
        // Not an Event Hubs audience: an IoT Hub service token (sr = the hub's host name), as azure-iothub puts it.
        const serviceToken = checkServicePutToken(token, service.hostName, this.options.policies(), this.now());
        if (serviceToken.ok) {
          state.serviceUntil = serviceToken.expiry;
          return reply({ 'status-code': 200, 'status-description': 'OK' });
        }
        if (serviceToken.reason !== 'resource') return reply({ 'status-code': 401, 'status-description': `Unauthorized: ${serviceToken.description}` });
      }
      if (!checked.ok) return reply({ 'status-code': 401, 'status-description': `Unauthorized: ${checked.description}` });
      state.claims.set(checked.path, checked.expiry);
      return reply({ 'status-code': 202, 'status-description': 'Accepted' });
    }
    if (isManagement(address, this.options.entityPath)) return this.onManagement(props, reply);
  }

  /**
   * A cloud-to-device message: queued by the registry (durable) and then accepted, or rejected with the condition
   * the SDK translates. One connection's messages are queued in the order they came.
   */
  private onCloudToDevice(context: EventContext, state: ConnectionState): void {
    const delivery = context.delivery;
    const service = this.options.service;
    if (!delivery || !service) return;
    const reject = (refusal: AmqpRefusal) => delivery.reject({ condition: refusal.condition, description: refusal.description });
    if (!this.serviceAuthorized(state)) return reject({ condition: 'amqp:unauthorized-access', description: 'Unauthorized access: the IoT Hub service token put on $cbs has expired; put a new one' });
    const parsed = parseC2dMessage(context.message as Message);
    if (!parsed.ok) return reject(parsed.refusal);
    state.c2dChain = state.c2dChain.then(async () => {
      const queued = await service.sink.sendCloudToDevice(parsed.deviceId, parsed.message, parsed.expiresAtMs !== undefined ? { expiresAtMs: parsed.expiresAtMs } : {});
      if (queued.ok) delivery.accept();
      else reject(refusalFor(queued.error));
    }).catch((error: unknown) => reject({ condition: 'amqp:internal-error', description: `the message could not be queued: ${String(error)}` }));
  }

  private onManagement(props: Record<string, unknown>, reply: (properties: Record<string, unknown>, body?: unknown) => void): void {
    const token = typeof props.security_token === 'string' ? props.security_token : '';
    const checked = checkEventHubsToken(token, this.audience(), this.options.policies(), this.now());
    if (!checked.ok) return reply({ 'status-code': 401, 'status-description': `Unauthorized: ${checked.description}` });
    if (props.operation !== 'READ') return reply({ 'status-code': 400, 'status-description': `unsupported $management operation '${String(props.operation)}'` });
    if (typeof props.name !== 'string' || !this.entityMatches(props.name)) return reply({ 'status-code': 404, 'status-description': `The messaging entity '${String(props.name)}' could not be found.`, 'error-condition': 'amqp:not-found' });
    const log = this.options.log;
    if (props.type === 'com.microsoft:eventhub') {
      return reply({ 'status-code': 200, 'status-description': 'OK' }, { name: this.options.entityPath, type: 'com.microsoft:eventhub', created_at: log.createdAt, partition_count: log.partitionCount, partition_ids: log.partitionIds });
    }
    if (props.type === 'com.microsoft:partition') {
      const info = log.info(String(props.partition));
      if (!info) return reply({ 'status-code': 404, 'status-description': `partition '${String(props.partition)}' does not exist`, 'error-condition': 'com.microsoft:argument-out-of-range' });
      return reply(
        { 'status-code': 200, 'status-description': 'OK' },
        {
          name: this.options.entityPath,
          type: 'com.microsoft:partition',
          partition: info.partitionId,
          begin_sequence_number: this.rhea.types.wrap_long(info.beginSequenceNumber),
          last_enqueued_sequence_number: this.rhea.types.wrap_long(info.lastSequenceNumber),
          last_enqueued_offset: info.lastOffset,
          last_enqueued_time_utc: info.lastEnqueuedTime,
          is_partition_empty: info.isEmpty,
        },
      );
    }
    return reply({ 'status-code': 400, 'status-description': `unsupported READ type '${String(props.type)}'` });
  }

  private pumpPartition(partitionId: string): void {
    for (const reader of this.readers) if (reader.partitionId === partitionId) this.pumpReader(reader);
  }

  private pumpSender(sender: Sender | undefined): void {
    for (const reader of this.readers) if (reader.sender === sender) this.pumpReader(reader);
  }

  private pumpReader(reader: PartitionReader): void {
    if (!this.readers.has(reader)) return;
    while (reader.sender.sendable()) {
      const [event] = this.options.log.read(reader.partitionId, reader.next, 1);
      if (!event) return;
      reader.next = event.sequenceNumber + 1;
      reader.sender.send(toAmqpMessage(this.rhea, event));
    }
  }

  private forgetSender(sender: Sender | undefined): void {
    for (const reader of this.readers) if (reader.sender === sender) this.readers.delete(reader);
  }

  private forgetConnection(connection: Connection | undefined): void {
    if (!connection) return;
    this.connections.delete(connection);
    for (const reader of this.readers) if (reader.sender.connection === connection) this.readers.delete(reader);
  }

  async close(): Promise<void> {
    this.appended.dispose();
    this.readers.clear();
    for (const ws of this.webSockets) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    await Promise.all(this.servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** A stored event as IoT Hub's Event Hubs-compatible endpoint delivers it (HUB-CONTRACTS.md §8). */
export function toAmqpMessage(rhea: Rhea, event: StoredEvent): Message {
  const system = event.message.systemProperties;
  const annotations: Record<string, unknown> = {
    'iothub-connection-device-id': event.from.deviceId,
    ...(event.from.moduleId ? { 'iothub-connection-module-id': event.from.moduleId } : {}),
    'iothub-enqueuedtime': event.enqueuedTime,
    'iothub-message-source': 'Telemetry',
    ...(system.on ? { 'iothub-outputname': system.on } : {}),
    'x-opt-sequence-number': rhea.types.wrap_long(event.sequenceNumber),
    'x-opt-offset': String(event.offset),
    'x-opt-enqueued-time': event.enqueuedTime,
  };
  return {
    ...(system.mid !== undefined ? { message_id: system.mid } : {}),
    ...(system.cid !== undefined ? { correlation_id: system.cid } : {}),
    ...(system.ct !== undefined ? { content_type: system.ct } : {}),
    ...(system.ce !== undefined ? { content_encoding: system.ce } : {}),
    ...(system.uid !== undefined ? { user_id: Buffer.from(system.uid, 'utf8') } : {}),
    message_annotations: annotations,
    application_properties: { ...event.message.properties },
    body: rhea.message.data_section(Buffer.from(event.message.body)),
  } as Message;
}

function targetAddress(link: Sender | Receiver): string {
  const target = remoteAttach(link)?.target as { address?: string } | undefined;
  return target?.address ?? '';
}

/** The peer's attach frame (rhea keeps it on `remote.attach`; its typings do not declare it). */
function remoteAttach(link: Sender | Receiver): { source?: unknown; target?: unknown } | undefined {
  return (link as unknown as { remote?: { attach?: { source?: unknown; target?: unknown } } }).remote?.attach;
}

function isManagement(address: string, entityPath: string): boolean {
  return address === '$management' || address.toLowerCase() === `${entityPath.toLowerCase()}/$management`;
}

/** The selector filter's text: a described value (descriptor 0x0000468C00000004) or a plain string. */
function filterText(filter: unknown): string | undefined {
  if (typeof filter === 'string') return filter;
  const value = (filter as { value?: unknown } | undefined)?.value;
  if (typeof value === 'string') return value;
  const inner = (value as { value?: unknown } | undefined)?.value;
  return typeof inner === 'string' ? inner : undefined;
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
