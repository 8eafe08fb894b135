import type { StoreChange } from './hub-store';
import { etagMatches, hubError, isPlainObject, newEtag, validIdentityId, type HubResult, type JsonObject, type ModuleRecord } from './hub-model';
import { credentialsChanged, parseAuthentication } from './identity-auth';
import type { RegistryContext } from './registry-context';
import { newModuleRecord } from './registry-devices';

/** Module identities (HUB-CONTRACTS.md §2.2, §2.5, §9 items 9-10): planners, like registry-devices.ts. */

export interface ModulePlan {
  readonly changes: StoreChange[];
  readonly record: ModuleRecord;
  readonly disconnect: boolean;
}

/** `PUT /devices/{d}/modules/{m}`: create without If-Match, update with it. */
export function planPutModule(ctx: RegistryContext, deviceId: string, moduleId: string, body: unknown, ifMatch: string | undefined): HubResult<ModulePlan> {
  if (!validIdentityId(moduleId)) return hubError('ArgumentInvalid', `"${moduleId}" is not a valid module id`);
  if (!isPlainObject(body)) return hubError('ArgumentInvalid', 'the module must be a JSON object');
  if (body.deviceId !== undefined && body.deviceId !== deviceId) return hubError('ArgumentInvalid', 'the deviceId in the body does not match the one in the path');
  if (body.moduleId !== undefined && body.moduleId !== moduleId) return hubError('ArgumentInvalid', 'the moduleId in the body does not match the one in the path');
  if (!ctx.store.device(deviceId)) return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
  const current = ctx.store.module(deviceId, moduleId);
  const updating = ifMatch !== undefined;
  if (!updating && current) return hubError('ModuleAlreadyExistsOnDevice', `A module with ID '${moduleId}' is already registered on device '${deviceId}'.`);
  if (updating && !current) return hubError('ModuleNotFound', `Module ${moduleId} on device ${deviceId} not found.`);
  if (current && !etagMatches(ifMatch, current.etag)) return hubError('PreconditionFailed', `The etag of module ${moduleId} does not match.`);
  if (body.managedBy !== undefined && body.managedBy !== null && typeof body.managedBy !== 'string') return hubError('ArgumentInvalid', 'managedBy must be a string');
  const authentication = parseAuthentication(body.authentication, current?.authentication);
  if (!authentication.ok) return authentication;
  const managedBy = body.managedBy === undefined ? (current?.managedBy ?? null) : body.managedBy;
  const record: ModuleRecord = current
    ? { ...current, etag: newEtag(), managedBy, authentication: authentication.value }
    : newModuleRecord(deviceId, moduleId, managedBy, ctx.now(), authentication.value);
  const disconnect = !!current && credentialsChanged(current.authentication, record.authentication);
  return { ok: true, value: { changes: [{ kind: 'putModule', record }], record, disconnect } };
}

/** `DELETE /devices/{d}/modules/{m}`. */
export function planDeleteModule(ctx: RegistryContext, deviceId: string, moduleId: string, ifMatch: string | undefined): HubResult<StoreChange[]> {
  if (!ctx.store.device(deviceId)) return hubError('DeviceNotFound', `Device ${deviceId} not found.`);
  const current = ctx.store.module(deviceId, moduleId);
  if (!current) return hubError('ModuleNotFound', `Module ${moduleId} on device ${deviceId} not found.`);
  if (!etagMatches(ifMatch, current.etag)) return hubError('PreconditionFailed', `The etag of module ${moduleId} does not match.`);
  return { ok: true, value: [{ kind: 'deleteModule', deviceId, moduleId }] };
}

/** The module as `GET /devices/{d}/modules/{m}` shows it (§2.5). */
export function renderModule(ctx: RegistryContext, module: ModuleRecord): JsonObject {
  const connection = ctx.connection({ deviceId: module.deviceId, moduleId: module.moduleId });
  return {
    moduleId: module.moduleId,
    managedBy: module.managedBy,
    deviceId: module.deviceId,
    generationId: module.generationId,
    etag: module.etag,
    connectionState: connection.connections > 0 ? 'Connected' : 'Disconnected',
    connectionStateUpdatedTime: connection.stateUpdatedTime,
    lastActivityTime: connection.lastActivityTime,
    cloudToDeviceMessageCount: 0,
    authentication: module.authentication,
  };
}
