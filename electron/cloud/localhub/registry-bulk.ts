import type { IdentityRef } from '../../protocol/device-backend';
import type { StoreChange } from './hub-store';
import { hubError, isPlainObject, type HubError, type HubResult, type JsonObject } from './hub-model';
import type { RegistryContext } from './registry-context';
import { planDeleteDevice, planPutDevice } from './registry-devices';
import { planServiceTwinChange } from './registry-twins';

/**
 * Bulk registry operations, `POST /devices` (HUB-CONTRACTS.md §2.4): items carry `id` and an `importMode` compared
 * case-insensitively. Failures are reported per item in `errors` and never fail the request.
 */

export const MAX_BULK_ITEMS = 100;

export interface BulkResult {
  isSuccessful: boolean;
  errors: { deviceId: string; errorCode: string; errorStatus: string; moduleId: null; operation: string }[];
  warnings: { deviceId: string; warningCode: string; warningStatus: string }[];
}

/** What executing one planned item means for the registry: write, then act on live connections. */
export interface BulkEffects {
  readonly changes: StoreChange[];
  readonly disconnect: IdentityRef[];
  readonly pushes: { readonly target: IdentityRef; readonly patch: JsonObject }[];
}

export function parseBulkBody(body: unknown): HubResult<JsonObject[]> {
  if (!Array.isArray(body)) return hubError('ArgumentInvalid', 'the bulk request must be a JSON array of devices');
  if (body.length === 0 || body.length > MAX_BULK_ITEMS) return hubError('ArgumentInvalid', `a bulk request holds 1 to ${MAX_BULK_ITEMS} devices`);
  if (!body.every(isPlainObject)) return hubError('ArgumentInvalid', 'every bulk item must be a JSON object');
  return { ok: true, value: body };
}

export async function runBulk(ctx: RegistryContext, items: readonly JsonObject[], execute: (effects: BulkEffects) => Promise<void>): Promise<BulkResult> {
  const result: BulkResult = { isSuccessful: true, errors: [], warnings: [] };
  // Items that cannot see each other (distinct ids, no scope references) are planned against the same state and
  // written in ONE synced batch; otherwise each item is planned after the previous one was written.
  const together = independent(items);
  const pending: BulkEffects[] = [];
  for (const item of items) {
    const deviceId = itemId(item);
    const operation = typeof item.importMode === 'string' ? item.importMode : '';
    const planned = planItem(ctx, deviceId, operation.toLowerCase(), item);
    if (!planned.ok) {
      result.isSuccessful = false;
      result.errors.push(bulkError(deviceId, operation, planned.error));
      continue;
    }
    if (together) pending.push(planned.value);
    else await execute(planned.value);
  }
  if (pending.length > 0) {
    await execute({ changes: pending.flatMap((e) => e.changes), disconnect: pending.flatMap((e) => e.disconnect), pushes: pending.flatMap((e) => e.pushes) });
  }
  return result;
}

function itemId(item: JsonObject): string {
  return typeof item.id === 'string' ? item.id : typeof item.deviceId === 'string' ? item.deviceId : '';
}

function independent(items: readonly JsonObject[]): boolean {
  const ids = new Set(items.map(itemId));
  const scoped = items.some((item) => (typeof item.deviceScope === 'string' && item.deviceScope !== '') || (Array.isArray(item.parentScopes) && item.parentScopes.length > 0));
  return ids.size === items.length && !scoped;
}

function planItem(ctx: RegistryContext, deviceId: string, mode: string, item: JsonObject): HubResult<BulkEffects> {
  if (deviceId === '') return hubError('ArgumentInvalid', 'the item has no id');
  const etag = typeof item.eTag === 'string' ? item.eTag : typeof item.etag === 'string' ? item.etag : undefined;
  const { id: _id, importMode: _mode, etag: _etag, eTag: _eTag, twinETag: _twinETag, tags, properties, ...device } = item;
  const withTwin = (effects: BulkEffects): HubResult<BulkEffects> => {
    if (tags === undefined && properties === undefined) return { ok: true, value: effects };
    return hubError('ArgumentInvalid', 'tags and properties are applied with importMode updateTwin');
  };
  switch (mode) {
    case 'create':
    case 'createorupdate':
    case 'createorupdateifmatchetag':
    case 'update':
    case 'updateifmatchetag': {
      const putMode = mode === 'create' ? 'create' : mode.startsWith('createorupdate') ? 'createOrUpdate' : 'update';
      const ifMatch = mode.endsWith('ifmatchetag') ? (etag ?? '') : undefined;
      if (ifMatch === '') return hubError('ArgumentInvalid', `importMode ${mode} needs the item's etag`);
      const plan = planPutDevice(ctx, deviceId, { ...device, deviceId }, putMode, ifMatch);
      if (!plan.ok) return plan;
      const disconnect = plan.value.disconnect ? [{ deviceId }] : [];
      return withTwin({ changes: plan.value.changes, disconnect, pushes: [] });
    }
    case 'delete':
    case 'deleteifmatchetag': {
      const ifMatch = mode === 'deleteifmatchetag' ? etag : undefined;
      if (mode === 'deleteifmatchetag' && !ifMatch) return hubError('ArgumentInvalid', 'importMode deleteIfMatchETag needs the item\'s etag');
      const plan = planDeleteDevice(ctx, deviceId, ifMatch);
      if (!plan.ok) return plan;
      return { ok: true, value: { changes: plan.value, disconnect: [{ deviceId }, ...ctx.store.modules(deviceId).map((m) => ({ deviceId, moduleId: m.moduleId }))], pushes: [] } };
    }
    case 'updatetwin':
    case 'updatetwinifmatchetag': {
      const twinEtag = typeof item.twinETag === 'string' ? item.twinETag : undefined;
      if (mode === 'updatetwinifmatchetag' && !twinEtag) return hubError('ArgumentInvalid', 'importMode updateTwinIfMatchETag needs the item\'s twinETag');
      const plan = planServiceTwinChange(ctx, { deviceId }, { tags, properties }, 'merge', mode === 'updatetwinifmatchetag' ? twinEtag : undefined);
      if (!plan.ok) return plan;
      return { ok: true, value: { changes: plan.value.changes, disconnect: [], pushes: plan.value.pushes } };
    }
    default:
      return hubError('ArgumentInvalid', `importMode "${mode}" is not one of create, createOrUpdate, update, updateIfMatchETag, delete, deleteIfMatchETag, updateTwin, updateTwinIfMatchETag`);
  }
}

function bulkError(deviceId: string, operation: string, error: HubError): BulkResult['errors'][number] {
  return { deviceId, errorCode: error.code, errorStatus: error.message, moduleId: null, operation };
}
