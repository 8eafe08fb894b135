import type { Result } from '../../../shared/errors';
import type { RouteConfigStatus } from '../../../shared/ipc/edgehub.contract';
import type { BackendError, DeviceBackend, DeviceGateway, HubMessage, IdentityRecord, IdentityRef, MethodResponse, TwinSections } from '../../protocol/device-backend';
import type { IdentityProvider } from '../workload/identity-provider';
import { parseEdgeHubDesired, routeConfigStatus, type DesiredStatus, type EdgeHubConfig } from './edgehub-config';
import type { MessageStore } from './hub-model';
import { HubTwins } from './hub-twins';
import { LeafIdentities } from './leaf-identities';
import type { LeafUpstream } from './leaf-upstream';
import { invokeModuleMethod, type MethodCallFailure } from './module-methods';
import { MessageRecorder, replayRecording } from './recording';
import { MAX_MESSAGE_BYTES, routeMessage } from './router';
import { HubTap } from './tap';

/**
 * The edge hub's core: the DeviceBackend the MQTT front end (electron/protocol) calls, for the edge device and its
 * modules (EDGE-CONTRACTS.md §4.2, §7). Telemetry is routed with the routes in force and appended to the durable
 * store for every endpoint it goes to; the promise resolves only after the append did (the PUBACK waits for the
 * disk). QoS 0 messages get the same (IoT Edge stores every message it routes): only the PUBACK waits for the disk,
 * and a QoS 0 message has none; the front end keeps reading a connection's next packets while earlier ones are still
 * being stored (aedes does not hold the socket on authorizePublish), so storing them costs QoS 0 no throughput.
 * A message no route selects is accepted and counted, as edgeHub drops it. `$edgeHub` desired is applied
 * atomically (a bad route set keeps the previous routes) and the outcome is reported in IoT Edge's shape.
 *
 * Identities: the edge device and its modules from the IdentityProvider (SAS), and downstream (leaf) devices, the
 * upstream hub's devices in this edge device's scope (./leaf-identities.ts: asked afresh on each CONNECT, cached
 * sealed on disk for offline). A device out of scope is refused (CONNACK 5) with the reason logged. A leaf's
 * telemetry is device telemetry to the router (no `$connectionModuleId`); its twin and the cloud's direct methods go
 * through its own upstream connection (./leaf-upstream.ts); offline its twin is the one kept here. Modules of leaf
 * devices are not served.
 */

export interface EdgeHubCoreOptions {
  readonly identities: IdentityProvider;
  /** The edge device's id. */
  readonly deviceId: string;
  readonly store: MessageStore;
  readonly log?: (line: string) => void;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Module twins (default: kept in memory only; the composition root passes `HubTwins.open({file})`). */
  readonly twins?: HubTwins;
  readonly tap?: HubTap;
  /** `$edgeHub` reported `version`. */
  readonly version?: { readonly version: string; readonly build: string; readonly commit: string };
  /** Downstream devices in this edge device's scope (default: none known, memory only). */
  readonly leaves?: LeafIdentities;
}

export interface EdgeHubCounters {
  /** Messages accepted and stored for at least one endpoint. */
  readonly routed: number;
  /** Messages accepted that no route selected (dropped, as edgeHub does). */
  readonly unrouted: number;
  /** Messages refused (too large, store full or failing). */
  readonly refused: number;
}

type ClientEntry = { status: 'Connected'; lastConnectedTimeUtc: string } | { status: 'Disconnected'; lastConnectedTimeUtc?: string; lastDisconnectedTimeUtc: string } | null;

const EDGE_HUB_MODULE = '$edgeHub';
const DEFAULT_VERSION = { version: '1.0.0', build: 'gatehouse', commit: '' };

/** `TwinManager.EncodeTwinKey`: `.` → `%2E`, `$` → `%24`, space → `%20`. */
export function encodeClientKey(ref: IdentityRef): string {
  const id = ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
  return id.replace(/\./g, '%2E').replace(/\$/g, '%24').replace(/ /g, '%20');
}

export class EdgeHubCore implements DeviceBackend {
  readonly deviceId: string;
  readonly tap: HubTap;
  private readonly identities: IdentityProvider;
  private readonly store: MessageStore;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private readonly twins: HubTwins;
  private readonly version: EdgeHubCoreOptions['version'];
  private gateway: DeviceGateway | undefined;
  private config: EdgeHubConfig | undefined;
  private status: DesiredStatus = { code: 200, description: '' };
  private lastDesiredVersion: number | undefined;
  private readonly clients = new Map<string, ClientEntry>();
  private readonly reportedListeners = new Set<(reported: Record<string, unknown>) => void>();
  /** Told after a client's reported patch is on disk (the upstream link mirrors module twins to the cloud). */
  private readonly twinReportedListeners = new Set<(of: IdentityRef) => void>();
  private readonly subscribedListeners = new Set<(of: IdentityRef, feature: string) => void>();
  private recorder: MessageRecorder | undefined;
  readonly leaves: LeafIdentities;
  private leafUpstream: LeafUpstream | undefined;
  /** Leaf devices with a live connection here. */
  private readonly connectedLeaves = new Set<string>();
  private counts = { routed: 0, unrouted: 0, refused: 0 };

  constructor(options: EdgeHubCoreOptions) {
    this.deviceId = options.deviceId;
    this.identities = options.identities;
    this.store = options.store;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.tap = options.tap ?? new HubTap({ now: this.now });
    this.version = options.version ?? DEFAULT_VERSION;
    this.twins = options.twins ?? HubTwins.inMemory({ log: this.log });
    this.leaves = options.leaves ?? LeafIdentities.inMemory({ log: this.log });
    // A leaf whose identity went away or changed (keys, disabled, out of scope) is dropped; it reconnects if it may.
    this.leaves.onRevoked((deviceIds) => {
      for (const deviceId of deviceIds) this.gateway?.disconnect({ deviceId });
      this.leafUpstream?.revoked(deviceIds);
    });
  }

  /** The upstream side of leaf devices while `$upstream` has a target (undefined: offline, kept twins answer). */
  setLeafUpstream(upstream: LeafUpstream | undefined): void {
    this.leafUpstream = upstream;
  }

  /** The twins this hub keeps (modules; leaf devices' kept copies). */
  get twinStore(): HubTwins {
    return this.twins;
  }

  /** Leaf devices connected here now. */
  leafConnections(): readonly string[] {
    return [...this.connectedLeaves];
  }

  /** The front end (DeviceGateway) used for desired pushes, module-input delivery and methods. */
  attach(gateway: DeviceGateway): void {
    this.gateway = gateway;
    this.twins.attach(gateway);
  }

  attachedGateway(): DeviceGateway | undefined {
    return this.gateway;
  }

  // DeviceBackend ------------------------------------------------------------------------------------------------

  async lookupIdentity(ref: IdentityRef): Promise<Result<IdentityRecord, BackendError>> {
    try {
      if (ref.deviceId !== this.deviceId) return await this.lookupLeaf(ref);
      if (ref.moduleId === undefined) {
        const device = await this.identities.getDevice();
        return { ok: true, value: { deviceId: device.deviceId, status: 'enabled', credentials: { type: 'sas', primaryKey: device.primaryKey, secondaryKey: device.secondaryKey } } };
      }
      const module = await this.identities.getModule(ref.moduleId);
      if (!module) return notFound(`module ${ref.deviceId}/${ref.moduleId} does not exist`);
      return { ok: true, value: { deviceId: module.deviceId, moduleId: module.moduleId, status: 'enabled', credentials: { type: 'sas', primaryKey: module.primaryKey, secondaryKey: module.secondaryKey } } };
    } catch (cause) {
      return { ok: false, error: { code: 'UNAVAILABLE', message: `the identity store failed: ${String(cause)}` } };
    }
  }

  async acceptTelemetry(from: IdentityRef, message: HubMessage): Promise<Result<void, BackendError>> {
    if (message.body.byteLength > MAX_MESSAGE_BYTES) {
      this.counts.refused += 1;
      return { ok: false, error: { code: 'TOO_LARGE', message: `message of ${message.body.byteLength} bytes exceeds ${MAX_MESSAGE_BYTES}` } };
    }
    const enqueuedAtMs = this.now();
    const routed = routeMessage(this.config?.routes ?? [], this.config?.timeToLiveSecs, from, message, enqueuedAtMs, (route, error) =>
      this.log(`edgehub: route ${route.name} failed on a message and was skipped: ${String(error)}`),
    );
    if (routed.targets.length === 0) {
      this.counts.unrouted += 1;
      return { ok: true, value: undefined };
    }
    const appended = await this.store.append({ message, source: from, enqueuedAtMs }, routed.targets);
    if (!appended.ok) {
      this.counts.refused += 1;
      const code = appended.error.code === 'FULL' ? 'THROTTLED' : 'UNAVAILABLE';
      return { ok: false, error: { code, message: `the message store refused the message (${appended.error.code}): ${appended.error.message}` } };
    }
    this.counts.routed += 1;
    const endpoints = routed.targets.map((t) => t.endpoint);
    const id = this.tap.observe(from, message, routed.routeNames, endpoints, enqueuedAtMs);
    this.recorder?.record({ id, atMs: enqueuedAtMs, source: from, message, routes: routed.routeNames, endpoints });
    return { ok: true, value: undefined };
  }

  async getTwin(of: IdentityRef): Promise<Result<TwinSections, BackendError>> {
    if (of.deviceId !== this.deviceId) {
      if (!this.isLeaf(of)) return notFound(`no twin for ${of.deviceId}`);
      // The upstream hub's twin when it can be reached (and kept); otherwise the one kept here.
      await this.leafUpstream?.refreshTwin(of.deviceId);
    }
    return { ok: true, value: this.twins.get(of) };
  }

  async patchReported(of: IdentityRef, patch: Record<string, unknown>): Promise<Result<{ readonly version: number }, BackendError>> {
    if (of.deviceId !== this.deviceId) {
      if (!this.isLeaf(of)) return notFound(`no twin for ${of.deviceId}`);
      // Kept here durably first, then sent upstream (now, or when the leaf's upstream connection opens again).
      const patched = await this.twins.patchReported(of, patch, { pending: true });
      if (patched.ok) void this.leafUpstream?.syncReported(of.deviceId);
      return patched;
    }
    const patched = await this.twins.patchReported(of, patch);
    if (patched.ok) for (const listener of [...this.twinReportedListeners]) listener(of);
    return patched;
  }

  /** Called after each reported patch a client makes to its twin here (once it is on disk). */
  onTwinReported(listener: (of: IdentityRef) => void): { dispose(): void } {
    this.twinReportedListeners.add(listener);
    return { dispose: () => this.twinReportedListeners.delete(listener) };
  }

  /** A client now listens to `feature` (c2d, inputs, …): the hub delivers what waits for it at once. */
  subscribed(ref: IdentityRef, feature: string): void {
    for (const listener of [...this.subscribedListeners]) listener(ref, feature);
  }

  onSubscribed(listener: (of: IdentityRef, feature: string) => void): { dispose(): void } {
    this.subscribedListeners.add(listener);
    return { dispose: () => this.subscribedListeners.delete(listener) };
  }

  connectionChanged(ref: IdentityRef, connected: boolean): void {
    if (ref.moduleId === EDGE_HUB_MODULE) return;
    if (ref.deviceId !== this.deviceId && ref.moduleId === undefined) {
      if (connected) this.connectedLeaves.add(ref.deviceId);
      else this.connectedLeaves.delete(ref.deviceId);
      if (connected) this.leafUpstream?.leafConnected(ref.deviceId);
      else this.leafUpstream?.leafDisconnected(ref.deviceId);
    }
    const key = encodeClientKey(ref);
    const at = new Date(this.now()).toISOString();
    const previous = this.clients.get(key);
    if (connected) this.clients.set(key, { status: 'Connected', lastConnectedTimeUtc: at });
    else if (ref.moduleId === undefined) this.clients.set(key, null);
    else this.clients.set(key, { status: 'Disconnected', ...(previous?.lastConnectedTimeUtc ? { lastConnectedTimeUtc: previous.lastConnectedTimeUtc } : {}), lastDisconnectedTimeUtc: at });
    this.emitReported();
  }

  private async lookupLeaf(ref: IdentityRef): Promise<Result<IdentityRecord, BackendError>> {
    if (ref.moduleId !== undefined) {
      this.log(`edgehub: ${ref.deviceId}/${ref.moduleId} refused: modules of downstream devices are not served`);
      return { ok: false, error: { code: 'UNAUTHORIZED', message: `modules of downstream devices are not served (${ref.deviceId}/${ref.moduleId})` } };
    }
    const found = await this.leaves.lookup(ref.deviceId);
    if (!found.ok) {
      this.log(`edgehub: device ${ref.deviceId} refused: ${found.error.message}`);
      return found;
    }
    if (found.value.status === 'disabled') this.log(`edgehub: device ${ref.deviceId} refused: it is disabled in the upstream hub`);
    return found;
  }

  /** A device other than this edge device that is a known child (a twin request comes only from an authenticated one). */
  private isLeaf(ref: IdentityRef): boolean {
    return ref.moduleId === undefined && this.leaves.cached(ref.deviceId) !== undefined;
  }

  // configuration ------------------------------------------------------------------------------------------------

  /** Applies `$edgeHub` desired properties atomically: a refused set keeps the routes in force. */
  applyConfig(edgeHubDesired: unknown, version?: number): RouteConfigStatus {
    const desiredVersion = version ?? versionOf(edgeHubDesired);
    const parsed = parseEdgeHubDesired(edgeHubDesired);
    if (parsed.ok) {
      this.config = parsed.value;
      this.status = { code: 200, description: '' };
      this.log(`edgehub: ${parsed.value.routes.length} route(s) in force (desired version ${desiredVersion ?? 'unknown'})`);
    } else {
      this.status = parsed.error;
      this.log(`edgehub: desired properties refused, previous routes stay in force: ${parsed.error.description}`);
    }
    if (desiredVersion !== undefined) this.lastDesiredVersion = desiredVersion;
    this.emitReported();
    return this.routes();
  }

  /** Module-twin desired properties of a deployment's `modulesContent` (pushed to connected modules). */
  async applyModuleTwins(modulesContent: Readonly<Record<string, unknown>>): Promise<Result<{ readonly changed: readonly string[] }>> {
    return this.twins.applyModuleTwins(this.deviceId, modulesContent);
  }

  routes(): RouteConfigStatus {
    return routeConfigStatus(this.config, this.status, this.lastDesiredVersion);
  }

  /** The config in force (undefined until one was accepted). */
  currentConfig(): EdgeHubConfig | undefined {
    return this.config;
  }

  /** `$edgeHub` reported properties in IoT Edge's shape (EDGE-CONTRACTS.md §4.2). */
  reported(): Record<string, unknown> {
    return {
      schemaVersion: '1.0',
      version: { ...this.version },
      ...(this.lastDesiredVersion === undefined ? {} : { lastDesiredVersion: this.lastDesiredVersion }),
      lastDesiredStatus: { code: this.status.code, description: this.status.description },
      clients: Object.fromEntries([...this.clients].map(([key, entry]) => [key, entry === null ? null : { ...entry }])),
    };
  }

  /** Called with the whole reported document after each change (status or clients), for the upstream link. */
  onReportedChanged(listener: (reported: Record<string, unknown>) => void): { dispose(): void } {
    this.reportedListeners.add(listener);
    return { dispose: () => this.reportedListeners.delete(listener) };
  }

  counters(): EdgeHubCounters {
    return { ...this.counts };
  }

  /** A direct method on a module of this device (the console's "invoke"); `timeoutSecs` is the response timeout. */
  invokeModuleMethod(moduleId: string, methodName: string, payload: unknown, timeoutSecs?: number): Promise<Result<MethodResponse, MethodCallFailure>> {
    return invokeModuleMethod(this.gateway, { deviceId: this.deviceId, moduleId }, methodName, payload, timeoutSecs);
  }

  // recording ----------------------------------------------------------------------------------------------------

  async recordStart(path: string): Promise<Result<{ readonly path: string }>> {
    if (this.recorder) return { ok: false, error: { code: 'CONFLICT', message: `already recording to ${this.recorder.path}` } };
    const started = await MessageRecorder.start(path);
    if (!started.ok) return started;
    this.recorder = started.value;
    return { ok: true, value: { path } };
  }

  async recordStop(): Promise<Result<{ readonly path: string; readonly messages: number }>> {
    const recorder = this.recorder;
    if (!recorder) return { ok: false, error: { code: 'CONFLICT', message: 'not recording' } };
    this.recorder = undefined;
    return recorder.stop();
  }

  async replay(path: string, moduleId: string, input: string): Promise<Result<{ readonly delivered: number }>> {
    if (!this.gateway) return { ok: false, error: { code: 'CONFLICT', message: 'the hub is not serving modules' } };
    return replayRecording(path, this.gateway, { deviceId: this.deviceId, moduleId }, input);
  }

  async close(): Promise<void> {
    this.tap.dispose();
    if (this.recorder) await this.recordStop();
    this.reportedListeners.clear();
    this.twinReportedListeners.clear();
  }

  private emitReported(): void {
    if (this.reportedListeners.size === 0) return;
    const reported = this.reported();
    for (const listener of this.reportedListeners) {
      try {
        listener(reported);
      } catch (error) {
        this.log(`edgehub: a reported-properties listener failed: ${String(error)}`);
      }
    }
  }
}

function notFound(message: string): { ok: false; error: BackendError } {
  return { ok: false, error: { code: 'NOT_FOUND', message } };
}

function versionOf(desired: unknown): number | undefined {
  const v = typeof desired === 'object' && desired !== null ? (desired as Record<string, unknown>).$version : undefined;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}
