import type deviceSdk from 'azure-iot-device';
import { fail, type Result } from '../../../shared/errors';
import { createSasToken, sasResource } from '../../protocol/sas-token';
import type { DeviceGateway, HubMessage, IdentityRef } from '../../protocol/device-backend';
import type { QueuedMessage, SendOutcome } from './hub-model';
import type { HubTwins } from './hub-twins';
import type { LeafIdentities, LeafIdentity } from './leaf-identities';
import { withoutTwinMetadata } from './upstream/cloud-desired';
import { relayModuleMethods } from './upstream/method-relay';
import { MAX_UPSTREAM_MESSAGE_BYTES, toUpstreamMessage, upstreamSize } from './upstream/upstream-message';
import { errorKind, loadDeviceSdk, loadMqttTransport, redact } from './upstream/upstream-sdk';

// The SDK is required when a leaf first needs it (./upstream/upstream-sdk.ts: an idle hub does not load it).
type Client = deviceSdk.Client;
type Twin = deviceSdk.Twin;
type ModuleClient = deviceSdk.ModuleClient;

/**
 * The upstream side of downstream (leaf) devices, as edgeHub keeps one cloud connection per client identity: each
 * leaf gets its own azure-iot-device Client to the upstream hub, AS THE LEAF, so the hub stamps connectionDeviceId =
 * the leaf on its telemetry and sees it connected. A leaf with keys connects with them (from the leaf identity
 * cache); an X.509 leaf, whose private key never leaves it, connects ON BEHALF OF: with a token of this edge
 * device's `$edgeHub` identity (audience `<hub>/devices/<edge>/modules/$edgeHub`, signed with `$edgeHub`'s key), as
 * edgeHub does (the C# SDK's ClientAuthenticationForEdgeHubOnBehalfOf); the hub accepts it for devices in the edge
 * device's scope. Such tokens last an hour and are renewed at 45 minutes on the open client.
 *
 * - Telemetry routed to `$upstream` from a leaf is sent on the leaf's client (UpstreamLink hands it here).
 * - While a leaf is connected to the edge hub its upstream client stays open: direct methods the cloud sends the leaf
 *   are relayed to its connection here (404 when it is not subscribed, 504 when it does not answer), and desired
 *   patches are kept in the edge hub's twin of the leaf and pushed to it. When it disconnects, its client closes (the
 *   cloud sees it disconnected).
 * - Cloud-to-device messages: every leaf client listens for them (taken from its transport from before it connects,
 *   so nothing the hub delivers on a restored session is missed) and hands each to `cloudToDevice`, which keeps it durably for the leaf (the edge
 *   hub's store, endpoint `c2d/<leaf>`) until the leaf takes it. Over MQTT the hub completes a message once this
 *   client has it; a leaf that is away keeps its messages in the cloud (no client is open for it).
 * - Twins: a leaf's twin GET is answered from the upstream hub when reachable (and kept); reported patches are kept
 *   here durably first and sent upstream after (at once, or when the leaf's client opens again), as edgeHub's
 *   reported-properties store does. Offline, the kept twin answers.
 * Nothing of a key or token is logged.
 */

export interface LeafUpstreamOptions {
  readonly hubHostName: string;
  /** The MQTT port when not 8883: dialled through `GatewayHostName=host:port`. */
  readonly port?: number;
  readonly ca?: string;
  readonly leaves: LeafIdentities;
  readonly twins: HubTwins;
  /** The edge hub's front end (leaf connections), once it runs. */
  readonly gateway: () => DeviceGateway | undefined;
  /** Whether the leaf has a live connection to the edge hub. */
  readonly isConnected: (deviceId: string) => boolean;
  readonly log?: (line: string) => void;
  /** A send without PUBACK after this long counts as failed, to be retried (default 60 s). */
  readonly sendTimeoutMs?: number;
  /** How long a leaf has to answer a direct method from the cloud (default 25 s). */
  readonly methodTimeoutMs?: number;
  /** Wait before reopening a dropped client of a connected leaf (default 1 s). */
  readonly reopenMs?: number;
  /** A client opened only to send for a leaf not connected here closes after this long unused (default 60 s). */
  readonly idleCloseMs?: number;
  /** This edge device and its `$edgeHub` key (made sure of in the hub), for leaves without keys (X.509). */
  readonly onBehalfOf?: () => Promise<Result<{ readonly edgeDeviceId: string; readonly key: string }>>;
  /** Lifetime of an on-behalf-of token (default 1 hour; renewed at three quarters of it). */
  readonly tokenTtlMs?: number;
  /** Takes a cloud-to-device message for a leaf (the edge hub stores it for the leaf); without it none is asked for. */
  readonly cloudToDevice?: (deviceId: string, message: HubMessage) => void;
}

interface Session {
  readonly client: Client;
  /** What it authenticated with: the leaf's primary key, or `onBehalfOf` (then `renew` refreshes the token). */
  readonly primaryKey: string;
  renew?: NodeJS.Timeout;
  twin?: Twin;
  /** Methods relayed and desired followed (once the leaf is connected here). */
  followed?: boolean;
}

type Opened = Session | { readonly failed: string; readonly refused: boolean };

export class LeafUpstream {
  private readonly sessions = new Map<string, Promise<Opened>>();
  /** Per leaf: twin work (refresh, reported sync) in order. */
  private readonly twinWork = new Map<string, Promise<unknown>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  /** Per leaf, the ids of the cloud-to-device messages kept lately (oldest first), to keep each once. */
  private readonly recentC2d = new Map<string, Set<string>>();
  private disposed = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LeafUpstreamOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Sends one queued message of a leaf as the leaf; `published` (idempotent) is called once it is handed to the SDK or given up. */
  async send(queued: QueuedMessage, published: () => void): Promise<SendOutcome> {
    const deviceId = queued.source.deviceId;
    try {
      const size = upstreamSize(queued.message);
      if (size > MAX_UPSTREAM_MESSAGE_BYTES) return { ok: false, retry: false, reason: `message of ${size} bytes (body and properties) exceeds IoT Hub's ${MAX_UPSTREAM_MESSAGE_BYTES}` };
      // Never retried (it would hold up every later message of `$upstream`): the hub would not take it as that device.
      const identity = this.options.leaves.cached(deviceId);
      if (!identity) return { ok: false, retry: false, reason: `device ${deviceId} is no longer a child of this edge device (no identity to send as)` };
      if (identity.status !== 'enabled' || credentialOf(identity) === undefined) return { ok: false, retry: false, reason: `device ${deviceId} is disabled or has no credentials to send as` };
      const session = await this.session(deviceId);
      if (!('client' in session)) return { ok: false, retry: true, reason: session.failed };
      const { message } = toUpstreamMessage(queued.message);
      const sending = session.client.sendEvent(message);
      sending.catch(() => undefined);
      published();
      let timer: NodeJS.Timeout | undefined;
      const timeoutMs = this.options.sendTimeoutMs ?? 60_000;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      try {
        const result = await Promise.race([sending.then(() => 'sent' as const), timeout]);
        if (result === 'sent') return { ok: true };
        void this.close(deviceId, session.client);
        return { ok: false, retry: true, reason: `no acknowledgement of ${deviceId}'s message within ${timeoutMs} ms` };
      } catch (cause) {
        const kind = errorKind(cause);
        if (kind === 'tooLarge') return { ok: false, retry: false, reason: `the hub refuses the message as too large (${redact(cause)})` };
        void this.close(deviceId, session.client);
        return { ok: false, retry: true, reason: `sending as ${deviceId}: ${redact(cause)}` };
      } finally {
        clearTimeout(timer);
      }
    } finally {
      published();
      this.closeWhenIdle(deviceId);
    }
  }

  /** A client opened to send for a leaf that is not connected here is closed once unused (the cloud sees it go). */
  private closeWhenIdle(deviceId: string): void {
    if (this.options.isConnected(deviceId)) return;
    clearTimeout(this.idleTimers.get(deviceId));
    const timer = setTimeout(() => {
      this.idleTimers.delete(deviceId);
      if (!this.options.isConnected(deviceId)) void this.close(deviceId);
    }, this.options.idleCloseMs ?? 60_000);
    timer.unref();
    this.idleTimers.set(deviceId, timer);
  }

  /** A leaf connected to the edge hub: its upstream client opens (methods, desired patches, pending reported). */
  leafConnected(deviceId: string): void {
    if (this.disposed) return;
    void this.session(deviceId).then((session) => {
      if (!('client' in session)) return this.log(`upstream: leaf ${deviceId} cannot reach the upstream hub yet: ${session.failed}`);
      if (!session.followed && this.options.isConnected(deviceId)) this.follow(deviceId, session);
    });
  }

  /** A leaf's last connection to the edge hub closed: so does its upstream client. */
  leafDisconnected(deviceId: string): void {
    void this.close(deviceId);
  }

  /** The upstream link (re)connected: every connected leaf gets its client again. */
  reconnected(connected: readonly string[]): void {
    for (const deviceId of connected) if (!this.sessions.has(deviceId)) this.leafConnected(deviceId);
  }

  /** Drops the upstream client of a leaf whose identity changed or went away. */
  revoked(deviceIds: readonly string[]): void {
    for (const deviceId of deviceIds) void this.close(deviceId);
  }

  /**
   * Reads the leaf's twin from the upstream hub into the edge hub's twin of it (pending reported changes on top).
   * False when the hub cannot be reached as the leaf now (the kept twin answers).
   */
  refreshTwin(deviceId: string): Promise<boolean> {
    return this.inOrder(deviceId, async () => {
      const session = await this.session(deviceId);
      if (!('client' in session)) return false;
      try {
        const twin = await this.twinOf(session);
        await twin.get();
        await this.takeCloudTwin(deviceId, twin);
        return true;
      } catch (cause) {
        this.log(`upstream: the twin of leaf ${deviceId} cannot be read: ${redact(cause)}`);
        return false;
      }
    });
  }

  /** Sends the leaf's pending reported changes upstream (false: not now; they stay pending). */
  syncReported(deviceId: string): Promise<boolean> {
    return this.inOrder(deviceId, async () => {
      const ref = { deviceId };
      const pending = this.options.twins.pendingReported(ref);
      if (!pending) return true;
      const session = await this.session(deviceId);
      if (!('client' in session)) return false;
      try {
        const twin = await this.twinOf(session);
        await new Promise<void>((resolve, reject) => twin.properties.reported.update(pending, (error?: Error) => (error ? reject(error) : resolve())));
        await this.options.twins.settleReported(ref, pending);
        return true;
      } catch (cause) {
        this.log(`upstream: the reported properties of leaf ${deviceId} were not sent (kept for later): ${redact(cause)}`);
        return false;
      }
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  // Sessions ------------------------------------------------------------------------------------------------------

  private session(deviceId: string): Promise<Opened> {
    const identity = this.options.leaves.cached(deviceId);
    const credential = identity && identity.status === 'enabled' ? credentialOf(identity) : undefined;
    if (credential === undefined) return Promise.resolve({ failed: `device ${deviceId} has no usable identity here`, refused: true });
    const existing = this.sessions.get(deviceId);
    if (existing) {
      return existing.then(async (session) => {
        if ('client' in session && session.primaryKey === credential) return session;
        if (this.sessions.get(deviceId) === existing) this.sessions.delete(deviceId);
        if ('client' in session) await closeSession(session);
        return this.session(deviceId);
      });
    }
    const opening = this.open(deviceId, credential);
    this.sessions.set(deviceId, opening);
    void opening.then((session) => {
      if (!('client' in session) && this.sessions.get(deviceId) === opening) this.sessions.delete(deviceId);
    });
    return opening;
  }

  /**
   * Opens the leaf's client with its keys, or on behalf of for a leaf without keys. A leaf whose keys the hub refuses
   * (they changed in the hub and this cache has not caught up) goes on behalf of too, so its messages do not hold up
   * `$upstream` while they wait for a refresh.
   */
  private async open(deviceId: string, credential: string): Promise<Opened> {
    if (credential !== ON_BEHALF_OF) {
      const keyed = await this.connect(deviceId, credential, { key: credential });
      if ('client' in keyed || !keyed.refused || !this.options.onBehalfOf) return keyed;
      this.log(`upstream: the hub refuses leaf ${deviceId}'s keys; connecting it on behalf of this edge device instead`);
    }
    const token = () => this.onBehalfOfToken(deviceId);
    const first = await token();
    if (!first.ok) return { failed: `cannot connect leaf ${deviceId} on behalf of this edge device: ${first.error.message}`, refused: false };
    const session = await this.connect(deviceId, credential, { token: first.value });
    if ('client' in session) this.scheduleRenewal(deviceId, session, token);
    return session;
  }

  private async connect(deviceId: string, credential: string, how: { readonly key: string } | { readonly token: string }): Promise<Opened> {
    if (this.disposed) return { failed: 'upstream off: stopped', refused: false };
    const sdk = loadDeviceSdk();
    let client: Client;
    if ('token' in how) {
      const gatewayHostName = this.gatewayHostName();
      const provider = new sdk.SharedAccessSignatureAuthenticationProvider({
        host: this.options.hubHostName,
        deviceId,
        sharedAccessSignature: how.token,
        ...(gatewayHostName ? { gatewayHostName } : {}),
      } as never);
      client = sdk.Client.fromAuthenticationProvider(provider, loadMqttTransport());
    } else {
      client = sdk.Client.fromConnectionString(this.connectionString(deviceId, how.key), loadMqttTransport());
    }
    client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
    client.on('error', () => undefined);
    client.on('disconnect', () => void this.dropped(deviceId, client));
    try {
      if (this.options.ca) await client.setOptions({ ca: this.options.ca });
      // Messages are taken from the transport from before the connection opens, so one the hub sends on a restored
      // persistent session is never dropped for want of a listener; the client's own `message` listener (which makes
      // the SDK subscribe) is added once open: added before, it makes the SDK connect twice, and the hub delivers a
      // message twice when the first connection drops under it.
      const cloudToDevice = this.options.cloudToDevice;
      const transport = (client as unknown as { _transport?: { on?: (event: string, listener: (message: deviceSdk.Message) => void) => unknown } })._transport;
      const tapped = cloudToDevice !== undefined && typeof transport?.on === 'function';
      if (cloudToDevice && tapped) transport.on!('message', (message) => this.fromCloud(deviceId, message));
      await client.open();
      if (cloudToDevice) client.on('message', tapped ? () => undefined : (message: deviceSdk.Message) => this.fromCloud(deviceId, message));
    } catch (cause) {
      await closeQuietly(client);
      return { failed: `cannot connect leaf ${deviceId} to the upstream hub: ${redact(cause)}`, refused: errorKind(cause) === 'refused' };
    }
    if (this.disposed) {
      await closeQuietly(client);
      return { failed: 'upstream off: stopped', refused: false };
    }
    return { client, primaryKey: credential };
  }

  /**
   * A cloud-to-device message for a leaf, kept for it once: QoS 1 is at least once, and a hub sends a message again
   * when the client subscribes on a session that still holds it unacknowledged (aedes does), so a message id seen
   * lately for the same leaf is not kept twice.
   */
  private fromCloud(deviceId: string, message: deviceSdk.Message): void {
    const messageId = message.messageId ? String(message.messageId) : undefined;
    if (messageId !== undefined) {
      const seen = this.recentC2d.get(deviceId) ?? new Set<string>();
      if (seen.has(messageId)) return;
      seen.add(messageId);
      if (seen.size > RECENT_C2D_IDS) seen.delete(seen.values().next().value as string);
      this.recentC2d.set(deviceId, seen);
    }
    this.options.cloudToDevice?.(deviceId, toHubMessage(message));
  }

  /** A token of `$edgeHub` for the leaf's connection (never logged). */
  private async onBehalfOfToken(deviceId: string): Promise<Result<string>> {
    const source = this.options.onBehalfOf;
    if (!source) return fail('CONFLICT', `device ${deviceId} has no keys, and this hub cannot connect it on behalf of itself`);
    const parent = await source();
    if (!parent.ok) return parent;
    const expiry = Math.floor((Date.now() + (this.options.tokenTtlMs ?? 3_600_000)) / 1000);
    return { ok: true, value: createSasToken({ resource: sasResource(this.options.hubHostName, parent.value.edgeDeviceId, '$edgeHub'), key: parent.value.key, expiry }) };
  }

  /** Renews an on-behalf-of token on the open client before it expires (the SDK reconnects with it). */
  private scheduleRenewal(deviceId: string, session: Session, token: () => Promise<Result<string>>): void {
    const renewMs = Math.floor((this.options.tokenTtlMs ?? 3_600_000) * 0.75);
    session.renew = setTimeout(() => {
      void token().then(async (fresh) => {
        if (this.disposed || !(await this.isCurrent(deviceId, session))) return;
        if (!fresh.ok) return this.log(`upstream: the token of leaf ${deviceId} could not be renewed: ${fresh.error.message}`);
        session.client.updateSharedAccessSignature(fresh.value, (error?: Error) => {
          if (error) this.log(`upstream: the connection of leaf ${deviceId} did not take its renewed token: ${redact(error)}`);
        });
        this.scheduleRenewal(deviceId, session, token);
      });
    }, renewMs);
    session.renew.unref();
  }

  private async isCurrent(deviceId: string, session: Session): Promise<boolean> {
    const entry = this.sessions.get(deviceId);
    return entry !== undefined && (await entry) === session;
  }

  /** Relays the cloud's direct methods for the leaf and follows its desired properties; sends pending reported. */
  private follow(deviceId: string, session: Session): void {
    session.followed = true;
    // The relay wants a module client's shape: the same MQTT transport; a device client subscribes with onDeviceMethod.
    const client = session.client;
    const asRelayTarget = {
      _transport: (client as unknown as { _transport?: unknown })._transport,
      onMethod: (name: string, callback: Parameters<Client['onDeviceMethod']>[1]) => client.onDeviceMethod(name, callback),
    } as unknown as ModuleClient;
    const relayed = relayModuleMethods(asRelayTarget, deviceId, (id, methodName, payload) => this.invoke(id, methodName, payload), this.log);
    if (!relayed) this.log(`upstream: direct methods from the cloud cannot reach leaf ${deviceId} (azure-iot-device's MQTT transport is not as expected)`);
    void this.inOrder(deviceId, async () => {
      try {
        const twin = await this.twinOf(session);
        await this.takeCloudTwin(deviceId, twin);
        twin.on('properties.desired', (patch: Record<string, unknown>) => {
          void this.options.twins.applyDesiredPatch({ deviceId }, withoutNested(patch)).then((applied) => {
            if (!applied.ok) this.log(`upstream: a desired patch for leaf ${deviceId} was not kept: ${applied.error.message}`);
          });
        });
      } catch (cause) {
        this.log(`upstream: the desired properties of leaf ${deviceId} cannot be followed: ${redact(cause)}`);
      }
    });
    void this.syncReported(deviceId);
  }

  private async invoke(deviceId: string, methodName: string, payload: unknown): Promise<{ status: number; payload?: unknown }> {
    const gateway = this.options.gateway();
    if (!gateway) return { status: 503, payload: { message: 'the edge hub is not running' } };
    const answer = await gateway.invokeMethod({ deviceId }, methodName, payload, this.options.methodTimeoutMs ?? 25_000);
    if (answer.ok) return { status: answer.value.status, payload: answer.value.payload };
    return { status: answer.error.code === 'TIMEOUT' ? 504 : 404, payload: { message: answer.error.message } };
  }

  private async twinOf(session: Session): Promise<Twin> {
    if (!session.twin) {
      const twin = await session.client.getTwin();
      // A twin emits `error` when it cannot re-enable desired updates (the connection went): never unhandled.
      twin.on('error', () => undefined);
      session.twin = twin;
    }
    return session.twin;
  }

  /** The cloud twin as the SDK holds it becomes the edge hub's twin of the leaf; a desired change it missed is pushed. */
  private async takeCloudTwin(deviceId: string, twin: Twin): Promise<void> {
    const ref: IdentityRef = { deviceId };
    const desired = twin.properties.desired as Record<string, unknown>;
    const reported = twin.properties.reported as unknown as Record<string, unknown>;
    const replaced = await this.options.twins.replace(ref, {
      desired: { ...withoutTwinMetadata(desired), $version: desired.$version },
      reported: { ...withoutTwinMetadata(reported), $version: reported.$version },
    });
    if (!replaced.ok) return this.log(`upstream: the twin of leaf ${deviceId} was not kept: ${replaced.error.message}`);
    if (replaced.value) this.options.gateway()?.pushDesired(ref, replaced.value);
  }

  private async dropped(deviceId: string, client: Client): Promise<void> {
    await this.close(deviceId, client);
    if (this.disposed || !this.options.isConnected(deviceId)) return;
    const timer = setTimeout(() => {
      if (!this.disposed && this.options.isConnected(deviceId) && !this.sessions.has(deviceId)) this.leafConnected(deviceId);
    }, this.options.reopenMs ?? 1_000);
    timer.unref();
  }

  /** Closes a leaf's client (only `client`, when given: a late event of an old client leaves a new one alone). */
  private async close(deviceId: string, client?: Client): Promise<void> {
    const entry = this.sessions.get(deviceId);
    if (!entry) return;
    const session = await entry;
    if (client && (!('client' in session) || session.client !== client)) return;
    if (this.sessions.get(deviceId) === entry) this.sessions.delete(deviceId);
    if ('client' in session) await closeSession(session);
  }

  private inOrder<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.twinWork.get(deviceId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.twinWork.set(deviceId, settled);
    void settled.then(() => {
      if (this.twinWork.get(deviceId) === settled) this.twinWork.delete(deviceId);
    });
    return run;
  }

  private connectionString(deviceId: string, key: string): string {
    const gateway = this.gatewayHostName();
    return `HostName=${this.options.hubHostName};DeviceId=${deviceId};SharedAccessKey=${key}${gateway ? `;GatewayHostName=${gateway}` : ''}`;
  }

  /** `host:port` when the hub's MQTT port is not 8883. */
  private gatewayHostName(): string | undefined {
    const { hubHostName, port } = this.options;
    return port !== undefined && port !== 8883 ? `${hubHostName}:${port}` : undefined;
  }
}

/** A desired patch as the SDK hands it, without functions or `$metadata` but with its `$version`. */
function withoutNested(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...withoutTwinMetadata(patch), ...(typeof patch.$version === 'number' ? { $version: patch.$version } : {}) };
}

const ON_BEHALF_OF = 'onBehalfOf';
/** How many cloud-to-device message ids per leaf are remembered to drop a redelivery. */
const RECENT_C2D_IDS = 256;

/** What a leaf's upstream client authenticates with: its primary key, or on behalf of (X.509); undefined: nothing. */
function credentialOf(identity: LeafIdentity): string | undefined {
  switch (identity.credentials.type) {
    case 'sas':
      return identity.credentials.primaryKey;
    case 'selfSigned':
    case 'certificateAuthority':
      return ON_BEHALF_OF;
    case 'none':
      return undefined;
  }
}

/** A message as azure-iot-device hands it, in the protocol layer's shape (the property bag the leaf will see). */
function toHubMessage(message: deviceSdk.Message): HubMessage {
  const system: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') system[key] = value instanceof Date ? value.toISOString() : String(value);
  };
  put('mid', message.messageId);
  put('to', message.to);
  put('cid', message.correlationId);
  put('uid', message.userId);
  put('ct', message.contentType);
  put('ce', message.contentEncoding);
  put('exp', message.expiryTimeUtc);
  const properties: Record<string, string> = {};
  for (let i = 0; i < message.properties.count(); i++) {
    const item = message.properties.getItem(i);
    if (item) properties[item.key] = String(item.value);
  }
  const data = message.data as unknown;
  const body = Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data ?? ''));
  return { body: new Uint8Array(body), systemProperties: system, properties };
}

async function closeSession(session: Session): Promise<void> {
  clearTimeout(session.renew);
  await closeQuietly(session.client);
}

async function closeQuietly(client: Client): Promise<void> {
  client.removeAllListeners('disconnect');
  await client.close().catch(() => undefined);
}
