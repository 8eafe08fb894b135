/**
 * `$body.` queries. The message and the expected results mirror edgeHub's BodyQueryTest / BodyQueryI18NTest;
 * the rest pins down encodings, content types, dates, paths and the application-property precedence.
 */
import { describe, expect, it } from 'vitest';
import { evalCondition, F, jsonMessage as message, runCases, T, U, utf8 } from './condition-cases.test-util';
import { compileCondition, createMessageContext, evaluateCondition, type RouteMessage } from './index';

const WEATHER = {
  message: {
    Weather: {
      Temperature: 50, FreezingTemperature: -50.4, PreciseTemperature: 50.4, Temperature_PropertyConflict: 50,
      NullValue: null, Time: '2017-03-09T00:00:00.000Z', PrevTemperatures: [20, 30, 40], IsEnabled: true, IsDisabled: false,
      Location: { Street: 'One Microsoft Way', City: 'Redmond', State: 'WA' },
      HistoricalData: [{ Month: 'Feb', Temperature: 40 }, { Month: 'Jan', Temperature: 30 }],
    },
  },
};

const M1 = message(
  utf8(JSON.stringify(WEATHER)),
  { State: 'CA', '$body.message.Weather.Location.State': 'CA' },
  { City: 'Redmond', $State: 'WA', '$body.message.Weather.Temperature_PropertyConflict': '100', IntegerProperty: '110' },
);

describe('$body queries (edgeHub BodyQueryTest)', () => {
  runCases('true', [
    ['50 >= $body.message.Weather.Temperature', T], ['$BODY.message.Weather.Temperature >= 50', T],
    ['$bODy.message.Weather.Temperature <= 50', T], ['$BoDY.message.Weather.Temperature != 60', T],
    ['$body.message.Weather.Temperature = 40 + 10', T],
    ['$body.message.Weather.Temperature >= $body.message.Weather.PrevTemperatures[0] + $body.message.Weather.PrevTemperatures[1]', T],
    ['$body.message.Weather.PrevTemperatures[1] / $body.message.Weather.PrevTemperatures[0] = 1.5', T],
    ['$body.message.Weather.HistoricalData[0].Temperature - 10 = $body.message.Weather.HistoricalData[1].Temperature', T],
    ["$body.message.Weather.HistoricalData[0].Month = 'Feb'", T], ['$body.message.Weather.Location.City = City', T],
    ['$body.message.Weather.Location.State = $State', T], ['$body.message.Weather.IsEnabled', T],
    ['NOT $body.message.Weather.IsDisabled', T], ["$body.message.Weather.InvalidKey <> '100'", T],
    ['$body.message.Weather.IsDisabled OR NOT($body.message.Weather.IsDisabled)', T],
    ["$body.message.Weather.Temperature_PropertyConflict = '100'", T], ['{$body.message.Weather.Temperature_PropertyConflict} <> 100', T],
    ["$body.message.Weather.Location.State = 'WA'", T], ["{$body.message.Weather.Location.State} <> 'CA'", T],
    ['$body.message.Weather.NullValue = null', T], ['$body.message.Temperature = null', T],
    ['$body.message.Weather.Temperature != null', T], ['NOT ($body.message.Weather.InvalidProperty != null)', T],
    ['abs($body.message.Weather.FreezingTemperature) = 50.4', T], ['ceiling(as_number($body.message.Weather.PreciseTemperature)) = 51', T],
    ["concat($body.message.Weather.Location.Street, ', ', $body.message.Weather.Location.City) = 'One Microsoft Way, Redmond'", T],
    ['exp(($body.message.Weather.Temperature - 49)) < ($body.message.Weather.Temperature - 47)', T],
    ["index_of($body.message.Weather.Location.Street, 'Way') > 6", T], ['is_null($body.message.Weather.NullValue)', T],
    ['power($body.message.Weather.Temperature, length($body.message.Weather.Location.State)) = square($body.message.Weather.Temperature)', T],
    ["substring($body.message.Weather.Location.Street, 4, length('Microsoft')) = 'Microsoft'", T],
    ["upper($body.message.Weather.Location.Street) = 'ONE MICROSOFT WAY'", T], ['sign($body.message.Weather.FreezingTemperature) = -1', T],
  ], M1);
  runCases('false', [
    ['10 >= $body.message.Weather.Temperature', F], ["$body.message.Weather.Temperature = '50'", F],
    ['$body.message.Weather.Temperature <> 40 + 10', F], ['$body.message.Weather.PrevTemperatures[1] / $body.message.Weather.PrevTemperatures[0] = 3/3', F],
    ["$body.message.Weather.Temperature ='100'", F], ['$body.message.Weather.Location.State = City', F],
    ['$body.message.Weather.Location.State = $body.message.Weather.Location.City', F],
  ], M1);
  runCases('undefined', [
    ['$body', U], ['$body.message.Weather.HistoricalData[0].Temperature.InvalidKey', U],
    ['$City <> $body.message.Weather.InvalidKey', U],
    // Newtonsoft reads ISO dates as Date tokens and objects are not values: both are Undefined
    ["$body.message.Weather.Time <> '100'", U], ['$body.message.Weather <> null', U],
    ['$body.message.Weather.PrevTemperatures = null', U],
  ], M1);

  it('does not compile invalid paths or operators query values lack', () => {
    for (const condition of ['$body.properties[]', '$body.properties[1:2]', '$body;@', '$body. = 1', '$body.a.0 = 1', '- $body.a = 1', '$body.a % 2 = 0', 'true AND $body.a']) {
      expect(compileCondition(condition).ok, condition).toBe(false);
    }
    for (const condition of ['$body.a[0][1] = 1', '$body.* = 1', '$body.$.a = 1', '$body.a AND true', '$body.a * 2 = 4', 'is_null($body.a)']) {
      expect(compileCondition(condition).ok, condition).toBe(true);
    }
  });

  it('handles internationalized keys (BodyQueryI18NTest)', () => {
    const m = message(utf8(JSON.stringify({ 'Welcome!': { he: 'ברוכים הבאים!' }, "I'mnotusingspaces%1": { es: 'Estoy usando %1' } })));
    expect(evalCondition("$body.Welcome!.he = 'ברוכים הבאים!'", m)).toBe(true);
    expect(evalCondition("$body.I'mnotusingspaces%1.es = 'Estoy usando %1'", m)).toBe(true);
    expect(evalCondition("$body.Welcome!.I'mnotusingspaces%1.es = 'Estoy usando %1'", m)).toBe(false);
    expect(compileCondition("$body.Welcome!['I'm using spaces %1'] = 'x'").ok).toBe(false);
  });
});

describe('$body decoding', () => {
  const json = JSON.stringify({ t: 21.5, s: 'é' });
  const utf16 = new Uint8Array([...json].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]));
  const utf32 = new Uint8Array([...json].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8, 0, 0]));
  it.each([
    ['utf-8 bytes', message(utf8(json)), T],
    ['utf-16 bytes', message(utf16, { contentEncoding: 'utf-16' }), T],
    ['utf-32 bytes', message(utf32, { contentEncoding: 'UTF-32' }), T],
    ['a string body', message(json), T],
    ['utf-16 bytes declared as utf-8', message(utf16), U],
    ['an unsupported encoding', message(utf8(json), { contentEncoding: 'gzip' }), U],
    ['no content encoding', { ...message(utf8(json)), systemProperties: { contentType: 'application/json' } }, U],
    ['a content type with parameters', message(utf8(json), { contentType: 'application/json; charset=utf-8' }), U],
    ['a content type in other case', message(utf8(json), { contentType: 'Application/JSON' }), T],
    ['a JSON array body', message(utf8('[{"t":21.5}]')), U],
    ['invalid JSON', message(utf8('{"t": 21.5')), U],
  ] as const)('%s', (_, m, expected) => {
    expect(evalCondition("$body.t = 21.5 AND $body.s = 'é'", m)).toBe(expected);
  });

  it('parses the body once per message context, and only when a route reads it', () => {
    let reads = 0;
    const m: RouteMessage = { ...message(''), get body() { reads++; return utf8('{"a":1}'); } };
    const ctx = createMessageContext(m);
    const c = compileCondition('$body.a = 1');
    const plain = compileCondition("$contentType = 'application/json'");
    if (!c.ok || !plain.ok) throw new Error('compile');
    expect(evaluateCondition(plain.value, ctx)).toBe(true);
    expect(reads).toBe(0);
    for (let i = 0; i < 5; i++) expect(evaluateCondition(c.value, ctx)).toBe(true);
    expect(reads).toBe(1);
  });
});
