import { describe, expect, it } from 'vitest';
import {
  c2dTopic,
  desiredPatchTopic,
  inputTopic,
  mayPublish,
  methodRequestTopic,
  parsePublishTopic,
  subscriptionFeature,
  twinResponseTopic,
  type PublishTopic,
} from './topics';

const device = { deviceId: 'd1' };
const module = { deviceId: 'e1', moduleId: 'm1' };

describe('parsePublishTopic (topics observed from azure-iot-device-mqtt, HUB-CONTRACTS §6.2)', () => {
  it.each<[string, PublishTopic]>([
    ['devices/d1/messages/events/', { kind: 'telemetry', from: device, systemProperties: {}, properties: {} }],
    ['devices/d1/messages/events/%24.mid=mid1&alert=hot%20value', { kind: 'telemetry', from: device, systemProperties: { mid: 'mid1' }, properties: { alert: 'hot value' } }],
    ['devices/e1/modules/m1/messages/events/k=v', { kind: 'telemetry', from: module, systemProperties: {}, properties: { k: 'v' } }],
    ['devices/e1/modules/m1/messages/events/%24.on=out1&k=v/', { kind: 'output', from: module, output: 'out1', systemProperties: { on: 'out1' }, properties: { k: 'v' } }],
    ['$iothub/twin/GET/?$rid=3f2a', { kind: 'twinGet', rid: '3f2a' }],
    ['$iothub/twin/PATCH/properties/reported/?$rid=r1', { kind: 'reportedPatch', rid: 'r1' }],
    ['$iothub/twin/PATCH/properties/reported/?$rid=r1&$version=4', { kind: 'reportedPatch', rid: 'r1' }],
    ['$iothub/methods/res/201/?$rid=7', { kind: 'methodResponse', status: 201, rid: '7' }],
    ['$iothub/methods/res/404/?$rid=abc', { kind: 'methodResponse', status: 404, rid: 'abc' }],
  ])('%s', (topic, expected) => {
    expect(parsePublishTopic(topic)).toEqual(expected);
  });

  it.each([
    ['devices/d1/messages/devicebound/x', 'not a messages/events topic'],
    ['devices/d1/messages/events/%24.on=out1/', 'only modules send output events'],
    ['devices/d1/messages/events/k=%E0%A4%A', 'the property bag has bad percent-encoding'],
    ['devices/e1/modules//messages/events/', 'bad device or module id'],
    ['$iothub/twin/GET/', 'no $rid'],
    ['$iothub/methods/res/abc/?$rid=1', 'not a twin or method topic'],
    ['$SYS/broker', 'not a devices/ or $iothub/ topic'],
    ['other', 'not a devices/ or $iothub/ topic'],
  ])('%s is unknown (%s)', (topic, reason) => {
    expect(parsePublishTopic(topic)).toEqual({ kind: 'unknown', reason });
  });

  it('a topic with ill-formed UTF-8 (decoded as U+FFFD: mqtt-packet does not check) or U+0000 is unknown (MQTT-1.5.3-1/2)', () => {
    const reason = 'the topic is not well-formed UTF-8 or holds U+0000';
    for (const topic of ['devices/e1/modules/m1/messages/events/%24.on=o\uFFFD\uFFFD/', 'devices/e1/modules/m1/messages/events/k=\u0000/', '$iothub/twin/GET/?$rid=\uFFFD']) {
      expect(parsePublishTopic(topic)).toEqual({ kind: 'unknown', reason });
    }
  });
});

describe('mayPublish', () => {
  it.each<[string, { deviceId: string; moduleId?: string }, string, boolean]>([
    ['own telemetry', device, 'devices/d1/messages/events/', true],
    ["another device's telemetry", device, 'devices/d2/messages/events/', false],
    ["a device as its module", device, 'devices/d1/modules/m1/messages/events/', false],
    ['a module as its device', { deviceId: 'd1', moduleId: 'm1' }, 'devices/d1/messages/events/', false],
    ['own output', module, 'devices/e1/modules/m1/messages/events/%24.on=o/', true],
    ["a sibling module's output", module, 'devices/e1/modules/m2/messages/events/%24.on=o/', false],
    ['twin GET', device, '$iothub/twin/GET/?$rid=1', true],
    ['method response', module, '$iothub/methods/res/200/?$rid=1', true],
    ['unknown', device, 'foo/bar', false],
  ])('%s', (_name, identity, topic, allowed) => {
    expect(mayPublish(identity, parsePublishTopic(topic))).toBe(allowed);
  });
});

describe('subscriptionFeature', () => {
  it.each<[{ deviceId: string; moduleId?: string }, string, string | undefined]>([
    [device, 'devices/d1/messages/devicebound/#', 'c2d'],
    [device, 'devices/d2/messages/devicebound/#', undefined],
    [device, 'devices/+/messages/devicebound/#', undefined],
    [device, '#', undefined],
    [device, 'devices/d1/modules/m1/inputs/#', undefined],
    [module, 'devices/e1/modules/m1/inputs/#', 'inputs'],
    [module, 'devices/e1/modules/m2/inputs/#', undefined],
    [module, 'devices/e1/messages/devicebound/#', undefined],
    [module, '$iothub/twin/res/#', 'twinResponses'],
    [device, '$iothub/twin/PATCH/properties/desired/#', 'desired'],
    [device, '$iothub/methods/POST/#', 'methods'],
    [device, '$iothub/#', undefined],
    [device, '$iothub/methods/res/#', undefined],
  ])('%o subscribing to %s', (identity, filter, feature) => {
    expect(subscriptionFeature(identity, filter)).toBe(feature);
  });
});

describe('H→D topics', () => {
  it('are built as the SDK expects them', () => {
    expect(c2dTopic('d1', 'k=v')).toBe('devices/d1/messages/devicebound/k=v');
    expect(inputTopic('e1', 'm1', 'in1', '')).toBe('devices/e1/modules/m1/inputs/in1/');
    expect(twinResponseTopic(200, 'r1')).toBe('$iothub/twin/res/200/?$rid=r1');
    expect(twinResponseTopic(204, 'r1', 5)).toBe('$iothub/twin/res/204/?$rid=r1&$version=5');
    expect(desiredPatchTopic(3)).toBe('$iothub/twin/PATCH/properties/desired/?$version=3');
    expect(methodRequestTopic('reboot', '1a')).toBe('$iothub/methods/POST/reboot/?$rid=1a');
  });
});
