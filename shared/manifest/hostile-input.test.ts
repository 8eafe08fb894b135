/**
 * The validator under hostile input (issue 9, part 8): the shapes a fuzzer found, generated here rather
 * than stored. Each must give a verdict (no throw), located where the problem is.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DIAGNOSTICS } from './diagnostic-cap.js';
import { JsonDocument } from './json-document.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { parseLenientJson } from './lenient-json.js';
import { codes, find, HUB, manifest, module } from './manifest.test-util.js';
import { validateManifest } from './validate-manifest.js';

/** A valid deployment whose module twin `sensor` holds `deep` (as raw JSON text) in its desired properties. */
function withDeepValue(raw: string): string {
  const text = JSON.stringify(manifest({ twins: { sensor: { 'properties.desired': { deep: 'X' } } } }), null, 2);
  return text.replace('"X"', raw);
}

/** Offset of the n-th (1-based) occurrence of `needle` in `text`. */
function nthIndex(text: string, needle: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) at = text.indexOf(needle, at + 1);
  return at;
}

/** Offset in `text` (which holds `value` as one JSON string) of the decoded character `index` of `value`. */
function sourceOffsetInString(text: string, value: string, index: number): number {
  return text.indexOf(JSON.stringify(value)) + 1 + JSON.stringify(value.slice(0, index)).length - 2;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

describe('deep nesting', () => {
  it.each([
    ['1,600 nested arrays', '['.repeat(1600) + ']'.repeat(1600), '['],
    ['2,800 nested objects', '{"a":'.repeat(2800) + '1' + '}'.repeat(2800), '{'],
    ['100,000 unclosed arrays', '['.repeat(100_000), '['],
  ])('%s: reported at the first too-deep bracket, nothing deeper is read', (_, raw, bracket) => {
    const text = withDeepValue(raw);
    const report = validateManifest(text, { fileName: 'deployment.json' });
    expect(report.ok).toBe(false);
    const deep = report.diagnostics.filter((d) => d.code === 'GH1007');
    expect(deep).toHaveLength(1);
    // The document nests four objects (root, modulesContent, sensor, properties.desired) before `deep`.
    const rawStart = text.indexOf('"deep": ') + '"deep": '.length;
    const expected = rawStart + nthIndex(raw, bracket, MAX_JSON_DEPTH + 1 - 4);
    expect(deep[0]).toMatchObject({ severity: 'error', ...positionOf(text, expected), pointer: expect.stringMatching(/^\/modulesContent\/sensor\/properties\.desired\/deep\//) });
    expect(text[expected]).toBe(bracket);
  });

  it('a whole file of 100,000 opening brackets gets a verdict', () => {
    for (const text of ['['.repeat(100_000), '{"a":'.repeat(100_000)]) {
      const report = validateManifest(text);
      expect(report.ok).toBe(false);
      expect(find(report, 'GH1007')).toMatchObject({ line: 1, column: text.indexOf('a') < 0 ? MAX_JSON_DEPTH + 1 : 5 * MAX_JSON_DEPTH + 1 });
    }
  });

  it('allows exactly the limit', () => {
    const atLimit = JsonDocument.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH));
    expect(atLimit.syntax).toEqual([]);
    const over = JsonDocument.parse('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1));
    expect(over.syntax).toEqual([expect.objectContaining({ kind: 'too-deep', offset: MAX_JSON_DEPTH })]);
  });

  it('keeps checking the rest of the file, with offsets unchanged', () => {
    const text = withDeepValue(`${'['.repeat(200)}"a.b"${']'.repeat(200)}`).replace('"sensorToUpstream"', '"sensorToUpstream" /* note */');
    const report = validateManifest(text, { fileName: 'deployment.json' });
    const comment = find(report, 'GH1002');
    expect(comment).toMatchObject(positionOf(text, text.indexOf('/* note */')));
    expect(codes(report)).toContain('GH1007');
    // The deep container reads as empty: its value is an array, nothing below the limit.
    const doc = JsonDocument.parse(text);
    let value: unknown = (doc.value as { modulesContent: { sensor: { 'properties.desired': { deep: unknown } } } }).modulesContent.sensor['properties.desired'].deep;
    let depth = 0;
    while (Array.isArray(value) && value.length > 0) {
      value = value[0];
      depth++;
    }
    expect(Array.isArray(value)).toBe(true);
    expect(depth + 5).toBe(MAX_JSON_DEPTH + 1);
  });

  it('a bracket inside a string or a comment does not count', () => {
    const doc = JsonDocument.parse(`{"a": "${'['.repeat(500)}" /* ${'{'.repeat(500)} */}`);
    expect(doc.syntax.map((s) => s.kind)).toEqual(['comment']);
  });

  it('mismatched closing brackets cannot hide depth from the parser', () => {
    // `}` does not close an array for jsonc-parser; the limit must not count it either.
    const text = '['.repeat(40) + '}'.repeat(40) + '['.repeat(40);
    const report = validateManifest(text);
    expect(find(report, 'GH1007')).toMatchObject({ column: 40 + 40 + (MAX_JSON_DEPTH - 40) + 1 });
  });
});

describe('createOptions nested deep', () => {
  it.each([
    ['objects', '{"a":'.repeat(3600) + '1' + '}'.repeat(3600)],
    ['arrays', '{"a":' + '['.repeat(3600) + ']'.repeat(3600) + '}'],
    ['lenient (single quotes)', "{'a':".repeat(3600) + '1' + '}'.repeat(3600)],
  ])('%s: refused like Newtonsoft, located at the first too-deep bracket inside the string', (_, createOptions) => {
    const text = JSON.stringify(manifest({ modules: { sensor: module({}, { createOptions }) } }), null, 2);
    const report = validateManifest(text, { fileName: 'deployment.template.json' });
    const error = find(report, 'GH3040');
    expect(error?.message).toMatch(/nested more than 64 levels/i);
    const inString = nthIndex(createOptions, createOptions.includes('[') ? '[' : '{', createOptions.includes('[') ? MAX_JSON_DEPTH : MAX_JSON_DEPTH + 1);
    expect(error).toMatchObject(positionOf(text, sourceOffsetInString(text, createOptions, inString)));
  });

  it('the lenient reader stops at the same depth as the strict path', () => {
    expect(parseLenientJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toMatchObject({ ok: true, strict: true });
    expect(parseLenientJson(`${'['.repeat(MAX_JSON_DEPTH)}1,${']'.repeat(MAX_JSON_DEPTH)}`)).toMatchObject({ ok: true, strict: false });
    expect(parseLenientJson('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, offset: MAX_JSON_DEPTH });
    expect(parseLenientJson(`${'['.repeat(MAX_JSON_DEPTH + 1)}1,${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toMatchObject({ ok: false, offset: MAX_JSON_DEPTH });
  });
});

describe('many diagnostics', () => {
  function undeployedRoutes(count: number): Record<string, string> {
    const routes: Record<string, string> = {};
    for (let i = 0; i < count; i++) routes[`r${i}`] = `FROM /messages/modules/ghost${i}/outputs/* INTO BrokeredEndpoint("/modules/phantom${i}/inputs/in")`;
    return routes;
  }

  it('16,000 routes naming undeployed modules: the first 1000 by position, then a note with what was left out', () => {
    const text = JSON.stringify(manifest({ routes: undeployedRoutes(16_000) }), null, 2);
    const report = validateManifest(text, { fileName: 'deployment.json' });
    expect(report.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    const note = report.diagnostics[MAX_DIAGNOSTICS];
    // 32,000 route warnings plus one error (the $edgeHub twin is over 32 KB), 1000 listed.
    expect(note).toMatchObject({ code: 'GH1008', severity: 'info', message: expect.stringMatching(/^31001 more diagnostics .*\(31001 warnings\)/) });
    const lines = report.diagnostics.map((d) => d.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    // Still located exactly: the first route's source module inside its string.
    const first = report.diagnostics.find((d) => d.code === 'GH4006');
    expect(first).toMatchObject({ pointer: `${HUB}/routes/r0`, ...positionOf(text, text.indexOf('ghost0/')) });
    const last = report.diagnostics[MAX_DIAGNOSTICS - 1];
    expect(last?.pointer).toMatch(/\/routes\/r\d+$/);
    const index = Number(last?.pointer.split('/r').pop());
    const needle = last?.code === 'GH4006' ? `ghost${index}/` : `phantom${index}/`;
    expect(last).toMatchObject(positionOf(text, text.indexOf(needle)));
  });

  it('ok stays false when the only errors are among those left out', () => {
    const value = manifest({ routes: undeployedRoutes(600), twins: { sensor: { 'properties.desired': { 'bad.key': 1 } } } });
    const report = validateManifest(JSON.stringify(value, null, 2), { fileName: 'deployment.template.json' });
    expect(report.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(false);
    expect(report.diagnostics[MAX_DIAGNOSTICS]?.message).toMatch(/\(1 error, \d+ warnings?\)/);
  });

  it('200,000 comments: capped, each kept one located', () => {
    const text = JSON.stringify(manifest(), null, 2).replace('"modulesContent"', `${'/**/'.repeat(200_000)}"modulesContent"`);
    const report = validateManifest(text, { fileName: 'deployment.json' });
    expect(report.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(report.diagnostics[999]).toMatchObject({ code: 'GH1002', line: 2, column: 3 + 999 * 4 });
    expect(report.diagnostics[MAX_DIAGNOSTICS]?.message).toMatch(/^199000 more .*\(199000 errors\)/);
  });

  it('createOptions with 20,000 unknown fields: each located at its key', () => {
    const fields: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) fields[`Unknown${i}`] = i;
    const createOptions = JSON.stringify(fields);
    const text = JSON.stringify(manifest({ modules: { sensor: module({}, { createOptions }) } }), null, 2);
    const report = validateManifest(text, { fileName: 'deployment.template.json' });
    const unknown = report.diagnostics.filter((d) => d.code === 'GH3047');
    expect(unknown.length).toBeGreaterThan(900);
    const sample = unknown[500];
    const key = /"(Unknown\d+)"/.exec(sample?.message ?? '')?.[1];
    expect(key).toBeDefined();
    expect(sample).toMatchObject(positionOf(text, sourceOffsetInString(text, createOptions, createOptions.indexOf(`"${key}"`) + 1)));
  });
});

describe('locating', () => {
  it('a duplicate key resolves to the last value, from the member index', () => {
    const doc = JsonDocument.parse('{"a": 1, "b": 2, "a": [true, "x"]}');
    expect(doc.nodeAt('/a/1')).toMatchObject({ type: 'string', value: 'x' });
    expect(doc.rangeOf('/a/1')).toEqual({ line: 1, column: 30, endLine: 1, endColumn: 33 });
  });

  it('positions inside strings without escapes, including an unterminated one', () => {
    const doc = JsonDocument.parse('{"r": "abcdef", "u": "xyz');
    expect(doc.rangeInString('/r', 2, 3)).toEqual({ line: 1, column: 10, endLine: 1, endColumn: 13 });
    expect(doc.rangeInString('/r', 50, 3)).toEqual({ line: 1, column: 14, endLine: 1, endColumn: 14 });
    expect(doc.rangeInString('/u', 1, 5)).toEqual({ line: 1, column: 24, endLine: 1, endColumn: 26 });
  });

  it('the pointer of a syntax error, found by binary search', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `{"k${i}": ${i}}`);
    items[4321] = '{"k4321": tru}';
    const report = validateManifest(`{"list": [${items.join(', ')}]}`);
    expect(find(report, 'GH1001')?.pointer).toBe('/list/4321/k4321');
  });
});
