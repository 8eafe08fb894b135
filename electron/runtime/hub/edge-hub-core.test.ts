import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';
import { IdentityStore } from '../workload/identity.store';
import { EdgeHubCore, encodeClientKey } from './edge-hub-core';
import { HubTwins } from './hub-twins';
import { MemoryMessageStore, RecordingGateway } from './memory-store.test-util';

const DEVICE = 'edge.1';
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

const text = (body: string, systemProperties: Record<string, string> = {}, properties: Record<string, string> = {}): HubMessage => ({ body: new TextEncoder().encode(body), systemProperties, properties });

const ROUTES = {
  schemaVersion: '1.1',
  routes: {
    toB: 'FROM /messages/modules/a/outputs/out INTO BrokeredEndpoint("/modules/b/inputs/in")',
    alerts: { route: "FROM /messages/* WHERE alert = 'yes' INTO $upstream", priority: 0, timeToLiveSecs: 60 },
  },
  storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
};

let dir: string;
let identities: IdentityStore;
let store: MemoryMessageStore;
let core: EdgeHubCore;
let now = T0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-hubcore-'));
  const opened = await IdentityStore.open({ dataDir: dir, deviceId: DEVICE });
  if (!opened.ok) throw new Error(opened.error.message);
  identities = opened.value;
  const synced = await identities.syncModules(['a', 'b', '$edgeHub']);
  if (!synced.ok) throw new Error(synced.error.message);
  store = new MemoryMessageStore({ now: () => now });
  now = T0;
  core = new EdgeHubCore({ identities, deviceId: DEVICE, store, now: () => now });
});

afterEach(async () => {
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

describe('identities', () => {
  it('serves the edge device and its modules as SAS identities; an unknown module is NOT_FOUND, a device that is no known child UNAUTHORIZED', async () => {
    const device = await identities.getDevice();
    const a = await identities.getModule('a');
    expect(await core.lookupIdentity({ deviceId: DEVICE })).toEqual({ ok: true, value: { deviceId: DEVICE, status: 'enabled', credentials: { type: 'sas', primaryKey: device.primaryKey, secondaryKey: device.secondaryKey } } });
    expect(await core.lookupIdentity({ deviceId: DEVICE, moduleId: 'a' })).toEqual({ ok: true, value: { deviceId: DEVICE, moduleId: 'a', status: 'enabled', credentials: { type: 'sas', primaryKey: a?.primaryKey, secondaryKey: a?.secondaryKey } } });
    expect(await core.lookupIdentity({ deviceId: DEVICE, moduleId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.lookupIdentity({ deviceId: 'leaf' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });
});

describe('telemetry', () => {
  it('routes and appends once with every target, then resolves; unrouted messages are accepted and counted', async () => {
    core.applyConfig(ROUTES, 3);
    const a: IdentityRef = { deviceId: DEVICE, moduleId: 'a' };
    expect(await core.acceptTelemetry(a, text('m1', { on: 'out' }, { alert: 'yes' }))).toEqual({ ok: true, value: undefined });
    expect(await core.acceptTelemetry(a, text('m2', { on: 'other' }))).toEqual({ ok: true, value: undefined });
    expect(store.appended).toHaveLength(1);
    expect(store.appended[0]?.message).toMatchObject({ source: a, enqueuedAtMs: T0 });
    expect(store.appended[0]?.targets).toEqual([
      { endpoint: 'module/b/in', priority: 2_000_000_000, ttlSecs: 7200 },
      { endpoint: '$upstream', priority: 0, ttlSecs: 60 },
    ]);
    expect(core.counters()).toEqual({ routed: 1, unrouted: 1, refused: 0 });
  });

  it('withholds the PUBACK until the append resolved', async () => {
    core.applyConfig(ROUTES, 1);
    let open!: () => void;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    let settled = false;
    const accepted = core.acceptTelemetry({ deviceId: DEVICE, moduleId: 'a' }, text('x', { on: 'out' })).then((r) => ((settled = true), r));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(store.appended).toHaveLength(0);
    open();
    expect(await accepted).toEqual({ ok: true, value: undefined });
    expect(store.appended).toHaveLength(1);
  });

  it('maps a full store to THROTTLED and a failing one to UNAVAILABLE; oversized bodies are TOO_LARGE', async () => {
    core.applyConfig(ROUTES, 1);
    const a = { deviceId: DEVICE, moduleId: 'a' };
    store.failWith = { code: 'FULL', message: 'disk bound' };
    expect(await core.acceptTelemetry(a, text('x', { on: 'out' }))).toMatchObject({ ok: false, error: { code: 'THROTTLED' } });
    store.failWith = { code: 'IO', message: 'disk gone' };
    expect(await core.acceptTelemetry(a, text('x', { on: 'out' }))).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    store.failWith = undefined;
    expect(await core.acceptTelemetry(a, { body: new Uint8Array(262_145), systemProperties: { on: 'out' }, properties: {} })).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(await core.acceptTelemetry(a, { body: new Uint8Array(262_144), systemProperties: { on: 'out' }, properties: {} })).toEqual({ ok: true, value: undefined });
    expect(core.counters()).toEqual({ routed: 1, unrouted: 0, refused: 3 });
  });
});

describe('$edgeHub configuration and reported properties', () => {
  it('refuses a bad route set whole and keeps routing with the previous routes', async () => {
    expect(core.applyConfig(ROUTES, 2)).toMatchObject({ code: 200, description: '', lastDesiredVersion: 2 });
    const bad = { ...ROUTES, routes: { fine: 'FROM /* INTO $upstream', broken: 'FROM /* WHERE IS_ARRAY(x) INTO $upstream' } };
    const status = core.applyConfig(bad, 3);
    expect(status.code).toBe(400);
    expect(status.description).toMatch(/^Error while parsing desired properties - Error parsing route broken - /);
    expect(status.lastDesiredVersion).toBe(3);
    expect(status.routes.map((r) => r.name)).toEqual(['toB', 'alerts']);
    await core.acceptTelemetry({ deviceId: DEVICE, moduleId: 'a' }, text('x', { on: 'out' }));
    expect(store.appended[0]?.targets.map((t) => t.endpoint)).toEqual(['module/b/in']);
    expect(core.reported()).toMatchObject({ schemaVersion: '1.0', lastDesiredVersion: 3, lastDesiredStatus: { code: 400, description: status.description } });
  });

  it('reports clients keyed by encoded client id: modules Connected/Disconnected, devices null, $edgeHub skipped', () => {
    const reports: unknown[] = [];
    core.onReportedChanged((r) => reports.push(r));
    core.connectionChanged({ deviceId: DEVICE, moduleId: 'a' }, true);
    core.connectionChanged({ deviceId: DEVICE, moduleId: '$edgeHub' }, true);
    core.connectionChanged({ deviceId: DEVICE }, true);
    now = T0 + 5000;
    core.connectionChanged({ deviceId: DEVICE, moduleId: 'a' }, false);
    core.connectionChanged({ deviceId: DEVICE }, false);
    expect(encodeClientKey({ deviceId: 'd.1', moduleId: '$x y' })).toBe('d%2E1/%24x%20y');
    expect(core.reported()).toEqual({
      schemaVersion: '1.0',
      version: expect.objectContaining({ version: expect.any(String) }) as unknown,
      lastDesiredStatus: { code: 200, description: '' },
      clients: {
        'edge%2E1/a': { status: 'Disconnected', lastConnectedTimeUtc: new Date(T0).toISOString(), lastDisconnectedTimeUtc: new Date(T0 + 5000).toISOString() },
        'edge%2E1': null,
      },
    });
    expect(reports).toHaveLength(4);
  });
});

describe('module twins', () => {
  it('applies modulesContent desired, pushes only the change with $version, merges reported patches, and survives a restart', async () => {
    const file = join(dir, 'twins.json');
    const opened = await HubTwins.open({ file });
    if (!opened.ok) throw new Error(opened.error.message);
    const twinCore = new EdgeHubCore({ identities, deviceId: DEVICE, store, twins: opened.value });
    const gateway = new RecordingGateway();
    twinCore.attach(gateway);
    const b = { deviceId: DEVICE, moduleId: 'b' };
    const content = (desired: Record<string, unknown>) => ({ $edgeAgent: { 'properties.desired': {} }, $edgeHub: { 'properties.desired': ROUTES }, b: { 'properties.desired': desired } });
    expect(await twinCore.applyModuleTwins(content({ interval: 5, nested: { a: 1, b: 2 } }))).toEqual({ ok: true, value: { changed: ['b'] } });
    expect(await twinCore.applyModuleTwins(content({ interval: 5, nested: { a: 1, b: 2 } }))).toEqual({ ok: true, value: { changed: [] } });
    expect(await twinCore.applyModuleTwins(content({ nested: { a: 1, b: 3 }, threshold: 30 }))).toEqual({ ok: true, value: { changed: ['b'] } });
    expect(gateway.desired).toEqual([
      { target: b, patch: { interval: 5, nested: { a: 1, b: 2 }, $version: 2 } },
      { target: b, patch: { interval: null, nested: { b: 3 }, threshold: 30, $version: 3 } },
    ]);
    expect(await twinCore.patchReported(b, { seen: 3, gone: 1, deep: { x: 1, y: 2 } })).toEqual({ ok: true, value: { version: 2 } });
    expect(await twinCore.patchReported(b, { gone: null, deep: { y: null } })).toEqual({ ok: true, value: { version: 3 } });
    expect(await twinCore.getTwin(b)).toEqual({ ok: true, value: { desired: { nested: { a: 1, b: 3 }, threshold: 30, $version: 3 }, reported: { seen: 3, deep: { x: 1 }, $version: 3 } } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 1 });
    const reopened = await HubTwins.open({ file });
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(reopened.value.get(b)).toEqual({ desired: { nested: { a: 1, b: 3 }, threshold: 30, $version: 3 }, reported: { seen: 3, deep: { x: 1 }, $version: 3 } });
    await twinCore.close();
  });

  it('refuses a corrupt twin file instead of starting empty', async () => {
    const file = join(dir, 'bad.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, '{"format":1,"twins":{"x":{}}}'));
    expect(await HubTwins.open({ file })).toMatchObject({ ok: false, error: { code: 'IO' } });
  });
});
