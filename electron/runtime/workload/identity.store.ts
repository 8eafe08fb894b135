import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { appError, err, ok, type Result } from '../../../shared/errors';
import { SecretBox } from '../secrets/secret-box';
import {
  isValidDeviceId,
  isValidModuleId,
  newGenerationId,
  newSymmetricKeys,
  type DeviceIdentity,
  type IdentityProvider,
  type ModuleIdentity,
  type ModuleSyncOutcome,
} from './identity-provider';

/**
 * The file-backed identity source: `<dataDir>/identities.json` (mode 0600, written atomically), one entry per
 * device id so that renaming the device and back keeps the old keys. The device identity is created on open;
 * module identities follow the deployment through `syncModules`. Mutations are serialised.
 * Ids are user data (`__proto__` is a valid IoT Hub id), so they live in arrays on disk and Maps in memory.
 */

/** IoT Hub accepts symmetric keys of 16 to 64 bytes, base64 with padding. */
const Base64Key = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'not a base64 key')
  .refine((key) => Buffer.from(key, 'base64').length >= 16 && Buffer.from(key, 'base64').length <= 64, 'a key must be 16 to 64 bytes');
const Keys = { generationId: z.string().min(1), primaryKey: Base64Key, secondaryKey: Base64Key };
const ModuleRecord = z.object({ moduleId: z.string().refine(isValidModuleId, 'invalid module id'), ...Keys });
const DeviceRecord = z.object({ deviceId: z.string().refine(isValidDeviceId, 'invalid device id'), ...Keys, modules: z.array(ModuleRecord) });
const IdentitiesFile = z.object({ version: z.literal(1), devices: z.array(DeviceRecord) });

type Entry = { readonly generationId: string; readonly primaryKey: string; readonly secondaryKey: string };
type DeviceState = Entry & { readonly modules: ReadonlyMap<string, Entry> };
type State = ReadonlyMap<string, DeviceState>;

export interface IdentityStoreOptions {
  readonly dataDir: string;
  readonly deviceId: string;
  readonly now?: () => number;
  /** Seals identities.json (module keys are secrets); default: the data folder's SecretBox. */
  readonly secrets?: SecretBox;
}

export class IdentityStore implements IdentityProvider {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly deviceId: string,
    private readonly path: string,
    private state: State,
    private readonly now: () => number,
    private readonly secrets: SecretBox,
  ) {}

  /** Reads the file (a missing file is an empty store) and makes sure the device identity exists. */
  static async open(options: IdentityStoreOptions): Promise<Result<IdentityStore>> {
    if (!isValidDeviceId(options.deviceId)) return err(appError('BAD_REQUEST', `"${options.deviceId}" is not a valid device id`));
    const path = join(options.dataDir, 'identities.json');
    const secrets = options.secrets ?? new SecretBox(options.dataDir);
    const loaded = await readState(path, secrets);
    if (!loaded.ok) return loaded;
    const now = options.now ?? Date.now;
    const store = new IdentityStore(options.deviceId, path, loaded.value, now, secrets);
    if (!loaded.value.has(options.deviceId)) {
      const saved = await store.mutate((state) => {
        state.set(options.deviceId, { generationId: newGenerationId(now()), ...newSymmetricKeys(), modules: new Map() });
        return true;
      });
      if (!saved.ok) return saved;
    }
    return ok(store);
  }

  async getDevice(): Promise<DeviceIdentity> {
    const { generationId, primaryKey, secondaryKey } = this.device();
    return { deviceId: this.deviceId, generationId, primaryKey, secondaryKey };
  }

  async getModule(moduleId: string): Promise<ModuleIdentity | undefined> {
    const entry = this.device().modules.get(moduleId);
    return entry && this.moduleIdentity(moduleId, entry);
  }

  async listModules(): Promise<readonly ModuleIdentity[]> {
    return [...this.device().modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, entry]) => this.moduleIdentity(id, entry));
  }

  async syncModules(moduleIds: readonly string[]): Promise<Result<ModuleSyncOutcome>> {
    const invalid = moduleIds.filter((id) => !isValidModuleId(id));
    if (invalid.length) return err(appError('BAD_REQUEST', `not valid module ids: ${invalid.map((id) => JSON.stringify(id)).join(', ')}`, { invalid }));
    const wanted = new Set(moduleIds);
    let outcome: ModuleSyncOutcome = { created: [], removed: [] };
    const saved = await this.mutate((state) => {
      const device = state.get(this.deviceId) as DeviceState;
      const modules = new Map(device.modules);
      const removed = [...modules.keys()].filter((id) => !wanted.has(id));
      const created = [...wanted].filter((id) => !modules.has(id));
      for (const id of removed) modules.delete(id);
      for (const id of created) modules.set(id, { generationId: newGenerationId(this.now()), ...newSymmetricKeys() });
      state.set(this.deviceId, { ...device, modules });
      outcome = { created, removed };
      return created.length > 0 || removed.length > 0;
    });
    return saved.ok ? ok(outcome) : saved;
  }

  private moduleIdentity(moduleId: string, { generationId, primaryKey, secondaryKey }: Entry): ModuleIdentity {
    return { deviceId: this.deviceId, moduleId, generationId, primaryKey, secondaryKey };
  }

  private device(): DeviceState {
    const device = this.state.get(this.deviceId);
    if (!device) throw new Error(`identity store opened without device ${this.deviceId}`);
    return device;
  }

  /** Applies `change` to a copy, writes it if `change` says something changed, then swaps it in. One at a time. */
  private mutate(change: (state: Map<string, DeviceState>) => boolean): Promise<Result<void>> {
    const run = async (): Promise<Result<void>> => {
      const next = new Map(this.state);
      if (!change(next)) return ok(undefined);
      try {
        await writeState(this.path, next, this.secrets);
      } catch (cause) {
        return err(appError('IO', `cannot write ${this.path}: ${String(cause)}`));
      }
      this.state = next;
      return ok(undefined);
    };
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }
}

async function readState(path: string, secrets: SecretBox): Promise<Result<State>> {
  let text: string | undefined;
  try {
    text = await secrets.readFile(path);
  } catch (cause) {
    return err(appError('IO', `cannot read ${path}: ${String(cause)}`));
  }
  if (text === undefined) return ok(new Map());
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return err(appError('IO', `${path} is not JSON: ${String(cause)}`));
  }
  const parsed = IdentitiesFile.safeParse(json);
  if (!parsed.success) return err(appError('IO', `${path} is corrupt: ${parsed.error.issues[0]?.message ?? 'unknown'}`, { issues: parsed.error.issues }));
  const state = new Map<string, DeviceState>();
  for (const { deviceId, modules, ...keys } of parsed.data.devices) {
    state.set(deviceId, { ...keys, modules: new Map(modules.map(({ moduleId, ...entry }) => [moduleId, entry])) });
  }
  return ok(state);
}

async function writeState(path: string, state: State, secrets: SecretBox): Promise<void> {
  const devices = [...state].map(([deviceId, { modules, ...keys }]) => ({ deviceId, ...keys, modules: [...modules].map(([moduleId, entry]) => ({ moduleId, ...entry })) }));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await secrets.writeFile(path, `${JSON.stringify({ version: 1, devices }, null, 2)}\n`);
  await chmod(path, 0o600);
}
