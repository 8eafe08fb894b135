import { randomUUID } from 'node:crypto';
import type { Result } from '../../../shared/errors';
import type { BackendError, HubMessage } from '../../protocol/device-backend';
import type { C2dRecord } from './hub-store';
import type { RegistryContext } from './registry-context';

/**
 * Cloud-to-device messages as IoT Hub keeps them: a durable queue per device (the hub store, `c2d/<device>/<seq>`),
 * delivered in order over MQTT (`devices/<d>/messages/devicebound/<bag>`, QoS 1) once the device has subscribed, and
 * completed when it acknowledges (MQTT completes on PUBACK). IoT Hub's limits: 50 messages waiting per device, a body
 * of at most 64 KiB, a time to live of 1 hour by default and 48 hours at most; an expired message is dropped, never
 * delivered. Feedback messages (`iothub-ack`) are kept on the message for the device but not sent to the service.
 */

export const C2D_QUEUE_DEPTH = 50;
export const C2D_MAX_BODY_BYTES = 64 * 1024;
export const C2D_DEFAULT_TTL_MS = 60 * 60 * 1000;
export const C2D_MAX_TTL_MS = 48 * 60 * 60 * 1000;

export interface CloudToDeviceOptions {
  /** Absolute expiry (epoch ms); default now + 1 hour; refused beyond 48 hours. */
  readonly expiresAtMs?: number;
}

export class CloudToDeviceQueues {
  /** Devices whose delivery loop runs, and whether it must look again when it ends. */
  private readonly delivering = new Map<string, { again: boolean }>();
  private expired = 0;

  constructor(
    private readonly ctx: RegistryContext,
    private readonly changed: () => void,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Messages dropped because they expired before their device took them (since start). */
  get expiredCount(): number {
    return this.expired;
  }

  /** Queues a message for a device (durable before it resolves) and starts delivering if the device listens. */
  async send(deviceId: string, message: HubMessage, options: CloudToDeviceOptions = {}): Promise<Result<{ readonly messageId: string }, BackendError>> {
    const refuse = (code: BackendError['code'], text: string) => ({ ok: false as const, error: { code, message: text } });
    if (message.body.byteLength > C2D_MAX_BODY_BYTES) return refuse('TOO_LARGE', `the message body is ${message.body.byteLength} bytes; a cloud-to-device message holds at most ${C2D_MAX_BODY_BYTES}`);
    const now = this.nowMs();
    const expiresAtMs = options.expiresAtMs ?? now + C2D_DEFAULT_TTL_MS;
    if (!Number.isFinite(expiresAtMs) || expiresAtMs <= now) return refuse('BAD_REQUEST', 'the message has already expired');
    if (expiresAtMs > now + C2D_MAX_TTL_MS) return refuse('BAD_REQUEST', 'a cloud-to-device message may live at most 48 hours');
    const store = this.ctx.store;
    try {
      const queued = await store.exclusive(async () => {
        if (!store.device(deviceId)) return refuse('NOT_FOUND', `device ${deviceId} is not registered`);
        const stale = store.c2dQueue(deviceId).filter((record) => record.expiresAtMs <= now);
        if (stale.length > 0) await this.drop(stale);
        if (store.c2dQueue(deviceId).length >= C2D_QUEUE_DEPTH) {
          return refuse('THROTTLED', `device ${deviceId} already has ${C2D_QUEUE_DEPTH} cloud-to-device messages waiting (IoT Hub's limit)`);
        }
        const messageId = message.systemProperties.mid || randomUUID();
        const record: C2dRecord = {
          deviceId,
          seq: store.nextC2dSeq(),
          body: Buffer.from(message.body).toString('base64'),
          systemProperties: { ...message.systemProperties, mid: messageId, to: `/devices/${deviceId}/messages/deviceBound`, exp: new Date(expiresAtMs).toISOString() },
          properties: { ...message.properties },
          enqueuedAtMs: now,
          expiresAtMs,
        };
        await store.commit([{ kind: 'putC2d', record }]);
        return { ok: true as const, value: { messageId } };
      });
      if (queued.ok) {
        this.changed();
        this.kick(deviceId);
      }
      return queued;
    } catch (error) {
      return refuse('INTERNAL', `the message could not be stored: ${String(error)}`);
    }
  }

  /** Delivers what waits for the device, in order, while it takes them (after a send, a subscription, a connect). */
  kick(deviceId: string): void {
    const running = this.delivering.get(deviceId);
    if (running) {
      running.again = true;
      return;
    }
    if (this.ctx.store.c2dQueue(deviceId).length === 0) return;
    const state = { again: false };
    this.delivering.set(deviceId, state);
    void this.deliverAll(deviceId, state).finally(() => {
      this.delivering.delete(deviceId);
      if (state.again) this.kick(deviceId);
    });
  }

  private async deliverAll(deviceId: string, state: { again: boolean }): Promise<void> {
    for (;;) {
      state.again = false;
      const next = this.ctx.store.c2dQueue(deviceId)[0];
      const gateway = this.ctx.gateway;
      if (!next || !gateway) return;
      if (next.expiresAtMs <= this.nowMs()) {
        await this.ctx.store.exclusive(() => this.drop([next]));
        continue;
      }
      const message: HubMessage = { body: Buffer.from(next.body, 'base64'), systemProperties: next.systemProperties, properties: next.properties };
      // false: not subscribed, or the device did not acknowledge (it gets the message again on its next subscription).
      if (!(await gateway.deliver({ deviceId }, message))) return;
      await this.ctx.store.exclusive(() => this.ctx.store.commit([{ kind: 'deleteC2d', deviceId, seq: next.seq }]));
      this.changed();
    }
  }

  /** Removes expired messages (inside `exclusive`). */
  private async drop(records: readonly C2dRecord[]): Promise<void> {
    await this.ctx.store.commit(records.map((record) => ({ kind: 'deleteC2d' as const, deviceId: record.deviceId, seq: record.seq })));
    this.expired += records.length;
    for (const record of records) this.ctx.log(`local hub: cloud-to-device message ${record.systemProperties.mid ?? record.seq} for ${record.deviceId} expired before the device took it`);
  }
}
