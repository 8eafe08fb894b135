import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as DeviceClient, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { Client as ServiceClient, Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest, module } from '../../../shared/manifest/manifest.test-util';
import { attachLocalHubAgent, reachLocalHub } from '../../cloud/iothub/local-adapter';
import { BIN, startServeProcess, stopServeProcess, waitForLocalHub } from '../served-console.test-util';

/**
 * The az-shaped IoT Hub commands (the built bin, as users run it) against one served console's embedded local hub:
 * the hub's JSON on stdout, exit 1 when the hub refuses or finds nothing, exit 2 for usage and connection problems,
 * and the bad-input cases of issue 11 (wrong connection string, malformed twin patch, invalid manifest) as clear
 * errors with nothing half-written.
 */

const home = mkdtempSync(join(tmpdir(), 'gh-cli-iothub-'));
const files = mkdtempSync(join(tmpdir(), 'gh-cli-iothub-files-'));
const run = `${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const id = (name: string) => `cli-${run}-${name}`;
let console_: ChildProcess | undefined;
let info: { connectionString: string; host: string; httpsPort: number; mqttPort: number; amqpPort?: number; caFile: string };
const devices: DeviceClient[] = [];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin without blocking the test's event loop (device clients must keep answering meanwhile). */
function cli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, GATEHOUSE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (status) => done({ status, stdout, stderr }));
  });
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function file(name: string, value: unknown): string {
  const path = join(files, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

async function connectDevice(deviceId: string, moduleId?: string): Promise<DeviceClient> {
  const shown = await ok(['device-identity', 'connection-string', 'show', '-d', deviceId, ...(moduleId ? ['-m', moduleId] : [])]);
  const client = DeviceClient.fromConnectionString(`${shown.connectionString as string};GatewayHostName=localhost:${info.mqttPort}`, Mqtt);
  await client.setOptions({ ca: readFileSync(info.caFile, 'utf8') });
  devices.push(client);
  await client.open();
  return client;
}

beforeAll(async () => {
  console_ = await startServeProcess(home);
  info = await waitForLocalHub(home);
}, 60_000);

afterAll(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
  await stopServeProcess(console_);
  rmSync(home, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

describe('gatehouse device-identity', () => {
  it('creates SAS devices (az JSON), edge devices with $edgeAgent/$edgeHub, x509 thumbprint devices; show/delete', async () => {
    const created = await ok(['device-identity', 'create', '-d', id('sas')]);
    expect(created.deviceId).toBe(id('sas'));
    const shown = await ok(['device-identity', 'show', '-d', id('sas')]);
    const auth = shown.authentication as { type: string; symmetricKey: { primaryKey: string; secondaryKey: string } };
    expect(auth.type).toBe('sas');
    expect(auth.symmetricKey.primaryKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(auth.symmetricKey.secondaryKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect((shown.capabilities as { iotEdge: boolean }).iotEdge).toBe(false);

    await ok(['device-identity', 'create', '-d', id('edge'), '--edge-enabled']);
    expect(((await ok(['device-identity', 'show', '-d', id('edge')])).capabilities as { iotEdge: boolean }).iotEdge).toBe(true);
    const modules = (await ok(['module-identity', 'list', '-d', id('edge')])) as unknown as { moduleId: string }[];
    expect(modules.map((m) => m.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub']);

    const thumb = 'A'.repeat(40);
    await ok(['device-identity', 'create', '-d', id('x509'), '--auth-method', 'x509_thumbprint', '--primary-thumbprint', thumb]);
    const x509 = (await ok(['device-identity', 'show', '-d', id('x509')])).authentication as { type: string; x509Thumbprint: { primaryThumbprint: string } };
    expect(x509.type).toBe('selfSigned');
    expect(x509.x509Thumbprint.primaryThumbprint).toBe(thumb);
    expect((await ok(['device-identity', 'connection-string', 'show', '-d', id('x509')])).connectionString).toMatch(/;DeviceId=.+;x509=true$/);

    const deleted = await cli(['device-identity', 'delete', '-d', id('sas')]);
    expect(deleted.status).toBe(0);
    const gone = await cli(['device-identity', 'show', '-d', id('sas')]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/not found/i);
  });

  it('refuses bad input: unknown auth method (2), unknown device (1), an existing id (1), --json errors on stdout', async () => {
    const bad = await cli(['device-identity', 'create', '-d', id('bad'), '--auth-method', 'password']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--auth-method is shared_private_key, x509_thumbprint or x509_ca, not "password"');
    const noThumb = await cli(['device-identity', 'create', '-d', id('bad'), '--auth-method', 'x509_thumbprint']);
    expect(noThumb.status).toBe(2);
    expect(noThumb.stderr).toContain('--primary-thumbprint');

    const unknown = await cli(['device-identity', 'show', '-d', id('nobody')]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/not found/i);
    expect(unknown.stdout).toBe('');

    await ok(['device-identity', 'create', '-d', id('twice')]);
    const again = await cli(['device-identity', 'create', '-d', id('twice')]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already registered/i);

    const json = await cli(['device-identity', 'show', '-d', id('nobody'), '--json']);
    expect(json.status).toBe(1);
    const body = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toMatch(/not found/i);
  });

  it('lists through the query pages: --top N across pages, --top -1 all, --edge-enabled only edge devices', async () => {
    const registry = Registry.fromConnectionString(info.connectionString);
    const agent = attachLocalHubAgent(registry, { httpsPort: info.httpsPort, ca: readFileSync(info.caFile, 'utf8') });
    try {
      const seed = (from: number, edge: boolean) =>
        registry.addDevices(Array.from({ length: 70 }, (_, i) => ({ deviceId: id(`fleet-${from + i}`), ...(edge ? { capabilities: { iotEdge: true } } : {}) })));
      await seed(0, false);
      await seed(70, true);
    } finally {
      agent.destroy();
    }
    const all = (await ok(['device-identity', 'list', '--top', '-1'])) as unknown as { deviceId: string }[];
    const fleet = all.filter((d) => d.deviceId.startsWith(id('fleet-')));
    expect(fleet).toHaveLength(140);
    expect(new Set(all.map((d) => d.deviceId)).size).toBe(all.length);
    expect((await ok(['device-identity', 'list', '--top', '130'])) as unknown as unknown[]).toHaveLength(130);
    const edge = (await ok(['device-identity', 'list', '--edge-enabled', '--top=-1'])) as unknown as { deviceId: string; capabilities: { iotEdge: boolean } }[];
    expect(edge.every((d) => d.capabilities.iotEdge)).toBe(true);
    expect(edge.filter((d) => d.deviceId.startsWith(id('fleet-')))).toHaveLength(70);
    const top = await cli(['device-identity', 'list', '--top', '0']);
    expect(top.status).toBe(2);
    expect(top.stderr).toContain('--top is a positive number or -1');
  });
});

describe('gatehouse device-twin / module-twin', () => {
  it('merges --desired and --tags patches; a stale --etag is refused (1) and leaves the twin; bad JSON is 2', async () => {
    await ok(['device-identity', 'create', '-d', id('twin')]);
    await ok(['device-twin', 'update', '-d', id('twin'), '--desired', '{"a":1,"b":{"c":2}}', '--tags', '{"site":"north"}']);
    const first = await ok(['device-twin', 'update', '-d', id('twin'), '--desired', '{"b":{"d":3},"a":null}']);
    const twin = await ok(['device-twin', 'show', '-d', id('twin')]);
    expect(twin.etag).toBe(first.etag);
    const desired = (twin.properties as { desired: Record<string, unknown> }).desired;
    expect(desired.a).toBeUndefined();
    expect(desired.b).toEqual({ c: 2, d: 3 });
    expect(twin.tags).toEqual({ site: 'north' });

    await ok(['device-twin', 'update', '-d', id('twin'), '--tags', '{"floor":2}', '--etag', twin.etag as string]);
    const stale = await cli(['device-twin', 'update', '-d', id('twin'), '--desired', '{"z":1}', '--etag', twin.etag as string]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/etag/i);
    const after = await ok(['device-twin', 'show', '-d', id('twin')]);
    expect((after.properties as { desired: Record<string, unknown> }).desired.z).toBeUndefined();
    expect(after.tags).toEqual({ site: 'north', floor: 2 });

    const notJson = await cli(['device-twin', 'update', '-d', id('twin'), '--desired', '{a:1}']);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('--desired is not JSON');
    const nothing = await cli(['device-twin', 'update', '-d', id('twin')]);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('give --desired and/or --tags');
    expect((await ok(['device-twin', 'show', '-d', id('twin')])).etag).toBe(after.etag);
  });

  it('shows and patches module twins', async () => {
    await ok(['device-identity', 'create', '-d', id('mtwin'), '--edge-enabled']);
    const before = await ok(['module-twin', 'show', '-d', id('mtwin'), '-m', '$edgeHub']);
    expect(before.moduleId).toBe('$edgeHub');
    await ok(['module-twin', 'update', '-d', id('mtwin'), '-m', '$edgeHub', '--desired', '{"k":"v"}']);
    const after = await ok(['module-twin', 'show', '-d', id('mtwin'), '-m', '$edgeHub']);
    expect((after.properties as { desired: Record<string, unknown> }).desired.k).toBe('v');
    const missing = await cli(['module-twin', 'show', '-d', id('mtwin')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--module-id is required');
  });
});

describe('gatehouse edge', () => {
  it('set-modules applies a valid deployment to the module twins; an invalid one prints line:column diagnostics and changes nothing', async () => {
    const device = id('setmod');
    await ok(['device-identity', 'create', '-d', device, '--edge-enabled']);
    const applied = await cli(['edge', 'set-modules', '-d', device, '--content', file('valid.json', manifest()), '--json']);
    expect(applied.status).toBe(0);
    const agent = await ok(['module-twin', 'show', '-d', device, '-m', '$edgeAgent']);
    const desired = (agent.properties as { desired: { modules: Record<string, unknown>; $version: number } }).desired;
    expect(Object.keys(desired.modules)).toEqual(['sensor']);
    const hub = await ok(['module-twin', 'show', '-d', device, '-m', '$edgeHub']);
    expect((hub.properties as { desired: { routes: Record<string, string> } }).desired.routes.sensorToUpstream).toContain('$upstream');

    const invalid = manifest({ modules: { sensor: module({ status: 'flying' }) } });
    const refused = await cli(['edge', 'set-modules', '-d', device, '--content', file('invalid.json', invalid)]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the deployment is not valid');
    expect(refused.stderr).toMatch(/^ {2}\d+:\d+ {2}[A-Z0-9_]+ {2}.+/m);
    const json = await cli(['edge', 'set-modules', '-d', device, '--content', file('invalid.json', invalid), '--json']);
    expect(json.status).toBe(1);
    expect((JSON.parse(json.stdout) as { error: { code: string } }).error.code).toBe('INVALID_MANIFEST');
    const unchanged = await ok(['module-twin', 'show', '-d', device, '-m', '$edgeAgent']);
    expect((unchanged.properties as { desired: { $version: number } }).desired.$version).toBe(desired.$version);

    const notJson = await cli(['edge', 'set-modules', '-d', device, '--content', file('broken.json', '{"modulesContent": ')]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('is not JSON');
  });

  it('deployment create/list/show/delete with target condition, priority, labels, metrics; a bad condition is the hub refusing (1)', async () => {
    const deployment = id('dep');
    const device = id('dep-dev');
    await ok(['device-identity', 'create', '-d', device, '--edge-enabled']);
    await ok(['device-twin', 'update', '-d', device, '--tags', `{"ring":"${run}"}`]);
    const created = await ok([
      'edge', 'deployment', 'create', '--deployment-id', deployment, '--content', file('dep.json', manifest()),
      '--target-condition', `tags.ring='${run}'`, '--priority', '7', '--labels', '{"team":"ops"}', '--metrics', '{"queries":{"all":"SELECT deviceId FROM devices.modules WHERE moduleId = \'$edgeAgent\'"}}',
    ]);
    expect(created.id).toBe(deployment);
    const list = (await ok(['edge', 'deployment', 'list'])) as unknown as { id: string }[];
    expect(list.map((d) => d.id)).toContain(deployment);

    let shown = await ok(['edge', 'deployment', 'show', '--deployment-id', deployment]);
    for (let i = 0; i < 50 && (shown.systemMetrics as { results?: Record<string, number> } | undefined)?.results?.targetedCount !== 1; i++) {
      await new Promise((w) => setTimeout(w, 200));
      shown = await ok(['edge', 'deployment', 'show', '--deployment-id', deployment]);
    }
    expect(shown.priority).toBe(7);
    expect(shown.targetCondition).toBe(`tags.ring='${run}'`);
    expect(shown.labels).toEqual({ team: 'ops' });
    expect(Object.keys((shown.metrics as { queries: Record<string, string> }).queries)).toEqual(['all']);
    expect((shown.systemMetrics as { results: Record<string, number> }).results.targetedCount).toBe(1);

    const bad = await cli(['edge', 'deployment', 'create', '--deployment-id', id('dep-bad'), '--content', file('dep.json', manifest()), '--target-condition', "tags.ring = = 'x'"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^gatehouse edge deployment create: .*condition/im);
    const badPriority = await cli(['edge', 'deployment', 'create', '--deployment-id', id('dep-bad'), '--content', file('dep.json', manifest()), '--target-condition', 'tags.x=1', '--priority', '-1']);
    expect(badPriority.status).toBe(2);

    expect((await cli(['edge', 'deployment', 'delete', '--deployment-id', deployment])).status).toBe(0);
    const gone = await cli(['edge', 'deployment', 'show', '--deployment-id', deployment]);
    expect(gone.status).toBe(1);
  });

  it('deployment update changes target condition, priority, labels and metrics (JSON like show), keeps the content; stale --etag and nothing-to-change are refused', async () => {
    const deployment = id('dep-upd');
    const created = await ok(['edge', 'deployment', 'create', '--deployment-id', deployment, '--content', file('dep-upd.json', manifest()), '--target-condition', `tags.ring='${run}-a'`, '--priority', '1']);
    const updated = await ok([
      'edge', 'deployment', 'update', '-d', deployment, '--target-condition', `tags.ring='${run}-b'`, '--priority', '9', '--labels', '{"team":"edge"}', '--metrics', '{"queries":{"mine":"SELECT deviceId FROM devices"}}',
    ]);
    expect(updated).toMatchObject({ id: deployment, targetCondition: `tags.ring='${run}-b'`, priority: 9, labels: { team: 'edge' }, metrics: { queries: { mine: 'SELECT deviceId FROM devices' } } });
    expect(Object.keys(updated).sort()).toEqual(Object.keys(await ok(['edge', 'deployment', 'show', '-d', deployment])).sort());
    expect(updated.content).toEqual(created.content);
    expect(updated.etag).not.toBe(created.etag);

    const priorityOnly = await ok(['edge', 'deployment', 'update', '-d', deployment, '--priority', '10']);
    expect(priorityOnly).toMatchObject({ priority: 10, targetCondition: `tags.ring='${run}-b'`, labels: { team: 'edge' } });

    const stale = await cli(['edge', 'deployment', 'update', '-d', deployment, '--priority', '11', '--etag', String(created.etag)]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/^gatehouse edge deployment update: /m);
    const staleJson = await cli(['edge', 'deployment', 'update', '-d', deployment, '--priority', '11', '--etag', String(created.etag), '--json']);
    expect(JSON.parse(staleJson.stdout)).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((await ok(['edge', 'deployment', 'show', '-d', deployment])).priority).toBe(10);

    const nothing = await cli(['edge', 'deployment', 'update', '-d', deployment]);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    expect((await cli(['edge', 'deployment', 'update', '-d', deployment, '--labels', '{"n":1}'])).status).toBe(2);
    expect((await cli(['edge', 'deployment', 'update', '-d', id('missing'), '--priority', '1'])).status).toBe(1);
    await cli(['edge', 'deployment', 'delete', '-d', deployment]);
  });
});

describe('gatehouse invoke-device-method / invoke-module-method', () => {
  it('round-trips to a connected device and module (status and payload, non-2xx still 0); offline is 1; bad input is 2', async () => {
    const device = id('meth');
    await ok(['device-identity', 'create', '-d', device]);
    const client = await connectDevice(device);
    client.onDeviceMethod('echo', (request, response) => void response.send(200, { got: request.payload }));
    client.onDeviceMethod('nope', (_request, response) => void response.send(404, { why: 'no such thing' }));
    const answered = await ok(['invoke-device-method', '-d', device, '-n', 'echo', '--method-payload', '{"x":1}', '--timeout', '10']);
    expect(answered).toEqual({ status: 200, payload: { got: { x: 1 } } });
    const refusedByDevice = await ok(['invoke-device-method', '-d', device, '-n', 'nope', '--timeout', '10']);
    expect(refusedByDevice).toEqual({ status: 404, payload: { why: 'no such thing' } });

    const edge = id('meth-edge');
    await ok(['device-identity', 'create', '-d', edge, '--edge-enabled']);
    const moduleClient = await connectDevice(edge, '$edgeAgent');
    moduleClient.onDeviceMethod('ping', (_request, response) => void response.send(200, 'pong'));
    expect(await ok(['invoke-module-method', '-d', edge, '-m', '$edgeAgent', '-n', 'ping', '--timeout', '10'])).toEqual({ status: 200, payload: 'pong' });

    await ok(['device-identity', 'create', '-d', id('meth-off')]);
    const offline = await cli(['invoke-device-method', '-d', id('meth-off'), '-n', 'echo', '--timeout', '5']);
    expect(offline.status).toBe(1);
    expect(offline.stderr).toMatch(/not connected|Timed out waiting for device to connect/i);

    const notJson = await cli(['invoke-device-method', '-d', device, '-n', 'echo', '--method-payload', '{x']);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('--method-payload is not JSON');
    const short = await cli(['invoke-device-method', '-d', device, '-n', 'echo', '--timeout', '3']);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('--timeout is 5 to 300 seconds');
  });
});

describe('gatehouse monitor-events', () => {
  it('prints az-shaped NDJSON events of one device with their application properties, and stops at --timeout', async () => {
    const device = id('mon');
    await ok(['device-identity', 'create', '-d', device]);
    const client = await connectDevice(device);
    const child = spawn(process.execPath, [BIN, 'monitor-events', '-d', device, '--json', '--timeout', '5'], { env: { ...process.env, GATEHOUSE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('close', r));
    const events = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: { origin: string; payload: unknown; properties: { application: Record<string, string> } } });
    // The monitor subscribes a moment after it starts: probe until it prints, then send the two messages.
    for (let i = 0; i < 40 && events().length === 0; i++) {
      await client.sendEvent(new Message(JSON.stringify({ probe: i })));
      await new Promise((w) => setTimeout(w, 100));
    }
    for (const n of [1, 2]) {
      const message = new Message(JSON.stringify({ n }));
      message.properties.add('kind', `k${n}`);
      await client.sendEvent(message);
    }
    expect(await exited).toBe(0);
    const real = events().filter((e) => (e.event.payload as { n?: number }).n !== undefined);
    expect(real.map((e) => e.event.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(real.map((e) => e.event.origin)).toEqual([device, device]);
    expect(real.map((e) => e.event.properties.application.kind)).toEqual(['k1', 'k2']);
  });

  it('--timeout 0 runs until SIGINT and then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'monitor-events', '--timeout', '0'], { env: { ...process.env, GATEHOUSE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('close', r));
    for (let i = 0; i < 100 && !err.includes('Starting event monitor'); i++) await new Promise((w) => setTimeout(w, 50));
    expect(err).toContain('Starting event monitor');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe('gatehouse c2d-message send', () => {
  it('sends to a listening device with properties and ids; prints {deviceId, messageId} (a new UUID when none is given)', async () => {
    const device = id('c2d');
    await ok(['device-identity', 'create', '-d', device]);
    const client = await connectDevice(device);
    const received: Message[] = [];
    client.on('message', (message: Message) => void received.push(message));
    const sent = await ok(['c2d-message', 'send', '-d', device, '--data', 'hello', '--props', 'a=1;b=x=y', '--property', 'c=3', '--message-id', 'm-1', '--correlation-id', 'c-1', '--content-type', 'text/plain', '--ack', 'full', '--expiry-secs', '600']);
    expect(sent).toEqual({ deviceId: device, messageId: 'm-1' });
    const plain = await cli(['c2d-message', 'send', '-d', device, '--data-file', file('c2d-body.bin', 'from a file')]);
    expect(plain.status).toBe(0);
    const printed = JSON.parse(plain.stdout) as { messageId: string };
    expect(printed.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (let i = 0; i < 500 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received.map((m) => m.getData().toString())).toEqual(['hello', 'from a file']);
    expect(received[0]!.messageId).toBe('m-1');
    expect(received[0]!.correlationId).toBe('c-1');
    expect(['a', 'b', 'c'].map((k) => received[0]!.properties.getValue(k))).toEqual(['1', 'x=y', '3']);
    expect(received[1]!.messageId).toBe(printed.messageId);
  });

  it('the hub refusing is exit 1 with the reason (unknown device, full queue, too large); usage is exit 2', async () => {
    const unknown = await cli(['c2d-message', 'send', '-d', id('c2d-nobody'), '--data', 'x']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`cannot send a cloud-to-device message to ${id('c2d-nobody')}: device ${id('c2d-nobody')} is not registered`);
    const unknownJson = await cli(['c2d-message', 'send', '-d', id('c2d-nobody'), '--data', 'x', '--json']);
    expect(unknownJson.status).toBe(1);
    expect(JSON.parse(unknownJson.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { amqpCondition: 'amqp:not-found' } } });

    // Fill an offline device's queue with the SDK (50 CLI runs would be slow), then the CLI's 51st is refused.
    const device = id('c2d-full');
    await ok(['device-identity', 'create', '-d', device]);
    const service = reachLocalHub(ServiceClient.fromConnectionString(info.connectionString), { httpsPort: info.httpsPort, amqpPort: info.amqpPort!, ca: readFileSync(info.caFile, 'utf8') });
    try {
      for (let i = 0; i < 50; i++) await service.send(device, `n${i}`);
    } finally {
      await service.close();
    }
    const full = await cli(['c2d-message', 'send', '-d', device, '--data', 'one too many', '--json']);
    expect(full.status).toBe(1);
    expect(JSON.parse(full.stdout)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((JSON.parse(full.stdout) as { error: { message: string } }).error.message).toMatch(/already has 50 cloud-to-device messages waiting/);

    const large = await cli(['c2d-message', 'send', '-d', id('c2d'), '--data-file', file('c2d-large.bin', 'x'.repeat(65_537))]);
    expect(large.status).toBe(1);
    expect(large.stderr).toMatch(/65537 bytes; a cloud-to-device message holds at most 65536/);

    for (const [args, says] of [
      [['-d', device], 'give the body with --data or --data-file'],
      [['-d', device, '--data', 'x', '--props', '=1'], 'a property is key=value, not "=1"'],
      [['-d', device, '--data', 'x', '--expiry-secs', '0'], '--expiry-secs is a whole number of seconds'],
      [['-d', device, '--data', 'x', '--ack', 'always'], '--ack is none, positive, negative or full'],
      [['--data', 'x'], '--device-id is required'],
    ] as const) {
      const usage = await cli(['c2d-message', 'send', ...args]);
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain(says);
    }
  }, 60_000);
});

describe('gatehouse … --login', () => {
  it('refuses a malformed string, a device connection string, and an unreachable hub with exit 2 and the reason', async () => {
    const malformed = await cli(['device-identity', 'show', '-d', 'x', '--login', 'HostName=localhost;SharedAccessKeyName=iothubowner']);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--login');
    expect(malformed.stderr).toContain('SharedAccessKey');

    const deviceString = await cli(['device-identity', 'show', '-d', 'x', '--login', `HostName=localhost;DeviceId=x;SharedAccessKey=${Buffer.alloc(32, 1).toString('base64')}`]);
    expect(deviceString.status).toBe(2);
    expect(deviceString.stderr).toContain('this is a device connection string');

    const key = Buffer.alloc(32, 2).toString('base64');
    const nowhere = await cli(['device-identity', 'show', '-d', 'x', '--login', `HostName=127.0.0.1:1;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`]);
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toMatch(/cannot reach/);
  });
});
