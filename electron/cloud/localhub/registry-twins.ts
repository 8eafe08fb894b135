import type { IdentityRef } from '../../protocol/device-backend';
import type { StoreChange } from './hub-store';
import { etagMatches, hubError, isPlainObject, twinEtag, type DeviceRecord, type HubResult, type JsonObject, type ModuleRecord, type TwinState } from './hub-model';
import type { RegistryContext } from './registry-context';
import { EDGE_SYSTEM_MODULES, newModuleRecord } from './registry-devices';
import { applyReportedPatch, applyServiceChange, jsonEqual, parseServiceTwinBody, renderSection, replaceDesired, setAtPath, validateTwinValue, withoutSystemKeys } from './twin-state';

/** Device and module twins (HUB-CONTRACTS.md §2.6, §9 items 11, 12, 17): rendering and planners. */

export interface TwinPlan {
  readonly changes: StoreChange[];
  /** Desired patches to push to live connections, with `$version`. */
  readonly pushes: { readonly target: IdentityRef; readonly patch: JsonObject }[];
}

/** The device twin as `GET /twins/{d}` and queries show it. */
export function renderDeviceTwin(ctx: RegistryContext, device: DeviceRecord): JsonObject {
  const connection = ctx.connection({ deviceId: device.deviceId });
  const cached = ctx.renderCache.get(device);
  if (cached && cached.connection === connection) return cached.doc;
  const doc: JsonObject = {
    deviceId: device.deviceId,
    etag: twinEtag(device.twin.version),
    deviceEtag: device.etag,
    status: device.status,
    statusReason: device.statusReason,
    statusUpdateTime: device.statusUpdatedTime,
    connectionState: connection.connections > 0 ? 'Connected' : 'Disconnected',
    lastActivityTime: connection.lastActivityTime,
    cloudToDeviceMessageCount: 0,
    authenticationType: device.authentication.type,
    x509Thumbprint: device.authentication.x509Thumbprint,
    modelId: '',
    version: device.twin.version,
    capabilities: device.capabilities,
    ...(device.deviceScope ? { deviceScope: device.deviceScope } : {}),
    parentScopes: device.parentScopes,
    ...renderTwinBody(device.twin),
  };
  ctx.renderCache.set(device, { connection, doc });
  return doc;
}

/** The module twin as `GET /twins/{d}/modules/{m}` and `devices.modules` queries show it. */
export function renderModuleTwin(ctx: RegistryContext, module: ModuleRecord): JsonObject {
  const connection = ctx.connection({ deviceId: module.deviceId, moduleId: module.moduleId });
  const device = ctx.store.device(module.deviceId);
  const cached = ctx.renderCache.get(module);
  if (cached && cached.connection === connection && cached.device === device) return cached.doc;
  const doc: JsonObject = {
    deviceId: module.deviceId,
    moduleId: module.moduleId,
    etag: twinEtag(module.twin.version),
    deviceEtag: device?.etag ?? '',
    status: 'enabled',
    statusUpdateTime: '0001-01-01T00:00:00Z',
    connectionState: connection.connections > 0 ? 'Connected' : 'Disconnected',
    lastActivityTime: connection.lastActivityTime,
    cloudToDeviceMessageCount: 0,
    authenticationType: module.authentication.type,
    x509Thumbprint: module.authentication.x509Thumbprint,
    modelId: '',
    version: module.twin.version,
    ...renderTwinBody(module.twin),
  };
  ctx.renderCache.set(module, { connection, ...(device ? { device } : {}), doc });
  return doc;
}

function renderTwinBody(twin: TwinState): JsonObject {
  return {
    tags: twin.tags,
    properties: {
      desired: renderSection(twin.desired, twin.desiredMetadata, twin.desiredVersion),
      reported: renderSection(twin.reported, twin.reportedMetadata, twin.reportedVersion),
    },
  };
}

/** The identity record that holds the twin of `ref`, or the error the REST layer reports. */
export function lookupTwinOwner(ctx: RegistryContext, ref: IdentityRef): HubResult<{ kind: 'device'; record: DeviceRecord } | { kind: 'module'; record: ModuleRecord }> {
  const device = ctx.store.device(ref.deviceId);
  if (!device) return hubError('DeviceNotFound', `Device ${ref.deviceId} not found.`);
  if (ref.moduleId === undefined) return { ok: true, value: { kind: 'device', record: device } };
  const module = ctx.store.module(ref.deviceId, ref.moduleId);
  if (!module) return hubError('ModuleNotFound', `Module ${ref.moduleId} on device ${ref.deviceId} not found.`);
  return { ok: true, value: { kind: 'module', record: module } };
}

/** `PATCH` (merge) or `PUT` (replace) of a twin's tags and desired properties by the service. */
export function planServiceTwinChange(ctx: RegistryContext, ref: IdentityRef, body: unknown, mode: 'merge' | 'replace', ifMatch: string | undefined): HubResult<TwinPlan> {
  const owner = lookupTwinOwner(ctx, ref);
  if (!owner.ok) return owner;
  const twin = owner.value.record.twin;
  if (!etagMatches(ifMatch, twinEtag(twin.version))) return hubError('PreconditionFailed', 'The twin etag does not match.');
  const parsed = parseServiceTwinBody(body);
  if (!parsed.ok) return parsed;
  const change = applyServiceChange(twin, parsed.value, mode, ctx.now());
  return { ok: true, value: withTwin(owner.value, change.twin, change.desiredPush) };
}

/** A device's reported patch over MQTT. */
export function planReportedPatch(ctx: RegistryContext, ref: IdentityRef, patch: unknown): HubResult<{ changes: StoreChange[]; version: number }> {
  const owner = lookupTwinOwner(ctx, ref);
  if (!owner.ok) return owner;
  if (!isPlainObject(patch)) return hubError('ArgumentInvalid', 'the reported patch must be a JSON object');
  const cleaned = withoutSystemKeys(patch);
  const checked = validateTwinValue(cleaned, 'properties.reported');
  if (!checked.ok) return checked;
  const twin = applyReportedPatch(owner.value.record.twin, cleaned, ctx.now());
  return { ok: true, value: { changes: withTwin(owner.value, twin).changes, version: twin.reportedVersion } };
}

/**
 * `POST /devices/{d}/applyConfigurationContent`: `modulesContent` sets each module twin's desired (creating the
 * module, managed by IoT Edge, when it does not exist yet); `deviceContent` / `moduleContent` set the device twin's.
 * A `properties.desired` key replaces the section; `properties.desired.<path>` (layered) sets one path in it.
 */
export function planApplyConfigurationContent(ctx: RegistryContext, deviceId: string, body: unknown): HubResult<TwinPlan> {
  const device = ctx.store.device(deviceId);
  if (!device) return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
  if (!isPlainObject(body)) return hubError('ArgumentInvalid', 'the configuration content must be a JSON object');
  const now = ctx.now();
  const plan: TwinPlan = { changes: [], pushes: [] };
  if (isPlainObject(body.modulesContent)) {
    if (!device.capabilities.iotEdge) return hubError('ArgumentInvalid', `Device ${deviceId} is not an IoT Edge device; modulesContent needs one.`);
    for (const [moduleId, content] of Object.entries(body.modulesContent)) {
      const desired = desiredFromContent(content, `modulesContent.${moduleId}`);
      if (!desired.ok) return desired;
      const existing = ctx.store.module(deviceId, moduleId);
      const managedBy = (EDGE_SYSTEM_MODULES as readonly string[]).includes(moduleId) ? null : 'iotEdge';
      const module = existing ?? newModuleRecord(deviceId, moduleId, managedBy, now);
      const next = desired.value(module.twin.desired);
      // Unchanged content is a no-op: no new $version, no push (assignment re-applies deployments often).
      if (existing && jsonEqual(next, module.twin.desired)) continue;
      const change = replaceDesired(module.twin, next, now);
      const planned = withTwin({ kind: 'module', record: module }, change.twin, change.desiredPush);
      plan.changes.push(...planned.changes);
      plan.pushes.push(...planned.pushes);
    }
    return { ok: true, value: plan };
  }
  const content = body.deviceContent ?? body.moduleContent;
  if (!isPlainObject(content)) return hubError('ArgumentInvalid', 'the content needs modulesContent or deviceContent');
  const desired = desiredFromContent(content, 'deviceContent');
  if (!desired.ok) return desired;
  const next = desired.value(device.twin.desired);
  if (jsonEqual(next, device.twin.desired)) return { ok: true, value: plan };
  const change = replaceDesired(device.twin, next, now);
  return { ok: true, value: withTwin({ kind: 'device', record: device }, change.twin, change.desiredPush) };
}

/** Reads `{"properties.desired": {...}, "properties.desired.a.b": v}` into a function of the current desired. */
function desiredFromContent(content: unknown, path: string): HubResult<(current: JsonObject) => JsonObject> {
  if (!isPlainObject(content)) return hubError('ArgumentInvalid', `${path} must be an object`);
  const entries = Object.entries(content);
  for (const [key, value] of entries) {
    if (key !== 'properties.desired' && !key.startsWith('properties.desired.')) return hubError('ArgumentInvalid', `${path}: "${key}" is not properties.desired or a path below it`);
    if (key === 'properties.desired' && !isPlainObject(value)) return hubError('ArgumentInvalid', `${path}: properties.desired must be an object`);
    const checked = validateTwinValue(value, `${path}.${key}`);
    if (!checked.ok) return checked;
  }
  return {
    ok: true,
    value: (current) => {
      const base = content['properties.desired'];
      let desired = isPlainObject(base) ? base : current;
      for (const [key, value] of entries) {
        if (key !== 'properties.desired') desired = setAtPath(desired, key.slice('properties.desired.'.length).split('.'), value);
      }
      return desired;
    },
  };
}

function withTwin(owner: { kind: 'device'; record: DeviceRecord } | { kind: 'module'; record: ModuleRecord }, twin: TwinState, push?: JsonObject): TwinPlan {
  const pushes = push ? [{ target: owner.kind === 'device' ? { deviceId: owner.record.deviceId } : { deviceId: owner.record.deviceId, moduleId: owner.record.moduleId }, patch: push }] : [];
  if (owner.kind === 'device') return { changes: [{ kind: 'putDevice', record: { ...owner.record, twin } }], pushes };
  return { changes: [{ kind: 'putModule', record: { ...owner.record, twin } }], pushes };
}
