import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { appError, err, ok, type Result } from '../../shared/errors';
import { writeFileAtomic } from '../runtime/atomic-file';
import type { SecretBox } from '../runtime/secrets/secret-box';

/**
 * The user's IoT Hubs, kept in the data folder (`<data>/hubs/`):
 * - `hubs.json`: what may be shown — id, name, host name, policy, when it was added — and which hub is active
 *   (`local`, the embedded local hub, by default);
 * - `connection-strings.sealed`: the connection strings (and a hub's Event Hubs-compatible one, under `<id>/eventhubs`), sealed with the data folder's SecretBox (AES-256-GCM under a
 *   key kept in the OS keychain by the desktop app, in a 0600 file by the served console).
 * A connection string is written before its entry and forgotten after it, so a crash never leaves an entry without
 * its secret. Both files are parsed at load; a malformed one is refused with its name, never half-read.
 */

export const LOCAL_HUB_ID = 'local';

export interface StoredHub {
  readonly id: string;
  readonly name: string;
  readonly hostName: string;
  readonly policy: string;
  /** ISO 8601, UTC. */
  readonly addedAt: string;
  /** Set when an Event Hubs-compatible connection string is kept for it (the events are read there). */
  readonly eventHubs?: { readonly entityPath: string; readonly consumerGroup: string };
}

/** Where a hub's Event Hubs-compatible connection string is kept in the sealed file. */
const eventHubsKey = (id: string) => `${id}/eventhubs`;

const StoredHubSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  hostName: z.string().min(1),
  policy: z.string().min(1),
  addedAt: z.string(),
  eventHubs: z.object({ entityPath: z.string().min(1), consumerGroup: z.string().min(1) }).optional(),
});
const IndexSchema = z.object({ version: z.literal(1), active: z.string().min(1), hubs: z.array(StoredHubSchema) });
const SecretsSchema = z.record(z.string(), z.string());
type Index = z.infer<typeof IndexSchema>;

export class HubConnectionsStore {
  private loaded?: Promise<{ index: Index; secrets: Record<string, string> }>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly box: SecretBox,
  ) {}

  /** Where the master key of the sealed file is kept: the OS keychain, or a private file in the data folder. */
  get protection(): 'safeStorage' | 'file' {
    return this.box.protection;
  }

  private get dir(): string {
    return join(this.dataDir, 'hubs');
  }

  async list(): Promise<{ active: string; hubs: StoredHub[] }> {
    const { index } = await this.state();
    return { active: index.active, hubs: index.hubs.map((h) => ({ ...h })) };
  }

  async get(id: string): Promise<Result<StoredHub>> {
    const { index } = await this.state();
    const hub = index.hubs.find((h) => h.id === id);
    return hub ? ok({ ...hub }) : err(appError('NOT_FOUND', `no hub "${id}" (gatehouse hub list shows them)`));
  }

  /** The sealed connection string of a hub, opened. */
  async connectionString(id: string): Promise<Result<string>> {
    const { index, secrets } = await this.state();
    const secret = index.hubs.some((h) => h.id === id) ? secrets[id] : undefined;
    return secret ? ok(secret) : err(appError('NOT_FOUND', `no hub "${id}" (gatehouse hub list shows them)`));
  }

  /** The sealed Event Hubs-compatible connection string of a hub, opened; undefined when none is kept. */
  async eventHubsConnectionString(id: string): Promise<string | undefined> {
    const { index, secrets } = await this.state();
    return index.hubs.some((h) => h.id === id) ? secrets[eventHubsKey(id)] : undefined;
  }

  /**
   * Keeps a verified hub. The same host and policy again replaces the stored key (key rotation) and keeps the id;
   * `name` defaults to the host name. An Event Hubs-compatible connection string given with it is kept beside it (one
   * kept before is kept when none is given).
   */
  async add(
    hub: { hostName: string; policy: string; name?: string; eventHubs?: { entityPath: string; consumerGroup: string } },
    connectionString: string,
    eventHubsConnectionString?: string,
  ): Promise<StoredHub> {
    return this.mutate(async (index, secrets) => {
      const same = index.hubs.find((h) => h.hostName.toLowerCase() === hub.hostName.toLowerCase() && h.policy === hub.policy);
      const eventHubs = eventHubsConnectionString && hub.eventHubs ? { eventHubs: hub.eventHubs } : {};
      const entry: StoredHub = same
        ? { ...same, ...(hub.name ? { name: hub.name } : {}), ...eventHubs }
        : { id: newId(index), name: hub.name ?? hub.hostName, hostName: hub.hostName, policy: hub.policy, addedAt: new Date().toISOString(), ...eventHubs };
      await this.writeSecrets({ ...secrets, [entry.id]: connectionString, ...(eventHubsConnectionString && hub.eventHubs ? { [eventHubsKey(entry.id)]: eventHubsConnectionString } : {}) });
      await this.writeIndex({ ...index, hubs: same ? index.hubs.map((h) => (h.id === entry.id ? entry : h)) : [...index.hubs, entry] });
      return entry;
    });
  }

  async rename(id: string, name: string): Promise<Result<StoredHub>> {
    return this.mutate(async (index) => {
      const hub = index.hubs.find((h) => h.id === id);
      if (!hub) return err(appError('NOT_FOUND', `no hub "${id}"`));
      const renamed = { ...hub, name };
      await this.writeIndex({ ...index, hubs: index.hubs.map((h) => (h.id === id ? renamed : h)) });
      return ok(renamed);
    });
  }

  /** Forgets a hub and its connection string; when it was active, the local hub becomes active. */
  async remove(id: string): Promise<Result<{ active: string }>> {
    return this.mutate(async (index, secrets) => {
      if (id === LOCAL_HUB_ID) return err(appError('BAD_REQUEST', 'the embedded local hub cannot be removed (turn it off with GATEHOUSE_LOCALHUB=off)'));
      if (!index.hubs.some((h) => h.id === id)) return err(appError('NOT_FOUND', `no hub "${id}"`));
      const active = index.active === id ? LOCAL_HUB_ID : index.active;
      await this.writeIndex({ ...index, active, hubs: index.hubs.filter((h) => h.id !== id) });
      const rest = { ...secrets };
      delete rest[id];
      delete rest[eventHubsKey(id)];
      await this.writeSecrets(rest);
      return ok({ active });
    });
  }

  async select(id: string): Promise<Result<{ active: string }>> {
    return this.mutate(async (index) => {
      if (id !== LOCAL_HUB_ID && !index.hubs.some((h) => h.id === id)) return err(appError('NOT_FOUND', `no hub "${id}"`));
      if (index.active !== id) await this.writeIndex({ ...index, active: id });
      return ok({ active: id });
    });
  }

  /** One change at a time, on the state as the previous change left it. */
  private mutate<T>(change: (index: Index, secrets: Record<string, string>) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const { index, secrets } = await this.state();
      return change(index, secrets);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeIndex(index: Index): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(this.dir, 'hubs.json'), `${JSON.stringify(index, null, 2)}\n`, 0o600);
    const { secrets } = await this.state();
    this.loaded = Promise.resolve({ index, secrets });
  }

  private async writeSecrets(secrets: Record<string, string>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.box.writeFile(join(this.dir, 'connection-strings.sealed'), JSON.stringify(secrets));
    const { index } = await this.state();
    this.loaded = Promise.resolve({ index, secrets });
  }

  private state(): Promise<{ index: Index; secrets: Record<string, string> }> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<{ index: Index; secrets: Record<string, string> }> {
    const indexPath = join(this.dir, 'hubs.json');
    let index: Index = { version: 1, active: LOCAL_HUB_ID, hubs: [] };
    const text = await readFile(indexPath, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const parsed = safeJson(text, IndexSchema);
      if (!parsed) throw new Error(`${indexPath} is not a hub list: fix or remove it`);
      index = parsed;
    }
    const sealedPath = join(this.dir, 'connection-strings.sealed');
    const opened = await this.box.readFile(sealedPath);
    const secrets = opened === undefined ? {} : safeJson(opened, SecretsSchema);
    if (!secrets) throw new Error(`${sealedPath} does not hold connection strings: remove it and add the hubs again`);
    // An entry whose secret is gone cannot connect: it is not listed (a crash between the two writes).
    const hubs = index.hubs.filter((h) => secrets[h.id] !== undefined);
    const active = index.active === LOCAL_HUB_ID || hubs.some((h) => h.id === index.active) ? index.active : LOCAL_HUB_ID;
    return { index: { ...index, active, hubs }, secrets };
  }
}

function newId(index: Index): string {
  for (;;) {
    const id = `hub-${randomBytes(3).toString('hex')}`;
    if (!index.hubs.some((h) => h.id === id)) return id;
  }
}

function safeJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
