import { createHmac, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeSecurity } from './edge-security';
import { call, listeningTcpPorts, startWorkloadFixture, type WorkloadFixture } from './workload.test-util';

let fx: WorkloadFixture;
beforeAll(async () => {
  fx = await startWorkloadFixture(['temp', 'filter']);
});
afterAll(() => fx?.dispose());

const V = '?api-version=2018-06-28';
const primaryKeyOf = async (moduleId: string) => (await fx.identities.getModule(moduleId))?.primaryKey ?? '';
const genIdOf = async (moduleId: string) => (await fx.identities.getModule(moduleId))?.generationId ?? '';
const hmac = (key: string, data: Buffer) => createHmac('sha256', Buffer.from(key, 'base64')).update(data).digest('base64');

const endpoint = () => ({ socketPath: fx.server.socketPath('temp') ?? '' });

describe('workload API over the per-module unix socket', () => {
  it('serves the trust bundle as {certificate} JSON for every workload API version', async () => {
    for (const version of ['2018-06-28', '2019-01-30', '2020-07-07']) {
      const reply = await call(endpoint(), 'GET', `/trust-bundle?api-version=${version}`);
      expect(reply).toEqual({ status: 200, contentType: 'application/json', json: { certificate: fx.ca.trustBundlePem() } });
    }
  });

  it('rejects a missing or unknown api-version like edgelet (400 {message})', async () => {
    expect(await call(endpoint(), 'GET', '/trust-bundle')).toMatchObject({ status: 400, json: { message: 'api-version not specified' } });
    expect(await call(endpoint(), 'GET', '/trust-bundle?api-version=2017-11-11')).toMatchObject({ status: 400, json: { message: 'invalid api-version "2017-11-11"' } });
  });

  it('signs with the module primary key: the digest is exactly HMAC-SHA256(key, base64-decoded data)', async () => {
    const data = Buffer.concat([Buffer.from('myhub.azure-devices.net%2Fdevices%2Fgw1%2Fmodules%2Ftemp\n1800000000'), randomBytes(33)]);
    const reply = await call(endpoint(), 'POST', `/modules/temp/genid/${await genIdOf('temp')}/sign${V}`, { keyId: 'primary', algo: 'HMACSHA256', data: data.toString('base64') });
    expect(reply).toEqual({ status: 200, contentType: 'application/json', json: { digest: hmac(await primaryKeyOf('temp'), data) } });
    expect((reply.json as { digest: string }).digest).not.toBe(hmac((await fx.identities.getModule('temp'))?.secondaryKey ?? '', data));
  });

  it('answers 400 {message} for data that is not base64, and for a missing body', async () => {
    const path = `/modules/temp/genid/${await genIdOf('temp')}/sign${V}`;
    const bad = await call(endpoint(), 'POST', path, { keyId: 'primary', algo: 'HMACSHA256', data: 'not base64!' });
    expect(bad).toMatchObject({ status: 400, json: { message: expect.stringMatching(/^invalid parameter/) } });
    expect(await call(endpoint(), 'POST', path)).toMatchObject({ status: 400, json: { message: 'missing parameter: request body' } });
  });

  it('refuses to sign for a module that is not the caller with 403 "forbidden", as edgelet does', async () => {
    const reply = await call(endpoint(), 'POST', `/modules/ghost/genid/1/sign${V}`, { data: 'aGVsbG8=' });
    expect(reply).toEqual({ status: 403, contentType: 'application/json', json: { message: 'forbidden' } });
  });

  it('does not check the generation id (edgelet ignores it; the key is looked up by module)', async () => {
    const reply = await call(endpoint(), 'POST', `/modules/temp/genid/stale/sign${V}`, { data: 'aGVsbG8=' });
    expect(reply).toMatchObject({ status: 200, json: { digest: hmac(await primaryKeyOf('temp'), Buffer.from('hello')) } });
  });

  it('answers 404 for an unknown path and 400 for a wrong method', async () => {
    expect(await call(endpoint(), 'GET', `/modules/temp/certificate/identity${V}`)).toMatchObject({ status: 404, json: { message: 'not found' } });
    expect(await call(endpoint(), 'GET', `/modules/temp/genid/1/sign${V}`)).toMatchObject({ status: 400, json: { message: 'method not allowed' } });
  });

  it('issues a module server certificate (201) chained to the trust bundle, with the CN and module id as SANs', async () => {
    const reply = await call(endpoint(), 'POST', `/modules/temp/genid/${await genIdOf('temp')}/certificate/server${V}`, { commonName: 'gw1.local', expiration: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    expect(reply.status).toBe(201);
    const body = reply.json as { privateKey: { type: string; bytes: string }; certificate: string; expiration: string };
    expect(body.privateKey.type).toBe('key');
    expect(body.privateKey.bytes).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(body.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const [leafPem, edgePem] = body.certificate.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const leaf = new X509Certificate(leafPem ?? '');
    const edge = new X509Certificate(edgePem ?? '');
    expect(leaf.subject).toBe('CN=gw1.local');
    expect(leaf.subjectAltName).toBe('DNS:gw1.local, DNS:temp');
    expect(leaf.checkIssued(edge) && edge.checkIssued(new X509Certificate(fx.ca.trustBundlePem()))).toBe(true);
    expect(new Date(body.expiration).getTime()).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
  });
});

describe('per-module sockets', () => {
  it("are world-connectable (0666) sockets in each module's own folder, <dataDir>/mnt/<module>/workload.sock", () => {
    const path = join(fx.dataDir, 'mnt', 'temp', 'workload.sock');
    expect(fx.server.socketPath('temp')).toBe(path);
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o666);
    expect(fx.server.listeningModules()).toEqual(['filter', 'temp']);
  });

  it('identify the caller: the temp socket cannot sign for filter, although filter exists', async () => {
    const reply = await call({ socketPath: fx.server.socketPath('temp') ?? '' }, 'POST', `/modules/filter/genid/1/sign${V}`, { data: 'aGVsbG8=' });
    expect(reply).toMatchObject({ status: 403, json: { message: 'forbidden' } });
    const own = await call({ socketPath: fx.server.socketPath('filter') ?? '' }, 'POST', `/modules/filter/genid/1/sign${V}`, { data: 'aGVsbG8=' });
    expect(own).toMatchObject({ status: 200, json: { digest: hmac(await primaryKeyOf('filter'), Buffer.from('hello')) } });
  });

  it('are closed and removed when the module leaves, and refuse to replace a file that is not a socket', async () => {
    const path = fx.server.socketPath('filter') ?? '';
    expect((await fx.server.syncModules(['temp'])).ok).toBe(true);
    expect(existsSync(path)).toBe(false);
    await expect(call({ socketPath: path }, 'GET', `/trust-bundle${V}`)).rejects.toThrow();

    writeFileSync(path, 'not a socket');
    const blocked = await fx.server.listenModule('filter');
    expect(blocked.ok ? 'ok' : blocked.error.code).toBe('CONFLICT');

    const reopened = await fx.server.listenModule('temp');
    expect(reopened.ok).toBe(true);
    if (reopened.ok) reopened.value.dispose();
    expect(existsSync(fx.server.socketPath('temp') ?? '')).toBe(false);
  });
});

describe('listeners', () => {
  it('the edge security (CA, identities, workload API) opens no TCP port: loopback is shared by every host-network container', async () => {
    const before = listeningTcpPorts();
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-wl-tcp-'));
    const started = await EdgeSecurity.start({ dataDir, deviceId: 'gw1' });
    if (!started.ok) throw new Error(started.error.message);
    try {
      expect((await started.value.prepareModules(['temp'])).ok).toBe(true);
      expect(listeningTcpPorts().filter((p) => !before.includes(p))).toEqual([]);
      expect(existsSync(join(dataDir, 'mnt', 'temp', 'workload.sock'))).toBe(true);
    } finally {
      started.value.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
