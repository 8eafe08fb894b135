#!/usr/bin/env node
// Runs the Azure IoT Node SDK's own end-to-end tests, unmodified, against the embedded local hub.
//
//   node scripts/peer-suite.mjs --e2e <dir> [--files registry,module_crud,…] [--grep <mocha title regex>] [--timeout-min 10]
//
// <dir> is the SDK's `e2etests` folder (Azure/azure-iot-sdk-node at a86aab3d4ec9e7c98aa5790abb58dd232c964d7d, the
// last commit with the service package in the tree) with its dependencies installed (`npm install`; its pins of
// azure-iot-device-amqp/-http 1.14.1 are not on the registry, 1.14.2 installs). The tests are not ours and are never
// copied into this repository. They read IOTHUB_CONNECTION_STRING, IOTHUB_CA_ROOT_CERT and IOTHUB_CA_ROOT_CERT_KEY and
// dial 443 (HTTPS, MQTT over WebSockets) and 8883 (MQTT) of the host in the connection string, so this runs as root,
// in a private network namespace of its own (only its loopback, so the machine's own 443/8883 stay free): it starts
// `gatehouse serve` there on a fresh data folder with the local hub on 443 and 8883,
// trusts the hub's CA through NODE_EXTRA_CA_CERTS, runs each file with mocha's JSON reporter and prints the counts
// per file, with every failure by title. The local hub speaks MQTT and HTTPS to devices, and HTTPS plus AMQPS (C2D
// send on 5671, Event Hubs reads) to services: device AMQP, old Event Hubs redirect and Storage cases are out of scope,
// counted separately (or, in files run in part, not run and said why); only an in-scope failure fails the run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_FILES = ['registry', 'module_crud', 'module_twin', 'module_methods', 'device_method', 'twin_e2e_tests', 'configurations', 'sas_token_tests', 'authentication', 'service', 'device_service'];
const { values } = parseArgs({
  options: {
    e2e: { type: 'string' },
    files: { type: 'string' },
    'timeout-min': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    grep: { type: 'string' },
  },
});
if (!values.e2e) {
  console.error('usage: node scripts/peer-suite.mjs --e2e <azure-iot-sdk-node/e2etests> [--files a,b] [--json]');
  process.exit(2);
}
const e2e = resolve(values.e2e);
const mocha = ['mocha.js', 'mocha'].map((f) => join(e2e, 'node_modules', 'mocha', 'bin', f)).find((p) => existsSync(p)) ?? join(e2e, 'node_modules', 'mocha', 'bin', 'mocha');
if (!existsSync(mocha)) {
  console.error(`peer-suite: ${mocha} not found: run npm install in ${e2e} first`);
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('peer-suite: the SDK tests dial ports 443 and 8883, which only root may bind: run as root');
  process.exit(2);
}
const files = values.files ? values.files.split(',') : DEFAULT_FILES;
// Files run in part: mocha's --grep (with --invert when set) picks the cases the local hub can serve; the rest are said,
// not run (they would wait on AMQP device links or IoT Hub's Event Hubs redirect for minutes). What is run is in scope.
const PARTLY = {
  service: { grep: 'over Amqp using', why: 'the AmqpWs cases: the service AMQP link is served over AMQPS only, not over WebSockets' },
  device_service: {
    grep: 'Over Mqtt(Ws)? using device/service clients c2d',
    why: "the D2C cases read the device's message with the old Event Hubs client through IoT Hub's AMQP redirect; the AMQP and HTTP device transports do not receive C2D here",
  },
  sas_token_tests: {
    grep: 'over Mqtt(Ws)? Renews SAS after connection and is still able to receive C2D messages',
    why: "the D2C cases read with the old Event Hubs client through IoT Hub's AMQP redirect; the AMQP and HTTP device transports do not receive C2D here",
  },
};
const NS = `gatehouse-peer-${process.pid}`;
const inNs = (command, args) => ['ip', ['netns', 'exec', NS, command, ...args]];
if (spawnSync('ip', ['netns', 'add', NS]).status !== 0) {
  console.error('peer-suite: cannot create a network namespace (needs iproute2 and root)');
  process.exit(2);
}
spawnSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
const cli = join(ROOT, 'dist', 'cli.mjs');
const home = mkdtempSync(join(tmpdir(), 'gatehouse-peer-'));
const env = { ...process.env, GATEHOUSE_HOME: home, GATEHOUSE_LOCALHUB_HTTPS_PORT: '443', GATEHOUSE_LOCALHUB_MQTT_PORT: '8883', GATEHOUSE_LOCALHUB_AMQP_PORT: '5671', GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0' };

const serve = spawn(...inNs(process.execPath, [cli, 'serve', '--port', '0', '--json']), { env, stdio: ['ignore', 'pipe', 'pipe'] });
let serveErr = '';
serve.stderr.on('data', (d) => (serveErr += d));
const stop = () => {
  if (serve.exitCode === null) serve.kill('SIGTERM');
  spawnSync('ip', ['netns', 'pids', NS], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean).forEach((pid) => spawnSync('kill', ['-9', pid]));
  spawnSync('ip', ['netns', 'delete', NS]);
  rmSync(home, { recursive: true, force: true });
};
process.on('exit', stop);
await new Promise((resolveLine, reject) => {
  let out = '';
  serve.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolveLine();
  });
  serve.once('exit', (code) => reject(new Error(`gatehouse serve exited with ${code}: ${serveErr}`)));
});

const info = await waitForInfo();
const testEnv = {
  ...process.env,
  IOTHUB_CONNECTION_STRING: info.connectionString,
  IOTHUB_CA_ROOT_CERT: Buffer.from(info.deviceCaCert).toString('base64'),
  IOTHUB_CA_ROOT_CERT_KEY: Buffer.from(info.deviceCaKey).toString('base64'),
  NODE_EXTRA_CA_CERTS: info.caFile,
};
console.log(`peer-suite: local hub ${info.host}:${info.httpsPort}/${info.mqttPort}, tests from ${e2e}`);

const OUT_OF_SCOPE = /\b(Amqp|AmqpWs|amqp|Event ?Hubs?|EventHub|storage|blob)\b/i;
const results = [];
for (const file of files) {
  const part = values.all || values.grep ? undefined : PARTLY[file];
  if (part) console.log(`${file.padEnd(16)} in part: not run: ${part.why}`);
  const grep = values.grep ?? part?.grep;
  const started = Date.now();
  const run = spawnSync(...inNs(process.execPath, [mocha, '--reporter', 'json', '--exit', '--timeout', '60000', ...(grep ? ['--grep', grep, ...(part?.invert ? ['--invert'] : [])] : []), join('test', `${file}.js`)]), {
    cwd: e2e,
    env: testEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: Number(values['timeout-min']) * 60_000,
  });
  const report = parseReport(run.stdout);
  const cases = report ? [...report.passes.map((t) => ({ ...t, ok: true })), ...report.failures.map((t) => ({ ...t, ok: false }))] : [];
  const scoped = (t) => part !== undefined || !OUT_OF_SCOPE.test(t.fullTitle);
  const row = {
    file,
    seconds: Math.round((Date.now() - started) / 1000),
    passed: cases.filter((t) => t.ok && scoped(t)).length,
    failed: cases.filter((t) => !t.ok && scoped(t)).length,
    outOfScopePassed: cases.filter((t) => t.ok && !scoped(t)).length,
    outOfScopeFailed: cases.filter((t) => !t.ok && !scoped(t)).length,
    pending: report?.pending.length ?? 0,
    failures: cases.filter((t) => !t.ok && scoped(t)).map((t) => ({ title: t.fullTitle, error: String(t.err?.message ?? '').split('\n')[0] })),
    crashed: report ? undefined : `mocha exited with ${run.status ?? run.signal}: ${(run.stderr || run.stdout || '').slice(-600)}`,
  };
  results.push(row);
  console.log(
    `${file.padEnd(16)} passed ${String(row.passed).padStart(3)}  failed ${String(row.failed).padStart(3)}  ` +
      `out of scope (AMQP/Event Hubs/Storage): ${row.outOfScopePassed + row.outOfScopeFailed}  pending ${row.pending}  ${row.seconds} s`,
  );
  for (const f of row.failures) console.log(`    FAIL ${f.title}\n         ${f.error}`);
  if (row.crashed) console.log(`    CRASH ${row.crashed}`);
}
const inScopeFailures = results.reduce((n, r) => n + r.failed + (r.crashed ? 1 : 0), 0);
console.log(`peer-suite: ${results.reduce((n, r) => n + r.passed, 0)} passed, ${inScopeFailures} failed in scope`);
if (values.json) console.log(JSON.stringify({ results }));
stop();
process.exit(inScopeFailures === 0 ? 0 : 1);

async function waitForInfo() {
  for (let i = 0; i < 100; i += 1) {
    const run = spawnSync(...inNs(process.execPath, [cli, 'localhub', 'info', '--json', '--with-ca-key']), { env, encoding: 'utf8' });
    if (run.status === 0) return JSON.parse(run.stdout);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the local hub did not start: ${serveErr}`);
}

/** mocha's JSON reporter writes one object; anything a test printed to stdout before it is skipped. */
function parseReport(stdout) {
  const start = stdout.indexOf('{\n  "stats"');
  if (start < 0) return undefined;
  try {
    return JSON.parse(stdout.slice(start));
  } catch {
    return undefined;
  }
}
