import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EdgeSecurity } from '../workload/edge-security';
import { EdgeHub } from './edge-hub';
import { invokeModuleMethod } from './module-methods';

/**
 * Field modules pin old SDKs: a module built on any azure-iot-device release since 1.7 (2018) must work unmodified
 * against the edge hub (issue 12). For each release below, the matching azure-iot-device / azure-iot-device-mqtt pair
 * is installed once into a cache outside the repository (GATEHOUSE_SDK_RELEASES_DIR, default
 * ~/.cache/gatehouse/sdk-releases/<device version>/) and testdata/sdk-release-module.cjs runs in a Node child beside
 * that release, with the environment the agent gives a module: the IOTEDGE_* variables, its own workload socket,
 * `ModuleClient.fromEnvironment(Mqtt)`. Each release must: (1) send an output a route delivers to another module's
 * input, (2) receive an input, (3) get its twin and patch reported (seen in the hub's twins), (4) receive a desired
 * update pushed by a deployment change, (5) answer a direct method called through the hub. The other module is
 * today's SDK, in-process. Where the hub can have 443, the same five run over MqttWs and each release also calls a
 * module-to-module method (testdata/sdk-release-caller.cjs). Without the registry and without the cache a release is
 * skipped, with the reason printed.
 */

interface Release {
  readonly device: string;
  /** The azure-iot-device-mqtt release that depends on exactly this azure-iot-device. */
  readonly mqtt: string;
  readonly era: string;
}

const RELEASES: readonly Release[] = [
  { device: '1.7.1', mqtt: '1.7.1', era: 'July 2018: the first 1.7 with a matching azure-iot-device-mqtt; callbacks only' },
  { device: '1.13.0', mqtt: '1.12.0', era: 'March 2020' },
  { device: '1.18.4', mqtt: '1.16.4', era: 'today' },
];

const DEVICE = 'sdk-gateway';
const IOTHUB_HOST = 'releases.gatehouse.local';
const PEER = 'peer';
const SCRIPT = resolve(__dirname, 'testdata', 'sdk-release-module.cjs');
const CALLER_SCRIPT = resolve(__dirname, 'testdata', 'sdk-release-caller.cjs');
const FAST_CLOCK = resolve(__dirname, 'testdata', 'fast-clock.cjs');
const CACHE_ROOT = process.env.GATEHOUSE_SDK_RELEASES_DIR ?? join(homedir(), '.cache', 'gatehouse', 'sdk-releases');
const INSTALL_TIMEOUT_MS = 240_000;

type Installed = { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly reason: string };
const installed = new Map<string, Installed>();

function installedVersion(dir: string, name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

const complete = (dir: string, release: Release) => installedVersion(dir, 'azure-iot-device') === release.device && installedVersion(dir, 'azure-iot-device-mqtt') === release.mqtt;

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill(), INSTALL_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ code: -1, output: `${output}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

/**
 * The release's folder, installed when absent: into a fresh folder beside it, then renamed, so an interrupted or
 * concurrent install never leaves a half tree that looks complete. `--ignore-scripts`: no package of these trees
 * needs its install script (the only one, es5-ext's postinstall, prints a message).
 */
async function ensureRelease(release: Release): Promise<Installed> {
  const dir = join(CACHE_ROOT, release.device);
  if (complete(dir, release)) return { ok: true, dir };
  mkdirSync(CACHE_ROOT, { recursive: true });
  const staging = mkdtempSync(join(CACHE_ROOT, `.installing-${release.device}-`));
  try {
    const dependencies = { 'azure-iot-device': release.device, 'azure-iot-device-mqtt': release.mqtt };
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: `sdk-release-${release.device}`, private: true, dependencies }, null, 2));
    const started = Date.now();
    const npm = await run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts'], staging);
    if (npm.code !== 0 || !complete(staging, release)) {
      const lines = npm.output.trim().split('\n');
      const telling = lines.filter((l) => /npm error (code |.*request to |.*reason:)/.test(l)).slice(0, 2);
      const tail = (telling.length > 0 ? telling : lines.slice(-3)).join(' | ');
      return { ok: false, reason: `azure-iot-device@${release.device} is not in ${dir} and npm could not install it (exit ${npm.code}): ${tail}` };
    }
    console.log(`sdk-releases: installed azure-iot-device@${release.device} + azure-iot-device-mqtt@${release.mqtt} into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (complete(dir, release)) return { ok: true, dir }; // another run installed it meanwhile
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!complete(dir, release)) throw error; // another run installed it meanwhile
    }
    return { ok: true, dir };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  await Promise.all(
    RELEASES.map(async (release) => {
      const outcome = await ensureRelease(release).catch((error: Error): Installed => ({ ok: false, reason: `the cache ${CACHE_ROOT} is not usable: ${error.message}` }));
      installed.set(release.device, outcome);
    }),
  );
}, 2 * INSTALL_TIMEOUT_MS);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startHub(httpsPort = 0): Promise<{ hub: EdgeHub; security: EdgeSecurity; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-releases-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const security = await EdgeSecurity.start({ dataDir, deviceId: DEVICE });
  if (!security.ok) throw new Error(security.error.message);
  cleanups.push(() => security.value.dispose());
  const hub = EdgeHub.start({ dataDir, deviceId: DEVICE, iotHubHostName: IOTHUB_HOST, gatewayHostName: 'localhost', security: { identities: security.value.identities, issuer: security.value.ca }, mqttPort: 0, httpsPort });
  cleanups.push(() => hub.dispose());
  await until('the edge hub to start', () => hub.state.state !== 'starting');
  if (hub.state.state !== 'running') throw new Error(`edge hub: ${JSON.stringify(hub.state)}`);
  return { hub, security: security.value, dataDir };
}

/** Today's SDK in-process, as the other end of the routes. */
async function peerClient(hub: EdgeHub, security: EdgeSecurity, moduleId = PEER): Promise<ModuleClient> {
  const identity = await security.identities.getModule(moduleId);
  if (!identity) throw new Error(`no identity for ${moduleId}`);
  const client = ModuleClient.fromConnectionString(`HostName=${IOTHUB_HOST};DeviceId=${DEVICE};ModuleId=${moduleId};SharedAccessKey=${identity.primaryKey};GatewayHostName=${hub.gatewayAddress()}`, Mqtt);
  await client.setOptions({ ca: security.ca.trustBundlePem() });
  await client.open();
  cleanups.push(() => client.close().then(() => undefined, () => undefined));
  return client;
}

interface ModuleEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

/** The module script in a child Node, with the release's node_modules beside it and the agent's IOTEDGE_* environment. */
function startModule(dir: string, env: Record<string, string>, source = SCRIPT, nodeArgs: readonly string[] = []): { child: ChildProcess; events: ModuleEvent[]; stderr: () => string } {
  // Beside its node_modules: require() finds the release before anything on the way up (NODE_PATH comes last).
  const script = join(dir, basename(source));
  copyFileSync(source, script);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(IOTEDGE_|EdgeHubConnectionString$|IotHubConnectionString$|EdgeModuleCACertificateFile$|NODE_PATH$|NODE_OPTIONS$|DEBUG$)/.test(k)));
  const child = spawn(process.execPath, [...nodeArgs, script], { cwd: dir, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: ModuleEvent[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as ModuleEvent);
    } catch {
      events.push({ event: 'text', line });
    }
  });
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  );
  return { child, events, stderr: () => stderr };
}

type Capability = 'output' | 'input' | 'twin' | 'desired' | 'method';
const CAPABILITIES: readonly Capability[] = ['output', 'input', 'twin', 'desired', 'method'];

/**
 * Runs the module script on one release against a running hub, with today's SDK as the peer module, and checks the
 * five capabilities one by one. Returns what failed (empty: all five pass), each with the module's output.
 */
async function exerciseRelease(hub: EdgeHub, security: EdgeSecurity, release: Release, dir: string, transport: 'Mqtt' | 'MqttWs'): Promise<string[]> {
  const suffix = `${release.device.replace(/\./g, '')}${transport === 'MqttWs' ? 'ws' : ''}`;
  const moduleId = `legacy${suffix}`;
  const peerId = `${PEER}${suffix}`;
  const generationIds = await security.prepareModules([moduleId, peerId]);
  if (!generationIds.ok) throw new Error(generationIds.error.message);
  const routes = () => ({
    schemaVersion: '1.1',
    routes: {
      fromLegacy: `FROM /messages/modules/${moduleId}/outputs/out1 INTO BrokeredEndpoint("/modules/${peerId}/inputs/fromLegacy")`,
      toLegacy: `FROM /messages/modules/${peerId}/outputs/toLegacy INTO BrokeredEndpoint("/modules/${moduleId}/inputs/input1")`,
    },
    storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
  });
  expect(hub.applyDeployment(routes(), 1, { [moduleId]: { 'properties.desired': { stage: 1 } } })).toMatchObject({ code: 200 });
  const core = hub.core!;
  const target = { deviceId: DEVICE, moduleId };
  await until('the deployment desired in the twin', async () => {
    const twin = await core.getTwin(target);
    return twin.ok && twin.value.desired.stage === 1;
  });

  const peer = await peerClient(hub, security, peerId);
  const atPeer: { input: string; body: string; release?: string }[] = [];
  peer.on('inputMessage', (input: string, message: Message) => {
    atPeer.push({ input, body: message.getBytes().toString(), release: message.properties.getValue('release') as string | undefined });
    void peer.complete(message, () => undefined);
  });

  const { child, events, stderr } = startModule(dir, {
    IOTEDGE_WORKLOADURI: `unix://${security.workload.socketPath(moduleId)}`,
    IOTEDGE_DEVICEID: DEVICE,
    IOTEDGE_MODULEID: moduleId,
    IOTEDGE_MODULEGENERATIONID: generationIds.value[moduleId] ?? '',
    IOTEDGE_IOTHUBHOSTNAME: IOTHUB_HOST,
    // MqttWs dials wss://<name>:443 (a port here is not understood); Mqtt takes <name>:<port>.
    IOTEDGE_GATEWAYHOSTNAME: transport === 'MqttWs' ? 'localhost' : (hub.gatewayAddress() ?? ''),
    SDK_RELEASE_TRANSPORT: transport,
    IOTEDGE_AUTHSCHEME: 'sasToken',
    IOTEDGE_APIVERSION: '2022-08-03', // what the host's agent injects (host.ts); no Node SDK reads it
  });
  const seen = (event: string, match: (e: ModuleEvent) => boolean = () => true) => events.find((e) => e.event === event && match(e));
  const diagnostics = () => `module events: ${JSON.stringify(events)}\nstderr: ${stderr().slice(-2000)}`;

  const loaded = await until('the module to load its SDK', () => seen('loaded') ?? (child.exitCode !== null ? { event: 'exited' } : undefined), 20_000);
  expect(loaded, diagnostics()).toMatchObject({ event: 'loaded', version: release.device, mqttVersion: release.mqtt, transport });
  expect(String(loaded.resolved).startsWith(dir), `azure-iot-device resolved to ${String(loaded.resolved)}`).toBe(true);
  await until('the module to open its connection', () => seen('open') ?? seen('step-error') ?? (child.exitCode !== null ? { event: 'exited' } : undefined), 20_000);
  expect(seen('open'), diagnostics()).toBeDefined();

  const results = new Map<Capability, string | true>();
  const check = async (capability: Capability, body: () => Promise<void>) => {
    try {
      await body();
      results.set(capability, true);
    } catch (error) {
      results.set(capability, (error as Error).message);
    }
  };

  // (1) its output, routed to the peer's input.
  await check('output', async () => {
    await until('the output at peer/fromLegacy', () => atPeer.find((m) => m.input === 'fromLegacy'));
    expect(JSON.parse(atPeer.find((m) => m.input === 'fromLegacy')!.body)).toEqual({ from: moduleId, sdk: release.device });
    expect(atPeer[0]?.release).toBe(release.device);
  });

  // (2) an input: the peer's output, routed to it.
  await check('input', async () => {
    const message = new Message(JSON.stringify({ to: moduleId }));
    message.properties.add('kind', 'command');
    await peer.sendOutputEvent('toLegacy', message);
    const input = await until('the input at the module', () => seen('input'));
    expect(input).toMatchObject({ input: 'input1', body: JSON.stringify({ to: moduleId }), properties: { kind: 'command' } });
  });

  // (3) its twin (the deployment's desired) and a reported patch the hub keeps.
  await check('twin', async () => {
    const twin = await until('the module to get its twin', () => seen('twin') ?? seen('step-error', (e) => e.step === 'getTwin'));
    expect(twin).toMatchObject({ event: 'twin', desired: { stage: 1 } });
    await until('the reported patch to be acknowledged', () => seen('reported') ?? seen('step-error', (e) => e.step === 'reported'));
    expect(seen('reported')).toBeDefined();
    const stored = await core.getTwin(target);
    expect(stored.ok && stored.value.reported).toMatchObject({ sdk: release.device, greeting: `hello from ${moduleId}` });
  });

  // (4) a desired update pushed by a deployment change.
  await check('desired', async () => {
    expect(hub.applyDeployment(routes(), 2, { [moduleId]: { 'properties.desired': { stage: 2, threshold: 30 } } })).toMatchObject({ code: 200 });
    const update = await until('the desired update at the module', () => seen('desired', (e) => (e.patch as { stage?: number } | undefined)?.stage === 2));
    expect(update.patch).toMatchObject({ stage: 2, threshold: 30 });
  });

  // (5) a direct method called through the hub.
  await check('method', async () => {
    const answer = await until('the method answer', async () => {
      const called = await invokeModuleMethod(hub.gateway, target, 'describe', { question: 'which sdk' }, 5);
      return called.ok || called.error.code !== 'NOT_CONNECTED' ? called : undefined; // NOT_CONNECTED: not subscribed yet
    });
    expect(answer).toEqual({ ok: true, value: { status: 200, payload: { moduleId, sdk: release.device, asked: { question: 'which sdk' } } } });
    expect(seen('method')).toMatchObject({ methodName: 'describe', payload: { question: 'which sdk' } });
  });

  const line = CAPABILITIES.map((c) => `${c} ${results.get(c) === true ? 'pass' : 'FAIL'}`).join(', ');
  console.log(`sdk-releases: azure-iot-device ${release.device} (+mqtt ${release.mqtt}) over ${transport}: ${line}`);
  const failures = CAPABILITIES.filter((c) => results.get(c) !== true).map((c) => `${transport} ${c}: ${String(results.get(c))}`);
  const stepError = seen('step-error');
  return [...failures, ...(stepError ? [`${transport} module step failed: ${JSON.stringify(stepError)}`] : [])].map((f) => `${f}\n${diagnostics()}`);
}

describe('modules built on past azure-iot-device releases, unmodified, against the edge hub', () => {
  for (const release of RELEASES) {
    it(`azure-iot-device ${release.device} + azure-iot-device-mqtt ${release.mqtt} (${release.era}): output, input, twin, desired, method`, async (context) => {
      const setup = installed.get(release.device);
      if (!setup?.ok) {
        console.warn(`sdk-releases: skipped azure-iot-device ${release.device}: ${setup?.reason ?? 'not installed'}`);
        return context.skip();
      }
      const { hub, security } = await startHub();
      expect(await exerciseRelease(hub, security, release, setup.dir, 'Mqtt')).toEqual([]);
    }, 90_000);
  }
});

/**
 * 45 minutes after a module's SAS token is made, every release renews it by closing the MQTT connection and opening
 * a new one with the same client id and clean=false, without subscribing again (azure-iot-mqtt-base's
 * `reconnecting` state): inputs, desired updates and methods keep flowing only if the hub restores the session's
 * subscriptions. testdata/fast-clock.cjs makes that first renewal happen after 3 s.
 */
describe('past azure-iot-device releases after their SAS token renewal', () => {
  for (const release of RELEASES) {
    it(`azure-iot-device ${release.device}: input, desired and method still reach the module on its renewed connection`, async (context) => {
      const setup = installed.get(release.device);
      if (!setup?.ok) {
        console.warn(`sdk-releases: skipped the renewal of azure-iot-device ${release.device}: ${setup?.reason ?? 'not installed'}`);
        return context.skip();
      }
      const { hub, security } = await startHub();
      const moduleId = `renew${release.device.replace(/\./g, '')}`;
      const generationIds = await security.prepareModules([moduleId, PEER]);
      if (!generationIds.ok) throw new Error(generationIds.error.message);
      const routes = { schemaVersion: '1.1', routes: { toModule: `FROM /messages/modules/${PEER}/outputs/toModule INTO BrokeredEndpoint("/modules/${moduleId}/inputs/input1")` }, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } };
      expect(hub.applyDeployment(routes, 1, {})).toMatchObject({ code: 200 });
      const peer = await peerClient(hub, security);
      const { child, events, stderr } = startModule(
        setup.dir,
        {
          IOTEDGE_WORKLOADURI: `unix://${security.workload.socketPath(moduleId)}`,
          IOTEDGE_DEVICEID: DEVICE,
          IOTEDGE_MODULEID: moduleId,
          IOTEDGE_MODULEGENERATIONID: generationIds.value[moduleId] ?? '',
          IOTEDGE_IOTHUBHOSTNAME: IOTHUB_HOST,
          IOTEDGE_GATEWAYHOSTNAME: hub.gatewayAddress() ?? '',
          IOTEDGE_AUTHSCHEME: 'sasToken',
          IOTEDGE_APIVERSION: '2022-08-03',
        },
        SCRIPT,
        ['--require', FAST_CLOCK],
      );
      const diagnostics = () => `module events: ${JSON.stringify(events)}\nstderr: ${stderr().slice(-2000)}`;
      const seen = (event: string, match: (e: ModuleEvent) => boolean = () => true) => events.find((e) => e.event === event && match(e));
      const exited = () => (child.exitCode !== null ? { event: 'exited' } : undefined);
      await until('the module to open its connection', () => seen('open') ?? seen('step-error') ?? exited(), 20_000);
      expect(seen('open'), diagnostics()).toBeDefined();
      await until('the module to subscribe to its twin', () => seen('reported') ?? seen('step-error') ?? exited());

      // The renewal: a new connection, not a new subscription.
      const client = `${DEVICE}/${moduleId}`; // $edgeHub reported clients' key (no character here needs escaping)
      const connectedAt = () => (hub.core!.reported().clients as Record<string, { status?: string; lastConnectedTimeUtc?: string } | null>)[client];
      const before = connectedAt()?.lastConnectedTimeUtc;
      expect(before, JSON.stringify(hub.core!.reported().clients)).toBeDefined();
      await until('the token renewal', () => seen('clock') ?? exited(), 20_000);
      expect(seen('clock'), diagnostics()).toBeDefined();
      await until('the renewed connection', () => {
        const now = connectedAt();
        return now?.status === 'Connected' && now.lastConnectedTimeUtc !== before;
      });

      const failures: string[] = [];
      const check = async (what: string, body: () => Promise<void>) => {
        try {
          await body();
        } catch (error) {
          failures.push(`${what}: ${(error as Error).message}`);
        }
      };
      await check('input', async () => {
        await peer.sendOutputEvent('toModule', new Message('after renewal'));
        expect(await until('the input after the renewal', () => seen('input'))).toMatchObject({ input: 'input1', body: 'after renewal' });
      });
      await check('desired', async () => {
        expect(hub.applyDeployment(routes, 2, { [moduleId]: { 'properties.desired': { renewed: true } } })).toMatchObject({ code: 200 });
        await until('the desired update after the renewal', () => seen('desired', (e) => (e.patch as { renewed?: boolean } | undefined)?.renewed === true));
      });
      await check('method', async () => {
        const called = await invokeModuleMethod(hub.gateway, { deviceId: DEVICE, moduleId }, 'describe', 'after renewal', 5);
        expect(called).toMatchObject({ ok: true, value: { status: 200, payload: { sdk: release.device } } });
      });
      console.log(`sdk-releases: azure-iot-device ${release.device} after its token renewal: ${failures.length === 0 ? 'input, desired, method pass' : failures.join('; ')}`);
      expect(failures, diagnostics()).toEqual([]);
      expect(seen('step-error'), diagnostics()).toBeUndefined();
    }, 60_000);
  }
});

/**
 * What needs the hub's HTTPS endpoint on 443, as IoT Edge has it: no release (1.7 to 1.18.4) accepts a port in
 * IOTEDGE_GATEWAYHOSTNAME for these. `MqttWs` dials wss://<name>:443/$iothub/websocket, and `ModuleClient.invokeMethod`
 * (module-to-module methods) posts to https://<name>/ with the name as the request's `host` (azure-iot-http-base's
 * http.js). Where this user cannot bind 443 (or it is taken), the test is skipped with that reason.
 */
describe('past azure-iot-device releases against the hub on 443', () => {
  it('each release does the same five over MqttWs, and calls a method on a module running today\'s SDK', async (context) => {
    const ready = RELEASES.map((release) => ({ release, setup: installed.get(release.device) })).filter((r): r is { release: Release; setup: { ok: true; dir: string } } => r.setup?.ok === true);
    if (ready.length === 0) {
      console.warn('sdk-releases: skipped MqttWs and module-to-module methods: no release is installed (see the reasons above)');
      return context.skip();
    }
    const { hub, security } = await startHub(443);
    if (hub.state.state !== 'running' || hub.state.httpsPort !== 443) {
      console.warn(`sdk-releases: skipped MqttWs and module-to-module methods: the edge hub could not listen on 443 here (${JSON.stringify(hub.state)}); the SDK reaches IOTEDGE_GATEWAYHOSTNAME on 443 only for these`);
      return context.skip();
    }
    const failures: string[] = [];
    for (const { release, setup } of ready) failures.push(...(await exerciseRelease(hub, security, release, setup.dir, 'MqttWs')));
    expect(failures).toEqual([]);

    const callers = ready.map(({ release }) => `caller${release.device.replace(/\./g, '')}`);
    const generationIds = await security.prepareModules([...callers, PEER]);
    if (!generationIds.ok) throw new Error(generationIds.error.message);
    const peer = await peerClient(hub, security);
    peer.onMethod('ping', (request, response) => void response?.send(200, { pong: request?.payload }));
    await until('the peer to subscribe to methods', async () => {
      const probe = await invokeModuleMethod(hub.gateway, { deviceId: DEVICE, moduleId: PEER }, 'ping', null, 5);
      return probe.ok;
    });

    const outcomes: string[] = [];
    for (const [i, { release, setup }] of ready.entries()) {
      const moduleId = callers[i]!;
      const { child, events, stderr } = startModule(
        setup.dir,
        {
          IOTEDGE_WORKLOADURI: `unix://${security.workload.socketPath(moduleId)}`,
          IOTEDGE_DEVICEID: DEVICE,
          IOTEDGE_MODULEID: moduleId,
          IOTEDGE_MODULEGENERATIONID: generationIds.value[moduleId] ?? '',
          IOTEDGE_IOTHUBHOSTNAME: IOTHUB_HOST,
          IOTEDGE_GATEWAYHOSTNAME: 'localhost',
          IOTEDGE_AUTHSCHEME: 'sasToken',
          IOTEDGE_APIVERSION: '2022-08-03',
          CALL_TARGET: `${PEER}/ping`,
        },
        CALLER_SCRIPT,
      );
      const result = await until(`${release.device}'s call to end`, () => events[0] ?? (child.exitCode !== null ? { event: 'exited', stderr: stderr() } : undefined), 30_000);
      const passed = JSON.stringify(result.result) === JSON.stringify({ status: 200, payload: { pong: { from: moduleId, sdk: release.device } } });
      console.log(`sdk-releases: azure-iot-device ${release.device}: module-to-module method ${passed ? 'pass' : 'FAIL'}`);
      outcomes.push(passed ? `${release.device} pass` : `${release.device}: ${JSON.stringify(result)}`);
    }
    expect(outcomes).toEqual(ready.map(({ release }) => `${release.device} pass`));
  }, 150_000);
});
