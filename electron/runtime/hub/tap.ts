import type { HubRates, TappedMessage } from '../../../shared/ipc/edgehub.contract';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';
import { routingSystemProperties } from './router';

/**
 * The Telemetry view's window on routed messages, kept off the hot path (ARCHITECTURE.md "Messages"):
 * - `observe` (called per routed message) only bumps counters and, while the current 100 ms batch has room, keeps a
 *   reference to the message: no copy, no encoding;
 * - every 100 ms the kept messages become TappedMessage (bodies cut at 64 KiB), go into a bounded ring buffer and to
 *   the listeners as one array; ids increase per observed message, so gaps show the sampling;
 * - every second the per-source-output and per-route counts go to the rate listeners (HubRates).
 * Timers are unref'd and only run while someone listens.
 */

export const TAP_BODY_LIMIT = 64 * 1024;

export interface TapOptions {
  /** Messages kept per 100 ms batch (default 20, i.e. at most 200/s reach the UI). */
  readonly maxPerBatch?: number;
  /** Messages kept for `recent()` (default 500). */
  readonly ringSize?: number;
  readonly batchMs?: number;
  readonly now?: () => number;
}

export interface Observed {
  readonly id: number;
  readonly atMs: number;
  readonly source: IdentityRef;
  readonly message: HubMessage;
  readonly routes: readonly string[];
  readonly endpoints: readonly string[];
}

type Listener<T> = (value: T) => void;

export class HubTap {
  private nextId = 1;
  private batch: Observed[] = [];
  private readonly ring: TappedMessage[] = [];
  private bySource = new Map<string, number>();
  private byRoute = new Map<string, number>();
  private readonly messageListeners = new Set<Listener<TappedMessage[]>>();
  private readonly rateListeners = new Set<Listener<HubRates>>();
  private batchTimer: NodeJS.Timeout | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  private readonly maxPerBatch: number;
  private readonly ringSize: number;
  private readonly now: () => number;

  constructor(private readonly options: TapOptions = {}) {
    this.maxPerBatch = options.maxPerBatch ?? 20;
    this.ringSize = options.ringSize ?? 500;
    this.now = options.now ?? Date.now;
  }

  /** Hot path: counts the message and keeps a reference when the batch has room. Returns the message's tap id. */
  observe(source: IdentityRef, message: HubMessage, routes: readonly string[], endpoints: readonly string[], atMs: number): number {
    const id = this.nextId++;
    const output = message.systemProperties.on;
    const sourceKey = source.moduleId === undefined ? source.deviceId : output ? `${source.moduleId}/${output}` : source.moduleId;
    this.bySource.set(sourceKey, (this.bySource.get(sourceKey) ?? 0) + 1);
    for (const route of routes) this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    if (this.batch.length < this.maxPerBatch) this.batch.push({ id, atMs, source, message, routes, endpoints });
    return id;
  }

  /** Batches of sampled messages (at most `maxPerBatch` per 100 ms). */
  onMessages(listener: Listener<TappedMessage[]>): { dispose(): void } {
    this.messageListeners.add(listener);
    this.startTimers();
    return { dispose: () => this.removeListener(this.messageListeners, listener) };
  }

  /** Per-second counts by source output and by route. */
  onRates(listener: Listener<HubRates>): { dispose(): void } {
    this.rateListeners.add(listener);
    this.startTimers();
    return { dispose: () => this.removeListener(this.rateListeners, listener) };
  }

  /** The last sampled messages, oldest first (flushes the current batch first). */
  recent(): TappedMessage[] {
    this.flush();
    return [...this.ring];
  }

  /** Turns the kept references into TappedMessages and sends them; also what the batch timer runs. */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch.map((o) => toTapped(o, TAP_BODY_LIMIT));
    this.batch = [];
    this.ring.push(...batch);
    if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
    for (const listener of this.messageListeners) safe(() => listener(batch));
  }

  /** The counts since the last call, as HubRates (what the rate timer sends each second). */
  takeRates(): HubRates {
    const rates: HubRates = { at: new Date(this.now()).toISOString(), bySource: Object.fromEntries(this.bySource), byRoute: Object.fromEntries(this.byRoute) };
    this.bySource = new Map();
    this.byRoute = new Map();
    return rates;
  }

  dispose(): void {
    this.messageListeners.clear();
    this.rateListeners.clear();
    this.stopTimers();
  }

  private startTimers(): void {
    this.batchTimer ??= setInterval(() => this.flush(), this.options.batchMs ?? 100).unref();
    this.rateTimer ??= setInterval(() => {
      const rates = this.takeRates();
      for (const listener of this.rateListeners) safe(() => listener(rates));
    }, 1000).unref();
  }

  private stopTimers(): void {
    clearInterval(this.batchTimer);
    clearInterval(this.rateTimer);
    this.batchTimer = undefined;
    this.rateTimer = undefined;
  }

  private removeListener<T>(set: Set<Listener<T>>, listener: Listener<T>): void {
    set.delete(listener);
    if (this.messageListeners.size === 0 && this.rateListeners.size === 0) this.stopTimers();
  }
}

/** A TappedMessage of an observed message; `limit` cuts the body (Infinity for recordings). */
export function toTapped(observed: Observed, limit: number): TappedMessage {
  const { source, message } = observed;
  const body = encodeBody(message.body, limit);
  const output = message.systemProperties.on;
  return {
    id: observed.id,
    at: new Date(observed.atMs).toISOString(),
    deviceId: source.deviceId,
    ...(source.moduleId === undefined ? {} : { moduleId: source.moduleId }),
    ...(output ? { output } : {}),
    routes: [...observed.routes],
    endpoints: [...observed.endpoints],
    systemProperties: routingSystemProperties(source, message, observed.atMs),
    properties: { ...message.properties },
    body: body.text,
    bodyEncoding: body.encoding,
    bodyBytes: message.body.byteLength,
    ...(body.truncated ? { truncated: true } : {}),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text when the (cut) body is valid UTF-8, else base64; a cut never splits a character. */
export function encodeBody(body: Uint8Array, limit: number): { text: string; encoding: 'utf8' | 'base64'; truncated: boolean } {
  const truncated = body.byteLength > limit;
  const cut = truncated ? body.subarray(0, limit) : body;
  // A cut may end inside a multi-byte character: try dropping up to 3 trailing bytes.
  for (let drop = 0; drop <= (truncated ? 3 : 0); drop++) {
    try {
      return { text: utf8.decode(cut.subarray(0, cut.byteLength - drop)), encoding: 'utf8', truncated };
    } catch {
      // not UTF-8 at this length
    }
  }
  return { text: Buffer.from(cut.buffer, cut.byteOffset, cut.byteLength).toString('base64'), encoding: 'base64', truncated };
}

function safe(run: () => void): void {
  try {
    run();
  } catch {
    // a listener's failure never reaches the hub
  }
}
