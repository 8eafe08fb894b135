import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateConnect, authenticateHttpRequest, normalizeThumbprint, parseClientId, usernameHost, type AuthPolicy, type ConnectRequest } from './authenticate';
import { createIntermediateCa, type PemPair } from './certificate-factory';
import { importPrivateKeyPem } from './x509-runtime';
import { createLeaf, createSelfSigned, createTestPki, MemoryBackend, sasIdentity, sasKey } from './memory-backend.test-util';
import { createSasToken, sasResource } from './sas-token';

const HUB = 'MyHub.local';
const NOW = Math.floor(Date.now() / 1000) * 1000;
const username = (clientId: string, host = HUB) => `${host}/${clientId}/?api-version=2021-04-12&DeviceClientType=azure-iot-device%2F1.18.4`;
const token = (deviceId: string, moduleId: string | undefined, key: string, over: { expiry?: number; host?: string } = {}) =>
  createSasToken({ resource: sasResource(over.host ?? HUB.toLowerCase(), deviceId, moduleId), key, expiry: over.expiry ?? NOW / 1000 + 3600 });

let selfSigned: PemPair;
let otherSelfSigned: PemPair;
let deviceCa: PemPair;
let caSigned: PemPair;
let caSignedWrongCn: PemPair;
let untrustedSigned: PemPair;
let backend: MemoryBackend;
let policy: AuthPolicy;

beforeAll(async () => {
  const pki = await createTestPki();
  deviceCa = pki.ca;
  [selfSigned, otherSelfSigned, caSigned, caSignedWrongCn, untrustedSigned] = await Promise.all([
    createSelfSigned('x1'),
    createSelfSigned('x1'),
    createLeaf(deviceCa, 'ca1'),
    createLeaf(deviceCa, 'other'),
    createLeaf((await createTestPki()).ca, 'ca1'),
  ]);
  const thumb = new X509Certificate(selfSigned.certificatePem).fingerprint; // SHA-1 with colons, upper case
  backend = new MemoryBackend()
    .add(sasIdentity('d1'))
    .add(sasIdentity('e1', 'm1', 5))
    .add({ ...sasIdentity('off'), status: 'disabled' })
    .add({ deviceId: 'x1', status: 'enabled', credentials: { type: 'selfSigned', secondaryThumbprint: thumb.toLowerCase() } })
    .add({ deviceId: 'x256', status: 'enabled', credentials: { type: 'selfSigned', primaryThumbprint: new X509Certificate(selfSigned.certificatePem).fingerprint256.replace(/:/g, '') } })
    .add({ deviceId: 'ca1', status: 'enabled', credentials: { type: 'certificateAuthority' } })
    .add({ deviceId: 'none1', status: 'enabled', credentials: { type: 'none' } })
    .add(sasIdentity('edge1', '$edgeHub', 7));
  backend.childrenOf.set('edge1', new Set(['x1', 'd1', 'none1']));
  policy = { backend, hostNames: [HUB, 'localhost'], trustedDeviceCas: [new X509Certificate(deviceCa.certificatePem)], now: () => NOW };
});

const sas = (clientId: string, password: string, user = username(clientId)): ConnectRequest => ({ clientId, username: user, password: Buffer.from(password), certificateChain: [] });
const cert = (clientId: string, pems: string[]): ConnectRequest => ({ clientId, username: username(clientId), certificateChain: pems.map((pem) => new X509Certificate(pem)) });

describe('authenticateConnect', () => {
  it.each<[string, () => ConnectRequest, string]>([
    ['device SAS, primary key', () => sas('d1', token('d1', undefined, sasKey(1))), 'sas'],
    ['device SAS, secondary key', () => sas('d1', token('d1', undefined, sasKey(101))), 'sas'],
    ['module SAS', () => sas('e1/m1', token('e1', 'm1', sasKey(5))), 'sas'],
    ['host name in another case', () => sas('d1', token('d1', undefined, sasKey(1)), username('d1', 'myhub.LOCAL')), 'sas'],
    ['self-signed, SHA-1 thumbprint lower case as secondary', () => cert('x1', [selfSigned.certificatePem]), 'selfSigned'],
    ['self-signed, SHA-256 thumbprint without colons', () => cert('x256', [selfSigned.certificatePem]), 'selfSigned'],
    ['CA-signed with CN = device id', () => cert('ca1', [caSigned.certificatePem]), 'certificateAuthority'],
  ])('accepts %s', async (_name, request, method) => {
    const result = await authenticateConnect(policy, request());
    expect(result.ok && result.value.method).toBe(method);
  });

  it.each<[string, () => ConnectRequest, number, string]>([
    ['a wrong key', () => sas('d1', token('d1', undefined, sasKey(9))), 5, 'SAS token refused for device d1 (signature)'],
    ['an expired token', () => sas('d1', token('d1', undefined, sasKey(1), { expiry: NOW / 1000 - 1 })), 5, '(expired)'],
    ["another device's audience", () => sas('d1', token('d2', undefined, sasKey(1))), 5, '(resource)'],
    ["the device's token on its module", () => sas('e1/m1', token('e1', undefined, sasKey(5))), 5, '(resource)'],
    ['a garbage password', () => sas('d1', 'hello'), 5, '(malformed)'],
    ['an unknown host in the username', () => sas('d1', token('d1', undefined, sasKey(1)), username('d1', 'elsewhere')), 5, 'the username is not'],
    ['a username for another client id', () => sas('d1', token('d1', undefined, sasKey(1)), username('d2')), 5, 'the username is not'],
    ['a username without api-version', () => sas('d1', token('d1', undefined, sasKey(1)), `${HUB}/d1/?x=1`), 5, 'the username is not'],
    ['an unknown device', () => sas('nobody', token('nobody', undefined, sasKey(1))), 2, 'no identity device nobody'],
    ['a malformed client id', () => sas('a/b/c', 'x'), 2, 'malformed client id'],
    ['a disabled device', () => sas('off', token('off', undefined, sasKey(1))), 5, 'device off is disabled'],
    ['SAS for an X.509 device', () => sas('x1', token('x1', undefined, sasKey(1))), 5, 'authenticates with selfSigned'],
    ['a device with no credentials', () => sas('none1', token('none1', undefined, sasKey(1))), 5, 'authenticates with none'],
    ['no password and no certificate', () => cert('d1', []), 5, 'presented neither'],
    ['a certificate for a SAS device', () => cert('d1', [selfSigned.certificatePem]), 5, 'authenticates with sas'],
    ['a wrong self-signed certificate', () => cert('x1', [otherSelfSigned.certificatePem]), 5, 'thumbprint is not registered'],
    ['a CA-signed certificate with another CN', () => cert('ca1', [caSignedWrongCn.certificatePem]), 5, "CN is not the device id"],
    ['a certificate from an untrusted CA', () => cert('ca1', [untrustedSigned.certificatePem]), 5, 'does not chain to a trusted device CA'],
    ['a self-signed certificate for a CA device', () => cert('ca1', [otherSelfSigned.certificatePem]), 5, 'CN is not the device id'],
  ])('refuses %s', async (_name, request, returnCode, reason) => {
    const result = await authenticateConnect(policy, request());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.returnCode).toBe(returnCode);
      expect(result.error.reason).toContain(reason);
      expect(result.error.reason).not.toMatch(/sig=|SharedAccessSignature sr/);
    }
  });

  it('accepts a leaf under an intermediate the client presents, and refuses it without the intermediate', async () => {
    const intermediate = await createIntermediateCa(
      { certificatePem: deviceCa.certificatePem, privateKey: await importPrivateKeyPem(deviceCa.privateKeyPem) },
      'device intermediate',
      { notBefore: new Date(NOW - 3_600_000), notAfter: new Date(NOW + 86_400_000) },
    );
    const leaf = await createLeaf(intermediate, 'ca1');
    const withChain = await authenticateConnect(policy, cert('ca1', [leaf.certificatePem, intermediate.certificatePem]));
    expect(withChain.ok && withChain.value.method).toBe('certificateAuthority');
    const alone = await authenticateConnect(policy, cert('ca1', [leaf.certificatePem]));
    expect(!alone.ok && alone.error.reason).toContain('does not chain to a trusted device CA');
  });

  it('refuses a CA-signed certificate outside its validity', async () => {
    const later = await authenticateConnect({ ...policy, now: () => Date.now() + 10 * 86_400_000 }, cert('ca1', [caSigned.certificatePem]));
    expect(!later.ok && later.error.reason).toContain('validity');
  });

  describe('on behalf of an IoT Edge parent ($edgeHub signs for its child devices)', () => {
    const edgeHubToken = (over: { key?: string; expiry?: number; edge?: string } = {}) =>
      createSasToken({ resource: sasResource(HUB.toLowerCase(), over.edge ?? 'edge1', '$edgeHub'), key: over.key ?? sasKey(7), expiry: over.expiry ?? NOW / 1000 + 3600 });

    it.each([
      ['an X.509 child', 'x1'],
      ['a SAS child', 'd1'],
      ['a child with no credentials of its own', 'none1'],
    ])('accepts %s: the connection is the child, not $edgeHub', async (_name, deviceId) => {
      const result = await authenticateConnect(policy, sas(deviceId, edgeHubToken()));
      expect(result.ok && result.value).toMatchObject({ identity: { deviceId }, method: 'onBehalfOf', via: 'edge1' });
      expect(result.ok && result.value.identity.moduleId).toBeUndefined();
    });

    it.each<[string, () => ConnectRequest, number, string]>([
      ['a device that is not its child', () => sas('ca1', edgeHubToken()), 5, 'edge1/$edgeHub may not authenticate device ca1: device ca1 is not a child of edge1'],
      ['a token signed with another key', () => sas('x1', edgeHubToken({ key: sasKey(8) })), 5, '(signature)'],
      ['an expired token', () => sas('x1', edgeHubToken({ expiry: NOW / 1000 - 1 })), 5, '(expired)'],
      ['a parent that does not exist', () => sas('x1', edgeHubToken({ edge: 'ghost' })), 5, 'not a child of ghost'],
      ['a disabled child', () => sas('off', edgeHubToken()), 5, 'device off is disabled'],
      // A module never authenticates on behalf of: the token is checked as the module's own and its audience is wrong.
      ["a module of the parent", () => sas('e1/m1', edgeHubToken()), 5, '(resource)'],
    ])('refuses %s', async (_name, request, returnCode, reason) => {
      const result = await authenticateConnect(policy, request());
      expect(!result.ok && result.error).toMatchObject({ returnCode, reason: expect.stringContaining(reason) });
    });

    it('is refused by a hub that does not offer it (the edge hub), and answers 3 when the registry is down', async () => {
      const plain = new MemoryBackend().add(sasIdentity('x1')).add(sasIdentity('edge1', '$edgeHub', 7));
      Object.assign(plain, { onBehalfOf: undefined });
      const refused = await authenticateConnect({ ...policy, backend: plain }, sas('x1', edgeHubToken()));
      expect(!refused.ok && refused.error).toMatchObject({ returnCode: 5, reason: expect.stringContaining('does not accept tokens on behalf of other devices') });
      const flaky = new MemoryBackend().add(sasIdentity('x1'));
      flaky.onBehalfOf = async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'db down' } });
      const down = await authenticateConnect({ ...policy, backend: flaky }, sas('x1', edgeHubToken()));
      expect(!down.ok && down.error.returnCode).toBe(3);
    });
  });

  it('answers 3 (retried by the SDK) when the registry is unavailable', async () => {
    const down = new MemoryBackend();
    down.failWith = { code: 'UNAVAILABLE', message: 'db down' };
    const result = await authenticateConnect({ ...policy, backend: down }, sas('d1', token('d1', undefined, sasKey(1))));
    expect(!result.ok && result.error.returnCode).toBe(3);
  });
});

describe('authenticateHttpRequest', () => {
  it('accepts a module SAS for any configured host name', async () => {
    const result = await authenticateHttpRequest(policy, { authorization: token('e1', 'm1', sasKey(5), { host: 'localhost' }), identity: { deviceId: 'e1', moduleId: 'm1' } });
    expect(result.ok).toBe(true);
  });

  it.each<[string, string | undefined, { deviceId: string; moduleId?: string }, number]>([
    ['no header', undefined, { deviceId: 'd1' }, 401],
    ['a bearer token', 'Bearer x', { deviceId: 'd1' }, 401],
    ['a wrong key', token('d1', undefined, sasKey(7)), { deviceId: 'd1' }, 401],
    ['an unknown identity', token('zz', undefined, sasKey(1)), { deviceId: 'zz' }, 404],
  ])('refuses %s', async (_name, authorization, identity, status) => {
    const result = await authenticateHttpRequest(policy, { authorization, identity });
    expect(!result.ok && result.error.status).toBe(status);
  });

  it('says why a token for one of its host names was refused (not that another host name did not match)', async () => {
    const module = { deviceId: 'e1', moduleId: 'm1' };
    const wrongKey = await authenticateHttpRequest(policy, { authorization: token('e1', 'm1', sasKey(7)), identity: module });
    expect(!wrongKey.ok && wrongKey.error.reason).toMatch(/\(signature\)/);
    const expired = await authenticateHttpRequest(policy, { authorization: token('e1', 'm1', sasKey(5), { expiry: NOW / 1000 - 60 }), identity: module });
    expect(!expired.ok && expired.error.reason).toMatch(/\(expired\)/);
    const otherHub = await authenticateHttpRequest(policy, { authorization: token('e1', 'm1', sasKey(5), { host: 'other.azure-devices.net' }), identity: module });
    expect(!otherHub.ok && otherHub.error).toMatchObject({ status: 401, reason: expect.stringMatching(/\(resource\)/) });
  });
});

describe('helpers', () => {
  it('parseClientId', () => {
    expect(parseClientId('d1')).toEqual({ deviceId: 'd1' });
    expect(parseClientId('e1/m1')).toEqual({ deviceId: 'e1', moduleId: 'm1' });
    expect(parseClientId('')).toBeUndefined();
    expect(parseClientId('d/')).toBeUndefined();
    expect(parseClientId('d#')).toBeUndefined();
  });

  it('usernameHost returns the configured spelling', () => {
    expect(usernameHost('myhub.local/e1/m1/?api-version=2021-04-12', 'e1/m1', [HUB])).toBe(HUB);
    expect(usernameHost('myhub.local/e1/m1?api-version=2021-04-12', 'e1/m1', [HUB])).toBeUndefined();
  });

  it('normalizeThumbprint ignores case and colons', () => {
    expect(normalizeThumbprint('AB:cd:01')).toBe('abcd01');
  });
});
