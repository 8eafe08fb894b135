import { describe, expect, it } from 'vitest';
import { validateManifest } from './validate-manifest.js';
import { AGENT, codes, find, manifest, module, validate, type Json } from './manifest.test-util.js';

const S = `${AGENT}/modules/sensor/settings`;

function withSettings(settings: Json, fileName = 'deployment.json') {
  return validate(manifest({ modules: { sensor: module({}, settings) } }), { fileName });
}

describe('createOptions', () => {
  it.each<[string, Json, string | undefined, boolean]>([
    ['empty string', { createOptions: '' }, undefined, true],
    ['"null"', { createOptions: 'NULL' }, undefined, true],
    ['valid JSON', { createOptions: '{"HostConfig":{"Binds":["/data:/data"]}}' }, undefined, true],
    ['not JSON', { createOptions: '{"HostConfig":' }, 'GH3040', false],
    ['not an object', { createOptions: '[1,2]' }, 'GH3048', false],
    ['lenient JSON (unquoted names)', { createOptions: '{HostConfig:{Privileged:true}}' }, 'GH3045', true],
    ['chunks joined', { createOptions: '{"HostConfig":', createOptions01: '{"Privileged":true}}' }, undefined, true],
    ['chunk gap', { createOptions: '{"HostConfig":', createOptions02: '{"Privileged":true}}' }, 'GH3042', false],
    ['Env is a string', { createOptions: '{"Env":"A=1"}' }, 'GH3046', false],
    ['Env is empty string (read as null)', { createOptions: '{"Env":""}' }, undefined, true],
    ['PortBindings value not an array', { createOptions: '{"HostConfig":{"PortBindings":{"80/tcp":{"HostPort":"80"}}}}' }, 'GH3046', false],
    ['ExposedPorts inside HostConfig is ignored', { createOptions: '{"HostConfig":{"ExposedPorts":{"80/tcp":{}}}}' }, 'GH3047', true],
    ['misspelt HostConfig', { createOptions: '{"HostConfir":{}}' }, 'GH3047', true],
    ['object form in a deployment', { createOptions: { HostConfig: { Privileged: true } } }, 'GH3041', true],
    ['chunk over 4 KB', { createOptions: `{"Env":["A=${'x'.repeat(4200)}"]}` }, 'GH3043', false],
  ])('%s', (_name, settings, code, ok) => {
    const report = withSettings(settings);
    if (code) expect(codes(report)).toContain(code);
    else expect(report.diagnostics).toEqual([]);
    expect(report.ok).toBe(ok);
  });

  it('suggests the intended field name', () => {
    expect(find(withSettings({ createOptions: '{"HostConfig":{"Priviledged":true}}' }), 'GH3047')?.message).toContain('"Privileged"');
  });

  it('converts an object to a string as a quick fix', () => {
    const fix = find(withSettings({ createOptions: { HostConfig: { Privileged: true } } }), 'GH3041')?.fix;
    expect(fix?.edits).toEqual([{ op: 'replace', path: `${S}/createOptions`, value: '{"HostConfig":{"Privileged":true}}' }]);
  });

  it('accepts the object form and long text in a template', () => {
    const report = withSettings({ createOptions: { HostConfig: { Binds: ['${DATA}:/data'] } } }, 'deployment.template.json');
    expect(codes(report).filter((c) => c !== 'GH3049')).toEqual([]);
  });

  it('offers to turn a createOptions string into an object in a template', () => {
    const report = withSettings({ createOptions: '{"HostConfig":{"Privileged":true}}' }, 'deployment.template.json');
    const d = report.diagnostics.find((x) => x.code === 'GH3049' && x.pointer === `${S}/createOptions`);
    expect(d?.severity).toBe('info');
    expect(d?.fix?.edits).toEqual([{ op: 'replace', path: `${S}/createOptions`, value: { HostConfig: { Privileged: true } } }]);
  });

  it('refuses createOptions over 4 KB in a template (the tools stop there)', () => {
    expect(codes(withSettings({ createOptions: { Env: Array.from({ length: 400 }, (_, i) => `V${i}=value`) } }, 'deployment.template.json'))).toContain('GH6004');
  });

  it('points at the exact character of a JSON error inside a chunk', () => {
    const text = JSON.stringify(manifest({ modules: { sensor: module({}, { createOptions: '{"HostConfig":', createOptions01: '{"Privileged":tru}}' }) } }), null, 2);
    const report = validateManifest(text, { fileName: 'deployment.json' });
    const d = find(report, 'GH3040');
    expect(d?.pointer).toBe(`${S}/createOptions01`);
    const line = text.split('\n')[(d?.line ?? 1) - 1] ?? '';
    expect(line.slice((d?.column ?? 1) - 1)).toMatch(/^tru\}/);
  });

  it('points at the field with the wrong type inside the string', () => {
    const text = JSON.stringify(manifest({ modules: { sensor: module({}, { createOptions: '{"Hostname":"x","Env":"A=1"}' }) } }), null, 2);
    const d = find(validateManifest(text, { fileName: 'deployment.json' }), 'GH3046');
    const line = text.split('\n')[(d?.line ?? 1) - 1] ?? '';
    expect(line.slice((d?.column ?? 1) - 1)).toMatch(/^Env/);
  });
});
