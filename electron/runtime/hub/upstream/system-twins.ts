import type deviceSdk from 'azure-iot-device';
import type { Result } from '../../../../shared/errors';
import type { DesiredSource } from '../../agent/desired-source';
import { DEPLOYMENT_STATUS } from '../../agent/reported';
import type { Disposable } from '../../drivers/disposable';
import { Emitter, type Event } from '../../drivers/event';
import { cloudDeployment, mergeReported, reportedPatch, systemModuleKeys, twinVersion } from './cloud-desired';
import { relayModuleMethods } from './method-relay';
import type { UpstreamModuleKeys } from './upstream-link';
import { loadDeviceSdk, loadMqttTransport, redact } from './upstream-sdk';

type ModuleClient = deviceSdk.ModuleClient;
type Twin = deviceSdk.Twin;
type Json = Record<string, unknown>;

/** The `$edgeAgent` direct methods the agent answers (direct-methods.ts). */
export const AGENT_METHODS = ['ping', 'RestartModule', 'GetModuleLogs'] as const;

/** What the sync needs of the agent (the host adapts electron/runtime/agent/agent.ts). */
export interface CloudAgentPort {
  /** Applies a deployment built from the cloud's desired properties (source: cloud, `$edgeAgent` desired `$version`). */
  apply(text: string, cloudVersion: number): Promise<Result<unknown>>;
  /** The deployment in force as persisted, with who applied it. */
  persisted(): { readonly deployment: string; readonly cloudVersion?: number; readonly overridesCloudVersion?: number } | undefined;
  source(): DesiredSource;
  /** Whether the cloud has a deployment for this device while the link is up (local applies then need an override). */
  setCloudDriving(driving: boolean): void;
  /** `$edgeAgent` reported properties in IoT Edge's shape; the sync sets `lastDesiredVersion`/`lastDesiredStatus`. */
  reported(): Json;
  readonly onDidChange: Event<unknown>;
  invokeMethod(name: string, payload: unknown): Promise<{ readonly status: number; readonly payload?: unknown }>;
}

/** What the sync needs of the edge hub: its `$edgeHub` reported properties (undefined while it does not run). */
export interface CloudHubPort {
  reported(): Json | undefined;
  readonly onDidChange: Event<unknown>;
}

export interface SystemTwinSyncOptions {
  readonly hubHostName: string;
  readonly port?: number;
  readonly ca?: string;
  readonly deviceId: string;
  /** The device's keys, from which the `$edgeAgent`/`$edgeHub` identities' keys are derived (cloud-desired.ts). */
  readonly deviceKeys: () => Promise<{ readonly primaryKey: string; readonly secondaryKey: string }>;
  /** Makes these module identities exist in the hub with these keys (the same as the upstream link's). */
  readonly ensureIdentities: (modules: readonly UpstreamModuleKeys[]) => Promise<Result<void>>;
  readonly agent: CloudAgentPort;
  readonly hub: CloudHubPort;
  /**
   * A custom module twin's desired properties in the cloud (the edge hub reads it on the module's upstream
   * connection); undefined when it cannot be read yet (e.g. the module has no identity before the agent makes it).
   */
  readonly moduleDesired?: (moduleId: string) => Promise<Json | undefined>;
  readonly log?: (line: string) => void;
  /** Reported properties are patched at most this often (default 500 ms); desired patches coalesce for 100 ms. */
  readonly reportDebounceMs?: number;
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  readonly now?: () => number;
}

/**
 *   off --start--> connecting --both twins read--> connected --a client drops--> offline --retryAt--> connecting
 *                      '--failed--> offline                                                   any --dispose--> off
 */
export type SystemTwinSyncState =
  | { readonly state: 'off' }
  | { readonly state: 'connecting' }
  | { readonly state: 'connected'; readonly since: string }
  | { readonly state: 'offline'; readonly lastError: string; readonly retryAt: string };

interface Connected {
  readonly agent: { readonly client: ModuleClient; readonly twin: Twin; sent: Json };
  readonly hub: { readonly client: ModuleClient; readonly twin: Twin; sent: Json };
}

/** A cloud desired version that was not applied, and why (reported as IoT Edge reports it). */
interface CloudStatus {
  readonly version: number;
  readonly code: number;
  readonly description: string;
}

/**
 * The edge device's system module twins in the cloud (a real IoT Hub or the embedded local hub), as edgeAgent and
 * edgeHub keep them: connected as `$edgeAgent` and `$edgeHub` with azure-iot-device, it reads both twins and follows
 * their desired patches — the `$edgeAgent` + `$edgeHub` desired properties make a deployment applied to the local
 * agent (source: cloud; refused whole when invalid, reported in `lastDesiredStatus`) — patches the agent's and the
 * hub's reported properties back when they change (debounced), and answers the `$edgeAgent` direct methods.
 */
export class SystemTwinSync implements Disposable {
  private current: SystemTwinSyncState = { state: 'off' };
  private readonly changed = new Emitter<SystemTwinSyncState>();
  readonly onDidChange: Event<SystemTwinSyncState> = this.changed.event;
  private connected: Connected | undefined;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private desiredTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private cloudStatus: CloudStatus | undefined;
  /** The `$edgeHub` desired `$version` the deployment in force was built from. */
  private hubVersion: number | undefined;
  private syncing: Promise<void> = Promise.resolve();
  /** Some module twin of the cloud's deployment could not be read: read again when the agent changes. */
  private missingModuleTwins = false;
  private reporting: Promise<void> = Promise.resolve();
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: SystemTwinSyncOptions) {
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  get state(): SystemTwinSyncState {
    return this.current;
  }

  start(): void {
    if (this.disposed || this.current.state !== 'off') return;
    this.subscriptions.push(
      this.options.agent.onDidChange(() => {
        this.scheduleReport();
        if (this.missingModuleTwins) this.scheduleDesired();
      }),
      this.options.hub.onDidChange(() => this.scheduleReport()),
    );
    void this.connect();
  }

  /** Resolves once the desired state read so far is applied and the reported properties are sent (tests). */
  async settled(): Promise<void> {
    await this.syncing;
    await this.reporting;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const timer of [this.retryTimer, this.desiredTimer, this.reportTimer]) clearTimeout(timer);
    for (const s of this.subscriptions) s.dispose();
    this.options.agent.setCloudDriving(false);
    await this.teardown();
    this.set({ state: 'off' });
    this.changed.dispose();
  }

  // Connection ----------------------------------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (this.disposed) return;
    this.set({ state: 'connecting' });
    const opened: ModuleClient[] = [];
    try {
      const device = await this.options.deviceKeys();
      const keys = (['$edgeAgent', '$edgeHub'] as const).map((moduleId) => ({ moduleId, ...systemModuleKeys(device, moduleId) }));
      const ensured = await this.options.ensureIdentities(keys);
      if (!ensured.ok) throw new Error(`cannot register $edgeAgent/$edgeHub in the hub: ${ensured.error.message}`);
      const [agentKeys, hubKeys] = keys as [UpstreamModuleKeys, UpstreamModuleKeys];
      const agentClient = await this.open(agentKeys, opened);
      const hubClient = await this.open(hubKeys, opened);
      // Every method the cloud sends `$edgeAgent` is the agent's to answer (an unknown one: 400, as edgeAgent says).
      if (!relayModuleMethods(agentClient, '$edgeAgent', (_module, name, payload) => this.options.agent.invokeMethod(name, payload), this.log)) {
        for (const name of AGENT_METHODS) {
          agentClient.onMethod(name, (request, response) => {
            if (!request || !response) return;
            void this.options.agent.invokeMethod(name, request.payload).then(
              (answer) => response.send(answer.status, answer.payload ?? null).catch(() => undefined),
              (error: unknown) => response.send(500, { message: (error as Error).message }).catch(() => undefined),
            );
          });
        }
      }
      const agentTwin = await agentClient.getTwin();
      const hubTwin = await hubClient.getTwin();
      if (this.disposed) throw new Error('stopped');
      this.connected = {
        agent: { client: agentClient, twin: agentTwin, sent: mergeReported(agentTwin.properties.reported, {}) },
        hub: { client: hubClient, twin: hubTwin, sent: mergeReported(hubTwin.properties.reported, {}) },
      };
      agentTwin.on('properties.desired', () => this.scheduleDesired());
      hubTwin.on('properties.desired', () => this.scheduleDesired());
      // Adding the listener subscribes in the background: a patch sent before that subscription is acknowledged is
      // never delivered. Wait for it, then read both twins again, so a deployment set between the first read and the
      // subscription is not missed until the next reconnect (edgeAgent also pulls its twin after subscribing).
      await Promise.all([desiredUpdates(agentTwin), desiredUpdates(hubTwin)]);
      await Promise.all([agentTwin.get(), hubTwin.get()]);
      if (this.disposed) throw new Error('stopped');
      this.attempts = 0;
      this.set({ state: 'connected', since: new Date(this.now()).toISOString() });
      this.log(`upstream: $edgeAgent and $edgeHub twins connected (desired version ${twinVersion(agentTwin.properties.desired)})`);
      this.scheduleDesired();
    } catch (cause) {
      this.connected = undefined;
      for (const client of opened) await closeQuietly(client);
      this.offline(`the system module twins: ${redact(cause)}`);
    }
  }

  private async open(keys: UpstreamModuleKeys, opened: ModuleClient[]): Promise<ModuleClient> {
    const { hubHostName, port, deviceId } = this.options;
    const gateway = port !== undefined && port !== 8883 ? `;GatewayHostName=${hubHostName}:${port}` : '';
    const client = loadDeviceSdk().ModuleClient.fromConnectionString(`HostName=${hubHostName};DeviceId=${deviceId};ModuleId=${keys.moduleId};SharedAccessKey=${keys.primaryKey}${gateway}`, loadMqttTransport());
    opened.push(client);
    client.setRetryPolicy({ shouldRetry: () => false, nextRetryTimeout: () => 0 } as never);
    client.on('error', () => undefined);
    client.on('disconnect', () => void this.dropped(client));
    if (this.options.ca) await client.setOptions({ ca: this.options.ca });
    await client.open();
    return client;
  }

  private async dropped(client: ModuleClient): Promise<void> {
    const connected = this.connected;
    if (!connected || this.disposed || (connected.agent.client !== client && connected.hub.client !== client)) return;
    await this.teardown();
    this.offline('the connection of a system module twin dropped');
  }

  private async teardown(): Promise<void> {
    const connected = this.connected;
    this.connected = undefined;
    if (connected) await Promise.all([closeQuietly(connected.agent.client), closeQuietly(connected.hub.client)]);
  }

  private offline(lastError: string): void {
    if (this.disposed) return;
    this.options.agent.setCloudDriving(false);
    const initial = this.options.backoff?.initialMs ?? 1_000;
    const max = this.options.backoff?.maxMs ?? 60_000;
    const waitMs = Math.min(max, initial * 2 ** Math.min(this.attempts, 20));
    this.attempts += 1;
    this.set({ state: 'offline', lastError, retryAt: new Date(this.now() + waitMs).toISOString() });
    this.log(`upstream: ${lastError}; retrying in ${waitMs} ms`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), waitMs);
  }

  private set(state: SystemTwinSyncState): void {
    this.current = state;
    this.changed.fire(state);
  }

  // Desired -------------------------------------------------------------------------------------------------------

  /** Both twins' patches of one deployment arrive close together: apply once. */
  private scheduleDesired(): void {
    clearTimeout(this.desiredTimer);
    this.desiredTimer = setTimeout(() => {
      this.syncing = this.syncing.then(() => this.applyDesired()).catch((error: unknown) => this.log(`upstream: cloud desired state: ${redact(error)}`));
    }, 100);
  }

  private async applyDesired(): Promise<void> {
    const connected = this.connected;
    if (!connected || this.disposed) return;
    const agentDesired = connected.agent.twin.properties.desired;
    const hubDesired = connected.hub.twin.properties.desired;
    const version = twinVersion(agentDesired);
    const built = cloudDeployment(agentDesired, hubDesired, await this.moduleTwins(agentDesired));
    const { agent } = this.options;
    if (built.kind === 'empty') {
      agent.setCloudDriving(false);
      this.cloudStatus = { version, code: DEPLOYMENT_STATUS.configEmpty, description: 'The $edgeAgent desired properties are empty: this runtime follows its local deployment' };
      return this.scheduleReport();
    }
    agent.setCloudDriving(true);
    const persisted = agent.persisted();
    if (persisted?.overridesCloudVersion === version) {
      this.cloudStatus = undefined;
      return this.scheduleReport(); // overridden locally; the cloud takes over again with its next version
    }
    if (persisted?.cloudVersion === version && persisted.deployment === built.text) {
      this.cloudStatus = undefined;
      this.hubVersion = twinVersion(hubDesired);
      return this.scheduleReport();
    }
    const applied = await agent.apply(built.text, version);
    if (applied.ok) {
      this.cloudStatus = undefined;
      this.hubVersion = twinVersion(hubDesired);
      this.log(`upstream: applied the cloud's deployment ($edgeAgent desired version ${version})`);
    } else {
      const code = applied.error.code === 'INVALID_MANIFEST' ? DEPLOYMENT_STATUS.configFormatError : DEPLOYMENT_STATUS.failed;
      this.cloudStatus = { version, code, description: applied.error.message };
      this.log(`upstream: the cloud's deployment ($edgeAgent desired version ${version}) was refused: ${applied.error.message}`);
    }
    this.scheduleReport();
  }

  /** The custom modules' twins' desired properties, for the modules the `$edgeAgent` desired properties name. */
  private async moduleTwins(agentDesired: unknown): Promise<Record<string, Json>> {
    const read = this.options.moduleDesired;
    const modules = (agentDesired as { modules?: unknown } | undefined)?.modules;
    this.missingModuleTwins = false;
    if (!read || typeof modules !== 'object' || modules === null) return {};
    const twins: Record<string, Json> = {};
    for (const moduleId of Object.keys(modules)) {
      const desired = await read(moduleId);
      if (desired) twins[moduleId] = desired;
      else this.missingModuleTwins = true;
    }
    return twins;
  }

  // Reported ------------------------------------------------------------------------------------------------------

  private scheduleReport(): void {
    if (this.reportTimer || this.disposed) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      this.reporting = this.reporting.then(() => this.report()).catch((error: unknown) => this.log(`upstream: reported properties: ${redact(error)}`));
    }, this.options.reportDebounceMs ?? 500);
  }

  /** `$edgeAgent` reported as the cloud sees it: the version and status of the cloud's desired state. */
  agentReported(): Json {
    const reported = { ...this.options.agent.reported() };
    const source = this.options.agent.source();
    const status = this.cloudStatus;
    if (status) return { ...reported, lastDesiredVersion: status.version, lastDesiredStatus: { code: status.code, description: status.description } };
    if (source.driver === 'cloud') return { ...reported, lastDesiredVersion: source.version };
    if (source.driver === 'localOverride') {
      return { ...reported, lastDesiredVersion: source.cloudVersion, lastDesiredStatus: { code: DEPLOYMENT_STATUS.unknown, description: `Overridden by a local deployment in Gatehouse since ${source.since}` } };
    }
    return reported;
  }

  private hubReported(): Json | undefined {
    const reported = this.options.hub.reported();
    if (!reported) return undefined;
    return this.options.agent.source().driver === 'cloud' && this.hubVersion !== undefined ? { ...reported, lastDesiredVersion: this.hubVersion } : reported;
  }

  private async report(): Promise<void> {
    const connected = this.connected;
    if (!connected || this.disposed) return;
    await this.patch(connected.agent, this.agentReported());
    const hub = this.hubReported();
    if (hub) await this.patch(connected.hub, hub);
  }

  private async patch(side: Connected['agent'], next: Json): Promise<void> {
    const patch = reportedPatch(side.sent, next);
    if (!patch) return;
    await new Promise<void>((resolve, reject) => side.twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
    side.sent = mergeReported(side.sent, patch);
  }
}

async function closeQuietly(client: ModuleClient): Promise<void> {
  client.removeAllListeners('disconnect');
  await client.close().catch(() => undefined);
}

/** Subscribes to a twin's desired patches and resolves once the hub acknowledged the subscription. */
function desiredUpdates(twin: Twin): Promise<void> {
  return new Promise((resolve, reject) => {
    (twin as unknown as { enableTwinDesiredPropertiesUpdates(done: (error?: Error) => void): void }).enableTwinDesiredPropertiesUpdates((error) => (error ? reject(error) : resolve()));
  });
}
