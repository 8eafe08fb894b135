import { describe, expect, it } from 'vitest';
import type { Expr } from './ast';
import { parseCondition, parseQuery } from './parser';

/** A compact rendering of a condition tree, to compare parses in tables. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal': return JSON.stringify(e.value);
    case 'path': return e.segments.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.');
    case 'compare': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'in': return `(${show(e.operand)} ${e.negated ? 'NIN' : 'IN'} ${JSON.stringify(e.values)})`;
    case 'not': return `NOT ${show(e.operand)}`;
    case 'and': case 'or': return `(${e.operands.map(show).join(` ${e.kind.toUpperCase()} `)})`;
    case 'call': return `${e.name}(${e.args.map(show).join(', ')})`;
  }
}

describe('parseCondition: what operators write', () => {
  it.each([
    ['*', 'true'],
    ["tags.env='prod'", '(tags.env = "prod")'],
    ["tags.env='device100' or tags.iiot=true", '((tags.env = "device100") OR (tags.iiot = true))'],
    ["deviceId = 'TO_REPLACE_DEVICE_ID'", '(deviceId = "TO_REPLACE_DEVICE_ID")'],
    ["tags.building=9 and tags.environment='test'", '((tags.building = 9) AND (tags.environment = "test"))'],
    ['capabilities.iotEdge = true', '(capabilities.iotEdge = true)'],
    ["a = 1 AND b = 2 OR c = 3 AND NOT d = 4", '(((a = 1) AND (b = 2)) OR ((c = 3) AND NOT (d = 4)))'],
    ['a = 1 AND (b = 2 OR c = 3)', '((a = 1) AND ((b = 2) OR (c = 3)))'],
    ['x <> 1 and y != 2 and z < 3 and w > 4 and v <= 5 and u >= 6', '((x != 1) AND (y != 2) AND (z < 3) AND (w > 4) AND (v <= 5) AND (u >= 6))'],
    ["tags.site IN ['a', 'b', 1, true, null]", '(tags.site IN ["a","b",1,true,null])'],
    ["tags.site NIN ['a']", '(tags.site NIN ["a"])'],
    ['tags.site in []', '(tags.site IN [])'],
    ["'it''s' = \"say \"\"hi\"\"\"", '("it\'s" = "say \\"hi\\"")'],
    ['n = -1.5e3', '(n = -1500)'],
    ['properties.reported.$version > 2', '(properties.reported.$version > 2)'],
    ["tags['my-tag'][0] = 'x'", '(tags.my-tag.[0] = "x")'],
    ['tags.from = 1 AND tags.true = 2', '((tags.from = 1) AND (tags.true = 2))'],
    ['is_defined(tags.x) AND NOT Is_Null(tags.y)', '(IS_DEFINED(tags.x) AND NOT IS_NULL(tags.y))'],
    ["STARTSWITH(deviceId, 'e') OR ENDSWITH(deviceId, '1') OR CONTAINS(deviceId, 'x')", '(STARTSWITH(deviceId, "e") OR ENDSWITH(deviceId, "1") OR CONTAINS(deviceId, "x"))'],
    ["configurations.[[deploy-1:a]].status = 'Applied'", '(configurations.deploy-1:a.status = "Applied")'],
    ['TRUE', 'true'],
    ['((a = 1))', '(a = 1)'],
  ])('%s', (text, expected) => {
    const parsed = parseCondition(text);
    expect(parsed.ok ? show(parsed.value) : parsed.error.message).toBe(expected);
  });
});

describe('parseQuery', () => {
  it.each([
    ['SELECT * FROM devices', { source: 'devices', select: 'all' }],
    ['select * from Devices.Modules', { source: 'devices.modules', select: 'all' }],
    ['SELECT deviceId, tags.site, properties.reported.$version AS v FROM devices', {
      source: 'devices',
      select: [['field', 'deviceId', 'deviceId'], ['field', 'tags.site', 'site'], ['field', 'properties.reported.$version', 'v']],
    }],
    ['SELECT COUNT() AS numberOfDevices FROM devices', { source: 'devices', select: [['count', 'numberOfDevices']] }],
    ['SELECT COUNT() FROM devices', { source: 'devices', select: [['count', '$1']] }],
    ['SELECT TOP 5 * FROM devices', { source: 'devices', select: 'all', top: 5 }],
    ['SELECT properties.reported.telemetryConfig.status AS status, COUNT() AS numberOfDevices FROM devices GROUP BY properties.reported.telemetryConfig.status', {
      source: 'devices',
      select: [['field', 'properties.reported.telemetryConfig.status', 'status'], ['count', 'numberOfDevices']],
      groupBy: ['properties.reported.telemetryConfig.status'],
    }],
  ])('%s', (sql, expected) => {
    const parsed = parseQuery(sql);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const q = parsed.value;
    expect({
      source: q.source,
      select: q.select === 'all' ? 'all' : q.select.map((i) => (i.kind === 'count' ? ['count', i.alias] : ['field', i.path.segments.join('.'), i.alias])),
      ...(q.top === undefined ? {} : { top: q.top }),
      ...(q.groupBy === undefined ? {} : { groupBy: q.groupBy.map((g) => g.segments.join('.')) }),
    }).toEqual(expected);
  });

  it('keeps the WHERE condition', () => {
    const parsed = parseQuery("SELECT * FROM devices.modules WHERE deviceId='e1' AND moduleId='$edgeAgent'");
    expect(parsed.ok && parsed.value.where && show(parsed.value.where)).toBe('((deviceId = "e1") AND (moduleId = "$edgeAgent"))');
  });
});

describe('errors point at the offending token', () => {
  // [text, message, offset, length]; offsets are 0-based.
  it.each([
    ['SELECT * FRM devices', "expected FROM at 9, found 'FRM'", 9, 3],
    ['SELECT deviceId devices', "expected FROM at 16, found 'devices'", 16, 7],
    ['SELECT * FROM', 'expected devices or devices.modules at 13, found end of input', 13, 0],
    ['SELECT * FROM jobs', "unsupported collection 'jobs' at 14 (devices or devices.modules)", 14, 4],
    ['SELECT * FROM devices.jobs', "unsupported collection 'devices.jobs' at 14 (devices or devices.modules)", 14, 12],
    ['SELECT * FROM devices WHERE', 'expected a value, a property path or a function at 27, found end of input', 27, 0],
    ["SELECT * FROM devices WHERE tags.x = 'abc", 'unterminated string at 37', 37, 4],
    ['SELECT * FROM devices WHERE FOO(tags.x)', 'unknown function FOO at 28', 28, 3],
    ['SELECT * FROM devices WHERE IS_DEFINED(a, b)', 'IS_DEFINED takes 1 argument, found 2 at 28', 28, 16],
    ["SELECT * FROM devices WHERE STARTSWITH(a)", 'STARTSWITH takes 2 arguments, found 1 at 28', 28, 13],
    ['SELECT * FROM devices WHERE a = 1 garbage', "unexpected 'garbage' at 34", 34, 7],
    ['SELECT * FROM devices WHERE (a = 1', "expected ')' at 34, found end of input", 34, 0],
    ['SELECT * FROM devices WHERE a IN (1)', "expected '[' after IN at 33, found '('", 33, 1],
    ['SELECT * FROM devices WHERE a IN [b]', 'expected a string, number, true, false or null in the list at 34, found \'b\'', 34, 1],
    ['SELECT * FROM devices WHERE a IN [1 2]', "expected ',' or ']' in the list at 36, found '2'", 36, 1],
    ['SELECT * FROM devices WHERE a = 1 = 2', "unexpected '=' at 34", 34, 1],
    ['SELECT * FROM devices WHERE a # 1', "unexpected character '#' at 30", 30, 1],
    ['SELECT * FROM devices WHERE a = 12ab', "malformed number '12ab' at 32", 32, 4],
    ['SELECT * FROM devices WHERE tags. = 1', "expected a property name after '.' at 34, found '='", 34, 1],
    ['SELECT * FROM devices WHERE tags[x] = 1', "expected a quoted name or an index in '[ ]' at 33, found 'x'", 33, 1],
    ['SELECT * FROM devices WHERE select = 1', "expected a value, a property path or a function at 28, found 'select'", 28, 6],
    ['SELECT COUNT(x) FROM devices', "expected ')' (COUNT takes no argument) at 13, found 'x'", 13, 1],
    ['SELECT COUNT() AS n, deviceId FROM devices', 'properties next to COUNT() need GROUP BY at 21', 21, 8],
    ['SELECT deviceId, COUNT() AS n FROM devices GROUP BY tags.site', 'deviceId is not in GROUP BY at 7', 7, 8],
    ['SELECT * FROM devices GROUP BY tags.site', 'SELECT * cannot be grouped at 22: select the grouped properties and COUNT()', 22, 5],
    ['SELECT deviceId AS FROM devices', "expected a name after AS at 19, found 'FROM'", 19, 4],
    ['SELECT TOP x * FROM devices', "expected a whole number after TOP at 11, found 'x'", 11, 1],
    ['', "expected SELECT at 0, found end of input", 0, 0],
    ['DELETE FROM devices', "expected SELECT at 0, found 'DELETE'", 0, 6],
  ])('%s', (sql, message, offset, length) => {
    const parsed = parseQuery(sql);
    expect(parsed.ok ? 'parsed' : parsed.error).toEqual({ message, offset, length });
  });

  it.each([
    ['', 'expected a value, a property path or a function at 0, found end of input', 0, 0],
    ['* AND a = 1', "expected a value, a property path or a function at 0, found '*'", 0, 1],
    ["tags.env = 'x' tags.y = 1", "unexpected 'tags' at 15", 15, 4],
    ['tags.env = "open', 'unterminated string at 11', 11, 5],
    ["configurations.[[d1].status = 'Applied'", 'unterminated [[name]] at 15', 15, 24],
    ['[[d1]] = 1', "expected a value, a property path or a function at 0, found '[[d1]]'", 0, 6],
  ])('condition %j', (text, message, offset, length) => {
    const parsed = parseCondition(text);
    expect(parsed.ok ? 'parsed' : parsed.error).toEqual({ message, offset, length });
  });
});
