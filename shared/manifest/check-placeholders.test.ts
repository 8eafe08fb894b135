import { describe, expect, it } from 'vitest';
import { validateManifest } from './validate-manifest.js';
import { codes, find, manifest, module, validate } from './manifest.test-util.js';

describe('placeholders left in a deployment', () => {
  it('warns about ${VAR} in a deployment and locates the placeholder inside the string', () => {
    const value = manifest({ modules: { sensor: module({ env: { URL: { value: 'http://${HOST}:80' } } }) } });
    const text = JSON.stringify(value, null, 2);
    const d = find(validateManifest(text, { fileName: 'deployment.json' }), 'GH6005');
    expect(d?.severity).toBe('warning');
    const line = text.split('\n')[(d?.line ?? 1) - 1] ?? '';
    expect(line.slice((d?.column ?? 1) - 1, (d?.endColumn ?? 1) - 1)).toBe('${HOST}');
  });

  it('warns about a whole-string $VAR', () => {
    expect(codes(validate(manifest({ modules: { sensor: module({ env: { KEY: { value: '$API_KEY' } } }) } })))).toContain('GH6006');
  });

  it('accepts both in a template', () => {
    const value = manifest({ modules: { sensor: module({ env: { URL: { value: '${HOST}' }, KEY: { value: '$API_KEY' } } }) } });
    expect(codes(validate(value, { fileName: 'deployment.template.json' }), 'warning')).toEqual([]);
    expect(codes(validate(value, { fileName: 'deployment.template.json' }), 'error')).toEqual([]);
  });

  it('treats $schema-template as a template marker, and warns about it in a file judged as a deployment', () => {
    expect(validate({ '$schema-template': '4.0.0', ...manifest() }).kind).toBe('template');
    const report = validate({ '$schema-template': '4.0.0', ...manifest() }, { kind: 'deployment' });
    expect(find(report, 'GH6008')?.fix?.edits).toEqual([{ op: 'remove', path: '/$schema-template' }]);
  });

  it('does not mistake $upstream or $edgeHub for variables', () => {
    expect(validate(manifest()).diagnostics).toEqual([]);
  });
});

describe('pipeline tokens left in a deployment', () => {
  it.each(['<registry-password>', '#{RegistryPassword}#', '__REGISTRY_PASSWORD__'])('%s', (token) => {
    const report = validate(manifest({ modules: { sensor: module({ env: { SECRET: { value: token } } }) } }));
    expect(find(report, 'GH6006')?.severity).toBe('warning');
  });

  it('warns about a placeholder in a property name', () => {
    const report = validate(manifest({ twins: { sensor: { 'properties.desired': { '${KEY}': 1 } } } }), { kind: 'deployment' });
    expect(codes(report)).toEqual(expect.arrayContaining(['GH6005', 'GH5001']));
  });
});
