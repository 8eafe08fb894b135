import { Emitter, type Event } from '../drivers/event';
import type { EndpointSender, MessageStore, QueuedMessage, SendOutcome } from './hub-model';

/**
 * Delivers one endpoint's queue, in the store's order (EDGE-CONTRACTS.md §7, the edgeHub endpoint executor): peek a
 * batch, send it with up to `window` sends in flight (each started in order, so one connection publishes them in
 * order), settle the outcomes in order and ack the settled prefix in one store write. A retryable failure stops
 * new sends, lets those in flight settle WITHOUT acking any of them (even ones the sender took: at-least-once, never
 * reordered) and backs off (exponential, capped); after the wait the queue is peeked again, so the first failed
 * message goes first. A permanent failure is acked, counted as dead-lettered and logged. `window` 1 is one message
 * at a time.
 *
 *   idle --appended / kick()--> delivering --queue empty--> idle
 *   delivering --send: retry--> backingOff --timer / kick()--> delivering
 *   any --dispose()--> stopped
 */

export type PumpState =
  | { readonly state: 'idle' }
  | { readonly state: 'delivering'; readonly seq: number }
  | { readonly state: 'backingOff'; readonly retryAtMs: number; readonly attempt: number; readonly lastError: string }
  | { readonly state: 'stopped' };

/** What the Outbox shows for one endpoint's delivery, beside the store's EndpointStats. */
export interface EndpointPumpStatus {
  readonly endpoint: string;
  readonly state: PumpState;
  /** Messages the sender accepted since the pump started. */
  readonly sent: number;
  /** Messages the sender refused for good (acked and dropped) since the pump started. */
  readonly deadLettered: number;
  readonly lastError: string | undefined;
}

export interface EndpointPumpOptions {
  readonly store: MessageStore;
  readonly endpoint: string;
  readonly sender: EndpointSender;
  readonly log?: (line: string) => void;
  /** First and longest wait after a retryable failure (default 250 ms, 30 s); each failure doubles the wait. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Messages peeked at a time (at least `window`). Default 16. */
  readonly batchSize?: number;
  /**
   * Sends in flight at once, started in order (default 1: each send waits for the one before). Only for a sender whose
   * concurrent sends reach the target in the order they were started (one connection, or a sender that orders them).
   */
  readonly window?: number;
  readonly now?: () => number;
  /** Starts a timer and returns its cancel; injectable for tests (default: an unref'd setTimeout). */
  readonly setTimer?: (fire: () => void, ms: number) => () => void;
}

const defaultSetTimer = (fire: () => void, ms: number) => {
  const handle = setTimeout(fire, ms);
  handle.unref();
  return () => clearTimeout(handle);
};

export class EndpointPump {
  readonly endpoint: string;
  private readonly store: MessageStore;
  private readonly sender: EndpointSender;
  private readonly log: (line: string) => void;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly batchSize: number;
  private readonly window: number;
  private readonly now: () => number;
  private readonly setTimer: (fire: () => void, ms: number) => () => void;
  private readonly changed = new Emitter<PumpState>();
  readonly onDidChangeState: Event<PumpState> = this.changed.event;

  private current: PumpState = { state: 'idle' };
  private sent = 0;
  private deadLettered = 0;
  private lastError: string | undefined;
  private attempt = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private subscription: { dispose(): void } | undefined;
  /** Set when something may be queued; cleared before each peek (no lost wake-ups). */
  private dirty = true;
  private wakeUp: (() => void) | undefined;
  private endBackoff: (() => void) | undefined;
  /** Acks written in the background, by seq (skipped if a peek returns them before the store removed them). */
  private readonly acking = new Map<number, Promise<void>>();

  constructor(options: EndpointPumpOptions) {
    this.endpoint = options.endpoint;
    this.store = options.store;
    this.sender = options.sender;
    this.log = options.log ?? (() => undefined);
    this.initialMs = Math.max(1, options.backoff?.initialMs ?? 250);
    this.maxMs = Math.max(this.initialMs, options.backoff?.maxMs ?? 30_000);
    this.window = Math.max(1, Math.floor(options.window ?? 1));
    this.batchSize = Math.max(this.window, options.batchSize ?? 16);
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultSetTimer;
  }

  get state(): PumpState {
    return this.current;
  }

  status(): EndpointPumpStatus {
    return { endpoint: this.endpoint, state: this.current, sent: this.sent, deadLettered: this.deadLettered, lastError: this.lastError };
  }

  /** Starts delivering (what is queued now, then whatever is appended). Starting twice is harmless. */
  start(): void {
    if (this.loop || this.stopped) return;
    this.subscription = this.store.onAppended((endpoint) => {
      if (endpoint === this.endpoint) this.wake();
    });
    this.loop = this.run();
  }

  /** Retry now (the upstream reconnected, the module connected): ends a backoff wait and restarts its doubling. */
  kick(): void {
    this.attempt = 0;
    const end = this.endBackoff;
    this.endBackoff = undefined;
    end?.();
    this.wake();
  }

  /** Stops after the send in flight (if any) settles and its ack is written; resolves when stopped. */
  async dispose(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.subscription?.dispose();
      this.endBackoff?.();
      this.wakeUp?.();
    }
    await this.loop;
    await Promise.all(this.acking.values());
    if (this.current.state !== 'stopped') this.set({ state: 'stopped' });
    this.changed.dispose();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.dirty = false;
      let batch: readonly QueuedMessage[];
      try {
        batch = await this.store.peek(this.endpoint, this.batchSize);
      } catch (error) {
        // The contract says peek never rejects; if a store does anyway, wait and look again rather than spin.
        this.lastError = `reading the queue failed: ${String(error)}`;
        await this.backOff(this.lastError);
        continue;
      }
      const todo = batch.filter((message) => !this.acking.has(message.seq));
      if (todo.length === 0) {
        if (batch.length > 0) {
          // Only messages whose ack is still being written: wait for those, then look again.
          await Promise.all(this.acking.values());
          continue;
        }
        this.set({ state: 'idle' });
        await this.waitForWork();
        continue;
      }
      const failure = await this.deliver(todo);
      if (failure !== undefined) await this.backOff(failure); // then peek again: the message that failed is still first
    }
  }

  /**
   * Sends `todo` in order with at most `window` in flight and acks the settled prefix (delivered or dead-lettered).
   * Resolves with the reason of the first retryable failure, if any: nothing after it is started, and nothing after it
   * is acked (what the sender took after it is sent again: at-least-once, in order).
   */
  private async deliver(todo: readonly QueuedMessage[]): Promise<string | undefined> {
    const flights: Promise<SendOutcome>[] = [];
    const settledSeqs: number[] = [];
    let failure: string | undefined;
    for (let next = 0; next < todo.length; next += 1) {
      while (failure === undefined && !this.stopped && flights.length < todo.length && flights.length - next < this.window) {
        const message = todo[flights.length] as QueuedMessage;
        if (flights.length === next) this.set({ state: 'delivering', seq: message.seq });
        flights.push(this.send(message));
      }
      if (next >= flights.length) break; // stopped or failed: nothing more was started
      const message = todo[next] as QueuedMessage;
      if (next > 0 && failure === undefined) this.set({ state: 'delivering', seq: message.seq });
      const outcome = await (flights[next] as Promise<SendOutcome>);
      if (failure !== undefined) continue; // behind a failure: settled, not acked (sent again after the backoff)
      if (outcome.ok) {
        this.sent += 1;
        this.attempt = 0;
        settledSeqs.push(message.seq);
      } else if (!outcome.retry) {
        this.deadLettered += 1;
        this.lastError = outcome.reason;
        this.log(`edge hub: ${this.endpoint} refused message seq ${message.seq} for good (dead-lettered, dropped): ${outcome.reason}`);
        settledSeqs.push(message.seq);
      } else {
        this.lastError = outcome.reason;
        failure = outcome.reason;
      }
    }
    if (settledSeqs.length > 0) this.acknowledge(settledSeqs);
    return failure;
  }

  private async send(message: QueuedMessage): Promise<SendOutcome> {
    try {
      return await this.sender.send(message);
    } catch (error) {
      return { ok: false, retry: true, reason: `the sender threw: ${String(error)}` };
    }
  }

  private acknowledge(seqs: readonly number[]): void {
    const write = this.store.ack(this.endpoint, seqs).finally(() => {
      for (const seq of seqs) this.acking.delete(seq);
    });
    for (const seq of seqs) this.acking.set(seq, write);
  }

  private backOff(reason: string): Promise<void> {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    this.set({ state: 'backingOff', retryAtMs: this.now() + delay, attempt: this.attempt, lastError: reason });
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        this.endBackoff = undefined; // one backoff at a time: this is the one being ended
        resolve();
      };
      const cancel = this.setTimer(end, delay);
      if (!ended) {
        this.endBackoff = () => {
          cancel();
          end();
        };
      }
    });
  }

  private wake(): void {
    this.dirty = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private waitForWork(): Promise<void> {
    if (this.dirty || this.stopped) return Promise.resolve();
    return new Promise((resolve) => (this.wakeUp = resolve));
  }

  private set(state: PumpState): void {
    this.current = state;
    this.changed.fire(state);
  }
}
