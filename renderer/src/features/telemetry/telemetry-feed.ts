import type { HubRates, Outbox, TappedMessage } from '../../../../shared/ipc/edgehub.contract';
import { fieldSeriesKey, messageNumericFields, messageSource } from './numeric-fields';
import { realClock, Ring, Sampler, type Clock, type Sequenced } from '../../app/live-buffer';
import { TimeSeries, WINDOW_MS, type SeriesRow } from './time-series';

/** Sampled messages the inspector keeps (the newest); older ones fall out. */
export const MESSAGES_KEPT = 500;
/** The view is given a new snapshot at most this often (≤ 10 a second), however fast events come. */
export const FLUSH_MS = 100;
/** Of one `messages` batch, at most this many (the newest) are read for numeric fields. */
export const FIELDS_PER_BATCH = 200;
/** Rates older than this (no `rates` event since) are not shown as live any more. */
export const RATES_STALE_MS = 5_000;

/** What the Telemetry views draw, made at most once per FLUSH_MS; never changed after it is handed out. */
export interface FeedSnapshot {
  readonly version: number;
  /** Newest first. */
  readonly messages: readonly Sequenced<TappedMessage>[];
  /** Sampled messages that arrived since the feed started or was cleared (those that fell out included). */
  readonly messagesTotal: number;
  /** Messages/s per source output and per route, one row per `rates` event (last WINDOW_MS). */
  readonly bySource: readonly SeriesRow[];
  readonly byRoute: readonly SeriesRow[];
  /** Numeric fields of sampled JSON bodies, one row per message, keyed `<source> · <field>`. */
  readonly fields: readonly SeriesRow[];
  readonly fieldKeys: readonly string[];
  /** Queue depth per endpoint, one row per `outbox` event. */
  readonly depth: readonly SeriesRow[];
  readonly outbox: Outbox | undefined;
  /** The latest rates while they are live (undefined once RATES_STALE_MS pass without one). */
  readonly rates: HubRates | undefined;
  /**
   * Messages/s per route the hub has counted in the last WINDOW_MS (0 for one quiet in the newest second), while the
   * rates are live: what the route graph draws. A route the hub never counted is not in it (no made-up 0).
   */
  readonly routeRates: Readonly<Record<string, number>> | undefined;
}

export interface FeedOptions {
  readonly capacity?: number;
  readonly windowMs?: number;
  readonly clock?: Clock;
  /** Wall-clock ms, for rows of events that carry no time (outbox). */
  readonly wallClock?: () => number;
}

/**
 * The edge hub's live data outside React (STYLE.md habit 9): `edgehub.messages` batches into a bounded ring and
 * field series, `rates` and `outbox` into series bounded to the last WINDOW_MS. Listeners hear of a change at most
 * once per FLUSH_MS and read an immutable snapshot, so 1,000 messages/s cost the page ≤ 10 renders a second.
 */
export class TelemetryFeed {
  private readonly ring: Ring<TappedMessage>;
  private readonly bySource: TimeSeries;
  private readonly byRoute: TimeSeries;
  private readonly fields: TimeSeries;
  private readonly depth: TimeSeries;
  private outbox: Outbox | undefined;
  private rates: HubRates | undefined;
  private routeRates: Readonly<Record<string, number>> | undefined;
  private ratesTimer: unknown;
  private readonly clock: Clock;
  private readonly wallClock: () => number;
  private readonly throttle: Sampler;
  private readonly listeners = new Set<() => void>();
  private snapshot: FeedSnapshot;
  private messagesChanged = false;

  constructor(options: FeedOptions = {}) {
    const windowMs = options.windowMs ?? WINDOW_MS;
    this.ring = new Ring(options.capacity ?? MESSAGES_KEPT);
    this.bySource = new TimeSeries(windowMs, 600);
    this.byRoute = new TimeSeries(windowMs, 600);
    this.fields = new TimeSeries(windowMs, 1_200);
    this.depth = new TimeSeries(windowMs, 600);
    this.clock = options.clock ?? realClock;
    this.wallClock = options.wallClock ?? Date.now;
    this.throttle = new Sampler(() => this.flush(), FLUSH_MS, this.clock);
    this.snapshot = this.makeSnapshot(0, []);
  }

  addMessages(batch: readonly TappedMessage[]): void {
    if (batch.length === 0) return;
    this.ring.pushAll(batch);
    for (const message of batch.slice(-FIELDS_PER_BATCH)) {
      const found = messageNumericFields(message);
      if (found.size === 0) continue;
      const source = messageSource(message);
      const values: Record<string, number> = {};
      for (const [field, value] of found) values[fieldSeriesKey(source, field)] = value;
      this.fields.push(Date.parse(message.at), values);
    }
    this.messagesChanged = true;
    this.throttle.poke();
  }

  addRates(rates: HubRates): void {
    const t = Date.parse(rates.at);
    this.bySource.push(t, rates.bySource);
    this.byRoute.push(t, rates.byRoute);
    this.rates = rates;
    this.routeRates = Object.fromEntries(this.byRoute.keys().map((route) => [route, rates.byRoute[route] ?? 0]));
    if (this.ratesTimer !== undefined) this.clock.clearTimeout(this.ratesTimer);
    this.ratesTimer = this.clock.setTimeout(() => {
      this.ratesTimer = undefined;
      this.rates = undefined;
      this.routeRates = undefined;
      this.throttle.poke();
    }, RATES_STALE_MS);
    this.throttle.poke();
  }

  addOutbox(outbox: Outbox): void {
    this.outbox = outbox;
    this.depth.push(this.wallClock(), Object.fromEntries(outbox.endpoints.map((e) => [e.endpoint, e.depth])));
    this.throttle.poke();
  }

  /** The hub stopped: nothing it said is live any more (the series stay, as history). */
  hubStopped(): void {
    this.rates = undefined;
    this.routeRates = undefined;
    this.throttle.poke();
  }

  /** Forget the messages kept (the inspector's Clear); the charts keep their history. */
  clearMessages(): void {
    this.ring.clear();
    this.messagesChanged = true;
    this.throttle.poke();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot = (): FeedSnapshot => this.snapshot;

  dispose(): void {
    this.throttle.dispose();
    if (this.ratesTimer !== undefined) this.clock.clearTimeout(this.ratesTimer);
    this.listeners.clear();
  }

  private flush(): void {
    const messages = this.messagesChanged ? this.ring.newestFirst() : this.snapshot.messages;
    this.messagesChanged = false;
    this.snapshot = this.makeSnapshot(this.snapshot.version + 1, messages);
    for (const listener of [...this.listeners]) listener();
  }

  private makeSnapshot(version: number, messages: readonly Sequenced<TappedMessage>[]): FeedSnapshot {
    return {
      version,
      messages,
      messagesTotal: this.ring.total,
      bySource: this.bySource.snapshot(),
      byRoute: this.byRoute.snapshot(),
      fields: this.fields.snapshot(),
      fieldKeys: this.fields.keys(),
      depth: this.depth.snapshot(),
      outbox: this.outbox,
      rates: this.rates,
      routeRates: this.routeRates,
    };
  }
}
