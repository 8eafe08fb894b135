import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EdgeSecurity } from '../workload/edge-security';
import { EdgeHub } from './edge-hub';
import { freePort, inputProperties, moduleMqttOptions, outputTopic, until } from './edge-hub-mqtt.test-util';
import { UPSTREAM_ENDPOINT, moduleInputEndpoint } from './hub-model';
import { openMessageStore } from './store/message-store';

/**
 * kill -9 the edge hub under QoS 1 load (issue 12, Tests): the product's EdgeHub runs in a child process
 * (edge-hub-crash-child.test-util.ts) on a data folder; module `src` publishes numbered output messages over real
 * MQTT/TLS with QoS 1 and several in flight, routed to module `sink`'s input AND to `$upstream` (no upstream is
 * connected, so they stay queued). The parent records every PUBACK, SIGKILLs the hub mid-stream, does it again with
 * a second child on the same folder, then starts the hub in this process on that folder and connects `sink`.
 *
 * What QoS 1 allows and what is asserted: every message whose PUBACK `src` saw arrives at `sink` and is kept for
 * `$upstream`; a message that was stored but whose PUBACK the kill swallowed may arrive too (the client would resend
 * it); nothing arrives that was not published; nothing arrives twice (the hub never died while delivering); order is
 * publish order (round, then number).
 *
 * A second case keeps `sink` connected while the hub dies: a message written to the sink just before the kill may come
 * again from the restarted hub (its delivery was not checkpointed yet: QoS 1 is at least once); only those may repeat.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const DEVICE = 'edge-crash';
const IOTHUB_HOST = 'crash.gatehouse.local';
const ROUTES = {
  toSink: 'FROM /messages/modules/src/outputs/out INTO BrokeredEndpoint("/modules/sink/inputs/input1")',
  toUpstream: 'FROM /messages/modules/src/outputs/out INTO $upstream',
};
const SINK_ENDPOINT = moduleInputEndpoint('sink', 'input1');
const IN_FLIGHT = 64;
const ACKS_BEFORE_KILL = 1_200;

let work: string;
let childScript: string;
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatehouse-edgehub-crash-'));
  childScript = join(work, 'child.cjs');
  await build({ entryPoints: [join(here, 'edge-hub-crash-child.test-util.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: childScript, external: ['classic-level'], logLevel: 'silent' });
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => rm(work, { recursive: true, force: true }));

interface Keys {
  readonly src: string;
  readonly sink: string;
  readonly ca: string;
}

/** Creates the module identities (and the edge CA) on the data folder, as the agent does before modules start. */
async function prepare(dataDir: string): Promise<Keys> {
  const security = await EdgeSecurity.start({ dataDir, deviceId: DEVICE });
  if (!security.ok) throw new Error(security.error.message);
  try {
    const synced = await security.value.identities.syncModules(['src', 'sink']);
    if (!synced.ok) throw new Error(synced.error.message);
    const src = await security.value.identities.getModule('src');
    const sink = await security.value.identities.getModule('sink');
    if (!src || !sink) throw new Error('no module identities');
    return { src: src.primaryKey, sink: sink.primaryKey, ca: security.value.ca.trustBundlePem() };
  } finally {
    security.value.dispose();
  }
}

function startChild(dataDir: string, port: number): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [childScript, dataDir, DEVICE, IOTHUB_HOST, String(port), JSON.stringify(ROUTES)], {
    env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('ready\n')) resolve({ child, exited, stderr: () => stderr });
    });
    void exited.then(() => reject(new Error(`the hub child exited before it was ready: ${stderr}`)));
  });
}

interface RoundResult {
  readonly published: number;
  readonly acked: readonly number[];
}

/**
 * `src` publishes `r<round>` messages numbered from 0, IN_FLIGHT at a time; after ACKS_BEFORE_KILL PUBACKs the hub is
 * SIGKILLed. PUBACKs read after the kill was sent still count: the hub sent them before it died.
 */
async function publishAndKill(round: number, dataDir: string, keys: Keys, sinkOn?: (port: number) => Promise<MqttClient>): Promise<RoundResult> {
  const port = await freePort();
  const { child, exited } = await startChild(dataDir, port);
  const sink = await sinkOn?.(port);
  const client: MqttClient = await connectAsync(moduleMqttOptions({ port, ca: keys.ca, hostName: IOTHUB_HOST, deviceId: DEVICE, moduleId: 'src', key: keys.src }));
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.on('error', () => undefined);
  const acked: number[] = [];
  let next = 0;
  let inFlight = 0;
  let killed = false;
  const fill = () => {
    while (!killed && inFlight < IN_FLIGHT && client.connected) {
      const i = next++;
      inFlight += 1;
      const body = JSON.stringify({ round, i, pad: 'x'.repeat(100 + (i % 300)) });
      client.publish(outputTopic(DEVICE, 'src', 'out', { round: String(round), i: String(i) }), body, { qos: 1 }, (error) => {
        inFlight -= 1;
        if (error) return;
        acked.push(i);
        if (!killed && acked.length >= ACKS_BEFORE_KILL) {
          killed = true;
          child.kill('SIGKILL');
        }
        fill();
      });
    }
  };
  fill();
  expect(await exited).toBe('SIGKILL');
  await closed;
  children.delete(child);
  await client.endAsync(true).catch(() => undefined);
  await sink?.endAsync(true).catch(() => undefined);
  return { published: next, acked };
}

/** The hub started again in this process on the data folder (any port), with the same routes. */
async function startHubHere(dataDir: string, logs: string[]): Promise<EdgeHub & { readonly mqttPort: number }> {
  const security = await EdgeSecurity.start({ dataDir, deviceId: DEVICE });
  if (!security.ok) throw new Error(security.error.message);
  cleanups.push(() => security.value.dispose());
  const hub = EdgeHub.start({
    dataDir,
    deviceId: DEVICE,
    iotHubHostName: IOTHUB_HOST,
    gatewayHostName: 'localhost',
    security: { identities: security.value.identities, issuer: security.value.ca },
    mqttPort: 0,
    httpsPort: 0,
    bindAddresses: ['127.0.0.1'],
    log: (line) => logs.push(line),
  });
  cleanups.push(() => hub.dispose());
  await until('the edge hub to start again', () => hub.state.state !== 'starting');
  if (hub.state.state !== 'running') throw new Error(`edge hub: ${JSON.stringify(hub.state)}`);
  expect(hub.applyDeployment({ schemaVersion: '1.1', routes: ROUTES, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } }, 1, {})).toMatchObject({ code: 200 });
  return Object.assign(hub, { mqttPort: hub.state.mqttPort });
}

interface Arrival {
  readonly round: number;
  readonly i: number;
  readonly body: { round: number; i: number };
}

/** `sink` over raw MQTT (QoS 1 on its inputs), recording what arrives. */
async function connectSink(port: number, keys: Keys, arrivals: Arrival[]): Promise<MqttClient> {
  const sink = await connectAsync(moduleMqttOptions({ port, ca: keys.ca, hostName: IOTHUB_HOST, deviceId: DEVICE, moduleId: 'sink', key: keys.sink }));
  sink.on('error', () => undefined);
  sink.on('message', (topic, payload) => {
    const props = inputProperties(topic);
    arrivals.push({ round: Number(props.round), i: Number(props.i), body: JSON.parse(payload.toString('utf8')) as { round: number; i: number } });
  });
  const granted = await sink.subscribeAsync(`devices/${DEVICE}/modules/sink/inputs/#`, { qos: 1 });
  expect(granted.map((g) => g.qos)).toEqual([1]);
  return sink;
}

const depthOf = (hub: EdgeHub, endpoint: string) => {
  const outbox = hub.outbox();
  return outbox.ok ? (outbox.value.endpoints.find((e) => e.endpoint === endpoint)?.depth ?? 0) : -1;
};
const orderKey = (m: { round: number; i: number }) => m.round * 1_000_000 + m.i;

describe('the edge hub under kill -9', () => {
  it('delivers every acknowledged QoS 1 message after two crashes, once each and in publish order; $upstream keeps them all', { timeout: 180_000 }, async () => {
    const dataDir = join(work, 'data');
    const keys = await prepare(dataDir);
    const rounds = [await publishAndKill(1, dataDir, keys), await publishAndKill(2, dataDir, keys)];
    for (const round of rounds) expect(round.acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    // PUBACKs come back in publish order on one connection (the hub stores a batch before acking it).
    for (const round of rounds) expect(round.acked).toEqual([...round.acked].sort((a, b) => a - b));

    // The hub starts again in this process on the same folder (any port); the sink connects at once (the pump retries
    // a module that is not connected with backoff).
    const logs: string[] = [];
    const hub = await startHubHere(dataDir, logs);
    const received: Arrival[] = [];
    const sink = await connectSink(hub.mqttPort, keys, received);
    cleanups.push(() => sink.endAsync(true).catch(() => undefined));
    const ackedCount = rounds[0]!.acked.length + rounds[1]!.acked.length;
    expect(depthOf(hub, UPSTREAM_ENDPOINT)).toBeGreaterThanOrEqual(ackedCount);
    await until('the sink queue to drain', () => depthOf(hub, SINK_ENDPOINT) === 0 && received.length > 0, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Every acknowledged message arrived; nothing that was not published; the body is the message's own.
    const arrived = new Set(received.map(orderKey));
    for (const [index, round] of rounds.entries()) {
      for (const i of round.acked) expect(arrived.has(orderKey({ round: index + 1, i })), `acknowledged message ${index + 1}/${i} lost`).toBe(true);
    }
    for (const m of received) {
      expect(m.body).toMatchObject({ round: m.round, i: m.i });
      expect(m.i).toBeLessThan(rounds[m.round - 1]!.published);
    }
    // Publish order, no duplicates: strictly increasing (round, number).
    const order = received.map(orderKey);
    expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
    expect(received.length).toBeGreaterThanOrEqual(ackedCount);
    expect(received.length).toBeLessThanOrEqual(ackedCount + 2 * IN_FLIGHT);

    // $upstream (no hub connected) kept exactly what the sink got, in the same order.
    const upstreamDepth = depthOf(hub, UPSTREAM_ENDPOINT);
    await sink.endAsync(true);
    await hub.dispose();
    const store = await openMessageStore({ dir: join(dataDir, 'edgehub', 'store'), sweepIntervalMs: 0 });
    if (!store.ok) throw new Error(store.error.message);
    try {
      const upstream = await store.value.peek(UPSTREAM_ENDPOINT, 1_000_000);
      expect(upstream).toHaveLength(upstreamDepth);
      expect(upstream.map((m) => orderKey({ round: Number(m.message.properties.round), i: Number(m.message.properties.i) }))).toEqual(order);
      expect(upstream.every((m) => m.source.moduleId === 'src' && m.source.deviceId === DEVICE)).toBe(true);
    } finally {
      await store.value.close();
    }
    expect(logs.filter((line) => /store|corrupt|malformed/i.test(line))).toEqual([]);
  });

  it('with the sink taking messages while the hub dies: every acknowledged message arrives; repeats only of ones delivered just before a crash', { timeout: 180_000 }, async () => {
    const dataDir = join(work, 'data-live');
    const keys = await prepare(dataDir);
    const arrivals: Arrival[][] = [[], [], []];
    const rounds = [await publishAndKill(1, dataDir, keys, (port) => connectSink(port, keys, arrivals[0]!)), await publishAndKill(2, dataDir, keys, (port) => connectSink(port, keys, arrivals[1]!))];
    expect(arrivals[0]!.length).toBeGreaterThan(0);
    const logs: string[] = [];
    const hub = await startHubHere(dataDir, logs);
    const sink = await connectSink(hub.mqttPort, keys, arrivals[2]!);
    cleanups.push(() => sink.endAsync(true).catch(() => undefined));
    await until('the sink queue to drain', () => depthOf(hub, SINK_ENDPOINT) === 0, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const all = arrivals.flat();
    const arrived = new Set(all.map(orderKey));
    for (const [index, round] of rounds.entries()) {
      for (const i of round.acked) expect(arrived.has(orderKey({ round: index + 1, i })), `acknowledged message ${index + 1}/${i} lost`).toBe(true);
    }
    for (const m of all) {
      expect(m.body).toMatchObject({ round: m.round, i: m.i });
      expect(m.i).toBeLessThan(rounds[m.round - 1]!.published);
    }
    // Within one life of the hub: publish order, no repeats.
    for (const phase of arrivals) {
      const order = phase.map(orderKey);
      expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
    }
    // Across a crash, a message delivered before it may come again (its delivery was not yet checkpointed): QoS 1's
    // at-least-once. Only the last ones delivered before the crash can repeat, and what follows them is in order.
    const firsts: number[] = [];
    const seen = new Set<number>();
    let repeats = 0;
    for (const [phase, list] of arrivals.entries()) {
      const before = new Set(arrivals.slice(0, phase).flat().map(orderKey));
      const tail = new Set(phase > 0 ? arrivals[phase - 1]!.slice(-2 * IN_FLIGHT).map(orderKey) : []);
      for (const m of list) {
        const key = orderKey(m);
        if (before.has(key)) {
          repeats += 1;
          expect(tail.has(key), `${m.round}/${m.i} came again but was not among the last delivered before the crash`).toBe(true);
        }
        if (!seen.has(key)) firsts.push(key);
        seen.add(key);
      }
    }
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(repeats).toBeLessThanOrEqual(4 * IN_FLIGHT);
    if (process.env.DURABILITY_REPORT) console.info(JSON.stringify({ rounds: rounds.map((r) => ({ published: r.published, acked: r.acked.length })), arrivals: arrivals.map((a) => a.length), repeats }));
  });
});
