import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok, type Result } from '../../../shared/errors';
import { SecretBox } from '../secrets/secret-box';
import { IdentityStore } from '../workload/identity.store';
import { EdgeHubCore } from './edge-hub-core';
import { inDeviceScope, LeafIdentities, type LeafIdentity, type LeafIdentitySource, type LeafLookup } from './leaf-identities';
import { MemoryMessageStore } from './memory-store.test-util';

const EDGE = 'edge-1';
const SCOPE = 'ms-azure-iot-edge://edge-1-638000000000000000';
const KEY = Buffer.alloc(32, 7).toString('base64');

const sas = (deviceId: string, status: 'enabled' | 'disabled' = 'enabled', primaryKey = KEY): LeafIdentity => ({
  deviceId,
  status,
  credentials: { type: 'sas', primaryKey, secondaryKey: KEY },
});

/** A registry as the source sees it: devices with their scopes; `failing` makes every call fail (the hub unreachable). */
class TestSource implements LeafIdentitySource {
  devices = new Map<string, { identity: LeafIdentity; deviceScope?: string; parentScopes?: string[] }>();
  failing = false;
  private listeners = new Set<() => void>();

  async lookup(deviceId: string): Promise<Result<LeafLookup>> {
    if (this.failing) return { ok: false, error: { code: 'IO', message: 'unreachable' } };
    const device = this.devices.get(deviceId);
    if (!device) return ok({ kind: 'unknown' });
    if (!inDeviceScope(SCOPE, { deviceId, ...device })) return ok({ kind: 'outOfScope', reason: `its deviceScope is ${device.deviceScope ?? 'not set'}` });
    return ok({ kind: 'inScope', identity: device.identity });
  }

  async list(): Promise<Result<readonly LeafIdentity[]>> {
    if (this.failing) return { ok: false, error: { code: 'IO', message: 'unreachable' } };
    return ok([...this.devices.values()].filter((d) => inDeviceScope(SCOPE, { deviceId: d.identity.deviceId, ...d })).map((d) => d.identity));
  }

  onDidChange(listener: () => void) {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}

let dir: string;
let file: string;
let secrets: SecretBox;
let source: TestSource;
let logs: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-leaves-'));
  file = join(dir, 'edgehub', 'leaf-identities.json');
  secrets = new SecretBox(dir);
  source = new TestSource();
  source.devices.set('leaf-a', { identity: sas('leaf-a'), deviceScope: SCOPE, parentScopes: [SCOPE] });
  source.devices.set('child-edge', { identity: sas('child-edge'), deviceScope: 'ms-azure-iot-edge://child-edge-1', parentScopes: [SCOPE] });
  source.devices.set('elsewhere', { identity: sas('elsewhere'), deviceScope: 'ms-azure-iot-edge://other-2' });
  source.devices.set('loose', { identity: sas('loose') });
  logs = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () => LeafIdentities.open({ file, secrets, log: (line) => logs.push(line), debounceMs: 1 });

describe('device scope', () => {
  it.each([
    [{ deviceScope: SCOPE }, true],
    [{ deviceScope: 'ms-azure-iot-edge://child-1', parentScopes: [SCOPE] }, true],
    [{ deviceScope: 'ms-azure-iot-edge://other-2' }, false],
    [{ parentScopes: ['ms-azure-iot-edge://other-2'] }, false],
    [{}, false],
  ])('%j in the edge scope: %s', (device, expected) => {
    expect(inDeviceScope(SCOPE, { deviceId: 'd', ...device })).toBe(expected);
    expect(inDeviceScope(undefined, { deviceId: 'd', ...device })).toBe(false);
  });
});

describe('leaf identities', () => {
  it('serves children of the edge device (leaf or nested edge) and refuses others, saying why', async () => {
    const leaves = await open();
    await leaves.setSource(source);
    expect(await leaves.lookup('leaf-a')).toMatchObject({ ok: true, value: { deviceId: 'leaf-a', status: 'enabled' } });
    expect(await leaves.lookup('child-edge')).toMatchObject({ ok: true });
    expect(await leaves.lookup('elsewhere')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('not a child of this edge device') } });
    expect(await leaves.lookup('loose')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('not set') } });
    expect(await leaves.lookup('nobody')).toMatchObject({ ok: false, error: { message: expect.stringContaining("not in the upstream hub's registry") } });
  });

  it('keeps the identities sealed in a private file, so children authenticate with no upstream hub', async () => {
    const leaves = await open();
    await leaves.setSource(source);
    expect(leaves.size).toBe(2);
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain(KEY);
    expect(onDisk).not.toContain('leaf-a');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // A restart with the hub unreachable: the cache answers; a device never seen is refused.
    const offline = await open();
    expect(await offline.lookup('leaf-a')).toMatchObject({ ok: true, value: { credentials: { type: 'sas', primaryKey: KEY } } });
    expect(await offline.lookup('elsewhere')).toMatchObject({ ok: false, error: { message: expect.stringContaining('only cached children can connect') } });

    // A source that fails is the same as none: the cache answers and the failure is logged.
    source.failing = true;
    await offline.setSource(source);
    expect(await offline.lookup('leaf-a')).toMatchObject({ ok: true });
    expect(logs.join('\n')).toContain('using the cached identities');
  });

  it('a device taken out of scope, deleted, disabled or given new keys is revoked; a disabled one is not usable', async () => {
    const leaves = await open();
    const revoked: string[][] = [];
    leaves.onRevoked((ids) => revoked.push([...ids]));
    source.devices.set('leaf-b', { identity: sas('leaf-b'), deviceScope: SCOPE });
    source.devices.set('leaf-c', { identity: sas('leaf-c'), deviceScope: SCOPE });
    await leaves.setSource(source);
    expect(leaves.size).toBe(4);

    source.devices.set('leaf-a', { identity: sas('leaf-a'), deviceScope: 'ms-azure-iot-edge://other-2' });
    source.devices.delete('leaf-b');
    source.devices.set('leaf-c', { identity: sas('leaf-c', 'disabled'), deviceScope: SCOPE });
    source.devices.set('child-edge', { identity: sas('child-edge', 'enabled', Buffer.alloc(32, 9).toString('base64')), parentScopes: [SCOPE] });
    source.changed();
    await expect.poll(() => revoked.flat().sort()).toEqual(['child-edge', 'leaf-a', 'leaf-b', 'leaf-c']);
    expect(leaves.cached('leaf-a')).toBeUndefined();
    expect(await leaves.lookup('leaf-c')).toMatchObject({ ok: true, value: { status: 'disabled' } });

    // Keys and certificates are served (an X.509 leaf goes upstream on behalf of); a device with no credentials is not.
    source.devices.set('x509', { identity: { deviceId: 'x509', status: 'enabled', credentials: { type: 'selfSigned', primaryThumbprint: 'ab' } }, deviceScope: SCOPE });
    expect(await leaves.lookup('x509')).toMatchObject({ ok: true, value: { credentials: { type: 'selfSigned', primaryThumbprint: 'ab' } } });
    source.devices.set('bare', { identity: { deviceId: 'bare', status: 'enabled', credentials: { type: 'none' } }, deviceScope: SCOPE });
    expect(await leaves.lookup('bare')).toMatchObject({ ok: false, error: { message: expect.stringContaining('no credentials') } });
  });
});

describe('the edge hub core with leaf devices', () => {
  it('authenticates a child as a device, refuses others with the reason logged, and serves no modules of children', async () => {
    const opened = await IdentityStore.open({ dataDir: dir, deviceId: EDGE });
    if (!opened.ok) throw new Error(opened.error.message);
    const leaves = await open();
    await leaves.setSource(source);
    const core = new EdgeHubCore({ identities: opened.value, deviceId: EDGE, store: new MemoryMessageStore(), leaves, log: (line) => logs.push(line) });
    expect(await core.lookupIdentity({ deviceId: 'leaf-a' })).toMatchObject({ ok: true, value: { deviceId: 'leaf-a', credentials: { type: 'sas' } } });
    expect(await core.lookupIdentity({ deviceId: 'elsewhere' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(logs.join('\n')).toMatch(/device elsewhere refused: device elsewhere is not a child of this edge device: its deviceScope is ms-azure-iot-edge:\/\/other-2/);
    expect(await core.lookupIdentity({ deviceId: 'leaf-a', moduleId: 'm' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(logs.join('\n')).not.toContain(KEY);

    // Offline (no upstream): the twin kept here answers, and reported patches are kept until they can go upstream.
    expect(await core.patchReported({ deviceId: 'leaf-a' }, { firmware: '1.0' })).toMatchObject({ ok: true, value: { version: 2 } });
    expect(await core.getTwin({ deviceId: 'leaf-a' })).toMatchObject({ ok: true, value: { reported: { firmware: '1.0', $version: 2 } } });
    expect(core.twinStore.pendingReported({ deviceId: 'leaf-a' })).toEqual({ firmware: '1.0' });
    expect(await core.getTwin({ deviceId: 'elsewhere' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await core.close();
  });
});
