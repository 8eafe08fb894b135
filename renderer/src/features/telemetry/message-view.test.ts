import { describe, expect, it } from 'vitest';
import type { TappedMessage } from '../../../../shared/ipc/edgehub.contract';
import { filterMessages, messageAsJson, messageSources, prettyBody, shownFields } from './message-view';

const m = (id: number, extra: Partial<TappedMessage>): { seq: number; value: TappedMessage } => ({
  seq: id,
  value: {
    id,
    at: '2026-12-03T12:00:00.000Z',
    deviceId: 'gw',
    routes: [],
    endpoints: ['$upstream'],
    systemProperties: { 'content-type': 'application/json' },
    properties: {},
    body: '{}',
    bodyEncoding: 'utf8',
    bodyBytes: 2,
    ...extra,
  },
});

const items = [
  m(3, { moduleId: 'filter', output: 'output1', body: '{"machine":{"temperature":31}}', properties: { alert: 'true' } }),
  m(2, { moduleId: 'sensor', output: 'temperatureOutput', body: '{"machine":{"temperature":21}}' }),
  m(1, { body: 'hello from a leaf', deviceId: 'leaf-1' }),
];

describe('filterMessages', () => {
  it('keeps one source', () => {
    expect(filterMessages(items, { source: 'sensor/temperatureOutput', text: '' }).map((i) => i.seq)).toEqual([2]);
    expect(filterMessages(items, { source: 'leaf-1', text: '' }).map((i) => i.seq)).toEqual([1]);
  });

  it('finds text in the body and in the properties, any case', () => {
    expect(filterMessages(items, { source: undefined, text: 'ALERT=true' }).map((i) => i.seq)).toEqual([3]);
    expect(filterMessages(items, { source: undefined, text: 'temperature' }).map((i) => i.seq)).toEqual([3, 2]);
    expect(filterMessages(items, { source: 'filter/output1', text: 'leaf' })).toEqual([]);
  });

  it('gives the same list back when nothing filters', () => {
    expect(filterMessages(items, { source: undefined, text: '  ' })).toBe(items);
  });

  it('lists the sources seen', () => {
    expect(messageSources(items)).toEqual(['filter/output1', 'leaf-1', 'sensor/temperatureOutput']);
  });
});

describe('prettyBody and messageAsJson', () => {
  it('pretty-prints JSON and leaves text and base64 as they are', () => {
    expect(prettyBody({ body: '{"a":1}', bodyEncoding: 'utf8' })).toEqual({ text: '{\n  "a": 1\n}', kind: 'json' });
    expect(prettyBody({ body: '{"a":', bodyEncoding: 'utf8' }).kind).toBe('text');
    expect(prettyBody({ body: 'AAE=', bodyEncoding: 'base64' }).kind).toBe('base64');
  });

  it('copies a JSON body as JSON, with the properties and routes', () => {
    const copied = JSON.parse(messageAsJson(items[0]!.value)) as Record<string, unknown>;
    expect(copied.body).toEqual({ machine: { temperature: 31 } });
    expect(copied.properties).toEqual({ alert: 'true' });
    expect(copied.moduleId).toBe('filter');
    expect(JSON.parse(messageAsJson(items[2]!.value)).body).toBe('hello from a leaf');
  });
});

describe('shownFields', () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  it('shows the first four fields until the user says otherwise', () => {
    expect(shownFields(keys, {})).toEqual(['a', 'b', 'c', 'd']);
    expect(shownFields(keys, { b: false, f: true })).toEqual(['a', 'c', 'd', 'f']);
  });
});
