import type { ClassicLevel } from 'classic-level';
import { lazyModule } from '../../runtime/lazy-module';
import type { ConfigurationRecord, DeviceRecord, ModuleRecord, SharedAccessPolicy } from './hub-model';

/** Required when the store is opened, not at import: every CLI command loads this module and most never open it. */
const classicLevel = lazyModule<typeof import('classic-level')>('classic-level');

/**
 * The local hub's registry on disk (classic-level, one folder). Layout, one JSON value per key:
 *   `dev/<deviceId>`            device identity + its twin
 *   `mod/<deviceId>/<moduleId>` module identity + its module twin
 *   `cfg/<configurationId>`     configuration
 *   `meta/policies`             shared access policies
 *   `c2d/<deviceId>/<seq>`      a cloud-to-device message waiting for its device (seq: 16 digits, so keys sort in order)
 * Ids never contain `/` (validated before they get here), so the prefixes cannot collide.
 *
 * Every acknowledged mutation is one `batch` written with `{ sync: true }` (fsync before it resolves), so a device
 * with its twin and modules, or a delete with its cascade, is on disk entirely or not at all. Reads come from the
 * in-memory index loaded at open. Mutations run one at a time (`exclusive`), so a read-modify-write inside one
 * never interleaves with another.
 */

export type StoreChange =
  | { readonly kind: 'putDevice'; readonly record: DeviceRecord }
  | { readonly kind: 'deleteDevice'; readonly deviceId: string }
  | { readonly kind: 'putModule'; readonly record: ModuleRecord }
  | { readonly kind: 'deleteModule'; readonly deviceId: string; readonly moduleId: string }
  | { readonly kind: 'putConfiguration'; readonly record: ConfigurationRecord }
  | { readonly kind: 'deleteConfiguration'; readonly id: string }
  | { readonly kind: 'putPolicies'; readonly policies: readonly SharedAccessPolicy[] }
  | { readonly kind: 'putC2d'; readonly record: C2dRecord }
  | { readonly kind: 'deleteC2d'; readonly deviceId: string; readonly seq: number };

/** A cloud-to-device message in its device's queue (body base64; properties as the device will see them). */
export interface C2dRecord {
  readonly deviceId: string;
  readonly seq: number;
  readonly body: string;
  /** System properties by wire name without `$.` (`mid`, `to`, `cid`, `uid`, `ct`, `ce`, `exp`). */
  readonly systemProperties: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly enqueuedAtMs: number;
  readonly expiresAtMs: number;
}

interface DeviceEntry {
  device: DeviceRecord;
  readonly modules: Map<string, ModuleRecord>;
}

type BatchOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

const deviceKey = (deviceId: string) => `dev/${deviceId}`;
const moduleKey = (deviceId: string, moduleId: string) => `mod/${deviceId}/${moduleId}`;
const configurationKey = (id: string) => `cfg/${id}`;
const POLICIES_KEY = 'meta/policies';
const c2dKey = (deviceId: string, seq: number) => `c2d/${deviceId}/${String(seq).padStart(16, '0')}`;

export class HubStore {
  private readonly deviceIndex = new Map<string, DeviceEntry>();
  private readonly configurationIndex = new Map<string, ConfigurationRecord>();
  private policyList: readonly SharedAccessPolicy[] = [];
  /** Each device's waiting cloud-to-device messages, oldest first. */
  private readonly c2dIndex = new Map<string, C2dRecord[]>();
  private lastC2dSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly db: ClassicLevel<string, unknown>) {}

  /** Opens (creating) the database in `dir`; records that are not what this version writes are skipped and logged. */
  static async open(dir: string, log: (message: string) => void = () => undefined): Promise<HubStore> {
    let Level: typeof ClassicLevel;
    try {
      Level = classicLevel().ClassicLevel;
    } catch (error) {
      throw new Error(`the local hub store at ${dir} cannot open: its database library (classic-level) did not load: ${(error as Error).message}`, { cause: error });
    }
    const db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
    await db.open();
    const store = new HubStore(db);
    await store.load(log);
    return store;
  }

  private async load(log: (message: string) => void): Promise<void> {
    const orphans: ModuleRecord[] = [];
    for await (const [key, value] of this.db.iterator()) {
      if (!wellFormed(key, value)) {
        log(`local hub store: skipped a malformed record at ${JSON.stringify(key.slice(0, 200))}`);
        continue;
      }
      if (key.startsWith('dev/')) {
        const device = value as DeviceRecord;
        const existing = this.deviceIndex.get(device.deviceId);
        if (existing) existing.device = device;
        else this.deviceIndex.set(device.deviceId, { device, modules: new Map() });
      } else if (key.startsWith('mod/')) {
        orphans.push(value as ModuleRecord);
      } else if (key.startsWith('cfg/')) {
        const configuration = value as ConfigurationRecord;
        this.configurationIndex.set(configuration.id, configuration);
      } else if (key === POLICIES_KEY) {
        this.policyList = value as SharedAccessPolicy[];
      } else if (key.startsWith('c2d/')) {
        // Keys iterate in order, so each queue is rebuilt oldest first.
        const record = value as C2dRecord;
        this.lastC2dSeq = Math.max(this.lastC2dSeq, record.seq);
        const queue = this.c2dIndex.get(record.deviceId);
        if (queue) queue.push(record);
        else this.c2dIndex.set(record.deviceId, [record]);
      }
    }
    // `mod/` sorts before nothing in particular relative to `dev/`; attach modules once all devices are known.
    for (const module of orphans) this.deviceIndex.get(module.deviceId)?.modules.set(module.moduleId, module);
  }

  device(deviceId: string): DeviceRecord | undefined {
    return this.deviceIndex.get(deviceId)?.device;
  }

  devices(): IterableIterator<DeviceRecord> {
    return mapIterator(this.deviceIndex.values(), (entry) => entry.device);
  }

  get deviceCount(): number {
    return this.deviceIndex.size;
  }

  module(deviceId: string, moduleId: string): ModuleRecord | undefined {
    return this.deviceIndex.get(deviceId)?.modules.get(moduleId);
  }

  modules(deviceId: string): ModuleRecord[] {
    return [...(this.deviceIndex.get(deviceId)?.modules.values() ?? [])];
  }

  *allModules(): IterableIterator<ModuleRecord> {
    for (const entry of this.deviceIndex.values()) yield* entry.modules.values();
  }

  configuration(id: string): ConfigurationRecord | undefined {
    return this.configurationIndex.get(id);
  }

  configurations(): ConfigurationRecord[] {
    return [...this.configurationIndex.values()];
  }

  policies(): readonly SharedAccessPolicy[] {
    return this.policyList;
  }

  /** The device's waiting cloud-to-device messages, oldest first. */
  c2dQueue(deviceId: string): readonly C2dRecord[] {
    return this.c2dIndex.get(deviceId) ?? [];
  }

  /** The next cloud-to-device sequence number (call inside `exclusive`, then commit a record with it). */
  nextC2dSeq(): number {
    return ++this.lastC2dSeq;
  }

  /** Runs `work` after every earlier exclusive section has finished (mutations are serialized). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the changes in one synced batch, then applies them to the index. Call inside `exclusive`. */
  async commit(changes: readonly StoreChange[]): Promise<void> {
    if (this.closed) throw new Error('the hub store is closed');
    const ops: BatchOp[] = [];
    for (const change of changes) ops.push(...this.toOps(change));
    if (ops.length === 0) return;
    await this.db.batch(ops, { sync: true });
    for (const change of changes) this.apply(change);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.db.close();
  }

  private toOps(change: StoreChange): BatchOp[] {
    switch (change.kind) {
      case 'putDevice':
        return [{ type: 'put', key: deviceKey(change.record.deviceId), value: change.record }];
      case 'deleteDevice':
        return [
          { type: 'del', key: deviceKey(change.deviceId) },
          ...this.modules(change.deviceId).map((module): BatchOp => ({ type: 'del', key: moduleKey(module.deviceId, module.moduleId) })),
          ...this.c2dQueue(change.deviceId).map((record): BatchOp => ({ type: 'del', key: c2dKey(record.deviceId, record.seq) })),
        ];
      case 'putModule':
        return [{ type: 'put', key: moduleKey(change.record.deviceId, change.record.moduleId), value: change.record }];
      case 'deleteModule':
        return [{ type: 'del', key: moduleKey(change.deviceId, change.moduleId) }];
      case 'putConfiguration':
        return [{ type: 'put', key: configurationKey(change.record.id), value: change.record }];
      case 'deleteConfiguration':
        return [{ type: 'del', key: configurationKey(change.id) }];
      case 'putPolicies':
        return [{ type: 'put', key: POLICIES_KEY, value: change.policies }];
      case 'putC2d':
        return [{ type: 'put', key: c2dKey(change.record.deviceId, change.record.seq), value: change.record }];
      case 'deleteC2d':
        return [{ type: 'del', key: c2dKey(change.deviceId, change.seq) }];
    }
  }

  private apply(change: StoreChange): void {
    switch (change.kind) {
      case 'putDevice': {
        const entry = this.deviceIndex.get(change.record.deviceId);
        if (entry) entry.device = change.record;
        else this.deviceIndex.set(change.record.deviceId, { device: change.record, modules: new Map() });
        return;
      }
      case 'deleteDevice':
        this.deviceIndex.delete(change.deviceId);
        this.c2dIndex.delete(change.deviceId);
        return;
      case 'putModule':
        this.deviceIndex.get(change.record.deviceId)?.modules.set(change.record.moduleId, change.record);
        return;
      case 'deleteModule':
        this.deviceIndex.get(change.deviceId)?.modules.delete(change.moduleId);
        return;
      case 'putConfiguration':
        this.configurationIndex.set(change.record.id, change.record);
        return;
      case 'deleteConfiguration':
        this.configurationIndex.delete(change.id);
        return;
      case 'putPolicies':
        this.policyList = change.policies;
        return;
      case 'putC2d': {
        const queue = this.c2dIndex.get(change.record.deviceId);
        if (queue) queue.push(change.record);
        else this.c2dIndex.set(change.record.deviceId, [change.record]);
        return;
      }
      case 'deleteC2d': {
        const queue = this.c2dIndex.get(change.deviceId)?.filter((record) => record.seq !== change.seq) ?? [];
        if (queue.length > 0) this.c2dIndex.set(change.deviceId, queue);
        else this.c2dIndex.delete(change.deviceId);
        return;
      }
    }
  }
}

/** The shape checks a loaded record must pass before it is indexed (ids, twin and authentication present). */
function wellFormed(key: string, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const hasTwin = typeof record.twin === 'object' && record.twin !== null && typeof (record.twin as Record<string, unknown>).version === 'number';
  const hasAuth = typeof record.authentication === 'object' && record.authentication !== null;
  if (key.startsWith('dev/')) return typeof record.deviceId === 'string' && key === deviceKey(record.deviceId) && hasTwin && hasAuth;
  if (key.startsWith('mod/')) {
    return typeof record.deviceId === 'string' && typeof record.moduleId === 'string' && key === moduleKey(record.deviceId, record.moduleId) && hasTwin && hasAuth;
  }
  if (key.startsWith('cfg/')) return typeof record.id === 'string' && typeof record.content === 'object' && record.content !== null;
  if (key === POLICIES_KEY) return Array.isArray(value);
  if (key.startsWith('c2d/')) {
    return typeof record.deviceId === 'string' && typeof record.seq === 'number' && key === c2dKey(record.deviceId, record.seq) && typeof record.body === 'string' && typeof record.expiresAtMs === 'number';
  }
  return true;
}

function* mapIterator<T, U>(source: Iterable<T>, map: (value: T) => U): IterableIterator<U> {
  for (const value of source) yield map(value);
}
