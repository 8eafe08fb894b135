import { describe, expect, it } from 'vitest';
import { expandTemplate, type ExpandOptions } from './template-expand.js';
import { moduleImageInfoFromModuleJson } from './template-images.js';
import { validateManifest } from './validate-manifest.js';
import { manifest, module } from './manifest.test-util.js';

const filter = moduleImageInfoFromModuleJson({
  $schema: 'http://json.schemastore.org/azure-iot-edge-module',
  image: { repository: '${CONTAINER_REGISTRY_SERVER}/FilterModule', tag: { version: '0.0.1', platforms: { amd64: './Dockerfile.amd64', 'amd64.debug': './Dockerfile.amd64.debug', arm32v7: './Dockerfile.arm32v7' } } },
});
if (!filter) throw new Error('module.json not read');

const options: ExpandOptions = { env: { CONTAINER_REGISTRY_SERVER: 'localhost:5000', PASSWORD: 's3cret', DATA: '/srv/data' }, modules: { filter }, moduleDirs: { '../shared/filter': filter } };

function template(parts: Parameters<typeof manifest>[0] = {}): string {
  return JSON.stringify({ '$schema-template': '4.0.0', ...manifest(parts) }, null, 2);
}

describe('expandTemplate', () => {
  it.each([
    ['${MODULES.filter}', 'localhost:5000/filtermodule:0.0.1-amd64'],
    ['${MODULES.filter.debug}', 'localhost:5000/filtermodule:0.0.1-amd64.debug'],
    ['${MODULES.filter.arm32v7}', 'localhost:5000/filtermodule:0.0.1-arm32v7'],
    ['${MODULEDIR<../shared/filter>}', 'localhost:5000/filtermodule:0.0.1-amd64'],
    ['${MODULEDIR<../shared/filter>.arm32v7}', 'localhost:5000/filtermodule:0.0.1-arm32v7'],
  ])('resolves %s like iotedgedev', (placeholder, image) => {
    const result = expandTemplate(template({ modules: { filter: module({}, { image: placeholder }) } }), options);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.text).toContain(`"image": "${image}"`);
  });

  it('appends CONTAINER_TAG and honours another default platform', () => {
    const result = expandTemplate(template({ modules: { filter: module({}, { image: '${MODULES.filter}' }) } }), { ...options, env: { ...options.env, CONTAINER_TAG: 'ci42' }, platform: 'arm32v7' });
    expect(result.ok && result.value.text).toContain('"image": "localhost:5000/filtermodule:0.0.1-ci42-arm32v7"');
  });

  it('expands ${VAR} and defined $VAR, keeps $edgeHub/$upstream, escapes values, drops $schema-template', () => {
    const text = template({
      registryCredentials: { acr: { address: '$CONTAINER_REGISTRY_SERVER', username: 'u', password: '${PASSWORD}' } },
      modules: { filter: module({ env: { QUOTE: { value: '${QUOTE}' }, KEEP: { value: '$NOT_DEFINED' } } }, { image: '${MODULES.filter}' }) },
    });
    const result = expandTemplate(text, { ...options, env: { ...options.env, QUOTE: 'say "hi"' } });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const out = JSON.parse(result.value.text);
    expect(out['$schema-template']).toBeUndefined();
    const desired = out.modulesContent.$edgeAgent['properties.desired'];
    expect(desired.runtime.settings.registryCredentials.acr).toEqual({ address: 'localhost:5000', username: 'u', password: 's3cret' });
    expect(desired.modules.filter.env).toEqual({ QUOTE: { value: 'say "hi"' }, KEEP: { value: '$NOT_DEFINED' } });
    expect(out.modulesContent.$edgeHub['properties.desired'].routes.sensorToUpstream).toContain('INTO $upstream');
    expect(validateManifest(result.value.text, { fileName: 'deployment.json' }).ok).toBe(true);
  });

  it('stringifies createOptions objects and chunks long ones at 512 characters', () => {
    const Env = Array.from({ length: 60 }, (_, i) => `SETTING_${i}=value-${i}`);
    const result = expandTemplate(template({ modules: { filter: module({}, { image: '${MODULES.filter}', createOptions: { Env, HostConfig: { Binds: ['${DATA}:/data'] } } }) } }), options);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const settings = JSON.parse(result.value.text).modulesContent.$edgeAgent['properties.desired'].modules.filter.settings;
    expect(typeof settings.createOptions).toBe('string');
    expect(settings.createOptions).toHaveLength(512);
    expect(settings.createOptions01).toBeDefined();
    const joined = Object.keys(settings).filter((k) => k.startsWith('createOptions')).map((k) => settings[k]).join('');
    expect(JSON.parse(joined).HostConfig.Binds).toEqual(['/srv/data:/data']);
  });

  it('renames moduleContent to modulesContent', () => {
    const value = manifest();
    const result = expandTemplate(JSON.stringify({ moduleContent: value['modulesContent'] }), options);
    expect(result.ok && Object.keys(JSON.parse(result.value.text))).toEqual(['modulesContent']);
  });

  it('reports every unresolved variable with its position', () => {
    const text = template({ modules: { filter: module({ env: { A: { value: 'x ${MISSING_ONE} y' } } }, { image: '${MODULES.nothere}' }) } });
    const result = expandTemplate(text, options);
    if (result.ok) throw new Error('expected errors');
    const [image, variable] = result.error;
    expect(image).toMatchObject({ code: 'GH6002', severity: 'error' });
    expect(variable).toMatchObject({ code: 'GH6001' });
    expect(variable?.message).toContain('MISSING_ONE');
    const line = text.split('\n')[(variable?.line ?? 1) - 1] ?? '';
    expect(line.slice((variable?.column ?? 1) - 1, (variable?.endColumn ?? 1) - 1)).toBe('${MISSING_ONE}');
  });

  it('reports a platform that module.json does not declare', () => {
    const result = expandTemplate(template({ modules: { filter: module({}, { image: '${MODULES.filter.arm64v8}' }) } }), options);
    expect(!result.ok && result.error.map((d) => d.code)).toEqual(['GH6003']);
  });

  it('refuses createOptions the tools cannot chunk (over 4 KB)', () => {
    const createOptions = { Env: Array.from({ length: 300 }, (_, i) => `SETTING_${i}=some-longer-value`) };
    const result = expandTemplate(template({ modules: { filter: module({}, { image: '${MODULES.filter}', createOptions }) } }), options);
    expect(!result.ok && result.error[0]?.code).toBe('GH6004');
  });

  it('refuses a template that is not strict JSON, as the tools do', () => {
    const result = expandTemplate('{\n  // comment\n  "modulesContent": {}\n}', options);
    expect(!result.ok && result.error[0]).toMatchObject({ code: 'GH1002', line: 2 });
  });
});
