import { describe, expect, it } from 'vitest';
import type { TappedMessage } from '../../../../shared/ipc/edgehub.contract';
import { FLUSH_MS, RATES_STALE_MS, TelemetryFeed } from './telemetry-feed';
import type { Clock } from '../../app/live-buffer';

/** Time moves only when the test says so. */
function manualClock() {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, run, id });
      return id;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((t) => t.id !== handle);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.run();
    }
    now = until;
  };
  return { clock, advance };
}

const T0 = Date.parse('2026-12-03T12:00:00Z');
let id = 0;
function message(body: string, at = T0, extra: Partial<TappedMessage> = {}): TappedMessage {
  return {
    id: ++id,
    at: new Date(at).toISOString(),
    deviceId: 'gw',
    moduleId: 'sensor',
    output: 'temperatureOutput',
    routes: ['sensorToFilter'],
    endpoints: ['module/filter/input1'],
    systemProperties: {},
    properties: {},
    body,
    bodyEncoding: 'utf8',
    bodyBytes: body.length,
    ...extra,
  };
}

describe('TelemetryFeed', () => {
  it('tells its listeners at most once per FLUSH_MS however many batches come (1,000 messages/s)', () => {
    const { clock, advance } = manualClock();
    const feed = new TelemetryFeed({ clock });
    let heard = 0;
    feed.subscribe(() => heard++);
    // One second at 1,000 messages/s, in batches of 10 every 10 ms.
    for (let ms = 0; ms < 1000; ms += 10) {
      feed.addMessages(Array.from({ length: 10 }, (_, i) => message(`{"t":${ms + i}}`, T0 + ms + i)));
      advance(10);
    }
    advance(FLUSH_MS);
    expect(heard).toBeLessThanOrEqual(1000 / FLUSH_MS + 1);
    const snapshot = feed.getSnapshot();
    expect(snapshot.messagesTotal).toBe(1000);
    expect(snapshot.messages).toHaveLength(500);
    expect(snapshot.messages[0]!.value.body).toBe('{"t":999}');
  });

  it('hands out a snapshot that later events do not change', () => {
    const { clock, advance } = manualClock();
    const feed = new TelemetryFeed({ clock });
    feed.addMessages([message('{"a":1}')]);
    advance(FLUSH_MS);
    const first = feed.getSnapshot();
    feed.addMessages([message('{"a":2}')]);
    expect(feed.getSnapshot()).toBe(first);
    advance(FLUSH_MS);
    expect(feed.getSnapshot()).not.toBe(first);
    expect(first.messages).toHaveLength(1);
    expect(feed.getSnapshot().messages).toHaveLength(2);
  });

  it('charts numeric fields of JSON bodies per source', () => {
    const { clock, advance } = manualClock();
    const feed = new TelemetryFeed({ clock });
    feed.addMessages([message('{"machine":{"temperature":21.5},"timeCreated":"x"}', T0), message('not json', T0 + 1), message('{"machine":{"temperature":22}}', T0 + 2, { moduleId: 'filter', output: 'output1' })]);
    advance(FLUSH_MS);
    const { fields, fieldKeys } = feed.getSnapshot();
    expect(fieldKeys).toEqual(['sensor/temperatureOutput · machine.temperature', 'filter/output1 · machine.temperature']);
    expect(fields.map((r) => r.t)).toEqual([T0, T0 + 2]);
  });

  it('keeps rate series to the last two minutes and forgets live rates when they stop coming', () => {
    const { clock, advance } = manualClock();
    const feed = new TelemetryFeed({ clock });
    for (let s = 0; s < 300; s++) feed.addRates({ at: new Date(T0 + s * 1000).toISOString(), bySource: { 'sensor/temperatureOutput': s }, byRoute: { sensorToFilter: s } });
    advance(FLUSH_MS);
    const snapshot = feed.getSnapshot();
    expect(snapshot.bySource).toHaveLength(121);
    expect(snapshot.byRoute[0]!.t).toBe(T0 + 179_000);
    expect(snapshot.rates?.byRoute.sensorToFilter).toBe(299);
    advance(RATES_STALE_MS);
    expect(feed.getSnapshot().rates).toBeUndefined();
    expect(feed.getSnapshot().bySource).toHaveLength(121);
  });

  it('gives the route graph a rate for each route the hub counted lately, 0 when quiet now, none for others', () => {
    const { clock, advance } = manualClock();
    const feed = new TelemetryFeed({ clock });
    feed.addRates({ at: new Date(T0).toISOString(), bySource: {}, byRoute: { sensorToFilter: 5, filterToUpstream: 2 } });
    feed.addRates({ at: new Date(T0 + 1000).toISOString(), bySource: {}, byRoute: { sensorToFilter: 4 } });
    advance(FLUSH_MS);
    expect(feed.getSnapshot().routeRates).toEqual({ sensorToFilter: 4, filterToUpstream: 0 });
    feed.hubStopped();
    advance(FLUSH_MS);
    expect(feed.getSnapshot().routeRates).toBeUndefined();
  });

  it('records queue depth per endpoint at each outbox event', () => {
    const { clock, advance } = manualClock();
    let wall = T0;
    const feed = new TelemetryFeed({ clock, wallClock: () => wall });
    const outbox = (depth: number) => ({
      endpoints: [{ endpoint: '$upstream', depth, oldestAgeMs: 0, expired: 0, delivered: 0 }],
      upstream: { state: 'connected' as const, hubHost: 'hub', since: '' },
      storeBytes: 0,
      storeLimitBytes: 1,
    });
    feed.addOutbox(outbox(100));
    wall += 1000;
    feed.addOutbox(outbox(40));
    advance(FLUSH_MS);
    expect(feed.getSnapshot().depth.map((r) => r.values.$upstream)).toEqual([100, 40]);
    expect(feed.getSnapshot().outbox?.endpoints[0]!.depth).toBe(40);
  });

  it('clears the messages kept but not the charts', () => {
    const { clock, advance } = manualClock();
    const feed = new TelemetryFeed({ clock });
    feed.addMessages([message('{"a":1}')]);
    feed.clearMessages();
    advance(FLUSH_MS);
    expect(feed.getSnapshot().messages).toEqual([]);
    expect(feed.getSnapshot().fields).toHaveLength(1);
  });
});
