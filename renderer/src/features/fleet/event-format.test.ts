import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../../../shared/ipc/cloud.contract';
import { eventAsJson, eventRowModel, filterRows, formatBody, localTime, pausedCount, rowModels } from './event-format';

const event = (patch: Partial<TelemetryEvent> = {}): TelemetryEvent => ({
  deviceId: 'gw-1',
  enqueuedTimeUtc: '2026-12-03T10:15:30.042Z',
  systemProperties: {},
  properties: {},
  body: '{"temperature":21.5,"humidity":40}',
  bodyEncoding: 'utf8',
  bodyBytes: 34,
  ...patch,
});

describe('formatBody', () => {
  it.each([
    ['JSON object, pretty-printed', { body: '{"a":1,"b":[1,2]}', bodyEncoding: 'utf8' as const }, { text: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}', kind: 'json' }],
    ['JSON array', { body: ' [1]', bodyEncoding: 'utf8' as const }, { text: '[\n  1\n]', kind: 'json' }],
    ['broken JSON stays text', { body: '{"a":', bodyEncoding: 'utf8' as const }, { text: '{"a":', kind: 'text' }],
    ['plain text', { body: 'hello 42', bodyEncoding: 'utf8' as const }, { text: 'hello 42', kind: 'text' }],
    ['a bare number is text as sent', { body: '42', bodyEncoding: 'utf8' as const }, { text: '42', kind: 'text' }],
    ['not UTF-8', { body: '/w==', bodyEncoding: 'base64' as const }, { text: '/w==', kind: 'base64' }],
  ])('%s', (_name, input, expected) => {
    expect(formatBody(input)).toEqual(expected);
  });
});

describe('eventRowModel', () => {
  it('reads time, source, output and body once', () => {
    const e = event({ moduleId: 'tempSensor', systemProperties: { on: 'temperatureOutput', mid: 'm-1' }, properties: { alert: 'high' } });
    const row = eventRowModel({ seq: 7, value: e });
    const d = new Date(e.enqueuedTimeUtc);
    expect(row).toMatchObject({ seq: 7, source: 'gw-1/tempSensor', output: 'temperatureOutput', bodyKind: 'json' });
    expect(row.time).toBe(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:30.042`);
    expect(row.timeTitle).toContain('2026-12-03T10:15:30.042Z');
    expect(row.body).toContain('"temperature": 21.5');
  });

  it('has no output without systemProperties.on', () => {
    expect(eventRowModel({ seq: 1, value: event() }).output).toBeUndefined();
  });

  it('shows an unreadable time as it came', () => {
    expect(localTime('yesterday')).toBe('yesterday');
  });

  it('reads each message once across samples', () => {
    const item = { seq: 1, value: event() };
    const [first] = rowModels([item]);
    const [again] = rowModels([{ seq: 2, value: event() }, item]).slice(1);
    expect(again).toBe(first);
  });
});

describe('filterRows', () => {
  const rows = rowModels([
    { seq: 3, value: event({ body: 'plain', properties: { alert: 'HIGH' } }) },
    { seq: 2, value: event({ deviceId: 'sensor-9', systemProperties: { on: 'out2' } }) },
    { seq: 1, value: event() },
  ]);
  it.each([
    ['', [3, 2, 1]],
    ['   ', [3, 2, 1]],
    ['high', [3]], // application property value, any case
    ['ALERT', [3]], // property name
    ['temperature', [2, 1]], // body
    ['out2', [2]], // system property
    ['sensor-9', [2]], // device
    ['nothing-like-this', []],
  ])('%j keeps %j', (filter, seqs) => {
    expect(filterRows(rows, filter).map((r) => r.seq)).toEqual(seqs);
  });
});

describe('eventAsJson', () => {
  it("is az iot hub monitor-events' shape with the payload parsed", () => {
    const e = event({ moduleId: 'm', systemProperties: { on: 'o' }, properties: { k: 'v' } });
    expect(eventAsJson(e)).toEqual({
      event: {
        origin: 'gw-1',
        module: 'm',
        interface: '',
        component: '',
        payload: { temperature: 21.5, humidity: 40 },
        annotations: { 'iothub-connection-device-id': 'gw-1', 'iothub-connection-module-id': 'm', 'iothub-enqueuedtime': '2026-12-03T10:15:30.042Z' },
        properties: { system: { on: 'o' }, application: { k: 'v' } },
      },
    });
  });

  it('keeps a text body as text and says when it was cut', () => {
    const json = eventAsJson(event({ body: 'abc', bodyBytes: 70_000, truncated: true }));
    expect(json.event.payload).toBe('abc');
    expect(json.event.truncated).toMatch(/70000 bytes/);
  });
});

it('pausedCount says how many arrived', () => {
  expect(pausedCount(0)).toBe('Paused: nothing new yet');
  expect(pausedCount(1)).toBe('Paused: 1 new message');
  expect(pausedCount(2500)).toMatch(/^Paused: 2.500 new messages$/);
});
