import { describe, expect, it } from 'vitest';
import { parseConnectionStringFields, parseDeviceConnectionString, parseServiceConnectionString } from './connection-string';

const KEY = Buffer.alloc(32, 7).toString('base64'); // ends with '='

describe('parseConnectionStringFields', () => {
  it('splits at the first "=" so base64 padding survives, and drops empty values', () => {
    const fields = parseConnectionStringFields(`HostName=h;SharedAccessKey=${KEY};Empty=;`);
    expect(fields.ok && Object.fromEntries(fields.value)).toEqual({ HostName: 'h', SharedAccessKey: KEY });
  });

  it('refuses a segment without "=" by position, not by text', () => {
    const result = parseConnectionStringFields(`HostName=h;${KEY.replace(/=/g, '')}`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe('connection string segment 2 is not key=value');
      expect(result.error.message).not.toContain(KEY.slice(0, 10));
    }
  });
});

describe('parseServiceConnectionString', () => {
  it('parses HostName, SharedAccessKeyName and SharedAccessKey', () => {
    expect(parseServiceConnectionString(`HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`)).toEqual({
      ok: true,
      value: { hostName: 'hub.azure-devices.net', sharedAccessKeyName: 'iothubowner', sharedAccessKey: KEY },
    });
  });

  it.each([
    ['SharedAccessKey=' + KEY, 'the connection string has no HostName, SharedAccessKeyName'],
    ['HostName=h;SharedAccessKeyName=p', 'the connection string has no SharedAccessKey'],
    ['HostName=h;SharedAccessKeyName=p;SharedAccessKey=not*base64', 'SharedAccessKey is not base64'],
    ['hostname=h;SharedAccessKeyName=p;SharedAccessKey=' + KEY, 'the connection string has no HostName'],
  ])('refuses %s', (text, message) => {
    const result = parseServiceConnectionString(text);
    expect(result).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message } });
    if (!result.ok) expect(result.error.message).not.toContain(KEY);
  });
});

describe('parseDeviceConnectionString', () => {
  it.each([
    [`HostName=h;DeviceId=d1;SharedAccessKey=${KEY}`, { hostName: 'h', deviceId: 'd1', credential: { type: 'sharedAccessKey', sharedAccessKey: KEY } }],
    [
      `HostName=h;DeviceId=d1;ModuleId=m1;GatewayHostName=localhost:8883;SharedAccessKey=${KEY}`,
      { hostName: 'h', deviceId: 'd1', moduleId: 'm1', gatewayHostName: 'localhost:8883', credential: { type: 'sharedAccessKey', sharedAccessKey: KEY } },
    ],
    [
      'HostName=h;DeviceId=d1;SharedAccessSignature=SharedAccessSignature sr=h%2Fdevices%2Fd1&sig=abc%3D&se=1',
      { hostName: 'h', deviceId: 'd1', credential: { type: 'sharedAccessSignature', sharedAccessSignature: 'SharedAccessSignature sr=h%2Fdevices%2Fd1&sig=abc%3D&se=1' } },
    ],
    ['HostName=h;DeviceId=d1;x509=true', { hostName: 'h', deviceId: 'd1', credential: { type: 'x509' } }],
  ])('parses %s', (text, value) => {
    expect(parseDeviceConnectionString(text)).toEqual({ ok: true, value });
  });

  it.each([
    [`DeviceId=d1;SharedAccessKey=${KEY}`, 'the connection string has no HostName'],
    [`HostName=h;SharedAccessKey=${KEY}`, 'the connection string has no DeviceId'],
    ['HostName=h;DeviceId=d1', 'the connection string has none of SharedAccessKey, SharedAccessSignature, x509=true'],
    [`HostName=h;DeviceId=d1;SharedAccessKey=${KEY};x509=true`, 'the connection string has more than one credential: SharedAccessKey, x509'],
    ['HostName=h;DeviceId=d1;x509=false', 'x509 must be "true" when present'],
    ['HostName=h;DeviceId=d1;SharedAccessKey=abc', 'SharedAccessKey is not base64'],
    ['HostName=h;DeviceId=d1;SharedAccessSignature=sig=abc', 'SharedAccessSignature does not start with "SharedAccessSignature "'],
  ])('refuses %s', (text, message) => {
    const result = parseDeviceConnectionString(text);
    expect(result).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message } });
    if (!result.ok) expect(result.error.message).not.toContain(KEY);
  });
});
