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
async function publishAndKill(round: number, dataDir: string, keys: Keys): Promise<RoundResult> {
  const port = await freePort();
  const { child, exited } = await startChild(dataDir, port);
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
  return { published: next, acked };
}

describe('the edge hub under kill -9', () => {
  it('delivers every acknowledged QoS 1 message after two crashes, once each and in publish order; $upstream keeps them all', { timeout: 180_000 }, async () => {
    const dataDir = join(work, 'data');
    const keys = await prepare(dataDir);
    const rounds = [await publishAndKill(1, dataDir, keys), await publishAndKill(2, dataDir, keys)];
    for (const round of rounds) expect(round.acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    // PUBACKs come back in publish order on one connection (the hub stores a batch before acking it).
    for (const round of rounds) expect(round.acked).toEqual([...round.acked].sort((a, b) => a - b));

    // The hub starts again in this process on the same folder (any port).
    const security = await EdgeSecurity.start({ dataDir, deviceId: DEVICE });
    if (!security.ok) throw new Error(security.error.message);
    cleanups.push(() => security.value.dispose());
    const logs: string[] = [];
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

    // The sink connects at once (the pump retries a module that is not connected with backoff).
    const received: { round: number; i: number; body: { round: number; i: number } }[] = [];
    const sink = await connectAsync(moduleMqttOptions({ port: hub.state.mqttPort, ca: keys.ca, hostName: IOTHUB_HOST, deviceId: DEVICE, moduleId: 'sink', key: keys.sink }));
    cleanups.push(() => sink.endAsync(true).catch(() => undefined));
    sink.on('message', (topic, payload) => {
      const props = inputProperties(topic);
      received.push({ round: Number(props.round), i: Number(props.i), body: JSON.parse(payload.toString('utf8')) as { round: number; i: number } });
    });
    const granted = await sink.subscribeAsync(`devices/${DEVICE}/modules/sink/inputs/#`, { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    expect(hub.applyDeployment({ schemaVersion: '1.1', routes: ROUTES, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } }, 1, {})).toMatchObject({ code: 200 });

    const depthOf = (endpoint: string) => {
      const outbox = hub.outbox();
      return outbox.ok ? (outbox.value.endpoints.find((e) => e.endpoint === endpoint)?.depth ?? 0) : -1;
    };
    const ackedCount = rounds[0]!.acked.length + rounds[1]!.acked.length;
    expect(depthOf(UPSTREAM_ENDPOINT)).toBeGreaterThanOrEqual(ackedCount);
    await until('the sink queue to drain', () => depthOf(SINK_ENDPOINT) === 0 && received.length > 0, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Every acknowledged message arrived; nothing that was not published; the body is the message's own.
    const key = (round: number, i: number) => `${round}/${i}`;
    const arrived = new Set(received.map((m) => key(m.round, m.i)));
    for (const [index, round] of rounds.entries()) {
      for (const i of round.acked) expect(arrived.has(key(index + 1, i)), `acknowledged message ${key(index + 1, i)} lost`).toBe(true);
    }
    for (const m of received) {
      expect(m.body).toMatchObject({ round: m.round, i: m.i });
      expect(m.i).toBeLessThan(rounds[m.round - 1]!.published);
    }
    // Publish order, no duplicates: strictly increasing (round, number).
    const order = received.map((m) => m.round * 1_000_000 + m.i);
    expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
    expect(received.length).toBeGreaterThanOrEqual(ackedCount);
    expect(received.length).toBeLessThanOrEqual(ackedCount + 2 * IN_FLIGHT);

    // $upstream (no hub connected) kept exactly what the sink got, in the same order.
    const upstreamDepth = depthOf(UPSTREAM_ENDPOINT);
    await sink.endAsync(true);
    await hub.dispose();
    const store = await openMessageStore({ dir: join(dataDir, 'edgehub', 'store'), sweepIntervalMs: 0 });
    if (!store.ok) throw new Error(store.error.message);
    try {
      const upstream = await store.value.peek(UPSTREAM_ENDPOINT, 1_000_000);
      expect(upstream).toHaveLength(upstreamDepth);
      expect(upstream.map((m) => Number(m.message.properties.round) * 1_000_000 + Number(m.message.properties.i))).toEqual(order);
      expect(upstream.every((m) => m.source.moduleId === 'src' && m.source.deviceId === DEVICE)).toBe(true);
    } finally {
      await store.value.close();
    }
    expect(logs.filter((line) => /store|corrupt|malformed/i.test(line))).toEqual([]);
  });
});
