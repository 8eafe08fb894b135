import type { StoreChange } from './hub-store';
import {
  etagMatches,
  hubError,
  isPlainObject,
  newEtag,
  newGenerationId,
  validIdentityId,
  type DeviceRecord,
  type HubResult,
  type JsonObject,
  type ModuleRecord,
} from './hub-model';
import { credentialsChanged, generateModuleAuthentication, parseAuthentication } from './identity-auth';
import type { RegistryContext } from './registry-context';
import { emptyTwin } from './twin-state';

/**
 * Device identities (HUB-CONTRACTS.md §2.2, §2.5, §9 items 1-8): planners that check a request against the current
 * state and return the store changes (one batch), the reply and what to do to live connections. `registry.ts`
 * runs them inside the store's exclusive section; bulk import runs the same planners per item.
 */

export const EDGE_SYSTEM_MODULES = ['$edgeAgent', '$edgeHub'] as const;

export type PutMode = 'create' | 'update' | 'createOrUpdate';

export interface DevicePlan {
  readonly changes: StoreChange[];
  readonly record: DeviceRecord;
  /** Live connections of the device (and its modules) must be dropped. */
  readonly disconnect: boolean;
}

/** `PUT /devices/{d}` (create without If-Match, update with it) and the bulk `create`/`update` modes. */
export function planPutDevice(ctx: RegistryContext, deviceId: string, body: unknown, mode: PutMode, ifMatch: string | undefined): HubResult<DevicePlan> {
  if (!validIdentityId(deviceId)) return hubError('ArgumentInvalid', `"${deviceId}" is not a valid device id (up to 128 of letters, digits and -.%_*?!(),:=@$')`);
  if (!isPlainObject(body)) return hubError('ArgumentInvalid', 'the device must be a JSON object');
  if (body.deviceId !== undefined && body.deviceId !== deviceId) return hubError('ArgumentInvalid', 'the deviceId in the body does not match the one in the path');
  const current = ctx.store.device(deviceId);
  if (current && mode === 'create') return hubError('DeviceAlreadyExists', `A device with ID '${deviceId}' is already registered.`);
  if (!current && mode === 'update') return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
  if (current && !etagMatches(ifMatch, current.etag)) return hubError('PreconditionFailed', `The etag of device ${deviceId} does not match.`);

  const status = body.status ?? current?.status ?? 'enabled';
  if (status !== 'enabled' && status !== 'disabled') return hubError('ArgumentInvalid', 'status must be enabled or disabled');
  const statusReason = typeof body.statusReason === 'string' ? body.statusReason : (current?.statusReason ?? null);
  const capabilities = body.capabilities === undefined || body.capabilities === null ? (current?.capabilities ?? { iotEdge: false }) : body.capabilities;
  if (!isPlainObject(capabilities) || (capabilities.iotEdge !== undefined && typeof capabilities.iotEdge !== 'boolean')) {
    return hubError('ArgumentInvalid', 'capabilities.iotEdge must be a boolean');
  }
  const iotEdge = capabilities.iotEdge === true;
  const authentication = parseAuthentication(body.authentication, current?.authentication);
  if (!authentication.ok) return authentication;

  const now = ctx.now();
  const generationId = current?.generationId ?? newGenerationId();
  const scopes = planScopes(ctx, deviceId, generationId, iotEdge, body, current);
  if (!scopes.ok) return scopes;

  const record: DeviceRecord = {
    deviceId,
    generationId,
    etag: newEtag(),
    status,
    statusReason,
    statusUpdatedTime: current && current.status === status ? current.statusUpdatedTime : now,
    authentication: authentication.value,
    capabilities: { iotEdge },
    ...(scopes.value.deviceScope ? { deviceScope: scopes.value.deviceScope } : {}),
    parentScopes: scopes.value.parentScopes,
    twin: current?.twin ?? emptyTwin(now),
  };
  const changes: StoreChange[] = [{ kind: 'putDevice', record }];
  if (iotEdge) {
    for (const moduleId of EDGE_SYSTEM_MODULES) {
      if (!ctx.store.module(deviceId, moduleId)) changes.push({ kind: 'putModule', record: newModuleRecord(deviceId, moduleId, null, now) });
    }
  }
  const disconnect = !!current && (status === 'disabled' || credentialsChanged(current.authentication, record.authentication));
  return { ok: true, value: { changes, record, disconnect } };
}

/** `DELETE /devices/{d}`: the device, its twin and every module go in one batch. */
export function planDeleteDevice(ctx: RegistryContext, deviceId: string, ifMatch: string | undefined): HubResult<StoreChange[]> {
  const current = ctx.store.device(deviceId);
  if (!current) return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
  if (!etagMatches(ifMatch, current.etag)) return hubError('PreconditionFailed', `The etag of device ${deviceId} does not match.`);
  return { ok: true, value: [{ kind: 'deleteDevice', deviceId }] };
}

export function newModuleRecord(deviceId: string, moduleId: string, managedBy: string | null, now: string, authentication = generateModuleAuthentication()): ModuleRecord {
  return { deviceId, moduleId, generationId: newGenerationId(), etag: newEtag(), managedBy, authentication, twin: emptyTwin(now) };
}

/** The device as `GET /devices/{d}` shows it (§2.5). */
export function renderDevice(ctx: RegistryContext, device: DeviceRecord): JsonObject {
  const connection = ctx.connection({ deviceId: device.deviceId });
  return {
    deviceId: device.deviceId,
    generationId: device.generationId,
    etag: device.etag,
    connectionState: connection.connections > 0 ? 'Connected' : 'Disconnected',
    status: device.status,
    statusReason: device.statusReason,
    connectionStateUpdatedTime: connection.stateUpdatedTime,
    statusUpdatedTime: device.statusUpdatedTime,
    lastActivityTime: connection.lastActivityTime,
    cloudToDeviceMessageCount: ctx.store.c2dQueue(device.deviceId).length,
    authentication: device.authentication,
    capabilities: device.capabilities,
    ...(device.deviceScope ? { deviceScope: device.deviceScope } : {}),
    parentScopes: device.parentScopes,
  };
}

export function registryStatistics(ctx: RegistryContext): { totalDeviceCount: number; enabledDeviceCount: number; disabledDeviceCount: number } {
  let enabled = 0;
  for (const device of ctx.store.devices()) if (device.status === 'enabled') enabled += 1;
  const total = ctx.store.deviceCount;
  return { totalDeviceCount: total, enabledDeviceCount: enabled, disabledDeviceCount: total - enabled };
}

/**
 * Scopes (nested edge): an edge device owns `ms-azure-iot-edge://<id>-<generationId>`; a leaf device may sit under
 * an existing edge device's scope; `parentScopes` may only name existing edge scopes (a leaf's defaults to its
 * deviceScope). Anything else is refused, as IoT Hub refuses a made-up scope.
 */
function planScopes(
  ctx: RegistryContext,
  deviceId: string,
  generationId: string,
  iotEdge: boolean,
  body: JsonObject,
  current: DeviceRecord | undefined,
): HubResult<{ deviceScope?: string; parentScopes: string[] }> {
  const ownScope = iotEdge ? (current?.capabilities.iotEdge && current.deviceScope ? current.deviceScope : `ms-azure-iot-edge://${deviceId}-${generationId}`) : undefined;
  const requestedScope = typeof body.deviceScope === 'string' && body.deviceScope !== '' ? body.deviceScope : undefined;
  if (body.deviceScope !== undefined && body.deviceScope !== null && typeof body.deviceScope !== 'string') return hubError('ArgumentInvalid', 'deviceScope must be a string');
  if (body.parentScopes !== undefined && body.parentScopes !== null && (!Array.isArray(body.parentScopes) || !body.parentScopes.every((s) => typeof s === 'string'))) {
    return hubError('ArgumentInvalid', 'parentScopes must be an array of strings');
  }
  const requestedParents = Array.isArray(body.parentScopes) ? (body.parentScopes as string[]).filter((s) => s !== '') : undefined;
  const known = { has: (scope: string) => isEdgeScope(ctx, scope, deviceId) };
  let deviceScope = ownScope;
  if (!iotEdge) {
    deviceScope = requestedScope ?? (body.deviceScope === undefined ? current?.deviceScope : undefined);
    if (deviceScope !== undefined && !known.has(deviceScope)) return hubError('ArgumentInvalid', `deviceScope "${deviceScope}" is not the scope of an edge device in this hub`);
  } else if (requestedScope !== undefined && requestedScope !== ownScope && !known.has(requestedScope)) {
    return hubError('ArgumentInvalid', `deviceScope "${requestedScope}" is not the scope of an edge device in this hub`);
  }
  const parentScopes = requestedParents ?? (iotEdge ? (current?.parentScopes ?? []) : deviceScope ? [deviceScope] : []);
  if (parentScopes.length > 1) return hubError('ArgumentInvalid', 'a device can have at most one parent scope');
  for (const scope of parentScopes) {
    if (!known.has(scope)) return hubError('ArgumentInvalid', `parent scope "${scope}" is not the scope of an edge device in this hub`);
  }
  return { ok: true, value: { ...(deviceScope ? { deviceScope } : {}), parentScopes } };
}

/** Whether `scope` is the scope of an edge device other than `except`. */
function isEdgeScope(ctx: RegistryContext, scope: string, except: string): boolean {
  for (const device of ctx.store.devices()) if (device.capabilities.iotEdge && device.deviceScope === scope && device.deviceId !== except) return true;
  return false;
}
