import { describe, expect, it } from 'vitest';
import { codes, find, manifest, module, validate, type Json } from './manifest.test-util.js';

function withTwin(desired: Json, fileName = 'deployment.json') {
  return validate(manifest({ twins: { sensor: { 'properties.desired': desired } } }), { fileName });
}

function nest(depth: number): Json {
  let value: Json = { leaf: 1 };
  for (let i = 0; i < depth; i++) value = { [`level${i}`]: value };
  return value;
}

describe('IoT Hub twin limits', () => {
  it.each<[string, Json, string | undefined]>([
    ['plain', { threshold: 25 }, undefined],
    ['dot in a name', { 'a.b': 1 }, 'GH5001'],
    ['$ in a name', { $ref: 1 }, 'GH5001'],
    ['space in a name', { 'a b': 1 }, 'GH5001'],
    ['control character', { 'a\u0007': 1 }, 'GH5001'],
    ['name over 1 KB', { ['k'.repeat(1025)]: 1 }, 'GH5002'],
    ['string over 4 KB', { blob: 'x'.repeat(4097) }, 'GH5003'],
    ['10 levels', nest(9), undefined],
    ['11 levels', nest(11), 'GH5005'],
    ['integer over 2^52', { big: 2 ** 53 }, 'GH5006'],
    ['desired over 32 KB', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(3500)])), 'GH5004'],
  ])('%s', (_name, desired, code) => {
    const report = withTwin(desired);
    if (code) {
      expect(codes(report)).toContain(code);
      expect(report.ok).toBe(false);
    } else {
      expect(report.diagnostics).toEqual([]);
    }
  });

  it('checks route and module names of the system twins as well', () => {
    const report = validate(manifest({ routes: { 'to.cloud': 'FROM /messages/* INTO $upstream' } }));
    expect(find(report, 'GH5001')?.pointer).toBe('/modulesContent/$edgeHub/properties.desired/routes/to.cloud');
  });

  it('skips keys inside a createOptions object of a template (the tools turn it into a string)', () => {
    const report = validate(manifest({ modules: { sensor: module({}, { createOptions: { Labels: { 'com.example.team': 'x' } } }) } }), { fileName: 'deployment.template.json' });
    expect(codes(report).filter((c) => c !== 'GH3049')).toEqual([]);
  });

  it('warns about desired properties of a module that is not deployed', () => {
    const report = validate(manifest({ twins: { Sensor: { 'properties.desired': { a: 1 } } } }));
    expect(find(report, 'GH2028')?.severity).toBe('warning');
  });

  it('warns about a twin entry without properties.desired', () => {
    expect(codes(validate(manifest({ twins: { sensor: { desired: { a: 1 } } } })))).toContain('GH2007');
  });
});
