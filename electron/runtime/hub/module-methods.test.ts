import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { DeviceGateway, IdentityRef, MethodFailure, MethodResponse } from '../../protocol/device-backend';
import { createSasToken, sasResource } from '../../protocol/sas-token';
import { IdentityStore } from '../workload/identity.store';
import { EdgeHubCore } from './edge-hub-core';
import { MemoryMessageStore, RecordingGateway } from './memory-store.test-util';
import { createModuleMethodHandler, invokeModuleMethod, METHOD_BODY_LIMIT } from './module-methods';

/** The module-method handler on a loopback HTTP server (TLS is the HTTPS server's business; see edge-hub-core.sdk.test.ts). */

const HUB = 'myhub.azure-devices.net';
const DEVICE = 'edge1';

class ScriptedGateway extends RecordingGateway {
  readonly calls: { target: IdentityRef; name: string; payload: unknown; timeoutMs: number }[] = [];
  answer: Result<MethodResponse, MethodFailure> = { ok: true, value: { status: 200, payload: null } };
  override async invokeMethod(target: IdentityRef, name: string, payload: unknown, timeoutMs: number): Promise<Result<MethodResponse, MethodFailure>> {
    this.calls.push({ target, name, payload, timeoutMs });
    return this.answer;
  }
}

let dir: string;
let identities: IdentityStore;
let core: EdgeHubCore;
let gateway: ScriptedGateway;
let server: Server;
let port: number;
let brokenCore = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-methods-'));
  const opened = await IdentityStore.open({ dataDir: dir, deviceId: DEVICE });
  if (!opened.ok) throw new Error(opened.error.message);
  identities = opened.value;
  const synced = await identities.syncModules(['a', 'b']);
  if (!synced.ok) throw new Error(synced.error.message);
  core = new EdgeHubCore({ identities, deviceId: DEVICE, store: new MemoryMessageStore() });
  const handler = createModuleMethodHandler({
    core: {
      lookupIdentity: (ref) => core.lookupIdentity(ref),
      acceptTelemetry: (ref, m) => core.acceptTelemetry(ref, m),
      getTwin: (ref) => core.getTwin(ref),
      patchReported: (ref, p) => core.patchReported(ref, p),
      connectionChanged: (ref, c) => core.connectionChanged(ref, c),
      attachedGateway: (): DeviceGateway | undefined => {
        if (brokenCore) throw new Error('boom');
        return gateway;
      },
    },
    deviceId: DEVICE,
    hostNames: [HUB],
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  gateway = new ScriptedGateway();
  brokenCore = false;
});

async function token(moduleId: string, expiry = Math.floor(Date.now() / 1000) + 600): Promise<string> {
  const module = await identities.getModule(moduleId);
  if (!module) throw new Error(`no module ${moduleId}`);
  return createSasToken({ resource: sasResource(HUB, DEVICE, moduleId), key: module.primaryKey, expiry });
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(options: { path?: string; method?: string; caller?: string; authorization?: string; body?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const caller = options.caller ?? `${DEVICE}/a`;
  if (caller !== '') headers['x-ms-edge-moduleId'] = caller;
  const authorization = options.authorization ?? (await token('a'));
  if (authorization !== '') headers.authorization = authorization;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? `/twins/${DEVICE}/modules/b/methods`, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on('error', reject);
    // Node sends a GET body without framing; a GET goes without one.
    req.end(options.method === 'GET' ? undefined : (options.body ?? JSON.stringify({ methodName: 'ping', payload: { x: 1 }, responseTimeoutInSeconds: 7 })));
  });
}

describe('module-to-module methods over HTTP', () => {
  it('relays to the target module and answers IoT Hub\'s {status, payload}; an api-version query is accepted', async () => {
    gateway.answer = { ok: true, value: { status: 201, payload: { pong: true } } };
    expect(await call({ path: `/twins/${DEVICE}/modules/b/methods?api-version=2021-04-12` })).toEqual({ status: 200, body: { status: 201, payload: { pong: true } } });
    expect(gateway.calls).toEqual([{ target: { deviceId: DEVICE, moduleId: 'b' }, name: 'ping', payload: { x: 1 }, timeoutMs: 7000 }]);
    expect(await call({ path: `/twins/${DEVICE}/methods`, body: '{"methodName":"reboot"}' })).toMatchObject({ status: 200 });
    expect(gateway.calls[1]).toEqual({ target: { deviceId: DEVICE }, name: 'reboot', payload: null, timeoutMs: 30_000 });
  });

  it('404 for an unknown module or device, and 404103 when the module is not connected; 504101 when it does not answer', async () => {
    expect(await call({ path: `/twins/${DEVICE}/modules/nobody/methods` })).toMatchObject({ status: 404, body: { Message: 'ErrorCode:ModuleNotFound;Module nobody not found.' } });
    expect(await call({ path: '/twins/other/modules/b/methods' })).toMatchObject({ status: 404, body: { Message: 'ErrorCode:DeviceNotFound;Device other not found.' } });
    gateway.answer = { ok: false, error: { code: 'NOT_CONNECTED', message: 'x' } };
    const offline = await call();
    expect(offline.status).toBe(404);
    expect(JSON.parse(String(offline.body.Message))).toMatchObject({ errorCode: 404103 });
    gateway.answer = { ok: false, error: { code: 'TIMEOUT', message: 'x' } };
    const late = await call();
    expect(late.status).toBe(504);
    expect(JSON.parse(String(late.body.Message))).toMatchObject({ errorCode: 504101 });
  });

  it('module-to-device: a downstream (leaf) device of this edge device is a target; a device that is not its child is not found', async () => {
    const leaf = { deviceId: 'thermo-9', status: 'enabled' as const, credentials: { type: 'sas' as const, primaryKey: 'a2V5', secondaryKey: 'a2V5' } };
    await core.leaves.setSource({
      lookup: async (deviceId) => ({ ok: true, value: deviceId === leaf.deviceId ? { kind: 'inScope' as const, identity: leaf } : { kind: 'outOfScope' as const, reason: 'another scope' } }),
      list: async () => ({ ok: true, value: [leaf] }),
    });
    gateway.answer = { ok: true, value: { status: 200, payload: { opened: true } } };
    expect(await call({ path: '/twins/thermo-9/methods', body: '{"methodName":"open","payload":1}' })).toEqual({ status: 200, body: { status: 200, payload: { opened: true } } });
    expect(gateway.calls).toEqual([{ target: { deviceId: 'thermo-9' }, name: 'open', payload: 1, timeoutMs: 30_000 }]);
    expect(await call({ path: '/twins/stranger/methods' })).toMatchObject({ status: 404, body: { Message: 'ErrorCode:DeviceNotFound;Device stranger not found.' } });
    expect(await call({ path: '/twins/thermo-9/modules/m/methods' })).toMatchObject({ status: 404, body: { Message: 'ErrorCode:DeviceNotFound;Device thermo-9 not found.' } });
    expect(gateway.calls).toHaveLength(1);
    await core.leaves.setSource(undefined);
  });

  it('401 without a token, with another module\'s token, an expired one, or a caller outside this device', async () => {
    expect(await call({ authorization: '' })).toMatchObject({ status: 401, body: { Message: expect.stringMatching(/^ErrorCode:IotHubUnauthorizedAccess;/) as unknown } });
    expect(await call({ caller: '' })).toMatchObject({ status: 401 });
    expect(await call({ caller: `${DEVICE}/a`, authorization: await token('b') })).toMatchObject({ status: 401 });
    expect(await call({ authorization: await token('a', Math.floor(Date.now() / 1000) - 10) })).toMatchObject({ status: 401 });
    expect(await call({ caller: 'other/a' })).toMatchObject({ status: 401 });
    expect(await call({ caller: `${DEVICE}/ghost` })).toMatchObject({ status: 401 });
    expect(gateway.calls).toEqual([]);
  });

  it('400 for a body that is not a method call, 413 over 128 KiB, 405 and 404 for other requests', async () => {
    expect(await call({ body: 'not json' })).toMatchObject({ status: 400 });
    expect(await call({ body: '{"payload":1}' })).toMatchObject({ status: 400 });
    expect(await call({ body: '{"methodName":"m","responseTimeoutInSeconds":0}' })).toMatchObject({ status: 400 });
    expect(await call({ body: '{"methodName":"m","connectTimeoutInSeconds":-1}' })).toMatchObject({ status: 400 });
    expect(await call({ body: JSON.stringify({ methodName: 'm', payload: 'x'.repeat(METHOD_BODY_LIMIT) }) })).toMatchObject({ status: 413 });
    expect(await call({ method: 'GET' })).toMatchObject({ status: 405 });
    expect(await call({ path: '/twins/edge1/modules/b/other' })).toMatchObject({ status: 404 });
    expect(gateway.calls).toEqual([]);
  });

  it('never throws out of the handler: a failure inside is a 500', async () => {
    brokenCore = true;
    expect(await call()).toMatchObject({ status: 500, body: { Message: expect.stringMatching(/^ErrorCode:ServerError;/) as unknown } });
  });
});

describe('invokeModuleMethod (the console)', () => {
  it('relays through the gateway, and says NOT_CONNECTED without one', async () => {
    gateway.answer = { ok: true, value: { status: 200, payload: 'ok' } };
    expect(await invokeModuleMethod(gateway, { deviceId: DEVICE, moduleId: 'b' }, 'ping', undefined, 3)).toEqual({ ok: true, value: { status: 200, payload: 'ok' } });
    expect(gateway.calls).toEqual([{ target: { deviceId: DEVICE, moduleId: 'b' }, name: 'ping', payload: null, timeoutMs: 3000 }]);
    expect(await invokeModuleMethod(undefined, { deviceId: DEVICE, moduleId: 'b' }, 'ping', null)).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } });
    expect(await invokeModuleMethod(gateway, { deviceId: DEVICE, moduleId: 'b' }, '', null)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
