import { describe, expect, it } from 'vitest';
import { AGENT, codes, find, manifest, module, validate } from './manifest.test-util.js';

describe('$edgeAgent schemaVersion (EdgeAgentConnection.ValidateSchemaVersion)', () => {
  it.each<[unknown, string | undefined]>([
    ['1.0', undefined],
    ['1.1', undefined],
    ['1.1.0', undefined],
    ['1.0.5', undefined],
    [' 1.1 ', undefined],
    ['1.1.1', 'GH2020'],
    ['1.1.0.0', 'GH2020'],
    ['1.2', 'GH2020'],
    ['1.4', 'GH2020'],
    ['2.0', 'GH2020'],
    ['0.9', 'GH2020'],
    ['1', 'GH2021'],
    ['abc', 'GH2021'],
    ['', 'GH2021'],
    [null, 'GH2021'],
    [{}, 'GH2021'],
    [1.1, 'GH2024'],
  ])('%j', (schemaVersion, code) => {
    const report = validate(manifest({ agent: { schemaVersion } }));
    if (!code) {
      expect(report.diagnostics).toEqual([]);
      return;
    }
    const d = find(report, code);
    expect(d?.pointer).toBe(`${AGENT}/schemaVersion`);
    expect(report.ok).toBe(code === 'GH2024');
  });

  it('offers "1.1" for an unsupported version', () => {
    expect(find(validate(manifest({ agent: { schemaVersion: '1.4' } })), 'GH2020')?.fix?.edits).toEqual([{ op: 'replace', path: `${AGENT}/schemaVersion`, value: '1.1' }]);
  });

  it('reports a missing schemaVersion once, with a fix', () => {
    const value = manifest();
    const desired = ((value['modulesContent'] as Record<string, Record<string, Record<string, unknown>>>)['$edgeAgent'] as Record<string, Record<string, unknown>>)['properties.desired'] as Record<string, unknown>;
    delete desired['schemaVersion'];
    const report = validate(value);
    expect(codes(report)).toEqual(['GH2021']);
    expect(find(report, 'GH2021')?.fix?.edits[0]).toMatchObject({ op: 'add', value: '1.1' });
  });
});

describe('runtime and system modules', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ runtime: { type: 'moby' } }, 'GH2012'],
    [{ runtime: {} }, 'GH2010'],
    [{ systemModules: { edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } } } }, 'GH2010'],
    [{ systemModules: { edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } }, edgeHub: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } } } }, 'GH2010'],
    [{ modules: [] }, 'GH2011'],
  ])('%j → %s', (agent, code) => {
    const report = validate(manifest({ agent }));
    expect(codes(report, 'error')).toContain(code);
  });

  it('accepts modules: null (no custom modules)', () => {
    expect(validate(manifest({ agent: { modules: null }, routes: {} })).ok).toBe(true);
  });
});

describe('registry credentials', () => {
  it.each<[Record<string, unknown>, string | undefined]>([
    [{ acr: { address: 'myacr.azurecr.io', username: 'u', password: '${CONTAINER_REGISTRY_PASSWORD}' } }, 'GH6005'],
    [{ acr: { address: 'myacr.azurecr.io', username: 'u', password: 'hunter2' } }, 'GH3051'],
    [{ acr: { address: 'myacr.azurecr.io', username: 'u', password: '' } }, 'GH3050'],
    [{ acr: { address: ' ', username: 'u', password: 'p' } }, 'GH3050'],
    [{ acr: { address: 'myacr.azurecr.io', username: 'u' } }, 'GH2010'],
    [{ username: 'u', password: 'p', address: 'a' }, 'GH2011'],
  ])('%j → %s', (registryCredentials, code) => {
    const report = validate(manifest({ registryCredentials }));
    expect(codes(report)).toContain(code);
  });

  it('keeps $VAR passwords quiet in a template', () => {
    const report = validate(manifest({ registryCredentials: { acr: { address: 'myacr.azurecr.io', username: '$U', password: '$CONTAINER_REGISTRY_PASSWORD' } } }), { fileName: 'deployment.template.json' });
    expect(codes(report).filter((c) => c !== 'GH3049')).toEqual([]);
  });

  it('hints at missing credentials for an Azure Container Registry image', () => {
    const report = validate(manifest({ modules: { sensor: module({}, { image: 'myacr.azurecr.io/sensor:1.0' }) } }));
    expect(find(report, 'GH3052')?.severity).toBe('info');
    const withCredentials = validate(manifest({ modules: { sensor: module({}, { image: 'myacr.azurecr.io/sensor:1.0' }) }, registryCredentials: { acr: { address: 'myacr.azurecr.io', username: 'u', password: '$P' } } }), { fileName: 'x.template.json' });
    expect(find(withCredentials, 'GH3052')).toBeUndefined();
  });
});
