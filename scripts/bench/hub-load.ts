import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { percentile, ratePerSec } from './hub-stats';

/**
 * The one load client of `npm run bench:hub` (mqtt.js, MQTT 3.1.1 over TLS on loopback), run the same way against
 * the edge hub and mosquitto: a publisher and a subscriber, a publish topic and a subscription filter per target.
 */

export interface LoadTarget {
  readonly name: string;
  /** Connection options of the publisher and the subscriber (client id, credentials, CA, port). */
  readonly publisher: IClientOptions;
  readonly subscriber: IClientOptions;
  readonly publishTopic: string;
  readonly subscribeFilter: string;
}

export interface ThroughputResult {
  readonly sent: number;
  /** CPU time the target process used during the counted messages (ms), when the caller could read it. */
  readonly targetCpuMs?: number;
  /** Distinct messages that reached the subscriber. */
  readonly received: number;
  readonly elapsedMs: number;
  readonly perSec: number;
}

export interface LatencyResult {
  readonly sent: number;
  readonly received: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const BODY_BYTES = 128;

let lastRun = 0;

/**
 * A body of BODY_BYTES carrying its run and sequence number in the first 8 bytes: a message left over from an
 * earlier run (redelivered from a store or a session) is recognised and not counted.
 */
function body(run: number, seq: number): Buffer {
  const buffer = Buffer.alloc(BODY_BYTES, 0x2e);
  buffer.writeUInt32BE(run, 0);
  buffer.writeUInt32BE(seq, 4);
  return buffer;
}

/** The sequence number of a message of `run`, or -1 for anything else. */
function seqOf(run: number, payload: Buffer): number {
  return payload.length >= 8 && payload.readUInt32BE(0) === run ? payload.readUInt32BE(4) : -1;
}

export async function connectPair(target: LoadTarget, qos: 0 | 1): Promise<{ publisher: MqttClient; subscriber: MqttClient; close(): Promise<void> }> {
  const base: IClientOptions = { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, keepalive: 60 };
  const subscriber = await connectAsync({ ...base, ...target.subscriber });
  const granted = await subscriber.subscribeAsync(target.subscribeFilter, { qos });
  if (granted.some((g) => g.qos === 128)) throw new Error(`${target.name}: subscription to ${target.subscribeFilter} refused`);
  const publisher = await connectAsync({ ...base, ...target.publisher });
  return {
    publisher,
    subscriber,
    close: async () => {
      await Promise.all([publisher.endAsync(true), subscriber.endAsync(true)]).catch(() => undefined);
    },
  };
}

/**
 * Sends `count` messages as fast as the target takes them, at most `window` sent and not yet received at a time
 * (so neither side buffers without bound), after `warmup` messages that are not counted. Throughput is distinct
 * messages received ÷ time from the first counted publish to the last receipt. Gives up after `stallMs` without
 * progress and reports what arrived. `cpuMs` (the target process's CPU time so far, in ms) is read just before the
 * first counted publish and after the last receipt: CPU per message does not depend on what else the machine runs.
 */
export async function measureThroughput(target: LoadTarget, options: { qos: 0 | 1; count: number; warmup: number; window: number; stallMs?: number; cpuMs?: () => number | undefined }): Promise<ThroughputResult> {
  const pair = await connectPair(target, options.qos);
  try {
    if (options.warmup > 0) await pump(pair, target.publishTopic, options.qos, options.warmup, options.window, options.stallMs ?? 10_000);
    const cpuBefore = options.cpuMs?.();
    const result = await pump(pair, target.publishTopic, options.qos, options.count, options.window, options.stallMs ?? 10_000);
    const cpuAfter = options.cpuMs?.();
    return cpuBefore === undefined || cpuAfter === undefined ? result : { ...result, targetCpuMs: cpuAfter - cpuBefore };
  } finally {
    await pair.close();
  }
}

async function pump(pair: { publisher: MqttClient; subscriber: MqttClient }, topic: string, qos: 0 | 1, count: number, window: number, stallMs: number): Promise<ThroughputResult> {
  const run = ++lastRun;
  const seen = new Uint8Array(count);
  let received = 0;
  let lastReceiptAt = 0;
  let wake: (() => void) | undefined;
  const onMessage = (_topic: string, payload: Buffer) => {
    const seq = seqOf(run, payload);
    if (seq < 0 || seq >= count || seen[seq]) return;
    seen[seq] = 1;
    received++;
    lastReceiptAt = performance.now();
    wake?.();
  };
  pair.subscriber.on('message', onMessage);
  try {
    const started = performance.now();
    let sent = 0;
    let stalled = false;
    const waitForProgress = async (until: () => boolean) => {
      while (!until()) {
        const before = received;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, stallMs);
          wake = () => {
            if (until()) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
        wake = undefined;
        if (received === before && !until()) {
          stalled = true;
          return;
        }
      }
    };
    while (sent < count && !stalled) {
      if (sent - received >= window) {
        await waitForProgress(() => sent - received < window / 2);
        continue;
      }
      pair.publisher.publish(topic, body(run, sent), { qos });
      sent++;
      // Let socket I/O (PUBACKs, deliveries) run between bursts.
      if (sent % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!stalled) await waitForProgress(() => received >= count);
    const elapsedMs = (received > 0 ? lastReceiptAt : performance.now()) - started;
    return { sent, received, elapsedMs, perSec: ratePerSec(received, elapsedMs) };
  } finally {
    pair.subscriber.off('message', onMessage);
  }
}

/**
 * Module-to-module latency at a fixed, moderate rate: `count` messages at `ratePerSec`, QoS 1, each timed from just
 * before its publish to its receipt by the subscriber (both in this process, one clock). Waits up to `graceMs`
 * after the last send for stragglers; missing ones are not in the percentiles (reported as received < sent).
 */
export async function measureLatency(target: LoadTarget, options: { ratePerSec: number; count: number; warmup: number; graceMs?: number }): Promise<LatencyResult> {
  const pair = await connectPair(target, 1);
  try {
    if (options.warmup > 0) await timed(pair, target.publishTopic, options.ratePerSec, options.warmup, options.graceMs ?? 5000);
    return await timed(pair, target.publishTopic, options.ratePerSec, options.count, options.graceMs ?? 5000);
  } finally {
    await pair.close();
  }
}

async function timed(pair: { publisher: MqttClient; subscriber: MqttClient }, topic: string, rate: number, count: number, graceMs: number): Promise<LatencyResult> {
  const run = ++lastRun;
  const sentAt = new Float64Array(count);
  const latencies: number[] = [];
  const seen = new Uint8Array(count);
  let done: (() => void) | undefined;
  const onMessage = (_topic: string, payload: Buffer) => {
    const now = performance.now();
    const seq = seqOf(run, payload);
    if (seq < 0 || seq >= count || seen[seq]) return;
    seen[seq] = 1;
    latencies.push(now - (sentAt[seq] as number));
    if (latencies.length === count) done?.();
  };
  pair.subscriber.on('message', onMessage);
  try {
    const periodMs = 1000 / rate;
    const started = performance.now();
    let sent = 0;
    while (sent < count) {
      const due = started + sent * periodMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, Math.floor(wait)));
      // Catch up after a late timer: everything due now goes out (the schedule is fixed, not the gaps).
      while (sent < count && started + sent * periodMs <= performance.now() + 0.5) {
        sentAt[sent] = performance.now();
        pair.publisher.publish(topic, body(run, sent), { qos: 1 });
        sent++;
      }
    }
    if (latencies.length < count) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        done = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return { sent, received: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    pair.subscriber.off('message', onMessage);
  }
}
