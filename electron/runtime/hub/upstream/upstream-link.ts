import { connect as connectTcp } from 'node:net';
import type deviceSdk from 'azure-iot-device';
import { assertNever, type Result } from '../../../../shared/errors';
import type { Disposable } from '../../drivers/disposable';
import { Emitter, type Event } from '../../drivers/event';
import type { IdentityProvider, ModuleIdentity } from '../../workload/identity-provider';
import type { EndpointSender, QueuedMessage, SendOutcome, UpstreamState } from '../hub-model';
import { MAX_UPSTREAM_MESSAGE_BYTES, toUpstreamMessage, upstreamSize } from './upstream-message';
import { errorKind, loadDeviceSdk, loadMqttTransport, redact, type SdkClient } from './upstream-sdk';
import { relayModuleMethods, type ModuleMethodInvoker } from './method-relay';
import { reportedPatch, withoutTwinMetadata } from './cloud-desired';

type Client = deviceSdk.Client;
type ModuleClient = deviceSdk.ModuleClient;

/**
 * The `$upstream` endpoint: forwards queued messages to IoT Hub (a real one or the embedded local hub) with
 * azure-iot-device over MQTT, each AS ITS SOURCE IDENTITY — a module's message on a ModuleClient of that module
 * (keys from the IdentityProvider), the edge device's own on its device Client — so the hub stamps
 * connectionDeviceId / connectionModuleId as IoT Hub does for modules behind edgeHub.
 *
 * The device client's connection is the link's health; its state machine (the SDK's retry policy is off, so every
 * reconnect is ours):
 *
 *   off --start--> connecting --open ok--> connected --disconnect--> offline --retryAt--> connecting
 *                      '--open failed--> offline (lastError, retryAt: exponential backoff)
 *   any --dispose--> off
 *
 * Module clients are opened lazily on their first message, reused, closed when idle for `idleCloseMs`, when their
 * connection drops (the next message reopens), or when the identity disappears. Nothing of a key or token is logged.
 *
 * Sends may overlap (the pump keeps a window in flight): each waits its turn until the one before it has handed its
 * message to the SDK, so messages are published in the order `send` was called and only the PUBACK waits overlap.
 */

export interface UpstreamModuleKeys {
  readonly moduleId: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
}

export interface UpstreamLinkOptions {
  /** IoT Hub's host name (`<hub>.azure-devices.net`, or `localhost` for the local hub): the SAS audience. */
  readonly hubHostName: string;
  /** The MQTT port when not 8883 (the local hub's default is 9883): dialled through `GatewayHostName=host:port`. */
  readonly port?: number;
  /** PEM of a CA to trust besides the system's (the local hub's root). */
  readonly ca?: string;
  /** The edge device and its modules, with their keys. */
  readonly identities: IdentityProvider;
  /**
   * The key the edge device connects with, when the hub's record of the device is not the identity store's (e.g. the
   * device connection string a real IoT Hub gave). Default: the IdentityProvider's device primary key.
   */
  readonly deviceKey?: () => Promise<string>;
  /** Makes these module identities exist in the hub with these keys (the host: azure-iothub's Registry). */
  readonly ensureIdentities: (modules: readonly UpstreamModuleKeys[]) => Promise<Result<void>>;
  readonly log?: (line: string) => void;
  /** Reconnect backoff: the first wait and the cap (ms). Defaults 1 s and 60 s. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** A module client unused this long is closed (default 10 minutes). */
  readonly idleCloseMs?: number;
  /**
   * Direct methods the cloud sends to a module go here (the edge hub relays them to the module's connection). When
   * set, every module with an identity keeps its upstream connection open while the link is connected (not closed
   * when idle), so that the cloud can reach it.
   */
  readonly methods?: ModuleMethodInvoker;
  /**
   * A module twin's reported properties as the edge hub keeps them (the truth for reported): mirrored to the cloud's
   * twin of the module when its connection opens (what changed while offline) and on `syncModuleReported`.
   */
  readonly moduleReported?: (moduleId: string) => Promise<Record<string, unknown> | undefined>;
  /**
   * A module twin's desired properties in the cloud, whole, when its connection opens and after each desired patch
   * the cloud sends it (with a method relay, module connections stay open, so the edge hub can follow them).
   */
  readonly moduleDesired?: (moduleId: string, desired: Record<string, unknown>) => void;
  /** A send without PUBACK after this long counts as failed, to be retried (default 60 s). */
  readonly sendTimeoutMs?: number;
  readonly now?: () => number;
  /** Sends messages of downstream (leaf) devices as those devices; without it they are dead-lettered. */
  readonly leaves?: { send(queued: QueuedMessage, published: () => void): Promise<SendOutcome> };
}

/** An open client: the device's (no moduleId) or a module's. */
interface Session {
  readonly client: SdkClient;
  readonly moduleId?: string;
  readonly primaryKey: string;
  lastUsedMs: number;
}

/** A module client, or why there is none (`refused`: the hub refused its keys). */
type Opened = Session | Exclude<Attempt, { kind: 'sent' }>;

export class UpstreamLink implements EndpointSender, Disposable {
  private current: UpstreamState = { state: 'off', reason: 'not started' };
  private readonly changed = new Emitter<UpstreamState>();
  private readonly reconnected = new Emitter<void>();
  readonly onDidChange: Event<UpstreamState> = this.changed.event;
  private device: Client | undefined;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly modules = new Map<string, Promise<Opened>>();
  /** Module clients whose twin's desired patches are followed (moduleDesired). */
  private readonly followed = new WeakSet<SdkClient>();
  /** Modules whose identity the hub refused even after ensureIdentities: no new attempt before this time. */
  private readonly moduleRetryAt = new Map<string, number>();
  /** Module keys (by primary key) already made sure of in the hub during this link's life. */
  private readonly ensured = new Map<string, string>();
  private disposed = false;
  /** Settles once the latest `send` has handed its message to the SDK (or given up): the next send's turn. */
  private publishTurn: Promise<void> = Promise.resolve();
  /** Ends the turn of the send whose turn it is (called right after its publish starts). */
  private endTurn: (() => void) | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: UpstreamLinkOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  get state(): UpstreamState {
    return this.current;
  }

  /** Fires each time the device connection is (re)established: kick the `$upstream` pump. */
  onReconnected(listener: () => void): Disposable {
    return this.reconnected.event(listener);
  }

  /** Opens the device connection now (the link's health) and starts the idle sweep. */
  start(): void {
    if (this.disposed || this.current.state !== 'off') return;
    const idle = this.options.idleCloseMs ?? 10 * 60_000;
    this.sweepTimer = setInterval(() => void this.sweep(idle), Math.max(1_000, Math.floor(idle / 2)));
    this.sweepTimer.unref();
    void this.connect();
  }

  async send(queued: QueuedMessage): Promise<SendOutcome> {
    const previous = this.publishTurn;
    let endTurn!: () => void;
    this.publishTurn = new Promise<void>((resolve) => (endTurn = resolve));
    await previous;
    this.endTurn = endTurn;
    try {
      return await this.sendInTurn(queued);
    } finally {
      endTurn();
    }
  }

  private async sendInTurn(queued: QueuedMessage): Promise<SendOutcome> {
    const state = this.current;
    if (state.state !== 'connected') {
      const why = state.state === 'offline' ? `upstream offline: ${state.lastError}` : state.state === 'off' ? `upstream off: ${state.reason}` : 'upstream connecting';
      return { ok: false, retry: true, reason: why };
    }
    const size = upstreamSize(queued.message);
    if (size > MAX_UPSTREAM_MESSAGE_BYTES) {
      return { ok: false, retry: false, reason: `message of ${size} bytes (body and properties) exceeds IoT Hub's ${MAX_UPSTREAM_MESSAGE_BYTES}` };
    }
    const { deviceId, moduleId } = queued.source;
    if (deviceId !== this.options.identities.deviceId) {
      // A downstream (leaf) device's message goes on a connection as that device (../leaf-upstream.ts).
      const leaves = this.options.leaves;
      if (leaves) {
        const published = this.endTurn ?? (() => undefined);
        this.endTurn = undefined;
        return leaves.send(queued, published);
      }
      return { ok: false, retry: false, reason: `messages of downstream device ${deviceId} cannot be sent upstream as that device (no keys for it)` };
    }
    if (moduleId === undefined) return this.sendAsDevice(queued);
    return this.sendAsModule(moduleId, queued);
  }

  /** Closes the clients of modules whose identity no longer exists (call after the deployment's identities change). */
  async syncIdentities(): Promise<void> {
    const present = new Set((await this.options.identities.listModules()).map((m) => m.moduleId));
    for (const moduleId of [...this.modules.keys()]) if (!present.has(moduleId)) await this.closeModule(moduleId);
    for (const moduleId of [...this.ensured.keys()]) if (!present.has(moduleId)) this.ensured.delete(moduleId);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.sweepTimer);
    const device = this.device;
    this.device = undefined;
    await Promise.all([...this.modules.keys()].map((id) => this.closeModule(id)));
    if (device) await closeQuietly(device);
    this.set({ state: 'off', reason: 'stopped' });
    this.changed.dispose();
    this.reconnected.dispose();
  }

  // The device connection ----------------------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (this.disposed) return;
    this.set({ state: 'connecting', hubHost: this.options.hubHostName });
    let client: Client | undefined;
    try {
      const deviceId = this.options.identities.deviceId;
      const key = this.options.deviceKey ? await this.options.deviceKey() : (await this.options.identities.getDevice()).primaryKey;
      // While the hub's port does not even take a TCP connection (an outage), no SDK client is built for the attempt:
      // the SDK is not loaded or spun up every retry, and the reason reads as the socket's (the SDK's own reads
      // UnauthorizedError for a refused port).
      const unreachable = await tcpUnreachable(this.options.hubHostName, this.options.port ?? 8883, PROBE_TIMEOUT_MS);
      if (this.disposed) return;
      if (unreachable !== undefined) return this.offline(`cannot connect to ${this.hubAddress()}: ${unreachable}`);
      client = loadDeviceSdk().Client.fromConnectionString(this.connectionString(deviceId, undefined, key), loadMqttTransport());
      const opened = client;
      prepare(opened, () => this.deviceDropped(opened));
      if (this.options.ca) await opened.setOptions({ ca: this.options.ca });
      await opened.open();
      if (this.disposed) return void (await closeQuietly(opened));
      this.device = opened;
      this.attempts = 0;
      this.set({ state: 'connected', hubHost: this.options.hubHostName, since: new Date(this.now()).toISOString() });
      this.log(`upstream: connected to ${this.hubAddress()} as ${deviceId}`);
      this.reconnected.fire();
      void this.openForMethods();
    } catch (cause) {
      if (client) await closeQuietly(client);
      this.offline(`cannot connect to ${this.hubAddress()}: ${redact(cause)}`);
    }
  }

  private deviceDropped(client: Client): void {
    if (client !== this.device || this.disposed) return;
    this.device = undefined;
    void closeQuietly(client);
    this.offline(`the connection to ${this.hubAddress()} dropped`);
  }

  private offline(lastError: string): void {
    if (this.disposed) return;
    const initial = this.options.backoff?.initialMs ?? 1_000;
    const max = this.options.backoff?.maxMs ?? 60_000;
    const waitMs = Math.min(max, initial * 2 ** Math.min(this.attempts, 20));
    this.attempts += 1;
    this.set({ state: 'offline', hubHost: this.options.hubHostName, lastError, retryAt: new Date(this.now() + waitMs).toISOString() });
    this.log(`upstream: offline (${lastError}); retrying in ${waitMs} ms`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), waitMs);
  }

  private set(state: UpstreamState): void {
    this.current = state;
    this.changed.fire(state);
  }

  // Module clients ------------------------------------------------------------------------------------------------

  private async sendAsModule(moduleId: string, queued: QueuedMessage): Promise<SendOutcome> {
    const identity = await this.options.identities.getModule(moduleId);
    if (!identity) {
      await this.closeModule(moduleId);
      return { ok: false, retry: false, reason: `module ${moduleId} no longer has an identity on this device` };
    }
    const blockedUntil = this.moduleRetryAt.get(moduleId) ?? 0;
    if (blockedUntil > this.now()) return { ok: false, retry: true, reason: `the hub refused module ${moduleId}; next attempt at ${new Date(blockedUntil).toISOString()}` };
    // Unauthorized or not found: the hub does not know these keys. Make sure of the identity once more, then back off.
    for (const last of [false, true]) {
      const session = await this.moduleSession(identity);
      const attempt = 'client' in session ? await this.attempt(session, queued, `module ${moduleId}`) : session;
      if (attempt.kind !== 'refused') {
        if (attempt.kind === 'sent') this.moduleRetryAt.delete(moduleId);
        return outcomeOf(attempt);
      }
      await this.closeModule(moduleId);
      this.ensured.delete(moduleId);
      if (!last) continue;
      const waitMs = this.options.backoff?.maxMs ?? 60_000;
      this.moduleRetryAt.set(moduleId, this.now() + waitMs);
      this.log(`upstream: the hub refuses module ${moduleId} even after its identity was ensured (${attempt.reason}); next attempt in ${waitMs} ms`);
    }
    return { ok: false, retry: true, reason: `the hub refuses module ${moduleId}` };
  }

  /** The open client of a module (reused while its keys are the same), or why there is none. */
  private moduleSession(identity: ModuleIdentity): Promise<Opened> {
    const existing = this.modules.get(identity.moduleId);
    if (existing) {
      return existing.then(async (session) => {
        if ('client' in session && session.primaryKey === identity.primaryKey) return session;
        await this.closeModule(identity.moduleId);
        return this.moduleSession(identity);
      });
    }
    const opening = this.openModule(identity);
    this.modules.set(identity.moduleId, opening);
    void opening.then((session) => {
      if (!('client' in session) && this.modules.get(identity.moduleId) === opening) this.modules.delete(identity.moduleId);
    });
    return opening;
  }

  private async openModule(identity: ModuleIdentity): Promise<Opened> {
    const { moduleId, primaryKey, secondaryKey } = identity;
    if (this.ensured.get(moduleId) !== primaryKey) {
      const ensured = await this.options.ensureIdentities([{ moduleId, primaryKey, secondaryKey }]);
      if (!ensured.ok) return { kind: 'failed', reason: `cannot register module ${moduleId} in the hub: ${redact(ensured.error.message)}` };
      this.ensured.set(moduleId, primaryKey);
    }
    const client = loadDeviceSdk().ModuleClient.fromConnectionString(this.connectionString(identity.deviceId, moduleId, primaryKey), loadMqttTransport());
    prepare(client, () => void this.closeModule(moduleId, client).then(() => this.reopenForMethods()));
    try {
      if (this.options.ca) await client.setOptions({ ca: this.options.ca });
      await client.open();
    } catch (cause) {
      await closeQuietly(client);
      const kind = errorKind(cause);
      return { kind: kind === 'refused' ? 'refused' : 'failed', reason: `cannot connect module ${moduleId}: ${redact(cause)}` };
    }
    if (this.disposed) {
      await closeQuietly(client);
      return { kind: 'failed', reason: 'upstream off: stopped' };
    }
    if (this.options.methods && !relayModuleMethods(client, moduleId, this.options.methods, this.log)) {
      this.log(`upstream: direct methods from the cloud cannot reach module ${moduleId} (azure-iot-device's MQTT transport is not as expected)`);
    }
    return { client, moduleId, primaryKey, lastUsedMs: this.now() };
  }

  /** Closes a module's client (only `client`, when given: a late event of an old client leaves a new one alone). */
  private async closeModule(moduleId: string, client?: SdkClient): Promise<void> {
    const entry = this.modules.get(moduleId);
    if (!entry) return;
    const session = await entry;
    if (client && (!('client' in session) || session.client !== client)) return;
    if (this.modules.get(moduleId) === entry) this.modules.delete(moduleId);
    if ('client' in session) await closeQuietly(session.client);
  }

  /**
   * A module twin's desired properties as the hub holds them, read on the module's own connection (opened when
   * needed); undefined when the module has no identity here or the hub cannot be reached as it.
   */
  async moduleTwinDesired(moduleId: string): Promise<Record<string, unknown> | undefined> {
    if (this.current.state !== 'connected') return undefined;
    const identity = await this.options.identities.getModule(moduleId);
    if (!identity) return undefined;
    const session = await this.moduleSession(identity);
    if (!('client' in session)) return undefined;
    try {
      const twin = await (session.client as ModuleClient).getTwin();
      return withoutTwinMetadata(twin.properties.desired);
    } catch (cause) {
      this.log(`upstream: the twin of module ${moduleId} cannot be read: ${redact(cause)}`);
      return undefined;
    }
  }

  /**
   * Makes the cloud's twin of a module report what the edge hub's twin of it reports (one patch: changed keys, null
   * for keys gone). False when it could not be done now (offline, no identity): the next connection catches up.
   */
  async syncModuleReported(moduleId: string): Promise<boolean> {
    const local = await this.options.moduleReported?.(moduleId);
    if (!local || this.current.state !== 'connected') return false;
    const identity = await this.options.identities.getModule(moduleId);
    if (!identity) return false;
    const session = await this.moduleSession(identity);
    if (!('client' in session)) return false;
    try {
      const twin = await (session.client as ModuleClient).getTwin();
      const patch = reportedPatch(twin.properties.reported, withoutTwinMetadata(local));
      if (patch) await new Promise<void>((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
      return true;
    } catch (cause) {
      this.log(`upstream: the reported properties of module ${moduleId} were not sent: ${redact(cause)}`);
      return false;
    }
  }

  /** Tells `moduleDesired` the module twin's desired properties now and after each patch from the cloud. */
  private async followModuleDesired(moduleId: string, client: ModuleClient): Promise<void> {
    const follow = this.options.moduleDesired;
    if (!follow || this.followed.has(client)) return;
    this.followed.add(client);
    try {
      const twin = await client.getTwin();
      twin.on('properties.desired', () => follow(moduleId, withoutTwinMetadata(twin.properties.desired)));
    } catch (cause) {
      this.followed.delete(client);
      this.log(`upstream: the desired properties of module ${moduleId} cannot be followed: ${redact(cause)}`);
    }
  }

  /** With a method relay: every module with an identity has its connection open while the device's is. */
  private async openForMethods(): Promise<void> {
    if (!this.options.methods || this.disposed || !this.device) return;
    for (const identity of await this.options.identities.listModules()) {
      if (this.modules.has(identity.moduleId) || (this.moduleRetryAt.get(identity.moduleId) ?? 0) > this.now()) continue;
      void this.moduleSession(identity).then((session) => {
        if (!('client' in session)) return this.log(`upstream: module ${identity.moduleId} cannot take direct methods from the cloud yet: ${session.reason}`);
        void this.syncModuleReported(identity.moduleId);
        void this.followModuleDesired(identity.moduleId, session.client as ModuleClient);
      });
    }
  }

  /** A module connection that dropped is opened again (after the first backoff) while methods are relayed. */
  private reopenForMethods(): void {
    if (!this.options.methods || this.disposed) return;
    const timer = setTimeout(() => void this.openForMethods(), this.options.backoff?.initialMs ?? 1_000);
    timer.unref();
  }

  private async sweep(idleMs: number): Promise<void> {
    await this.openForMethods().catch(() => undefined);
    // Module connections stay open for the cloud's direct methods when they are relayed.
    const cutoff = this.options.methods ? -Infinity : this.now() - idleMs;
    for (const [moduleId, entry] of [...this.modules]) {
      const session = await entry;
      if ('client' in session && session.lastUsedMs < cutoff) {
        this.log(`upstream: closing the idle client of module ${moduleId}`);
        await this.closeModule(moduleId, session.client);
      }
    }
    await this.syncIdentities().catch(() => undefined);
  }

  // Sending -------------------------------------------------------------------------------------------------------

  private async sendAsDevice(queued: QueuedMessage): Promise<SendOutcome> {
    const device = this.device;
    if (!device) return { ok: false, retry: true, reason: 'upstream connecting' };
    const attempt = await this.attempt({ client: device, primaryKey: '', lastUsedMs: 0 }, queued, 'the edge device');
    if (attempt.kind === 'failed' || attempt.kind === 'timeout') this.deviceDropped(device);
    return outcomeOf(attempt);
  }

  private async attempt(session: Session, queued: QueuedMessage, who: string): Promise<Attempt> {
    const { client } = session;
    session.lastUsedMs = this.now();
    const { message, outputName } = toUpstreamMessage(queued.message);
    const sending = outputName !== undefined && client instanceof loadDeviceSdk().ModuleClient ? client.sendOutputEvent(outputName, message) : client.sendEvent(message);
    sending.catch(() => undefined);
    // Published (the SDK writes in call order): the next send may start its own.
    this.endTurn?.();
    this.endTurn = undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.options.sendTimeoutMs ?? 60_000;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const result = await Promise.race([sending.then(() => 'sent' as const), timeout]);
      if (result === 'sent') return { kind: 'sent' };
      if (session.moduleId !== undefined) void this.closeModule(session.moduleId, client);
      return { kind: 'timeout', reason: `no acknowledgement of ${who}'s message within ${timeoutMs} ms` };
    } catch (cause) {
      const kind = errorKind(cause);
      if (kind !== 'tooLarge' && session.moduleId !== undefined) void this.closeModule(session.moduleId, client);
      return { kind, reason: `sending as ${who}: ${redact(cause)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  private connectionString(deviceId: string, moduleId: string | undefined, key: string): string {
    const { hubHostName, port } = this.options;
    const gateway = port !== undefined && port !== 8883 ? `;GatewayHostName=${hubHostName}:${port}` : '';
    return `HostName=${hubHostName};DeviceId=${deviceId}${moduleId !== undefined ? `;ModuleId=${moduleId}` : ''};SharedAccessKey=${key}${gateway}`;
  }

  private hubAddress(): string {
    const { hubHostName, port } = this.options;
    return port !== undefined && port !== 8883 ? `${hubHostName}:${port}` : hubHostName;
  }
}

/** What became of one try: the hub refused the identity (unauthorized / not found), the message, or it failed. */
type Attempt =
  | { readonly kind: 'sent' }
  | { readonly kind: 'refused' | 'tooLarge' | 'failed' | 'timeout'; readonly reason: string };

function outcomeOf(attempt: Attempt): SendOutcome {
  switch (attempt.kind) {
    case 'sent':
      return { ok: true };
    case 'tooLarge':
      return { ok: false, retry: false, reason: `the hub refuses the message as too large (${attempt.reason})` };
    case 'refused':
    case 'failed':
    case 'timeout':
      return { ok: false, retry: true, reason: attempt.reason };
    default:
      return assertNever(attempt, 'attempt');
  }
}

/** How long the TCP check before each connection attempt waits for the hub's port. */
const PROBE_TIMEOUT_MS = 10_000;

/** Why a TCP connection to host:port cannot be made (the socket's error), or undefined once one opened (then closed). */
function tcpUnreachable(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const done = (reason: string | undefined) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer from port ${port} within ${timeoutMs} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ? `${error.code} (${error.message})` : error.message));
  });
}

/** The SDK's retries off (state and backoff are the link's); its `disconnect` reported; its `error` never unhandled. */
function prepare(client: SdkClient, onDisconnect: () => void): void {
  client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
  client.on('disconnect', onDisconnect);
  client.on('error', () => undefined);
}

async function closeQuietly(client: SdkClient): Promise<void> {
  client.removeAllListeners('disconnect');
  await client.close().catch(() => undefined);
}
