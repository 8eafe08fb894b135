import type { Result } from '../../../shared/errors';
import { parseCondition } from '../../../shared/query';
import type { BackendError, DeviceBackend, DeviceGateway, HubMessage, IdentityRecord, IdentityRef, TwinSections } from '../../protocol/device-backend';
import { Emitter, type Event } from '../../runtime/drivers/event';
import { hubError, type ConfigurationRecord, type HubResult, type JsonObject, type SharedAccessPolicy } from './hub-model';
import { CloudToDeviceQueues, type CloudToDeviceOptions } from './cloud-to-device';
import { HubStore, type StoreChange } from './hub-store';
import { toCredentials } from './identity-auth';
import { parseBulkBody, runBulk, type BulkEffects, type BulkResult } from './registry-bulk';
import { planDeleteConfiguration, planPutConfiguration, renderConfiguration, type ConfigurationMetricsSource } from './registry-configurations';
import { RegistryContext } from './registry-context';
import { planDeleteDevice, planPutDevice, registryStatistics, renderDevice } from './registry-devices';
import { planDeleteModule, planPutModule, renderModule } from './registry-modules';
import { lookupTwinOwner, planApplyConfigurationContent, planReportedPatch, planServiceTwinChange, renderDeviceTwin, renderModuleTwin } from './registry-twins';
import { generatePolicies } from './service-auth';
import { renderSection } from './twin-state';

/**
 * The local hub's registry: device and module identities, twins, configurations and shared access policies, kept in
 * a HubStore, as the REST server (service side) and the protocol layer (device side, `DeviceBackend`) need them.
 * Every mutation is planned against the current state, written in one synced batch, and only then acted upon
 * (desired pushes, dropped connections), all inside the store's exclusive section.
 */

export interface LocalHubRegistryOptions {
  /** Folder of the classic-level database (created if missing). */
  readonly dir: string;
  /** The hub's host name: the `sr` of service tokens, the `HostName` of connection strings. */
  readonly hostName: string;
  readonly log?: (message: string) => void;
  /** Recent device-to-cloud messages kept in memory (default 1000). */
  readonly telemetryCapacity?: number;
  readonly clock?: () => Date;
}

/** A device-to-cloud message as it arrived, for monitor-events style readers. */
export interface TelemetryRecord {
  readonly from: IdentityRef;
  readonly enqueuedTimeUtc: string;
  readonly message: HubMessage;
}

type Mutation = { readonly changes: readonly StoreChange[]; readonly disconnect?: readonly IdentityRef[]; readonly pushes?: BulkEffects['pushes'] };

export class LocalHubRegistry implements DeviceBackend {
  private readonly telemetry: TelemetryRecord[] = [];
  private readonly telemetryEmitter = new Emitter<TelemetryRecord>();
  private metricsSource: ConfigurationMetricsSource | undefined;
  private conditionValidator: (condition: string) => string | undefined = (condition) => {
    const parsed = parseCondition(condition);
    return parsed.ok ? undefined : parsed.error.message;
  };
  readonly onTelemetry: Event<TelemetryRecord> = this.telemetryEmitter.event;
  private readonly changeEmitter = new Emitter<void>();
  /** Fires after every stored change (identities, twins, configurations, reported properties). */
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  private readonly c2d: CloudToDeviceQueues;

  private constructor(
    private readonly ctx: RegistryContext,
    private readonly telemetryCapacity: number,
  ) {
    this.c2d = new CloudToDeviceQueues(ctx, () => this.changeEmitter.fire());
  }

  static async open(options: LocalHubRegistryOptions): Promise<LocalHubRegistry> {
    const log = options.log ?? (() => undefined);
    const store = await HubStore.open(options.dir, log);
    const ctx = new RegistryContext(store, options.hostName, log, options.clock);
    if (store.policies().length === 0) await store.exclusive(() => store.commit([{ kind: 'putPolicies', policies: generatePolicies() }]));
    return new LocalHubRegistry(ctx, options.telemetryCapacity ?? 1000);
  }

  get hostName(): string {
    return this.ctx.hostName;
  }

  setGateway(gateway: DeviceGateway | undefined): void {
    this.ctx.gateway = gateway;
  }

  get gateway(): DeviceGateway | undefined {
    return this.ctx.gateway;
  }

  /** The shared access policies (iothubowner, service, device, registryRead, registryReadWrite) with their keys. */
  policies(): readonly SharedAccessPolicy[] {
    return this.ctx.store.policies();
  }

  /** Where configurations' metric counts come from (configuration assignment); zeros until set. */
  setConfigurationMetrics(source: ConfigurationMetricsSource | undefined): void {
    this.metricsSource = source;
  }

  /** Replaces the targetCondition check (default: shared/query parseCondition); returns a problem or undefined. */
  setConditionValidator(validate: (condition: string) => string | undefined): void {
    this.conditionValidator = validate;
  }

  // Devices ---------------------------------------------------------------------------------------------------

  /** `PUT /devices/{d}`: create when `ifMatch` is undefined, else update (`*` or the device etag). */
  putDevice(deviceId: string, body: unknown, ifMatch: string | undefined): Promise<HubResult<JsonObject>> {
    return this.mutate(() => {
      const plan = planPutDevice(this.ctx, deviceId, body, ifMatch === undefined ? 'create' : 'update', ifMatch);
      if (!plan.ok) return plan;
      const disconnect = plan.value.disconnect ? this.identitiesOf(deviceId) : [];
      return { ok: true, value: { mutation: { changes: plan.value.changes, disconnect }, reply: () => renderDevice(this.ctx, plan.value.record) } };
    });
  }

  getDevice(deviceId: string): HubResult<JsonObject> {
    const device = this.ctx.store.device(deviceId);
    return device ? { ok: true, value: renderDevice(this.ctx, device) } : hubError('DeviceNotFound', `Device ${deviceId} not found.`);
  }

  listDevices(top?: number): JsonObject[] {
    const out: JsonObject[] = [];
    for (const device of this.ctx.store.devices()) {
      if (top !== undefined && out.length >= top) break;
      out.push(renderDevice(this.ctx, device));
    }
    return out;
  }

  deleteDevice(deviceId: string, ifMatch: string | undefined): Promise<HubResult<void>> {
    return this.mutate(() => {
      const disconnect = this.identitiesOf(deviceId);
      const plan = planDeleteDevice(this.ctx, deviceId, ifMatch);
      if (!plan.ok) return plan;
      for (const ref of disconnect) this.ctx.forget(ref);
      return { ok: true, value: { mutation: { changes: plan.value, disconnect }, reply: () => undefined } };
    });
  }

  /** `POST /devices`: bulk create/update/delete (§2.4). */
  async bulk(body: unknown): Promise<HubResult<BulkResult>> {
    const items = parseBulkBody(body);
    if (!items.ok) return items;
    const result = await this.ctx.store.exclusive(() => runBulk(this.ctx, items.value, (effects) => this.execute(effects)));
    return { ok: true, value: result };
  }

  statistics(): { totalDeviceCount: number; enabledDeviceCount: number; disabledDeviceCount: number } {
    return registryStatistics(this.ctx);
  }

  serviceStatistics(): { connectedDeviceCount: number } {
    return { connectedDeviceCount: this.ctx.connectedDeviceCount() };
  }

  // Modules ---------------------------------------------------------------------------------------------------

  putModule(deviceId: string, moduleId: string, body: unknown, ifMatch: string | undefined): Promise<HubResult<JsonObject>> {
    return this.mutate(() => {
      const plan = planPutModule(this.ctx, deviceId, moduleId, body, ifMatch);
      if (!plan.ok) return plan;
      const disconnect = plan.value.disconnect ? [{ deviceId, moduleId }] : [];
      return { ok: true, value: { mutation: { changes: plan.value.changes, disconnect }, reply: () => renderModule(this.ctx, plan.value.record) } };
    });
  }

  getModule(deviceId: string, moduleId: string): HubResult<JsonObject> {
    if (!this.ctx.store.device(deviceId)) return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
    const module = this.ctx.store.module(deviceId, moduleId);
    return module ? { ok: true, value: renderModule(this.ctx, module) } : hubError('ModuleNotFound', `Module ${moduleId} on device ${deviceId} not found.`);
  }

  listModules(deviceId: string): HubResult<JsonObject[]> {
    if (!this.ctx.store.device(deviceId)) return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
    return { ok: true, value: this.ctx.store.modules(deviceId).map((module) => renderModule(this.ctx, module)) };
  }

  deleteModule(deviceId: string, moduleId: string, ifMatch: string | undefined): Promise<HubResult<void>> {
    return this.mutate(() => {
      const plan = planDeleteModule(this.ctx, deviceId, moduleId, ifMatch);
      if (!plan.ok) return plan;
      this.ctx.forget({ deviceId, moduleId });
      return { ok: true, value: { mutation: { changes: plan.value, disconnect: [{ deviceId, moduleId }] }, reply: () => undefined } };
    });
  }

  // Twins -----------------------------------------------------------------------------------------------------

  /** `GET /twins/{d}[/modules/{m}]`. */
  getTwinDocument(ref: IdentityRef): HubResult<JsonObject> {
    const owner = lookupTwinOwner(this.ctx, ref);
    if (!owner.ok) return owner;
    return { ok: true, value: owner.value.kind === 'device' ? renderDeviceTwin(this.ctx, owner.value.record) : renderModuleTwin(this.ctx, owner.value.record) };
  }

  /** `PATCH` (merge) or `PUT` (replace) `/twins/{d}[/modules/{m}]`; desired changes are pushed to live connections. */
  updateTwin(ref: IdentityRef, body: unknown, mode: 'merge' | 'replace', ifMatch: string | undefined): Promise<HubResult<JsonObject>> {
    return this.mutate(() => {
      const plan = planServiceTwinChange(this.ctx, ref, body, mode, ifMatch);
      if (!plan.ok) return plan;
      return { ok: true, value: { mutation: plan.value, reply: () => this.twinOrEmpty(ref) } };
    });
  }

  /** `POST /devices/{d}/applyConfigurationContent` (§9 item 17). */
  applyConfigurationContent(deviceId: string, body: unknown): Promise<HubResult<void>> {
    return this.mutate(() => {
      const plan = planApplyConfigurationContent(this.ctx, deviceId, body);
      if (!plan.ok) return plan;
      return { ok: true, value: { mutation: plan.value, reply: () => undefined } };
    });
  }

  /** Twins for the query language: `devices` (device twins) or `devices.modules` (module twins). */
  twinDocuments(collection: 'devices' | 'devices.modules'): JsonObject[] {
    if (collection === 'devices') return [...this.ctx.store.devices()].map((device) => renderDeviceTwin(this.ctx, device));
    return [...this.ctx.store.allModules()].map((module) => renderModuleTwin(this.ctx, module));
  }

  // Configurations --------------------------------------------------------------------------------------------

  putConfiguration(id: string, body: unknown, ifMatch: string | undefined): Promise<HubResult<JsonObject>> {
    return this.mutate(() => {
      const plan = planPutConfiguration(this.ctx, id, body, ifMatch, this.conditionValidator);
      if (!plan.ok) return plan;
      return { ok: true, value: { mutation: plan.value, reply: () => renderConfiguration(plan.value.record, this.metricsSource) } };
    });
  }

  getConfiguration(id: string): HubResult<JsonObject> {
    const record = this.ctx.store.configuration(id);
    return record ? { ok: true, value: renderConfiguration(record, this.metricsSource) } : hubError('ConfigurationNotFound', `Configuration ${id} not found.`);
  }

  listConfigurations(): JsonObject[] {
    return this.ctx.store.configurations().map((record) => renderConfiguration(record, this.metricsSource));
  }

  /** Stored configurations, for configuration assignment. */
  configurationRecords(): readonly ConfigurationRecord[] {
    return this.ctx.store.configurations();
  }

  deleteConfiguration(id: string, ifMatch: string | undefined): Promise<HubResult<void>> {
    return this.mutate(() => {
      const plan = planDeleteConfiguration(this.ctx, id, ifMatch);
      if (!plan.ok) return plan;
      return { ok: true, value: { mutation: { changes: plan.value }, reply: () => undefined } };
    });
  }

  // Telemetry -------------------------------------------------------------------------------------------------

  /** The most recent device-to-cloud messages, oldest first. */
  recentTelemetry(): readonly TelemetryRecord[] {
    return [...this.telemetry];
  }

  // DeviceBackend ---------------------------------------------------------------------------------------------

  async lookupIdentity(ref: IdentityRef): Promise<Result<IdentityRecord, BackendError>> {
    const device = this.ctx.store.device(ref.deviceId);
    if (!device) return notFound(ref);
    if (ref.moduleId === undefined) return { ok: true, value: { deviceId: ref.deviceId, status: device.status, credentials: toCredentials(device.authentication) } };
    const module = this.ctx.store.module(ref.deviceId, ref.moduleId);
    if (!module) return notFound(ref);
    return { ok: true, value: { deviceId: ref.deviceId, moduleId: ref.moduleId, status: device.status, credentials: toCredentials(module.authentication) } };
  }

  /**
   * IoT Hub's on-behalf-of rule: an IoT Edge device's `$edgeHub` may authenticate a child device, one whose
   * `deviceScope` is the edge device's scope or whose `parentScopes` name it (a nested edge device). The child may
   * authenticate with keys, X.509 or nothing of its own: the parent vouches for it.
   */
  async onBehalfOf(child: IdentityRecord, edgeDeviceId: string): Promise<Result<IdentityRecord, BackendError>> {
    const unauthorized = (message: string) => ({ ok: false as const, error: { code: 'UNAUTHORIZED' as const, message } });
    const edge = this.ctx.store.device(edgeDeviceId);
    if (!edge) return unauthorized(`device ${edgeDeviceId} is not registered`);
    if (!edge.capabilities.iotEdge) return unauthorized(`device ${edgeDeviceId} is not an IoT Edge device`);
    if (edge.status !== 'enabled') return unauthorized(`device ${edgeDeviceId} is disabled`);
    const device = this.ctx.store.device(child.deviceId);
    const scope = edge.deviceScope;
    if (!device || !scope || (device.deviceScope !== scope && !device.parentScopes.includes(scope))) {
      return unauthorized(`device ${child.deviceId} is not a child of ${edgeDeviceId}`);
    }
    const edgeHub = this.ctx.store.module(edgeDeviceId, '$edgeHub');
    if (!edgeHub) return unauthorized(`device ${edgeDeviceId} has no $edgeHub module identity`);
    return { ok: true, value: { deviceId: edgeDeviceId, moduleId: '$edgeHub', status: 'enabled', credentials: toCredentials(edgeHub.authentication) } };
  }

  async acceptTelemetry(from: IdentityRef, message: HubMessage): Promise<Result<void, BackendError>> {
    if (!this.ctx.store.device(from.deviceId)) return notFound(from);
    const record: TelemetryRecord = { from, enqueuedTimeUtc: this.ctx.now(), message };
    this.telemetry.push(record);
    if (this.telemetry.length > this.telemetryCapacity) this.telemetry.splice(0, this.telemetry.length - this.telemetryCapacity);
    this.ctx.touch(from);
    this.telemetryEmitter.fire(record);
    return { ok: true, value: undefined };
  }

  async getTwin(of: IdentityRef): Promise<Result<TwinSections, BackendError>> {
    const owner = lookupTwinOwner(this.ctx, of);
    if (!owner.ok) return notFound(of);
    const twin = owner.value.record.twin;
    return {
      ok: true,
      value: { desired: renderSection(twin.desired, twin.desiredMetadata, twin.desiredVersion, false), reported: renderSection(twin.reported, twin.reportedMetadata, twin.reportedVersion, false) },
    };
  }

  async patchReported(of: IdentityRef, patch: Record<string, unknown>): Promise<Result<{ readonly version: number }, BackendError>> {
    try {
      return await this.ctx.store.exclusive(async () => {
        const plan = planReportedPatch(this.ctx, of, patch);
        if (!plan.ok) return { ok: false, error: { code: plan.error.code === 'ArgumentInvalid' ? 'BAD_REQUEST' : 'NOT_FOUND', message: plan.error.message } };
        await this.ctx.store.commit(plan.value.changes);
        if (plan.value.changes.length > 0) this.changeEmitter.fire();
        this.ctx.touch(of);
        return { ok: true, value: { version: plan.value.version } };
      });
    } catch (error) {
      return { ok: false, error: { code: 'INTERNAL', message: `could not store the reported properties: ${String(error)}` } };
    }
  }

  subscribed(ref: IdentityRef, feature: string): void {
    if (feature === 'c2d' && ref.moduleId === undefined) this.c2d.kick(ref.deviceId);
  }

  /**
   * Queues a cloud-to-device message for a device (what azure-iothub's `Client.send` does over AMQP): durable before
   * it resolves, delivered in order once the device listens (./cloud-to-device.ts).
   */
  sendCloudToDevice(deviceId: string, message: HubMessage, options?: CloudToDeviceOptions): Promise<Result<{ readonly messageId: string }, BackendError>> {
    return this.c2d.send(deviceId, message, options);
  }

  /** The device's waiting cloud-to-device messages (count). */
  cloudToDeviceQueueDepth(deviceId: string): number {
    return this.ctx.store.c2dQueue(deviceId).length;
  }

  connectionChanged(ref: IdentityRef, connected: boolean): void {
    this.ctx.connectionChanged(ref, connected);
  }

  async close(): Promise<void> {
    this.telemetryEmitter.dispose();
    this.changeEmitter.dispose();
    await this.ctx.store.close();
  }

  // ------------------------------------------------------------------------------------------------------------

  private identitiesOf(deviceId: string): IdentityRef[] {
    return [{ deviceId }, ...this.ctx.store.modules(deviceId).map((module) => ({ deviceId, moduleId: module.moduleId }))];
  }

  private twinOrEmpty(ref: IdentityRef): JsonObject {
    const twin = this.getTwinDocument(ref);
    return twin.ok ? twin.value : {};
  }

  /** Plans inside the exclusive section, commits, acts on live connections, then renders the reply. */
  private mutate<T>(plan: () => HubResult<{ mutation: Mutation; reply: () => T }>): Promise<HubResult<T>> {
    return this.ctx.store.exclusive(async () => {
      const planned = plan();
      if (!planned.ok) return planned;
      await this.execute(planned.value.mutation);
      return { ok: true, value: planned.value.reply() };
    });
  }

  private async execute(mutation: Mutation): Promise<void> {
    await this.ctx.store.commit(mutation.changes);
    if (mutation.changes.length > 0) this.changeEmitter.fire();
    const gateway = this.ctx.gateway;
    if (!gateway) return;
    try {
      for (const ref of mutation.disconnect ?? []) gateway.disconnect(ref);
      for (const push of mutation.pushes ?? []) gateway.pushDesired(push.target, push.patch);
    } catch (error) {
      // The change is stored; a failing gateway must not turn an acknowledged write into an error.
      this.ctx.log(`local hub: the device gateway failed after a registry change: ${String(error)}`);
    }
  }
}

function notFound(ref: IdentityRef): { ok: false; error: BackendError } {
  const what = ref.moduleId === undefined ? `device ${ref.deviceId}` : `module ${ref.moduleId} on device ${ref.deviceId}`;
  return { ok: false, error: { code: 'NOT_FOUND', message: `${what} is not registered` } };
}
