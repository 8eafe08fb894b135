import type { Message } from 'rhea';
import { describe, expect, it } from 'vitest';
import type { BackendError } from '../../protocol/device-backend';
import { isC2dAddress, isServiceReceiverAddress, parseC2dMessage, refusalFor } from './c2d-service-link';

const TO = '/devices/dev%2F1/messages/devicebound';

describe('parseC2dMessage', () => {
  it('reads the device, body, system and application properties, and the expiry of a service SDK message', () => {
    const expiry = new Date(Date.now() + 60_000);
    const parsed = parseC2dMessage({
      to: TO,
      message_id: Buffer.from('6f1ed002ab5d42e48b5b3c3e5b0d0a1b', 'hex'),
      correlation_id: 'c-1',
      user_id: Buffer.from('ops'),
      content_type: 'application/json',
      content_encoding: 'utf-8',
      absolute_expiry_time: expiry,
      application_properties: { 'iothub-ack': 'full', level: 3, on: true },
      body: { typecode: 0x75, content: Buffer.from('{"a":1}') },
    } as unknown as Message);
    expect(parsed).toEqual({
      ok: true,
      deviceId: 'dev/1',
      expiresAtMs: expiry.getTime(),
      message: {
        body: Buffer.from('{"a":1}'),
        systemProperties: { mid: '6f1ed002-ab5d-42e4-8b5b-3c3e5b0d0a1b', cid: 'c-1', uid: 'ops', ct: 'application/json', ce: 'utf-8' },
        properties: { 'iothub-ack': 'full', level: '3', on: 'true' },
      },
    });
  });

  it.each([
    ['no "to"', {}, /"to" must be/],
    ['another address', { to: '/devices/d/messages/events' }, /"to" must be/],
    ['a bad escape', { to: '/devices/%E0%A4%A/messages/devicebound' }, /not URL-encoded/],
    ['an object body', { to: TO, body: { nested: true } }, /not binary data/],
    ['an object property', { to: TO, application_properties: { x: { y: 1 } } }, /"x" is not a string/],
    ['an unknown ack', { to: TO, application_properties: { 'iothub-ack': 'sometimes' } }, /iothub-ack is none/],
  ])('refuses %s as com.microsoft:argument-error', (_name, message, description) => {
    const parsed = parseC2dMessage(message as Message);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.refusal.condition).toBe('com.microsoft:argument-error');
      expect(parsed.refusal.description).toMatch(description);
    }
  });

  it('takes a text body and several data sections', () => {
    expect(parseC2dMessage({ to: TO, body: 'hi' } as Message)).toMatchObject({ ok: true, message: { body: Buffer.from('hi') } });
    expect(parseC2dMessage({ to: TO, body: { content: [Buffer.from('a'), Buffer.from('b')] } } as unknown as Message)).toMatchObject({ ok: true, message: { body: Buffer.from('ab') } });
  });
});

describe('refusalFor', () => {
  it.each([
    ['NOT_FOUND', 'amqp:not-found'],
    ['THROTTLED', 'amqp:resource-limit-exceeded'],
    ['TOO_LARGE', 'amqp:link:message-size-exceeded'],
    ['BAD_REQUEST', 'com.microsoft:argument-error'],
    ['UNAUTHORIZED', 'amqp:unauthorized-access'],
    ['UNAVAILABLE', 'com.microsoft:timeout'],
    ['INTERNAL', 'amqp:internal-error'],
  ] as const)('%s is %s', (code, condition) => {
    expect(refusalFor({ code, message: 'why' } satisfies BackendError)).toEqual({ condition, description: 'why' });
  });
});

describe('addresses', () => {
  it('knows the C2D link and the service receiver links, case-insensitively', () => {
    expect(isC2dAddress('/messages/devicebound')).toBe(true);
    expect(isC2dAddress('/messages/deviceBound')).toBe(true);
    expect(isC2dAddress('/messages/events')).toBe(false);
    expect(isServiceReceiverAddress('/messages/serviceBound/feedback')).toBe(true);
    expect(isServiceReceiverAddress('/messages/serviceBound/filenotifications')).toBe(true);
    expect(isServiceReceiverAddress('$cbs')).toBe(false);
  });
});
