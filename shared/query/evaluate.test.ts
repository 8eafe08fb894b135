import { describe, expect, it } from 'vitest';
import { matchesCondition } from './evaluate';
import { parseCondition } from './parser';

/** A device twin as §2.6 of HUB-CONTRACTS.md shapes it. */
const twin = {
  deviceId: 'e1',
  status: 'enabled',
  connectionState: 'Connected',
  lastActivityTime: '2026-01-02T03:04:05Z',
  capabilities: { iotEdge: true },
  deviceScope: 'ms-azure-iot-edge://e1-637',
  configurations: { 'deploy-1': { status: 'Applied' } },
  tags: { env: 'prod', building: 9, floor: '9', iiot: true, owner: null, site: { name: 'north', lines: [1, 2] }, 'my-tag': 'dash', empty: {} },
  properties: {
    desired: { $version: 4, telemetry: { period: 30 } },
    reported: { $version: 7, lastDesiredStatus: { code: 200 }, list: ['a', 'b'] },
  },
};

/** `doc` is explicit (no default), so that `undefined` is tested as a document too. */
function matchesDoc(condition: string, doc: unknown): boolean {
  const parsed = parseCondition(condition);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return matchesCondition(parsed.value, doc);
}
const matches = (condition: string): boolean => matchesDoc(condition, twin);

describe('matchesCondition', () => {
  it.each([
    ['*', true],
    ["tags.env='prod'", true],
    ["tags.env='dev'", false],
    ["tags.env='device100' or tags.iiot=true", true],
    ["deviceId = 'e1' AND capabilities.iotEdge = true", true],
    ["status = 'enabled' AND connectionState = 'Connected'", true],
    ["STARTSWITH(deviceScope, 'ms-azure-iot-edge://')", true],
    ["lastActivityTime > '2026-01-01'", true],
    // comparisons only between the same JSON types
    ['tags.building = 9', true],
    ["tags.building = '9'", false],
    ['tags.floor = 9', false],
    ["tags.building != '9'", false],
    ['tags.building != 8', true],
    ['tags.building <> 9', false],
    ['tags.building >= 9 AND tags.building <= 9 AND tags.building < 10 AND tags.building > 8', true],
    ["tags.env < 'q' AND tags.env > 'p'", true],
    ['tags.iiot > false', false],
    ['tags.owner = null', true],
    ['tags.owner != null', false],
    ['tags.site = tags.site', true],
    ['tags.site.lines = tags.site.lines', true],
    ['tags.empty = tags.site', false],
    // a missing path compares false, and so does its negation
    ["tags.missing = 'x'", false],
    ["tags.missing != 'x'", false],
    ["NOT tags.missing = 'x'", false],
    ['NOT IS_DEFINED(tags.missing)', true],
    ['tags.missing = null', false],
    ['tags.missing IN [1]', false],
    ['tags.missing NIN [1]', false],
    ["tags.missing = 'x' OR tags.env = 'prod'", true],
    ["tags.missing = 'x' AND tags.env = 'dev'", false],
    ["NOT (tags.missing = 'x' AND tags.env = 'dev')", true],
    ["NOT (tags.missing = 'x' OR tags.env = 'dev')", false],
    ['NOT NOT tags.iiot = true', true],
    // IN / NIN compare by type too
    ["tags.env IN ['dev', 'prod']", true],
    ["tags.env NIN ['dev', 'prod']", false],
    ["tags.building IN ['9']", false],
    ["tags.building NIN ['9']", true],
    ['tags.owner IN [null]', true],
    ['tags.env IN []', false],
    // functions
    ['IS_DEFINED(tags.owner)', true],
    ['IS_NULL(tags.owner)', true],
    ['IS_NULL(tags.missing)', false],
    ['IS_STRING(tags.env) AND IS_NUMBER(tags.building) AND IS_BOOL(tags.iiot) AND IS_OBJECT(tags.site)', true],
    ['IS_OBJECT(tags.site.lines)', false],
    ['IS_ARRAY(tags.site.lines) AND IS_PRIMITIVE(tags.owner)', true],
    ['IS_PRIMITIVE(tags.site)', false],
    ["ENDSWITH(deviceId, '1') AND CONTAINS(tags.site.name, 'ort')", true],
    ["CONTAINS(tags.building, '9')", false],
    ["NOT CONTAINS(tags.building, '9')", false],
    // paths: $-prefixed and bracketed segments, array indexes
    ['properties.reported.$version = 7 AND properties.desired.$version = 4', true],
    ['properties.reported.lastDesiredStatus.code = 200', true],
    ["tags['my-tag'] = 'dash'", true],
    ["properties.reported.list[1] = 'b'", true],
    ['properties.reported.list[2] = null', false],
    ["tags.site['name'] = 'north'", true],
    ["configurations.[[deploy-1]].status = 'Applied'", true],
    ["configurations.[[deploy-2]].status = 'Applied'", false],
    // bare values: only `true` matches
    ['capabilities.iotEdge', true],
    ['tags.env', false],
    ['false', false],
    // keywords are case-insensitive
    ["tags.env = 'prod' aNd NoT tags.iiot = false", true],
  ])('%s → %s', (condition, expected) => {
    expect(matches(condition)).toBe(expected);
  });

  it.each([
    ['__proto__', "IS_DEFINED(tags.__proto__)"],
    ['constructor', 'IS_DEFINED(tags.constructor)'],
    ['toString', 'IS_DEFINED(tags.toString)'],
    ['length of a string', 'IS_DEFINED(deviceId.length)'],
  ])('inherited members are not properties (%s)', (_, condition) => {
    expect(matches(condition)).toBe(false);
  });

  it.each([null, undefined, 42, 'text', [1, 2]])('non-object document %j matches only conditions that need no property', (doc) => {
    expect(matchesDoc("deviceId = 'e1'", doc)).toBe(false);
    expect(matchesDoc('*', doc)).toBe(true);
    expect(matchesDoc('NOT IS_DEFINED(deviceId)', doc)).toBe(true);
  });
});
