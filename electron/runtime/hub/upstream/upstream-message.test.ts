import { describe, expect, it } from 'vitest';
import { MAX_UPSTREAM_MESSAGE_BYTES, toUpstreamMessage, upstreamSize } from './upstream-message';
import { errorKind, redact } from './upstream-sdk';

describe('toUpstreamMessage', () => {
  it('puts the system properties the SDK knows on the Message, the output name aside, the others as $.<name> properties', () => {
    const { message, outputName } = toUpstreamMessage({
      body: new Uint8Array(Buffer.from('{"t":1}')),
      systemProperties: { mid: 'm', cid: 'c', uid: 'u', to: '/x', ct: 'application/json', ce: 'utf-8', ifid: 'urn:x', exp: '1893456000000', on: 'out1', ctime: '2026-01-01T00:00:00Z', schema: 's1', cdid: 'spoof', cmid: 'spoof' },
      properties: { alert: 'hot', '$weird': 'a/b' },
    });
    expect(outputName).toBe('out1');
    expect(message).toMatchObject({ messageId: 'm', correlationId: 'c', userId: 'u', to: '/x', contentType: 'application/json', contentEncoding: 'utf-8', interfaceId: 'urn:x', expiryTimeUtc: '1893456000000' });
    expect(message.getBytes().toString()).toBe('{"t":1}');
    const properties = Object.fromEntries(message.properties.propertyList.map((p) => [p.key, p.value]));
    // The connection ids are the receiving hub's to stamp, never forwarded.
    expect(properties).toEqual({ '$.ctime': '2026-01-01T00:00:00Z', '$.schema': 's1', alert: 'hot', '$weird': 'a/b' });
  });

  it('keeps only the bytes of a body that is a view into a larger buffer', () => {
    const backing = Buffer.from('xxhelloyy');
    const { message } = toUpstreamMessage({ body: backing.subarray(2, 7), systemProperties: {}, properties: {} });
    expect(message.getBytes().toString()).toBe('hello');
    expect(toUpstreamMessage({ body: backing, systemProperties: {}, properties: {} }).outputName).toBeUndefined();
  });
});

describe('upstreamSize', () => {
  it('counts the body and every property name and value in UTF-8 bytes', () => {
    expect(upstreamSize({ body: new Uint8Array(10), systemProperties: { mid: 'é' }, properties: { k: 'vv' } })).toBe(10 + 3 + 2 + 1 + 2);
    expect(upstreamSize({ body: new Uint8Array(MAX_UPSTREAM_MESSAGE_BYTES), systemProperties: {}, properties: { a: 'b' } })).toBeGreaterThan(MAX_UPSTREAM_MESSAGE_BYTES);
  });
});

describe('redact and errorKind', () => {
  it('masks keys, tokens and signatures', () => {
    const text = redact(new Error('HostName=h;DeviceId=d;SharedAccessKey=abc+/=;x SharedAccessSignature sr=h%2Fdevices%2Fd&sig=zz%3D&se=1 key: "k1"'));
    expect(text).not.toMatch(/abc|zz%3D|k1/);
    expect(text).toContain('DeviceId=d');
  });

  it('reads SDK errors by class name', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(errorKind(named('UnauthorizedError'))).toBe('refused');
    expect(errorKind(named('DeviceNotFoundError'))).toBe('refused');
    expect(errorKind(named('MessageTooLargeError'))).toBe('tooLarge');
    expect(errorKind(named('NotConnectedError'))).toBe('failed');
    expect(errorKind('weird')).toBe('failed');
  });
});
