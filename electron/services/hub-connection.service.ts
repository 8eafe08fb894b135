import { readFile } from 'node:fs/promises';
import { appError, err, ok, type Result } from '../../shared/errors';
import type { EventsSource, HubEntry, HubList, TelemetryEvent } from '../../shared/ipc/cloud.contract';
import { EVENT_HUBS_HINT, EventHubsReader, parseEventHubsConnectionString } from '../cloud/iothub/event-hubs-reader';
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

/** How a cloud hub's events reader is made from its Event Hubs-compatible connection string (default: the client untouched). */
export type EventsReaderFactory = (eventHubsConnectionString: string, options: { consumerGroup: string; verifyOnly?: boolean }) => Result<EventHubsReader>;

export interface HubConnectionOptions {
  /** The user's hubs and which one is active. */
  readonly store: HubConnectionsStore;
  /** Default: the official SDK as it is. */
  readonly connect?: HubClientFactory;
  /** Default: `@azure/event-hubs` as it is. */
  readonly connectEvents?: EventsReaderFactory;
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
  private readonly connectEvents: EventsReaderFactory;
  /** The active cloud hub's events reader, and where events come from now. */
  private reader?: EventHubsReader;
  private events: EventsSource = { source: 'local', hostName: 'localhost', message: 'Device-to-cloud messages arrive at the embedded local hub.' };
  private readonly telemetry = new Emitter<TelemetryEvent>();
  /** Device-to-cloud messages of the active cloud hub, read from its Event Hubs-compatible endpoint (not the local hub's). */
  readonly onTelemetry: Event<TelemetryEvent> = this.telemetry.event;
  /** Resolves when the active hub's first verdict is known. */
  readonly ready: Promise<void>;
  /**
   * Resolves once the saved active hub is chosen and its client made (before its first probe): from then on `hub()`
   * answers for it. A command's own host waits for this, so its first call never sees "no hub" by a race.
   */
  readonly selected: Promise<void>;

  constructor(
    private readonly localHub: LocalHubHandle | undefined,
    options: HubConnectionOptions,
  ) {
    this.store = options.store;
    this.connect = options.connect ?? ((cs) => IotHubClient.connect(cs));
    this.connectEvents = options.connectEvents ?? ((cs, o) => EventHubsReader.create(cs, o));
    this.current = localHub ? fromLocalState(localHub.state) : noLocalHub();
    if (localHub) this.subscription = localHub.onDidChangeState((s) => void (this.active === LOCAL_HUB_ID && this.follow(s)));
    let selected: () => void = () => undefined;
    this.selected = new Promise<void>((resolve) => (selected = resolve));
    this.ready = this.store
      .list()
      .then((list) => !this.chosen && (this.active = list.active))
      .catch(() => undefined)
      .then(() => (this.chosen ? undefined : this.activate(selected)))
      .finally(selected);
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
  async add(input: { connectionString: string; name?: string; eventHubsConnectionString?: string; eventHubsConsumerGroup?: string }): Promise<Result<HubEntry>> {
    const connectionString = input.connectionString.trim();
    const info = parseServiceConnectionString(connectionString);
    if (!info.ok) return info;
    const eventHubsConnectionString = input.eventHubsConnectionString?.trim() || undefined;
    const consumerGroup = input.eventHubsConsumerGroup?.trim() || '$Default';
    const eventHubsInfo = eventHubsConnectionString ? parseEventHubsConnectionString(eventHubsConnectionString) : undefined;
    if (eventHubsInfo && !eventHubsInfo.ok) return eventHubsInfo;
    const client = this.connect(connectionString);
    if (!client.ok) return client;
    const statistics = await client.value.statistics();
    if (!statistics.ok) return err(appError(statistics.error.code, `${info.value.hostName} refused the connection: ${statistics.error.message}`, statistics.error.details));
    let eventHubs: { entityPath: string; consumerGroup: string } | undefined;
    if (eventHubsConnectionString) {
      // Really read the endpoint (a CBS token and $management), so a wrong key is refused now, not when reading events.
      const reader = this.connectEvents(eventHubsConnectionString, { consumerGroup, verifyOnly: true });
      if (!reader.ok) return reader;
      const properties = await reader.value.properties();
      await reader.value.close();
      if (!properties.ok) return err(appError(properties.error.code, `the Event Hubs-compatible endpoint of ${info.value.hostName} refused the connection: ${properties.error.message}`));
      eventHubs = { entityPath: properties.value.name, consumerGroup };
    }
    return this.guard(async () => {
      const stored = await this.store.add({ ...info.value, ...(input.name?.trim() ? { name: input.name.trim() } : {}), ...(eventHubs ? { eventHubs } : {}) }, connectionString, eventHubsConnectionString);
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

  /** Where `cloud.telemetry` comes from for the active hub, or why nothing does (said to the user by the UI and CLI). */
  async eventsSource(): Promise<Result<EventsSource>> {
    return ok({ ...this.events });
  }

  /** The same, now: whoever forwards the local hub's own telemetry forwards it only while this is `local`. */
  get eventsFrom(): EventsSource['source'] {
    return this.events.source;
  }

  private localEntry(): HubEntry {
    const state = this.localHub?.state;
    return { id: LOCAL_HUB_ID, name: 'Local hub', hostName: state?.state === 'running' ? state.endpoint.host : 'localhost', policy: 'iothubowner', kind: 'local' };
  }

  private async activate(onSelected: () => void = () => undefined): Promise<void> {
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
    onSelected();
    await this.startEvents(entry, generation);
    if (generation !== this.generation) return;
    await this.startProbing(generation);
  }

  /** Reads the cloud hub's events from its Event Hubs-compatible endpoint (from now on), or says why there are none. */
  private async startEvents(entry: StoredHub, generation: number): Promise<void> {
    const eventHubs = entry.eventHubs;
    const eventHubsSecret = eventHubs ? await this.store.eventHubsConnectionString(entry.id).catch(() => undefined) : undefined;
    if (generation !== this.generation) return;
    if (!eventHubs || !eventHubsSecret) {
      this.events = { source: 'none', hostName: entry.hostName, message: `Live events of ${entry.hostName} need its Event Hubs-compatible endpoint: add the hub again with that connection string (${EVENT_HUBS_HINT}).` };
      return;
    }
    const base = { source: 'eventHubs' as const, hostName: entry.hostName, entityPath: eventHubs.entityPath, consumerGroup: eventHubs.consumerGroup };
    const reader = this.connectEvents(eventHubsSecret, { consumerGroup: eventHubs.consumerGroup });
    if (!reader.ok) {
      this.events = { ...base, message: `The events of ${entry.hostName} cannot be read: ${reader.error.message}`, error: { code: reader.error.code, message: reader.error.message } };
      return;
    }
    this.reader = reader.value;
    this.events = { ...base, message: `Events of ${entry.hostName} are read from its Event Hubs-compatible endpoint (${eventHubs.entityPath}, consumer group ${eventHubs.consumerGroup}), from now on.` };
    reader.value.start({
      onEvent: (event) => {
        if (generation !== this.generation) return;
        if (this.events.error) this.events = { ...base, message: this.events.message };
        this.telemetry.fire(event);
      },
      onError: (error) => {
        if (generation !== this.generation) return;
        this.events = { ...base, message: `Reading the events of ${entry.hostName} failed: ${error.message}`, error: { code: error.code, message: error.message } };
      },
    });
  }

  private async follow(state: LocalHubState): Promise<void> {
    const generation = this.reset();
    this.events = { source: 'local', hostName: state.state === 'running' ? state.endpoint.host : 'localhost', message: 'Device-to-cloud messages arrive at the embedded local hub.' };
    if (state.state !== 'running') return this.set(fromLocalState(state));
    this.set({ state: 'connecting', hostName: state.endpoint.host, kind: 'local' });
    const info = await this.localHub!.info();
    if (generation !== this.generation) return;
    if (!info.ok) return this.set({ state: 'unreachable', hostName: state.endpoint.host, kind: 'local', reason: info.error.message, checkedAt: new Date().toISOString() });
    const ca = await readFile(info.value.caFile, 'utf8').catch(() => undefined);
    if (generation !== this.generation) return;
    const client = IotHubClient.connect(info.value.connectionString, { httpsPort: info.value.httpsPort, ca: ca ?? '', ...(info.value.amqpPort !== undefined ? { amqpPort: info.value.amqpPort } : {}) });
    if (!client.ok) return this.set({ state: 'unreachable', hostName: state.endpoint.host, kind: 'local', reason: client.error.message, checkedAt: new Date().toISOString() });
    this.client = client.value;
    await this.startProbing(generation);
  }

  /** Forgets the current client and timer; answers from before this point are dropped by their generation. */
  private reset(): number {
    clearInterval(this.timer);
    // A cloud-to-device send leaves the client's AMQP connection open for the next one: close it with the client.
    void this.client?.close();
    this.client = undefined;
    void this.reader?.close();
    this.reader = undefined;
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
    void this.reader?.close();
    this.reader = undefined;
    void this.client?.close();
    this.changed.dispose();
    this.telemetry.dispose();
  }
}

function cloudEntry(hub: StoredHub): HubEntry {
  return { id: hub.id, name: hub.name, hostName: hub.hostName, policy: hub.policy, kind: 'cloud', addedAt: hub.addedAt, ...(hub.eventHubs ? { eventHubs: { ...hub.eventHubs } } : {}) };
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
