import { describe, expect, it } from 'vitest';
import { EventHubsLog, parseStartSelector, partitionOf } from './eventhubs-log';

const message = (text: string) => ({ body: Buffer.from(text), systemProperties: {}, properties: {} });

describe('parseStartSelector', () => {
  it.each([
    ["amqp.annotation.x-opt-offset > '@latest'", { kind: 'latest' }],
    ["amqp.annotation.x-opt-offset > '-1'", { kind: 'earliest' }],
    ["amqp.annotation.x-opt-offset >= '256'", { kind: 'offset', value: 256, inclusive: true }],
    ["amqp.annotation.x-opt-sequence-number > '7'", { kind: 'sequence', value: 7, inclusive: false }],
    ["amqp.annotation.x-opt-enqueued-time > '1700000000000'", { kind: 'enqueued', afterMs: 1_700_000_000_000 }],
  ])('%s', (expression, expected) => expect(parseStartSelector(expression)).toEqual(expected));

  it.each(["amqp.annotation.x-opt-offset > 'abc'", 'x-opt-offset > 1', "amqp.annotation.x-opt-partition-key = 'a'"])('refuses %s', (expression) => {
    expect(parseStartSelector(expression)).toBeUndefined();
  });
});

describe('EventHubsLog', () => {
  it('maps a device to one stable partition and numbers its events from 0 with growing offsets', () => {
    const log = new EventHubsLog(4, 10);
    const a = log.append({ deviceId: 'd1' }, message('a'));
    const b = log.append({ deviceId: 'd1' }, message('bb'));
    expect(a.partitionId).toBe(String(partitionOf('d1', 4)));
    expect([a.sequenceNumber, b.sequenceNumber]).toEqual([0, 1]);
    expect(b.offset).toBeGreaterThan(a.offset);
    expect(log.info(a.partitionId)).toMatchObject({ beginSequenceNumber: 0, lastSequenceNumber: 1, lastOffset: String(b.offset), isEmpty: false });
  });

  it('keeps only the last N events per partition; earliest starts at the first kept one', () => {
    const log = new EventHubsLog(1, 3);
    for (let i = 0; i < 5; i += 1) log.append({ deviceId: 'd' }, message(`m${i}`));
    expect(log.read('0', 0, 10).map((e) => e.sequenceNumber)).toEqual([2, 3, 4]);
    expect(log.firstSequence('0', { kind: 'earliest' })).toBe(2);
    expect(log.firstSequence('0', { kind: 'latest' })).toBe(5);
    expect(log.firstSequence('0', { kind: 'sequence', value: 3, inclusive: false })).toBe(4);
    expect(log.info('0')).toMatchObject({ beginSequenceNumber: 2, lastSequenceNumber: 4 });
  });

  it('finds the start by offset and by enqueued time', () => {
    let now = 1000;
    const log = new EventHubsLog(1, 10, () => new Date(now));
    const first = log.append({ deviceId: 'd' }, message('x'));
    now = 2000;
    log.append({ deviceId: 'd' }, message('y'));
    expect(log.firstSequence('0', { kind: 'offset', value: first.offset, inclusive: true })).toBe(0);
    expect(log.firstSequence('0', { kind: 'offset', value: first.offset, inclusive: false })).toBe(1);
    expect(log.firstSequence('0', { kind: 'enqueued', afterMs: 1500 })).toBe(1);
  });
});
