import { describe, expect, it } from 'vitest';
import { decodePropertyBag, encodePropertyBag } from './property-bag';

describe('decodePropertyBag (D→H, strings observed from azure-iot-device-mqtt 1.16.4, HUB-CONTRACTS §6.3)', () => {
  it.each([
    [
      'sendEvent with every system property and two application properties',
      '%24.mid=mid1&%24.cid=cid1&%24.uid=u1&%24.to=%2Fx&%24.ct=application%2Fjson&%24.ce=utf-8&%24.ifid=urn%3Ax&%24.exp=1893456000000&alert=hot%20value&%24weird=a%2Fb%26c%3Dd',
      {
        systemProperties: { mid: 'mid1', cid: 'cid1', uid: 'u1', to: '/x', ct: 'application/json', ce: 'utf-8', ifid: 'urn:x', exp: '1893456000000' },
        properties: { alert: 'hot value', $weird: 'a/b&c=d' },
      },
    ],
    ['sendEvent without properties', '', { systemProperties: {}, properties: {} }],
    ['output event (trailing slash)', '%24.on=out1/', { systemProperties: { on: 'out1' }, properties: {} }],
    ['output event with a property', '%24.on=out1&%24.mid=m&k=v/', { systemProperties: { on: 'out1', mid: 'm' }, properties: { k: 'v' } }],
    ['dt-subject as $.sub', '%24.sub=comp1', { systemProperties: { sub: 'comp1' }, properties: {} }],
    ['a value containing "="', 'k=a%3Db', { systemProperties: {}, properties: { k: 'a=b' } }],
    ['a key without value', 'flag', { systemProperties: {}, properties: { flag: '' } }],
    [
      // A module that copies a received message's properties (the Node SDK keeps `$.on`, `$.cdid` of an input there)
      // sends them after the SDK's own: the SDK's output name is the one that counts.
      'an output event carrying a copied $.on and $.cdid after its own',
      '%24.on=output1&MessageType=Alert&%24.on=temperatureOutput&%24.cdid=edge1/',
      { systemProperties: { on: 'output1', cdid: 'edge1' }, properties: { MessageType: 'Alert' } },
    ],
  ])('%s', (_name, bag, expected) => {
    expect(decodePropertyBag(bag)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['bad percent-encoding', 'k=%E0%A4%A', 'the property bag has bad percent-encoding'],
    ['an unescaped slash in the middle', 'k=a/b', 'the property bag contains "/"'],
    ['an empty name', '=v', 'the property bag has an empty name'],
  ])('refuses %s', (_name, bag, message) => {
    expect(decodePropertyBag(bag)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message } });
  });
});

describe('encodePropertyBag (H→D, the form the SDK decodes)', () => {
  it('reproduces the observed C2D bag', () => {
    expect(encodePropertyBag({ mid: 'c2d1', to: '/devices/d1/messages/deviceBound', cid: 'cc', ct: 'application/json', ce: 'utf-8' }, { 'iothub-ack': 'full', k1: 'v 1' })).toBe(
      '%24.mid=c2d1&%24.to=%2Fdevices%2Fd1%2Fmessages%2FdeviceBound&%24.cid=cc&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=full&k1=v%201',
    );
  });

  it('escapes "&", "=" and "/" in names and values, and is empty without properties', () => {
    expect(encodePropertyBag({}, { 'a&b': 'c=d/e' })).toBe('a%26b=c%3Dd%2Fe');
    expect(encodePropertyBag({}, {})).toBe('');
  });

  it('round-trips through decodePropertyBag', () => {
    const systemProperties = { on: 'out', mid: 'x y', exp: '2030-01-01T00:00:00.000Z' };
    const properties = { 'weird key': 'ü&=/%' };
    expect(decodePropertyBag(encodePropertyBag(systemProperties, properties))).toEqual({ ok: true, value: { systemProperties, properties } });
  });
});
