import { describe, expect, it } from 'vitest';
import { validateManifest } from './validate-manifest.js';
import { AGENT, codes, find, manifest, validate } from './manifest.test-util.js';

describe('validateManifest', () => {
  it('accepts a minimal valid deployment without diagnostics', () => {
    const report = validate(manifest());
    expect(report.diagnostics).toEqual([]);
    expect(report).toMatchObject({ kind: 'deployment', ok: true });
    expect(report.manifest?.edgeAgent?.schemaVersion).toBe('1.1');
    expect(report.manifest?.container).toBe('modulesContent');
  });

  it.each([
    ['{}', 'GH2001'],
    ['[]', 'GH1006'],
    ['', 'GH1006'],
    ['{"deviceId":"d","moduleId":"$edgeAgent","properties":{"desired":{}}}', 'GH1006'],
    ['{"$edgeAgent":{},"$edgeHub":{}}', 'GH2005'],
  ])('refuses %s with %s', (text, code) => {
    const report = validateManifest(text);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain(code);
  });

  it('warns about the old spelling moduleContent and offers a rename', () => {
    const value = manifest();
    const report = validate({ moduleContent: value['modulesContent'] });
    expect(report.ok).toBe(true);
    expect(find(report, 'GH2002')?.fix?.edits).toEqual([{ op: 'move', from: '/moduleContent', path: '/modulesContent' }]);
  });

  it('reports a missing $edgeHub as an error with a quick fix that adds one', () => {
    const value = manifest();
    delete (value['modulesContent'] as Record<string, unknown>)['$edgeHub'];
    const d = find(validate(value), 'GH2004');
    expect(d?.severity).toBe('error');
    expect(d?.fix?.edits[0]).toMatchObject({ op: 'add', path: '/modulesContent/$edgeHub' });
  });

  it('reports empty $edgeAgent desired properties (agent code 417)', () => {
    const value = { modulesContent: { $edgeAgent: { 'properties.desired': {} }, $edgeHub: manifest()['modulesContent'] } };
    expect(codes(validate(value))).toContain('GH2006');
  });

  it('reads an IoT Hub configuration object', () => {
    const report = validate({ id: 'base-deployment', priority: 10, targetCondition: "tags.env='prod'", content: manifest() });
    expect(report.ok).toBe(true);
    expect(report.manifest?.configuration).toEqual({ id: 'base-deployment', priority: 10, targetCondition: "tags.env='prod'" });
    expect(report.manifest?.modulesContentPointer).toBe('/content/modulesContent');
  });

  it.each([
    ['deployment.template.json', 'template'],
    ['deployment.debug.template.json', 'template'],
    ['deployment.template.arm32.json', 'template'],
    ['deployment.json', 'deployment'],
    ['templates/deployment.json', 'deployment'],
  ])('kind of %s is %s', (fileName, kind) => {
    expect(validate(manifest(), { fileName }).kind).toBe(kind);
  });

  it('treats a file with ${MODULES.x} images as a template unless told otherwise', () => {
    const value = manifest({ modules: { filter: { type: 'docker', status: 'running', settings: { image: '${MODULES.filter}' } } } });
    expect(validate(value, {}).kind).toBe('template');
    const asDeployment = validate(value, { kind: 'deployment' });
    expect(asDeployment.ok).toBe(false);
    expect(find(asDeployment, 'GH3023')?.pointer).toBe(`${AGENT}/modules/filter/settings/image`);
  });

  it('still returns what it could read from invalid JSON', () => {
    const text = JSON.stringify(manifest(), null, 2).replace(/}\s*$/, '');
    const report = validateManifest(text);
    expect(report.ok).toBe(false);
    expect(report.manifest?.edgeAgent?.schemaVersion).toBe('1.1');
    expect(codes(report)).toEqual(['GH1001']);
  });

  it('sorts diagnostics by position', () => {
    const report = validate(manifest({ agent: { schemaVersion: '2.0' }, hub: { schemaVersion: '9.9' } }));
    const lines = report.diagnostics.map((d) => d.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });
});
