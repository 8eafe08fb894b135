import type { Result } from '../../../shared/errors';
import type { DeviceGateway, HubMessage, IdentityRef, MethodFailure, MethodResponse } from '../../protocol/device-backend';
import { parseModuleInputEndpoint, type EndpointStats, type EndpointTarget, type MessageStore, type QueuedMessage, type StoredMessage, type StoreError } from './hub-model';

/**
 * An in-memory MessageStore for the hub core's tests (the durable one lives in store/): the same ordering (priority,
 * then append order), TTL expiry and stats, a message limit standing in for the disk bound (FULL), and hooks to make
 * an append fail or wait so tests can see the PUBACK withheld.
 */
export class MemoryMessageStore implements MessageStore {
  readonly appended: { readonly message: StoredMessage; readonly targets: readonly EndpointTarget[] }[] = [];
  private readonly queues = new Map<string, QueuedMessage[]>();
  private readonly expired = new Map<string, number>();
  private readonly delivered = new Map<string, number>();
  private readonly listeners = new Set<(endpoint: string) => void>();
  private nextSeq = new Map<string, number>();
  private closed = false;
  /** Set to make the next appends fail with this error. */
  failWith: StoreError | undefined;
  /** Set to hold appends until the promise resolves (a slow disk). */
  gate: Promise<void> | undefined;

  constructor(private readonly options: { readonly maxMessages?: number; readonly now?: () => number } = {}) {}

  async append(message: StoredMessage, targets: readonly EndpointTarget[]): Promise<Result<void, StoreError>> {
    if (this.gate) await this.gate;
    if (this.closed) return { ok: false, error: { code: 'CLOSED', message: 'the store is closed' } };
    if (this.failWith) return { ok: false, error: this.failWith };
    const depth = [...this.queues.values()].reduce((n, q) => n + q.length, 0);
    if (this.options.maxMessages !== undefined && depth + targets.length > this.options.maxMessages) return { ok: false, error: { code: 'FULL', message: 'the store is full' } };
    this.appended.push({ message, targets });
    for (const target of targets) {
      const seq = this.nextSeq.get(target.endpoint) ?? 1;
      this.nextSeq.set(target.endpoint, seq + 1);
      const queued: QueuedMessage = { ...message, endpoint: target.endpoint, seq, priority: target.priority, expiresAtMs: target.ttlSecs > 0 ? message.enqueuedAtMs + target.ttlSecs * 1000 : undefined };
      const queue = this.queues.get(target.endpoint) ?? [];
      queue.push(queued);
      queue.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
      this.queues.set(target.endpoint, queue);
    }
    for (const target of targets) for (const listener of this.listeners) listener(target.endpoint);
    return { ok: true, value: undefined };
  }

  async peek(endpoint: string, max: number): Promise<readonly QueuedMessage[]> {
    const now = this.now();
    const queue = this.queues.get(endpoint) ?? [];
    const live = queue.filter((m) => m.expiresAtMs === undefined || m.expiresAtMs > now);
    this.expired.set(endpoint, (this.expired.get(endpoint) ?? 0) + queue.length - live.length);
    this.queues.set(endpoint, live);
    return live.slice(0, max);
  }

  async ack(endpoint: string, seqs: readonly number[]): Promise<void> {
    const done = new Set(seqs);
    const queue = this.queues.get(endpoint) ?? [];
    const left = queue.filter((m) => !done.has(m.seq));
    this.delivered.set(endpoint, (this.delivered.get(endpoint) ?? 0) + queue.length - left.length);
    this.queues.set(endpoint, left);
  }

  onAppended(listener: (endpoint: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  stats(): readonly EndpointStats[] {
    const now = this.now();
    return [...this.queues.entries()].map(([endpoint, queue]) => ({
      endpoint,
      depth: queue.length,
      oldestAgeMs: queue.length === 0 ? 0 : now - Math.min(...queue.map((m) => m.enqueuedAtMs)),
      expired: this.expired.get(endpoint) ?? 0,
      delivered: this.delivered.get(endpoint) ?? 0,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Everything queued for an endpoint, in delivery order (no expiry applied). */
  queued(endpoint: string): readonly QueuedMessage[] {
    return this.queues.get(endpoint) ?? [];
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}

/**
 * A stand-in for the EndpointPump (store/ is written elsewhere): every message appended for a module input is
 * delivered to that module through the gateway, in order, and acked once written; a module that has not subscribed
 * yet is retried every 20 ms. `$upstream` stays queued.
 */
export function pumpModuleInputs(store: MemoryMessageStore, gateway: DeviceGateway, deviceId: string): { dispose(): void } {
  let running = Promise.resolve();
  let disposed = false;
  const retries = new Set<NodeJS.Timeout>();
  const drain = async (endpoint: string): Promise<void> => {
    const target = parseModuleInputEndpoint(endpoint);
    if (!target || disposed) return;
    for (const queued of await store.peek(endpoint, 100)) {
      const system: Record<string, string> = { ...queued.message.systemProperties, cdid: queued.source.deviceId };
      if (queued.source.moduleId !== undefined) system.cmid = queued.source.moduleId;
      const delivered = await gateway.deliver({ deviceId, moduleId: target.moduleId }, { ...queued.message, systemProperties: system }, target.input);
      if (!delivered) {
        const timer = setTimeout(() => {
          retries.delete(timer);
          schedule(endpoint);
        }, 20);
        retries.add(timer);
        return;
      }
      await store.ack(endpoint, [queued.seq]);
    }
  };
  const schedule = (endpoint: string) => {
    running = running.then(() => drain(endpoint));
  };
  const subscription = store.onAppended(schedule);
  return {
    dispose: () => {
      disposed = true;
      subscription.dispose();
      for (const timer of retries) clearTimeout(timer);
    },
  };
}

/** Records what the core asks of the front end. */
export class RecordingGateway implements DeviceGateway {
  readonly desired: { target: IdentityRef; patch: Record<string, unknown> }[] = [];
  readonly delivered: { target: IdentityRef; message: HubMessage; input: string | undefined }[] = [];
  accepting = true;
  async invokeMethod(_target: IdentityRef, _methodName: string, _payload: unknown, _timeoutMs: number): Promise<Result<MethodResponse, MethodFailure>> {
    return { ok: false, error: { code: 'NOT_CONNECTED', message: 'no' } };
  }
  pushDesired(target: IdentityRef, patch: Record<string, unknown>): void {
    this.desired.push({ target, patch });
  }
  async deliver(target: IdentityRef, message: HubMessage, input?: string): Promise<boolean> {
    if (!this.accepting) return false;
    this.delivered.push({ target, message, input });
    return true;
  }
  disconnect(): void {}
  isConnected(): boolean {
    return true;
  }
}
