/**
 * `npm run bench:hub` (dist/bench-hub.mjs): the edge hub against mosquitto under the same load from the same client
 * (mqtt.js over TLS on loopback). Figures: QoS 0 routed messages/s (mosquitto: plain pass-through), QoS 1 durable
 * messages/s (mosquitto with persistence), p50/p99 module-to-module latency at a fixed rate, the hub's RSS idle and
 * under load (the hub runs alone in a child process), and the drain rate of messages queued for `$upstream` during
 * an outage once the upstream (the embedded local hub) starts. `-- --json` prints one JSON object on the last line.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type IClientOptions } from 'mqtt';
import { createRootCa, createServerCertificate } from '../../electron/protocol/certificate-factory';
import { createSasToken, sasResource } from '../../electron/protocol/sas-token';
import { importPrivateKeyPem } from '../../electron/protocol/x509-runtime';
import { LocalHub } from '../../electron/cloud/localhub/localhub';
import { SecretBox } from '../../electron/runtime/secrets/secret-box';
import { measureLatency, measureThroughput, type LatencyResult, type LoadTarget, type ThroughputResult } from './hub-load';
import { ensureMosquitto, startMosquitto } from './hub-mosquitto';
import { cpuMsOf, forkHubChild, rssOf, RssSampler, type HubChild, type HubChildConfig } from './hub-process';
import { mib, parseHubBenchArgs, ratePerSec, ratio, round, type HubBenchOptions } from './hub-stats';

const DEVICE = 'bench-edge';
const HOST = 'localhost';
const WARMUP = 1000;

interface Side {
  qos0?: ThroughputResult;
  qos1?: ThroughputResult;
  latency?: LatencyResult;
  idleRss?: number;
  /** The hub's first start on a fresh data folder (it creates the edge CA and issues its server certificate). */
  firstStartIdleRss?: number;
  /** The hub's V8 heap in use when idle (the rest of its RSS is code, native buffers, TLS, the store's cache). */
  idleHeap?: number;
  loadRss?: number;
  /** Peak while the outage's messages were queued and drained. */
  outageRss?: number;
}

interface Drain {
  readonly count: number;
  /** Arrived at the local hub within the time allowed. */
  readonly arrived: number;
  /** Arrivals with a smaller sequence number than one before them. */
  readonly outOfOrder: number;
  readonly fillPerSec: number;
  readonly firstAfterMs: number;
  readonly perSec: number;
}

const print = (label: string, value: number | undefined, unit: string, reference?: { label: string; value: number | undefined }) => {
  const shown = value === undefined ? '—'.padStart(9) : value.toFixed(1).padStart(9);
  const compared = reference?.value !== undefined && value !== undefined ? `  (${(value / reference.value).toFixed(2)}× ${reference.label}: ${reference.value.toFixed(1)} ${unit})` : '';
  console.log(`${label.padEnd(48)} ${shown} ${unit}${compared}`);
};

async function main(): Promise<void> {
  const parsed = parseHubBenchArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`bench:hub: ${parsed.error}`);
    process.exit(2);
  }
  const options = parsed.value;
  const started = performance.now();
  const theirs = options.noMosquitto ? undefined : await mosquittoSide(options);
  const { ours, drain, parts } = await hubSide(options);
  console.log(`bench:hub: hub = ${parts}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);

  const p99 = (s: Side | undefined) => s?.latency?.p99Ms;
  print('Hub: QoS 0 routed A → B', ours.qos0?.perSec, 'msg/s', { label: 'mosquitto pass-through', value: theirs?.qos0?.perSec });
  print('Hub: QoS 1 durable A → B', ours.qos1?.perSec, 'msg/s', { label: 'mosquitto with persistence', value: theirs?.qos1?.perSec });
  const cpuUs = (run: ThroughputResult | undefined) => (run?.targetCpuMs === undefined || run.received === 0 ? undefined : (run.targetCpuMs * 1000) / run.received);
  print('Hub: CPU per QoS 0 message', cpuUs(ours.qos0), 'µs', { label: 'mosquitto', value: cpuUs(theirs?.qos0) });
  print('Hub: CPU per QoS 1 message', cpuUs(ours.qos1), 'µs', { label: 'mosquitto', value: cpuUs(theirs?.qos1) });
  print(`Hub: module-to-module p50 at ${options.rate}/s`, ours.latency?.p50Ms, 'ms', { label: 'mosquitto', value: theirs?.latency?.p50Ms });
  print(`Hub: module-to-module p99 at ${options.rate}/s`, p99(ours), 'ms', { label: 'mosquitto', value: p99(theirs) });
  if (ours.firstStartIdleRss !== undefined) print('Hub: RSS idle at its first start (new edge CA)', mib(ours.firstStartIdleRss), 'MB');
  print('Hub: RSS idle (restarted)', ours.idleRss === undefined ? undefined : mib(ours.idleRss), 'MB', { label: 'mosquitto', value: theirs?.idleRss === undefined ? undefined : mib(theirs.idleRss) });
  if (ours.idleHeap !== undefined) print('Hub: V8 heap used when idle', mib(ours.idleHeap), 'MB');
  print('Hub: RSS under load (peak)', ours.loadRss === undefined ? undefined : mib(ours.loadRss), 'MB', { label: 'mosquitto', value: theirs?.loadRss === undefined ? undefined : mib(theirs.loadRss) });
  if (ours.outageRss !== undefined && options.drain > 0) print(`Hub: RSS with ${options.drain} queued (peak)`, mib(ours.outageRss), 'MB');
  if (drain) {
    print(`Hub: ${drain.count} queued for $upstream: fill (QoS 1)`, drain.fillPerSec, 'msg/s');
    print('Hub: drain after the outage', drain.perSec, 'msg/s');
    console.log(`bench:hub: drain: ${drain.arrived} of ${drain.count} arrived in order${drain.outOfOrder ? ` except ${drain.outOfOrder}` : ''}; the first ${(drain.firstAfterMs / 1000).toFixed(1)} s after the upstream was set${drain.arrived < drain.count ? ` (stopped at --drain-secs ${options.drainSecs})` : ''}`);
  }
  for (const [name, side] of [['hub', ours], ['mosquitto', theirs]] as const) {
    for (const run of [side?.qos0, side?.qos1]) if (run && run.received < run.sent) console.log(`bench:hub: ${name}: ${run.sent - run.received} of ${run.sent} messages did not arrive`);
    if (side?.latency && side.latency.received < side.latency.sent) console.log(`bench:hub: ${name}: latency run: ${side.latency.sent - side.latency.received} of ${side.latency.sent} did not arrive`);
  }

  if (options.json) {
    const out = {
      qos0Ratio: ratio(ours.qos0?.perSec, theirs?.qos0?.perSec),
      qos1Ratio: ratio(ours.qos1?.perSec, theirs?.qos1?.perSec),
      p99Ratio: ratio(p99(ours), p99(theirs)),
      idleRssMB: ours.idleRss === undefined ? null : round(mib(ours.idleRss), 1),
      idleRssFirstStartMB: ours.firstStartIdleRss === undefined ? null : round(mib(ours.firstStartIdleRss), 1),
      loadRssMB: ours.loadRss === undefined ? null : round(mib(ours.loadRss), 1),
      idleHeapMB: ours.idleHeap === undefined ? null : round(mib(ours.idleHeap), 1),
      drainMsgsPerSec: drain ? Math.round(drain.perSec) : null,
      drainArrived: drain ? drain.arrived : null,
      outageRssMB: ours.outageRss === undefined ? null : round(mib(ours.outageRss), 1),
      qos0MsgsPerSec: num(ours.qos0?.perSec, 0),
      qos1MsgsPerSec: num(ours.qos1?.perSec, 0),
      p50Ms: num(ours.latency?.p50Ms, 2),
      p99Ms: num(p99(ours), 2),
      mosquittoQos0MsgsPerSec: num(theirs?.qos0?.perSec, 0),
      mosquittoQos1MsgsPerSec: num(theirs?.qos1?.perSec, 0),
      mosquittoP50Ms: num(theirs?.latency?.p50Ms, 2),
      mosquittoP99Ms: num(p99(theirs), 2),
      mosquittoLoadRssMB: theirs?.loadRss === undefined ? null : round(mib(theirs.loadRss), 1),
      // CPU time of the broker process per counted message (µs): what the hub costs whatever else the machine runs.
      qos0CpuUsPerMsg: num(cpuUs(ours.qos0), 1),
      qos1CpuUsPerMsg: num(cpuUs(ours.qos1), 1),
      mosquittoQos0CpuUsPerMsg: num(cpuUs(theirs?.qos0), 1),
      mosquittoQos1CpuUsPerMsg: num(cpuUs(theirs?.qos1), 1),
    };
    console.log(JSON.stringify(out));
  }
}

const num = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? null : round(value, digits));

async function testCertificate(): Promise<{ caPem: string; certificatePem: string; privateKeyPem: string }> {
  const day = 86_400_000;
  const validity = { notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + day) };
  const root = await createRootCa('bench mosquitto ca', validity);
  const leaf = await createServerCertificate(
    { certificatePem: root.certificatePem, privateKey: await importPrivateKeyPem(root.privateKeyPem) },
    { commonName: HOST, subjectAltNames: [HOST, '127.0.0.1'], ...validity },
  );
  return { caPem: root.certificatePem, ...leaf };
}

/** Runs the three load runs against a target while sampling `pid`'s RSS. */
async function loadRuns(target: LoadTarget, pid: number, options: HubBenchOptions, side: Side): Promise<void> {
  side.idleRss = await settledRss(pid);
  const sampler = new RssSampler(pid);
  try {
    const cpuMs = () => cpuMsOf(pid);
    side.qos0 = await measureThroughput(target, { qos: 0, count: options.qos0, warmup: WARMUP, window: options.window, cpuMs });
    side.qos1 = await measureThroughput(target, { qos: 1, count: options.qos1, warmup: WARMUP, window: options.window, cpuMs });
    side.latency = await measureLatency(target, { ratePerSec: options.rate, count: options.latency, warmup: Math.min(500, options.latency) });
  } finally {
    side.loadRss = sampler.stop();
  }
}

/** RSS after the process has been idle for a second: the median of five samples 200 ms apart. */
async function settledRss(pid: number): Promise<number | undefined> {
  await new Promise((r) => setTimeout(r, 1000));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push(rss);
    await new Promise((r) => setTimeout(r, 200));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function mosquittoSide(options: HubBenchOptions): Promise<Side | undefined> {
  const binary = ensureMosquitto((line) => console.log(line));
  if (!binary.ok) {
    console.log(`bench:hub: no mosquitto comparison: ${binary.reason}`);
    return undefined;
  }
  const pki = await testCertificate();
  const broker = await startMosquitto(binary.path, { certificatePem: pki.certificatePem, privateKeyPem: pki.privateKeyPem, persistence: true });
  try {
    const client = (id: string): IClientOptions => ({ host: '127.0.0.1', port: broker.port, protocol: 'mqtts', servername: HOST, ca: pki.caPem, clientId: `${id}-${randomBytes(4).toString('hex')}`, clean: true });
    const topic = `devices/${DEVICE}/modules/A/messages/events`;
    const target: LoadTarget = { name: 'mosquitto', publisher: client('bench-pub'), subscriber: client('bench-sub'), publishTopic: topic, subscribeFilter: topic };
    const side: Side = {};
    await loadRuns(target, broker.pid, options, side);
    return side;
  } finally {
    await broker.stop();
  }
}

function moduleClient(port: number, caPem: string, moduleId: string, key: string): IClientOptions {
  const clientId = `${DEVICE}/${moduleId}`;
  return {
    host: '127.0.0.1',
    port,
    protocol: 'mqtts',
    servername: HOST,
    ca: caPem,
    clientId,
    clean: true,
    username: `${HOST}/${clientId}/?api-version=2021-04-12`,
    password: createSasToken({ resource: sasResource(HOST, DEVICE, moduleId), key, expiry: Math.floor(Date.now() / 1000) + 3600 }),
  };
}

async function hubSide(options: HubBenchOptions): Promise<{ ours: Side; drain: Drain | undefined; parts: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-edgehub-'));
  const keys = { A: newKey(), B: newKey(), C: newKey() };
  const deviceKey = newKey();
  const config: HubChildConfig = {
    dataDir: join(dataDir, 'hub'),
    deviceId: DEVICE,
    hostName: HOST,
    deviceKey,
    modules: Object.entries(keys).map(([moduleId, primaryKey]) => ({ moduleId, primaryKey })),
    routes: {
      AtoB: 'FROM /messages/modules/A/outputs/* INTO BrokeredEndpoint("/modules/B/inputs/input1")',
      CtoUpstream: 'FROM /messages/modules/C/outputs/* INTO $upstream',
    },
  };
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'bench-hub-child.mjs');
  const ours: Side = {};
  // The first start on this data folder creates the edge CA and issues the hub's server certificate, which later
  // starts reuse (electron/runtime/hub/server-certificate.ts): measured idle, then stopped; the figures below are
  // of the hub started again, as on a device that ran before.
  const first = await forkHubChild(entry, config);
  try {
    ours.firstStartIdleRss = await settledRss(first.pid);
  } finally {
    await first.stop();
  }
  const child = await forkHubChild(entry, config);
  let drain: Drain | undefined;
  try {
    const target: LoadTarget = {
      name: 'edge hub',
      publisher: moduleClient(child.port, child.caPem, 'A', keys.A),
      subscriber: moduleClient(child.port, child.caPem, 'B', keys.B),
      publishTopic: `devices/${DEVICE}/modules/A/messages/events/%24.on=output1`,
      subscribeFilter: `devices/${DEVICE}/modules/B/inputs/#`,
    };
    ours.idleHeap = (await child.request({ type: 'stats' }, 'stats')).memory?.heapUsed;
    await loadRuns(target, child.pid, options, ours);
    if (options.drain > 0) {
      const sampler = new RssSampler(child.pid);
      try {
        drain = await drainRun(child, options.drain, options.drainSecs, moduleClient(child.port, child.caPem, 'C', keys.C), dataDir, { device: deviceKey, modules: keys }, options.window);
      } catch (error) {
        console.log(`bench:hub: no drain figure: ${(error as Error).message}`);
      } finally {
        ours.outageRss = sampler.stop();
      }
    }
    return { ours, drain, parts: child.parts };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const newKey = () => randomBytes(32).toString('base64');

/** `seq` of a drain message's JSON body. */
function seqOfJson(body: Uint8Array): number | undefined {
  try {
    const seq = (JSON.parse(Buffer.from(body).toString('utf8')) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outage: module C sends `count` messages (QoS 1, each PUBACK'd once stored) routed to `$upstream` while no
 * upstream exists; then the local hub starts (ports 0) with the edge device registered under the hub's key, the
 * hub is given its address, and the local hub counts arrivals (and checks their order) for at most `drainSecs`.
 * Drain rate: arrivals ÷ time from the first to the last.
 */
async function drainRun(child: HubChild, count: number, drainSecs: number, publisherOptions: IClientOptions, dataDir: string, keys: { device: string; modules: Record<string, string> }, window: number): Promise<Drain> {
  const publisher = await connectAsync({ protocolVersion: 4, reconnectPeriod: 0, ...publisherOptions });
  const topic = `devices/${DEVICE}/modules/C/messages/events/%24.on=telemetry`;
  const fillStarted = performance.now();
  try {
    let acked = 0;
    let failed: Error | undefined;
    let wake: (() => void) | undefined;
    for (let sent = 0; sent < count && !failed; sent++) {
      while (sent - acked >= window && !failed) await new Promise<void>((resolve) => (wake = resolve));
      const body = Buffer.from(JSON.stringify({ seq: sent, machine: { temperature: 21.5, pressure: 1.02 } }));
      publisher.publish(topic, body, { qos: 1 }, (error) => {
        if (error) failed = error;
        else acked++;
        wake?.();
      });
      if (sent % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (acked < count && !failed) await new Promise<void>((resolve) => (wake = resolve));
    if (failed) throw new Error(`filling the outbox failed: ${failed.message}`);
  } finally {
    await publisher.endAsync(true).catch(() => undefined);
  }
  const fillPerSec = ratePerSec(count, performance.now() - fillStarted);
  const stats = await child.request({ type: 'stats' }, 'stats');
  const queued = stats.endpoints.find((e) => e.endpoint === '$upstream')?.depth ?? 0;
  if (queued < count) throw new Error(`only ${queued} of ${count} messages are queued for $upstream (upstream: ${stats.upstream})`);

  const upstreamDir = join(dataDir, 'localhub');
  const localHub = LocalHub.start({ dataDir: upstreamDir, secrets: new SecretBox(upstreamDir), httpsPort: 0, mqttPort: 0 });
  try {
    while (localHub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
    const info = await localHub.info();
    const registry = localHub.registry;
    if (!info.ok || !registry) throw new Error(`the local hub did not start: ${JSON.stringify(localHub.state)}`);
    // The edge device and its modules upstream, under the keys the hub has (what edgeAgent keeps in IoT Hub).
    const sas = (primaryKey: string) => ({ type: 'sas', symmetricKey: { primaryKey, secondaryKey: newKey() } });
    const created = await registry.putDevice(DEVICE, { deviceId: DEVICE, status: 'enabled', capabilities: { iotEdge: true }, authentication: sas(keys.device) }, undefined);
    if (!created.ok) throw new Error(`the local hub refused the edge device: ${created.error.message}`);
    for (const [moduleId, key] of Object.entries(keys.modules)) {
      const module = await registry.putModule(DEVICE, moduleId, { deviceId: DEVICE, moduleId, authentication: sas(key) }, undefined);
      if (!module.ok) throw new Error(`the local hub refused module ${moduleId}: ${module.error.message}`);
    }
    let arrived = 0;
    let firstAt = 0;
    let lastAt = 0;
    let lastSeq = -1;
    let outOfOrder = 0;
    let wake: (() => void) | undefined;
    const subscription = registry.onTelemetry((record) => {
      if (record.from.moduleId !== 'C') return;
      lastAt = performance.now();
      if (arrived++ === 0) firstAt = lastAt;
      const seq = seqOfJson(record.message.body);
      if (seq !== undefined) {
        if (seq < lastSeq) outOfOrder++;
        lastSeq = Math.max(lastSeq, seq);
      }
      if (arrived >= count) wake?.();
    });
    try {
      const toldAt = performance.now();
      await child.request({ type: 'upstream', hostName: info.value.host, port: info.value.mqttPort, deviceKey: keys.device, caPem: readFileSync(info.value.caFile, 'utf8') }, 'upstream-set');
      const deadline = toldAt + drainSecs * 1000;
      while (arrived < count && performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(1000, Math.max(0, deadline - performance.now())));
        });
      }
      if (arrived === 0) {
        const stats = await child.request({ type: 'stats' }, 'stats');
        throw new Error(`nothing reached the local hub within ${drainSecs} s (upstream: ${stats.upstream})`);
      }
      return { count, arrived, outOfOrder, fillPerSec, firstAfterMs: firstAt - toldAt, perSec: ratePerSec(arrived - 1, lastAt - firstAt) };
    } finally {
      subscription.dispose();
    }
  } finally {
    await localHub.dispose();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:hub: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
