import { describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import type { CertificateIssuer } from './edge-ca';
import type { ModuleIdentity } from './identity-provider';
import { createWorkloadHandler, decodeBase64Strict, type WorkloadCaller, type WorkloadRequest } from './workload-handler';
import { routeRequest, WORKLOAD_API_VERSIONS } from './workload-routes';
import { httpStatusOf } from './workload-server';

const KEY = Buffer.alloc(32, 3).toString('base64');
const identity = (moduleId: string): ModuleIdentity => ({ deviceId: 'gw1', moduleId, generationId: '1', primaryKey: KEY, secondaryKey: KEY });
const ca: CertificateIssuer = {
  trustBundlePem: () => 'BUNDLE',
  issueServerCertificate: async () => ok({ privateKeyPem: 'KEY', certificatePem: 'CERT', expiration: new Date('2030-01-02T03:04:05Z') }),
};
const handle = createWorkloadHandler({ identities: { getModule: async (id) => (['temp', '$edgeHub'].includes(id) ? identity(id) : undefined) }, ca });

const signBody = Buffer.from(JSON.stringify({ keyId: 'primary', algo: 'HMACSHA256', data: 'aGVsbG8=' }));
const req = (caller: WorkloadCaller, url: string, over: Partial<WorkloadRequest> = {}): WorkloadRequest => ({
  method: 'POST',
  url,
  contentType: 'application/json',
  body: signBody,
  caller,
  ...over,
});
const statusOf = async (request: WorkloadRequest) => {
  const result = await handle(request);
  return result.ok ? result.value.status : httpStatusOf(result.error.code);
};

const socket = (moduleId: string): WorkloadCaller => ({ kind: 'module-socket', moduleId });
const SIGN = '/modules/temp/genid/1/sign?api-version=2018-06-28';

describe('workload routing (edgelet order: api-version, path, method)', () => {
  it.each(WORKLOAD_API_VERSIONS)('accepts api-version %s on every route', (version) => {
    expect(routeRequest('GET', `/trust-bundle?api-version=${version}`).ok).toBe(true);
    expect(routeRequest('POST', `/modules/m/genid/1/sign?api-version=${version}`).ok).toBe(true);
  });

  it.each([
    ['GET', '/trust-bundle', 'BAD_REQUEST', 'api-version not specified'],
    ['GET', '/nowhere', 'BAD_REQUEST', 'api-version not specified'],
    ['GET', '/trust-bundle?api-version=', 'BAD_REQUEST', 'invalid api-version ""'],
    ['GET', '/nowhere?api-version=2018-06-28', 'NOT_FOUND', 'not found'],
    ['GET', '/trust-bundle/?api-version=2018-06-28', 'NOT_FOUND', 'not found'],
    ['POST', '/modules//genid/1/sign?api-version=2018-06-28', 'NOT_FOUND', 'not found'],
    ['POST', '/modules/%E0%A4%A/genid/1/sign?api-version=2018-06-28', 'NOT_FOUND', 'not found'],
    ['POST', '/trust-bundle?api-version=2018-06-28', 'UNKNOWN_METHOD', 'method not allowed'],
    ['DELETE', '/modules/m/genid/1/sign?api-version=2018-06-28', 'UNKNOWN_METHOD', 'method not allowed'],
  ])('%s %s → %s "%s"', (method, url, code, message) => {
    expect(routeRequest(method, url)).toEqual({ ok: false, error: { code, message } });
  });

  it('percent-decodes module ids ($edgeHub arrives as %24edgeHub)', () => {
    expect(routeRequest('POST', '/modules/%24edgeHub/genid/63%2F1/sign?api-version=2018-06-28')).toEqual({
      ok: true,
      value: { apiVersion: '2018-06-28', route: { kind: 'sign', moduleId: '$edgeHub', generationId: '63/1' } },
    });
  });
});

describe('workload caller authorisation', () => {
  it.each<[string, WorkloadCaller, string, number]>([
    ['own socket', socket('temp'), SIGN, 200],
    ['another module socket', socket('filter'), SIGN, 403],
    ['edgeHub socket for $edgeHub (leading $ ignored, as edgelet)', socket('edgeHub'), '/modules/%24edgeHub/genid/1/sign?api-version=2018-06-28', 200],
    ['another module socket, percent-encoded name', socket('filter'), '/modules/%74emp/genid/1/sign?api-version=2018-06-28', 403],
    ['another module socket, encoded slashes', socket('filter'), '/modules/filter%2F..%2Ftemp/genid/1/sign?api-version=2018-06-28', 403],
    ['another module socket, server certificate', socket('filter'), '/modules/temp/genid/1/certificate/server?api-version=2018-06-28', 403],
    ['an unknown module socket for a known module', socket('ghost'), SIGN, 403],
    ['own socket, name differing only in case', socket('Temp'), SIGN, 403],
  ])('%s → %i', async (_name, caller, url, status) => {
    expect(await statusOf(req(caller, url))).toBe(status);
  });

  it('a module socket whose identity vanished gets 500 "failed to get module identity", as edgelet', async () => {
    const result = await handle(req(socket('gone'), '/modules/gone/genid/1/sign?api-version=2018-06-28'));
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'failed to get module identity for gone: not found' } });
  });
});

describe('workload request bodies', () => {
  it.each<[string, Partial<WorkloadRequest>, number]>([
    ['empty body', { body: Buffer.alloc(0) }, 400],
    ['non-JSON content type (edgelet treats the body as absent)', { contentType: 'text/plain' }, 400],
    ['content type with parameters', { contentType: 'application/json; charset=utf-8' }, 200],
    ['no content type', { contentType: undefined }, 200],
    ['invalid JSON', { body: Buffer.from('{"data":') }, 400],
    ['data missing', { body: Buffer.from('{"keyId":"primary"}') }, 400],
    ['data not a string', { body: Buffer.from('{"data":42}') }, 400],
    ['data not base64', { body: Buffer.from('{"data":"~"}') }, 400],
    ['empty data (HMAC of nothing)', { body: Buffer.from('{"data":""}') }, 200],
  ])('%s → %i', async (_name, over, status) => {
    expect(await statusOf(req(socket('temp'), SIGN, over))).toBe(status);
  });

  it('decodes base64 as strictly as edgelet: standard alphabet, padding, canonical trailing bits', () => {
    expect(decodeBase64Strict('aGVsbG8=')?.toString()).toBe('hello');
    for (const bad of ['aGVsbG8', 'aGVsbG8=\n', 'aGV sbG8=', 'aGVsbG9=', 'aGVs-G8=', '====', 'a===']) expect(decodeBase64Strict(bad)).toBeUndefined();
  });

  it('returns the server certificate in edgelet shape, with an RFC 3339 expiration', async () => {
    const body = Buffer.from(JSON.stringify({ commonName: 'gw1.local' }));
    const result = await handle(req(socket('temp'), '/modules/temp/genid/1/certificate/server?api-version=2020-07-07', { body }));
    expect(result).toEqual({ ok: true, value: { status: 201, body: { privateKey: { type: 'key', bytes: 'KEY' }, certificate: 'CERT', expiration: '2030-01-02T03:04:05+00:00' } } });
    const badDate = Buffer.from(JSON.stringify({ commonName: 'x', expiration: 'tomorrow' }));
    expect(await statusOf(req(socket('temp'), '/modules/temp/genid/1/certificate/server?api-version=2020-07-07', { body: badDate }))).toBe(400);
  });
});
