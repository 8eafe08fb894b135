import { describe, expect, it } from 'vitest';
import type { ContainerEvent } from '../driver-model';
import { eventMatches, parseContainerEvent, ReplayFilter, rfc3339ToNanos } from './docker-event-parser';

function dockerEvent(action: string, attributes: Record<string, string> = {}, timeNano = 1_795_000_000_123_456_768): unknown {
  return {
    status: action,
    id: 'abc123',
    from: 'gatehouse/busybox-module:test',
    Type: 'container',
    Action: action,
    Actor: { ID: 'abc123', Attributes: { image: 'gatehouse/busybox-module:test', name: 'tempSensor', 'gatehouse.test': 'run1', ...attributes } },
    scope: 'local',
    time: Math.floor(timeNano / 1e9),
    timeNano,
  };
}

describe('parseContainerEvent', () => {
  it('reads die with its exit code, and separates labels from Docker attributes', () => {
    expect(parseContainerEvent(dockerEvent('die', { exitCode: '3', execDuration: '1' }))).toEqual({
      kind: 'die',
      id: 'abc123',
      name: 'tempSensor',
      image: 'gatehouse/busybox-module:test',
      labels: { 'gatehouse.test': 'run1' },
      exitCode: 3,
      time: 1_795_000_000_123,
      timeNano: expect.stringMatching(/^1795000000123\d{6}$/),
    });
  });

  it.each([
    ['start', { kind: 'start' }],
    ['create', { kind: 'create' }],
    ['stop', { kind: 'stop' }],
    ['destroy', { kind: 'destroy' }],
    ['oom', { kind: 'oom' }],
    ['restart', { kind: 'restart' }],
    ['kill', { kind: 'kill', signal: '15' }],
    ['health_status: unhealthy', { kind: 'health', healthStatus: 'unhealthy' }],
  ])('reads %s', (action, expected) => {
    expect(parseContainerEvent(dockerEvent(action, action === 'kill' ? { signal: '15' } : {}))).toMatchObject(expected);
  });

  it.each(['exec_start: sh', 'attach', 'resize', 'top', 'archive-path'])('ignores %s', (action) => {
    expect(parseContainerEvent(dockerEvent(action))).toBeUndefined();
  });

  it('ignores non-container events and junk', () => {
    expect(parseContainerEvent({ Type: 'image', Action: 'delete', Actor: { ID: 'sha256:1' } })).toBeUndefined();
    expect(parseContainerEvent({ Type: 'container', Action: 'start' })).toBeUndefined();
    expect(parseContainerEvent('start')).toBeUndefined();
    expect(parseContainerEvent(null)).toBeUndefined();
  });

  it('says -1 when a die event has no usable exit code', () => {
    expect(parseContainerEvent(dockerEvent('die'))).toMatchObject({ kind: 'die', exitCode: -1 });
  });
});

describe('eventMatches', () => {
  const die = parseContainerEvent(dockerEvent('die', { exitCode: '0' })) as ContainerEvent;
  it.each([
    [undefined, true],
    [{ kinds: ['die' as const] }, true],
    [{ kinds: ['start' as const] }, false],
    [{ containerIds: ['abc'] }, true],
    [{ containerIds: ['tempSensor'] }, true],
    [{ containerIds: ['zzz'] }, false],
    [{ labels: { 'gatehouse.test': 'run1' } }, true],
    [{ labels: { 'gatehouse.test': true as const } }, true],
    [{ labels: { 'gatehouse.test': 'run2' } }, false],
    [{ labels: { other: true as const } }, false],
  ])('%j → %s', (filter, expected) => {
    expect(eventMatches(die, filter)).toBe(expected);
  });
});

describe('rfc3339ToNanos', () => {
  it.each([
    ['1970-01-01T00:00:01Z', 1_000_000_000n],
    ['1970-01-01T00:00:01.5Z', 1_500_000_000n],
    ['1970-01-01T00:00:01.123456789Z', 1_123_456_789n],
    ['1970-01-01T01:00:01.000000001+01:00', 1_000_000_001n],
    ['1970-01-01T00:00:01.1234567891Z', 1_123_456_789n],
    ['yesterday', undefined],
  ])('%s → %s', (text, nanos) => {
    expect(rfc3339ToNanos(text)).toBe(nanos);
  });
});

describe('ReplayFilter', () => {
  const at = (kind: 'start' | 'stop', id: string, timeNano: string) =>
    ({ kind, id, name: id, image: '', labels: {}, time: 0, timeNano }) as ContainerEvent;

  it('accepts new events, drops replays of seen ones, and says where to resume', () => {
    const filter = new ReplayFilter();
    expect(filter.since).toBeUndefined();
    expect(filter.accept(at('start', 'a', '1000000000000000005'))).toBe(true);
    expect(filter.accept(at('start', 'b', '1000000000000000005'))).toBe(true); // same instant, other event
    expect(filter.since).toBe('1000000000.000000005');
    // After a re-subscription with `since`, Docker replays from that instant:
    expect(filter.accept(at('start', 'a', '1000000000000000005'))).toBe(false);
    expect(filter.accept(at('start', 'b', '1000000000000000005'))).toBe(false);
    expect(filter.accept(at('start', 'c', '1000000000000000004'))).toBe(false);
    expect(filter.accept(at('stop', 'a', '1000000000000000006'))).toBe(true);
  });

  it('starts from a floor (the engine time at connection) until an event is seen', () => {
    const filter = new ReplayFilter();
    filter.setFloor(2_000_000_000_000_000_000n);
    expect(filter.since).toBe('2000000000.000000000');
    expect(filter.accept(at('start', 'old', '1999999999000000000'))).toBe(false);
    expect(filter.accept(at('start', 'new', '2000000000000000001'))).toBe(true);
    filter.setFloor(1n); // ignored once events were seen
    expect(filter.since).toBe('2000000000.000000001');
  });
});
