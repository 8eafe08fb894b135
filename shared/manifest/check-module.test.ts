import { describe, expect, it } from 'vitest';
import { AGENT, codes, find, manifest, module, validate, type Json } from './manifest.test-util.js';

const M = `${AGENT}/modules/sensor`;

function withModule(overrides: Json, settings: Json = {}) {
  return validate(manifest({ modules: { sensor: module(overrides, settings) } }));
}

describe('module values (edgeAgent deserializers)', () => {
  it.each<[string, Json, string | undefined, 'error' | 'warning' | 'info' | undefined]>([
    ['running', { status: 'running' }, undefined, undefined],
    ['stopped', { status: 'stopped' }, undefined, undefined],
    ['Running (case)', { status: 'Running' }, 'GH3003', 'warning'],
    ['status as number 2', { status: 2 }, 'GH3003', 'warning'],
    ['backoff is accepted but not acted on', { status: 'backoff' }, 'GH3004', 'warning'],
    ['sleeping', { status: 'sleeping' }, 'GH2012', 'error'],
    ['status null', { status: null }, 'GH2012', 'error'],
    ['missing status', { status: undefined }, 'GH2010', 'error'],
    ['restartPolicy on-failure', { restartPolicy: 'on-failure' }, undefined, undefined],
    ['restartPolicy OnFailure (field name)', { restartPolicy: 'OnFailure' }, 'GH3003', 'warning'],
    ['restartPolicy sometimes', { restartPolicy: 'sometimes' }, 'GH2012', 'error'],
    ['restartPolicy null', { restartPolicy: null }, 'GH2012', 'error'],
    ['restartPolicy 9', { restartPolicy: 9 }, 'GH2012', 'error'],
    ['restartPolicy unknown', { restartPolicy: 'unknown' }, 'GH3006', 'warning'],
    ['imagePullPolicy never', { imagePullPolicy: 'never' }, undefined, undefined],
    ['imagePullPolicy always', { imagePullPolicy: 'always' }, 'GH2012', 'error'],
    ['startupOrder 3', { startupOrder: 3 }, undefined, undefined],
    ['startupOrder "3"', { startupOrder: '3' }, 'GH3003', 'warning'],
    ['startupOrder -1', { startupOrder: -1 }, 'GH2013', 'error'],
    ['startupOrder null', { startupOrder: null }, 'GH2013', 'error'],
    ['startupOrder 2^32', { startupOrder: 4294967296 }, 'GH2013', 'error'],
    ['type Docker', { type: 'Docker' }, 'GH2012', 'error'],
    ['missing type', { type: undefined }, 'GH2010', 'error'],
    ['missing settings', { settings: undefined }, 'GH2010', 'error'],
    ['Status key in other case', { status: undefined, Status: 'running' }, 'GH2025', 'warning'],
    ['unknown key is ignored', { restartpolicyy: 'x' }, undefined, undefined],
  ])('%s', (_name, overrides, code, severity) => {
    const report = withModule(overrides);
    if (!code) {
      expect(report.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      return;
    }
    const d = find(report, code);
    expect(d, JSON.stringify(report.diagnostics)).toBeDefined();
    expect(d?.severity).toBe(severity);
    expect(d?.pointer.startsWith(M)).toBe(true);
    expect(report.ok).toBe(severity !== 'error');
  });

  it('offers the canonical spelling as a quick fix', () => {
    expect(find(withModule({ status: 'RUNNING' }), 'GH3003')?.fix?.edits).toEqual([{ op: 'replace', path: `${M}/status`, value: 'running' }]);
  });

  it('notes status/restartPolicy/startupOrder given for edgeAgent as ignored', () => {
    const value = manifest();
    const agent = (((value['modulesContent'] as Json)['$edgeAgent'] as Json)['properties.desired'] as Json)['systemModules'] as Json;
    (agent['edgeAgent'] as Json)['status'] = 'running';
    const d = find(validate(value), 'GH3005');
    expect(d).toMatchObject({ severity: 'info', pointer: `${AGENT}/systemModules/edgeAgent/status` });
  });
});

describe('module names', () => {
  it.each([
    ['filterModule', undefined],
    ['filter-module_2', undefined],
    ['a', 'GH3001'],
    ['my.module', 'GH3001'],
    ['my module', 'GH3001'],
    ['-leading', 'GH3001'],
    ['edgeHub', 'GH3002'],
    ['edgeAgent', 'GH3002'],
  ])('%s', (name, code) => {
    const report = validate(manifest({ modules: { [name]: module() }, routes: {} }));
    if (code) expect(codes(report, 'error')).toContain(code);
    else expect(report.ok).toBe(true);
  });
});

describe('images', () => {
  it.each([
    ['mcr.microsoft.com/azureiotedge-hub:1.5', undefined],
    ['localhost:5000/filter:0.0.1-amd64', undefined],
    ['$upstream:443/azureiotedge-agent:1.5', undefined],
    ['myacr.azurecr.io/filter@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', undefined],
    ['filter', 'GH3022'],
    ['', 'GH3020'],
    ['   ', 'GH3020'],
    ['$IMAGE', 'GH3023'],
    ['${MODULES.filter}', 'GH3023'],
    ['myacr.azurecr.io/Filter:1.0', 'GH3021'],
    ['myacr.azurecr.io/filter:1.0+build', 'GH3021'],
    ['<registry>/filter:<tag>', 'GH3023'],
  ])('%s', (image, code) => {
    const report = validate(manifest({ modules: { sensor: module({}, { image }) } }), { fileName: 'deployment.json', kind: 'deployment' });
    if (code) expect(codes(report)).toContain(code);
    else expect(codes(report).filter((c) => c !== 'GH3052')).toEqual([]);
  });
});

describe('environment variables', () => {
  it.each<[Json, string | undefined]>([
    [{ A: { value: 'x' } }, undefined],
    [{ A: { value: 5 } }, 'GH3030'],
    [{ A: { value: true } }, 'GH3030'],
    [{ A: 'x' }, 'GH2011'],
    [{ A: { value: { nested: 1 } } }, 'GH2011'],
    [{ A: {} }, 'GH3032'],
    [{ 'A=B': { value: 'x' } }, 'GH3031'],
    [{ 'my.var': { value: 'x' } }, 'GH5001'],
  ])('%j', (env, code) => {
    const report = withModule({ env });
    if (code) expect(codes(report)).toContain(code);
    else expect(report.diagnostics).toEqual([]);
  });

  it('says that true reaches the module as "true"', () => {
    expect(find(withModule({ env: { A: { value: true } } }), 'GH3030')?.message).toContain('"true"');
  });
});
