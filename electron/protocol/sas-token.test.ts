import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createSasToken, encodeUriComponentStrict, parseSasToken, sasResource, verifySasToken, type SasExpectation, type SasRejectReason } from './sas-token';

/** The SDK's own implementation (azure-iot-common, resolved the way azure-iot-device resolves it), to prove the tokens are byte-identical. */
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('azure-iot-device'));
const { SharedAccessSignature } = sdkRequire('azure-iot-common') as {
  SharedAccessSignature: { create(sr: string, skn: string | undefined, key: string, se: number): { toString(): string } };
};

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
const HUB = 'myhub.azure-devices.net';
const NOW = 1_800_000_000;

const moduleExpectation: SasExpectation = { hostName: HUB, deviceId: 'gw1', moduleId: 'temp', keys: [OTHER_KEY, KEY], nowSeconds: NOW };
const moduleToken = (over: { resource?: string; key?: string; expiry?: number; keyName?: string } = {}) =>
  createSasToken({ resource: over.resource ?? sasResource(HUB, 'gw1', 'temp'), key: over.key ?? KEY, expiry: over.expiry ?? NOW + 3600, ...(over.keyName ? { keyName: over.keyName } : {}) });

describe('createSasToken', () => {
  it('matches the HUB-CONTRACTS §1.3 loopback example (service token with skn)', () => {
    const sig = createHmac('sha256', Buffer.from(KEY, 'base64')).update('localhost\n1795711696').digest('base64');
    expect(createSasToken({ resource: 'localhost', key: KEY, expiry: 1795711696, keyName: 'iothubowner' })).toBe(
      `SharedAccessSignature sr=localhost&sig=${encodeUriComponentStrict(sig)}&skn=iothubowner&se=1795711696`,
    );
  });

  it.each([
    ['device', sasResource(HUB, 'gw1'), undefined],
    ['module', sasResource(HUB, 'gw1', 'temp'), undefined],
    ['module with odd characters', sasResource(HUB, "d(1)*!'", '$edgeHub'), undefined],
    ['service policy', HUB, 'iothubowner'],
  ])('is byte-identical to the SDK for a %s token', (_name, resource, keyName) => {
    const sdk = SharedAccessSignature.create(encodeUriComponentStrict(resource), keyName && encodeUriComponentStrict(keyName), KEY, NOW).toString();
    expect(createSasToken({ resource, key: KEY, expiry: NOW, ...(keyName ? { keyName } : {}) })).toBe(sdk);
  });

  it('strict-encodes the resource with the SDK lower-case hex for !\'()*', () => {
    expect(encodeUriComponentStrict("a/b (c)*!'")).toBe('a%2Fb%20%28c%29%2a%21%27');
    expect(moduleToken()).toContain('sr=myhub.azure-devices.net%2Fdevices%2Fgw1%2Fmodules%2Ftemp&');
  });
});

describe('verifySasToken', () => {
  const tamper = (token: string) => token.replace(/sig=([^&])/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
  const cases: Array<{ name: string; token: string; expect?: Partial<SasExpectation>; reason?: SasRejectReason; keyIndex?: number }> = [
    { name: 'a valid module token (second candidate key)', token: moduleToken(), keyIndex: 1 },
    { name: 'a token expiring exactly now', token: moduleToken({ expiry: NOW }), keyIndex: 1 },
    { name: 'a host in another case', token: moduleToken({ resource: sasResource(HUB.toUpperCase(), 'gw1', 'temp') }), keyIndex: 1 },
    { name: 'a valid device token', token: createSasToken({ resource: sasResource(HUB, 'gw1'), key: KEY, expiry: NOW + 1 }), expect: { moduleId: undefined }, keyIndex: 1 },
    { name: 'a tampered signature', token: tamper(moduleToken()), reason: 'signature' },
    { name: 'a token signed with another key', token: moduleToken({ key: Buffer.alloc(32, 1).toString('base64') }), reason: 'signature' },
    { name: 'an expired token', token: moduleToken({ expiry: NOW - 1 }), reason: 'expired' },
    { name: 'another module', token: moduleToken({ resource: sasResource(HUB, 'gw1', 'other') }), reason: 'resource' },
    { name: 'another device', token: moduleToken({ resource: sasResource(HUB, 'gw2', 'temp') }), reason: 'resource' },
    { name: 'another hub', token: moduleToken({ resource: sasResource('other.azure-devices.net', 'gw1', 'temp') }), reason: 'resource' },
    { name: 'a module id in another case', token: moduleToken({ resource: sasResource(HUB, 'gw1', 'Temp') }), reason: 'resource' },
    { name: 'a device token where a module token is expected', token: createSasToken({ resource: sasResource(HUB, 'gw1'), key: KEY, expiry: NOW + 1 }), reason: 'resource' },
    { name: 'an unexpected policy name', token: moduleToken({ keyName: 'iothubowner' }), reason: 'key-name' },
    { name: 'not a SAS token', token: 'Bearer abc', reason: 'malformed' },
    { name: 'a token without se', token: moduleToken().replace(/&se=\d+/, ''), reason: 'malformed' },
    { name: 'a duplicated field', token: `${moduleToken()}&se=${NOW + 7200}`, reason: 'malformed' },
    { name: 'a non-numeric expiry', token: moduleToken().replace(/se=\d+/, 'se=soon'), reason: 'malformed' },
  ];

  it.each(cases)('$name', ({ token, expect: over, reason, keyIndex }) => {
    const result = verifySasToken(token, { ...moduleExpectation, ...over });
    if (reason) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.reason).toBe(reason);
        expect(result.error.code).toBe(reason === 'malformed' ? 'BAD_REQUEST' : 'UNAUTHORIZED');
      }
    } else {
      expect(result).toEqual({ ok: true, value: { expiry: expect.any(Number), keyIndex } });
    }
  });

  it('accepts the fields in any order, as hub parsers must', () => {
    const token = moduleToken();
    const fields = token.slice('SharedAccessSignature '.length).split('&').reverse().join('&');
    expect(verifySasToken(`SharedAccessSignature ${fields}`, moduleExpectation).ok).toBe(true);
  });

  it('parses the wire fields, decoding sr and sig but signing over the raw sr', () => {
    const parsed = parseSasToken(moduleToken());
    expect(parsed.ok && parsed.value).toMatchObject({ rawResource: 'myhub.azure-devices.net%2Fdevices%2Fgw1%2Fmodules%2Ftemp', resource: `${HUB}/devices/gw1/modules/temp`, expiry: NOW + 3600 });
  });
});
