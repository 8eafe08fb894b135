import { readFile } from 'node:fs/promises';
import { appError, err, ok, type Result } from '../../shared/errors';
import type { HubEntry, HubList } from '../../shared/ipc/cloud.contract';
import type { LocalHubInfo, LocalHubState } from '../../shared/ipc/localhub.contract';
import type { HubStatus } from '../../shared/ipc/status.contract';
import { IotHubClient, parseServiceConnectionString } from '../cloud/iothub/iothub-client';
import type { Disposable } from '../runtime/drivers/disposable';
import { Emitter, type Event } from '../runtime/drivers/event';
import { LOCAL_HUB_ID, type HubConnectionsStore, type StoredHub } from './hub-connections.store';

/** What this service needs of the embedded local hub. */
export interface LocalHubHandle {
  readonly state: LocalHubState;
  readonly onDidChangeState: Event<LocalHubState>;
  info(withCaKey?: boolean): Promise<Result<LocalHubInfo>>;
}

/**
 * How a cloud hub's client is made from its connection string. The console uses the SDK untouched
 * (`IotHubClient.connect`); a test may carry it to a hub on another port (the local hub adapter).
 */
export type HubClientFactory = (connectionString: string) => Result<IotHubClient>;

export interface HubConnectionOptions {
  /** The user's hubs and which one is active. */
  readonly store: HubConnectionsStore;
  /** Default: the official SDK as it is. */
  readonly connect?: HubClientFactory;
}

/** How often the connected hub is asked for its registry statistics (the health check). */
const PROBE_PERIOD_MS = 30_000;

/**
 * The console's connection to its active IoT Hub: the embedded local hub (through the adapter) or one of the user's
 * hubs (through the SDK untouched), with the same azure-iothub client the fleet uses, so "connected" means the SDK
 * got an answer, not that a process exists.
 *   off <-- (the local hub is active and off or failed)
 *   connecting --> connected <--> unreachable     (a health check every 30 s and on refresh)
 *   any --(hubSelect)--> connecting               (another hub becomes active)
 */
export class HubConnectionService implements Disposable {
  private current: HubStatus;
  private client?: IotHubClient;
  private timer?: NodeJS.Timeout;
  private readonly changed = new Emitter<HubStatus>();
  readonly onDidChange: Event<HubStatus> = this.changed.event;
  private readonly subscription?: Disposable;
  private generation = 0;
  private active = LOCAL_HUB_ID;
  /** Set by select/remove: the stored choice read at start no longer applies. */
  private chosen = false;
  private readonly store: HubConnectionsStore;
  private readonly connect: HubClientFactory;
  /** Resolves when the active hub's first verdict is known. */
  readonly ready: Promise<void>;

  constructor(
    private readonly localHub: LocalHubHandle | undefined,
    options: HubConnectionOptions,
  ) {
    this.store = options.store;
    this.connect = options.connect ?? ((cs) => IotHubClient.connect(cs));
    this.current = localHub ? fromLocalState(localHub.state) : noLocalHub();
    if (localHub) this.subscription = localHub.onDidChangeState((s) => void (this.active === LOCAL_HUB_ID && this.follow(s)));
    this.ready = this.store
      .list()
      .then((list) => !this.chosen && (this.active = list.active))
      .catch(() => undefined)
      .then(() => (this.chosen ? undefined : this.activate()));
  }

  get(): HubStatus {
    return this.current;
  }

  /** The connected hub's client, or why there is none (DISCONNECTED). */
  hub(): Result<IotHubClient> {
    if (this.client) return { ok: true, value: this.client };
    const why = this.current.state === 'off' || this.current.state === 'unreachable' ? this.current.reason : `${this.current.hostName} is still connecting`;
    return err(appError('DISCONNECTED', `No hub is connected: ${why}`));
  }

  /** Checks the hub now. */
  async refresh(): Promise<HubStatus> {
    await this.probe(this.generation);
    return this.current;
  }

  /** The local hub and the user's hubs, the active one, and how their connection strings are kept. */
  async hubs(): Promise<Result<HubList>> {
    return this.guard(async () => {
      const list = await this.store.list();
      return ok({ active: list.active, secretStorage: this.store.protection === 'safeStorage' ? 'keychain' : 'file', hubs: [this.localEntry(), ...list.hubs.map(cloudEntry)] } satisfies HubList);
    });
  }

  /**
   * Adds a hub by its service connection string: parsed (a parse error names what is wrong), then really connected
   * (registry statistics), so a wrong policy or key is UNAUTHORIZED and a wrong host DISCONNECTED, and then nothing
   * is stored. It does not become active.
   */
  async add(input: { connectionString: string; name?: string }): Promise<Result<HubEntry>> {
    const connectionString = input.connectionString.trim();
    const info = parseServiceConnectionString(connectionString);
    if (!info.ok) return info;
    const client = this.connect(connectionString);
    if (!client.ok) return client;
    const statistics = await client.value.statistics();
    if (!statistics.ok) return err(appError(statistics.error.code, `${info.value.hostName} refused the connection: ${statistics.error.message}`, statistics.error.details));
    return this.guard(async () => {
      const stored = await this.store.add({ ...info.value, ...(input.name?.trim() ? { name: input.name.trim() } : {}) }, connectionString);
      // A new key for the active hub (key rotation) is used at once.
      if (stored.id === this.active) await this.activate();
      return ok(cloudEntry(stored));
    });
  }

  async rename(input: { id: string; name: string }): Promise<Result<HubEntry>> {
    return this.guard(async () => {
      if (input.id === LOCAL_HUB_ID) return err(appError('BAD_REQUEST', 'the embedded local hub keeps its name'));
      const renamed = await this.store.rename(input.id, input.name.trim());
      return renamed.ok ? ok(cloudEntry(renamed.value)) : renamed;
    });
  }

  /** Forgets a hub; when it was active, the console switches to the local hub. */
  async remove(input: { id: string }): Promise<Result<HubList>> {
    return this.guard(async () => {
      const removed = await this.store.remove(input.id);
      if (!removed.ok) return removed;
      if (removed.value.active !== this.active) {
        this.chosen = true;
        this.active = removed.value.active;
        await this.activate();
      }
      return this.hubs();
    });
  }

  /** Makes a hub the active one and connects to it; resolves with the list once the first health check is done. */
  async select(input: { id: string }): Promise<Result<HubList>> {
    return this.guard(async () => {
      const selected = await this.store.select(input.id);
      if (!selected.ok) return selected;
      if (selected.value.active !== this.active || !this.client) {
        this.chosen = true;
        this.active = selected.value.active;
        await this.activate();
      }
      return this.hubs();
    });
  }

  /** The connection string of one hub: only on this explicit request. */
  async reveal(input: { id: string }): Promise<Result<{ connectionString: string }>> {
    if (input.id === LOCAL_HUB_ID) {
      if (!this.localHub) return err(appError('CONFLICT', 'the embedded local hub is off in this process'));
      const info = await this.localHub.info();
      return info.ok ? ok({ connectionString: info.value.connectionString }) : info;
    }
    return this.guard(async () => {
      const secret = await this.store.connectionString(input.id);
      return secret.ok ? ok({ connectionString: secret.value }) : secret;
    });
  }

  private localEntry(): HubEntry {
    const state = this.localHub?.state;
    return { id: LOCAL_HUB_ID, name: 'Local hub', hostName: state?.state === 'running' ? state.endpoint.host : 'localhost', policy: 'iothubowner', kind: 'local' };
  }

  private async activate(): Promise<void> {
    if (this.active === LOCAL_HUB_ID) {
      if (this.localHub) return this.follow(this.localHub.state);
      this.reset();
      return this.set(noLocalHub());
    }
    const generation = this.reset();
    const id = this.active;
    const loaded = await this.guard(async () => {
      const entry = await this.store.get(id);
      if (!entry.ok) return entry;
      const secret = await this.store.connectionString(id);
      return secret.ok ? ok({ entry: entry.value, secret: secret.value }) : secret;
    });
    if (generation !== this.generation) return;
    if (!loaded.ok) return this.set({ state: 'unreachable', hostName: id, kind: 'cloud', reason: loaded.error.message, checkedAt: new Date().toISOString() });
    const { entry, secret } = loaded.value;
    this.set({ state: 'connecting', hostName: entry.hostName, kind: 'cloud' });
    const client = this.connect(secret);
    if (!client.ok) return this.set({ state: 'unreachable', hostName: entry.hostName, kind: 'cloud', reason: client.error.message, checkedAt: new Date().toISOString() });
    this.client = client.value;
    await this.startProbing(generation);
  }

  private async follow(state: LocalHubState): Promise<void> {
    const generation = this.reset();
    if (state.state !== 'running') return this.set(fromLocalState(state));
    this.set({ state: 'connecting', hostName: state.endpoint.host, kind: 'local' });
    const info = await this.localHub!.info();
    if (generation !== this.generation) return;
    if (!info.ok) return this.set({ state: 'unreachable', hostName: state.endpoint.host, kind: 'local', reason: info.error.message, checkedAt: new Date().toISOString() });
    const ca = await readFile(info.value.caFile, 'utf8').catch(() => undefined);
    if (generation !== this.generation) return;
    const client = IotHubClient.connect(info.value.connectionString, { httpsPort: info.value.httpsPort, ca: ca ?? '' });
    if (!client.ok) return this.set({ state: 'unreachable', hostName: state.endpoint.host, kind: 'local', reason: client.error.message, checkedAt: new Date().toISOString() });
    this.client = client.value;
    await this.startProbing(generation);
  }

  /** Forgets the current client and timer; answers from before this point are dropped by their generation. */
  private reset(): number {
    clearInterval(this.timer);
    this.client = undefined;
    return ++this.generation;
  }

  private async startProbing(generation: number): Promise<void> {
    await this.probe(generation);
    if (generation !== this.generation) return;
    this.timer = setInterval(() => void this.probe(generation), PROBE_PERIOD_MS);
    this.timer.unref();
  }

  private async probe(generation: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    const kind = this.active === LOCAL_HUB_ID ? ('local' as const) : ('cloud' as const);
    const statistics = await client.statistics();
    if (generation !== this.generation) return;
    const checkedAt = new Date().toISOString();
    this.set(
      statistics.ok
        ? { state: 'connected', hostName: client.info.hostName, kind, devices: statistics.value.totalDeviceCount, checkedAt }
        : { state: 'unreachable', hostName: client.info.hostName, kind, reason: statistics.error.message, checkedAt },
    );
  }

  /** Store failures (an unreadable data folder, a sealed file this shell cannot open) as IO errors. */
  private async guard<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await run();
    } catch (cause) {
      return err(appError('IO', `the hub list cannot be read or written: ${(cause as Error).message}`));
    }
  }

  private set(state: HubStatus): void {
    if (JSON.stringify(state) === JSON.stringify(this.current)) return;
    this.current = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.generation += 1;
    clearInterval(this.timer);
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

function cloudEntry(hub: StoredHub): HubEntry {
  return { id: hub.id, name: hub.name, hostName: hub.hostName, policy: hub.policy, kind: 'cloud', addedAt: hub.addedAt };
}

function noLocalHub(): HubStatus {
  return { state: 'off', reason: 'No hub: the embedded local hub is off in this process and no other hub is selected.' };
}

function fromLocalState(state: LocalHubState): HubStatus {
  switch (state.state) {
    case 'starting':
      return { state: 'connecting', hostName: 'localhost', kind: 'local' };
    case 'running':
      return { state: 'connecting', hostName: state.endpoint.host, kind: 'local' };
    case 'failed':
      return { state: 'unreachable', hostName: 'localhost', kind: 'local', reason: `The local hub did not start: ${state.reason}`, checkedAt: new Date().toISOString() };
    case 'off':
      return { state: 'off', reason: state.reason };
  }
}
