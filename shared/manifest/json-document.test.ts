import { describe, expect, it } from 'vitest';
import { JsonDocument } from './json-document.js';
import { SourceText } from './source-text.js';
import { validateManifest } from './validate-manifest.js';

describe('SourceText', () => {
  it.each([
    ['a\nb\nc', 4, { line: 3, column: 1 }],
    ['a\r\nb\r\nc', 6, { line: 3, column: 1 }],
    ['a\rb', 2, { line: 2, column: 1 }],
    ['abc', 2, { line: 1, column: 3 }],
    ['abc', 99, { line: 1, column: 4 }],
  ])('%j offset %i', (text, offset, position) => {
    const source = new SourceText(text);
    expect(source.positionAt(offset)).toEqual(position);
    expect(source.offsetAt(source.positionAt(offset))).toBe(Math.min(offset, text.length));
  });

  it('removes a byte-order mark and counts from the text after it', () => {
    const source = new SourceText('\uFEFF{"a":1}');
    expect(source.hadBom).toBe(true);
    expect(source.text).toBe('{"a":1}');
    expect(source.positionAt(1)).toEqual({ line: 1, column: 2 });
  });
});

describe('JsonDocument', () => {
  it('maps pointers to ranges, using the key for objects', () => {
    const doc = JsonDocument.parse('{\n  "a": {\n    "b": "x"\n  }\n}');
    expect(doc.rangeOf('/a/b')).toEqual({ line: 3, column: 10, endLine: 3, endColumn: 13 });
    expect(doc.rangeOf('/a')).toEqual({ line: 2, column: 3, endLine: 2, endColumn: 6 });
    expect(doc.rangeOf('/a/missing')).toEqual(doc.rangeOf('/a'));
  });

  it('maps a position inside a string through escape sequences', () => {
    const doc = JsonDocument.parse('{"r": "a\\"b\\u0041c"}');
    // decoded: a"bAc — index 4 is "c", after the \" and \u0041 escapes
    const range = doc.rangeInString('/r', 4, 1);
    expect(doc.source.text.slice(range.column - 1, range.endColumn - 1)).toBe('c');
  });

  it('finds comments and trailing commas but still builds the value', () => {
    const doc = JsonDocument.parse('{\n  // note\n  "a": [1, 2,],\n}');
    expect(doc.value).toEqual({ a: [1, 2] });
    expect(doc.syntax.map((s) => s.kind)).toEqual(['comment', 'trailing-comma', 'trailing-comma']);
    expect(doc.hasHardSyntaxErrors).toBe(false);
  });

  it('keeps the last of duplicate keys and reports the ignored one', () => {
    const doc = JsonDocument.parse('{"a": 1, "a": 2}');
    expect(doc.value).toEqual({ a: 2 });
    expect(doc.duplicates).toHaveLength(1);
    expect(doc.duplicates[0]?.ignored.offset).toBe(1);
  });

  it('keeps a __proto__ key as data', () => {
    const doc = JsonDocument.parse('{"__proto__": {"x": 1}}');
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
    expect(Object.keys(doc.value as object)).toEqual(['__proto__']);
  });
});

describe('document diagnostics through validateManifest', () => {
  it.each([
    ['{"modulesContent": {} // c\n}', 'GH1002', 1, 23],
    ['{"modulesContent": {},\n}', 'GH1003', 1, 22],
    ['{"modulesContent": {"x": 1, "x": 2}}', 'GH1004', 1, 21],
    ['{"modulesContent": {"x": 1 "y": 2}}', 'GH1001', 1, 28],
    ['{"modulesContent": {\n', 'GH1001', 2, 1],
  ])('%j → %s at %i:%i', (text, code, line, column) => {
    const d = validateManifest(text).diagnostics.find((x) => x.code === code);
    expect(d).toMatchObject({ line, column });
  });

  it('reports comments in templates too: the tools parse templates as strict JSON', () => {
    const report = validateManifest('{"modulesContent": {}} // c', { fileName: 'deployment.template.json' });
    expect(report.diagnostics.find((d) => d.code === 'GH1002')?.severity).toBe('error');
  });

  it('notes a byte-order mark', () => {
    expect(validateManifest('\uFEFF{}').diagnostics.map((d) => d.code)).toContain('GH1005');
  });

  it('gives CRLF files the same positions as LF files', () => {
    const lf = '{\n  "modulesContent": {\n    "$edgeAgent": 5\n  }\n}';
    const crlf = lf.replace(/\n/g, '\r\n');
    const strip = (t: string) => validateManifest(t).diagnostics.map(({ code, line, column, endLine, endColumn }) => ({ code, line, column, endLine, endColumn }));
    expect(strip(crlf)).toEqual(strip(lf));
  });
});
