/**
 * Verdicts that real public manifests showed wrong or missing (issue 9, part 5), each on a small fixture of
 * its own in testdata/verdicts/: placeholders outside quotes, other tools' placeholders, bare twin
 * dictionaries, images in templates and layered deployments, binds, credentials under runtime.settings, and
 * the wording and severity of GH2010, GH4003, GH3030, GH3049 and GH3052.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostic.js';
import { parseDotEnv } from './dot-env.js';
import { expandTemplate } from './template-expand.js';
import { validateManifest, type ManifestReport } from './validate-manifest.js';

const DIR = path.join(__dirname, 'testdata', 'verdicts');
const read = (file: string) => readFileSync(path.join(DIR, file), 'utf8');
const envOf = (folder: string) => parseDotEnv(read(`${folder}/.env`));
const codes = (report: { diagnostics: readonly Diagnostic[] }, severity?: Diagnostic['severity']) => report.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);
const at = (text: string, d: Diagnostic | undefined) => {
  const lines = text.split(/\r\n|\r|\n/);
  if (!d) return '';
  return d.line === d.endLine ? (lines[d.line - 1] ?? '').slice(d.column - 1, d.endColumn - 1) : `${(lines[d.line - 1] ?? '').slice(d.column - 1)}…`;
};
const only = (report: ManifestReport, code: string) => report.diagnostics.filter((d) => d.code === code);

describe('placeholders outside quotes (iotedgedev expands the text before it parses)', () => {
  const text = read('unquoted-set/deployment.template.json');

  it('reads the template as iotedgedev does with its .env: accepted, one warning per placeholder for the VS Code extension', () => {
    const report = validateManifest(text, { fileName: 'deployment.template.json', env: envOf('unquoted-set') });
    expect(report).toMatchObject({ kind: 'template', ok: true });
    expect(codes(report, 'error')).toEqual([]);
    const warnings = only(report, 'GH6007');
    expect(warnings.map((d) => at(text, d))).toEqual(['$METER_ORDER', '${TTL}']);
    expect(warnings[1]?.message).toMatch(/VS Code IoT Edge extension parses the template first and cannot read this file/);
    expect(warnings[1]?.pointer).toBe('/modulesContent/$edgeHub/properties.desired/storeAndForwardConfiguration/timeToLiveSecs');
    expect(report.manifest?.edgeHub?.storeAndForwardConfiguration).toEqual({ timeToLiveSecs: 7200 });
  });

  it('without the variables (the editor) it is still a template that parses: no "broken JSON", no error', () => {
    const report = validateManifest(text, { fileName: 'deployment.template.json' });
    expect(codes(report, 'error')).toEqual([]);
    expect(codes(report)).not.toContain('GH1001');
    expect(only(report, 'GH6007')).toHaveLength(2);
  });

  it('is recognised as a template by a placeholder outside quotes alone (any file name)', () => {
    const plain = text.replace('"$schema-template": "4.0.0",', '').replaceAll('${RUNTIME_TAG}', '1.5');
    const report = validateManifest(plain, { fileName: 'manifest.json' });
    expect(report.kind).toBe('template');
    expect(codes(report, 'error')).toEqual([]);
  });

  it('names an unset variable in that position, on the placeholder (original line and column)', () => {
    const unset = read('unquoted-unset/deployment.template.json');
    const report = validateManifest(unset, { fileName: 'deployment.template.json', env: envOf('unquoted-unset') });
    expect(report.ok).toBe(false);
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['GH6001']);
    expect(errors[0]?.message).toContain('"TTL"');
    expect(errors[0]?.line).toBe(43);
    expect(at(unset, errors[0])).toBe('${TTL}');
  });

  it('maps diagnostics after and inside an expanded value back to the original text', () => {
    // A value of another length shifts everything after it; a value that breaks the JSON is reported on the placeholder.
    const report = validateManifest(text, { fileName: 'deployment.template.json', env: { ...envOf('unquoted-set'), METER_ORDER: '"2"' } });
    const order = only(report, 'GH3003')[0];
    expect(at(text, order)).toBe('$METER_ORDER');
    expect(order?.fix).toBeUndefined();
    const broken = validateManifest(text, { fileName: 'deployment.template.json', env: { ...envOf('unquoted-set'), TTL: 'seven' } });
    const syntax = only(broken, 'GH1001');
    expect(syntax).toHaveLength(1);
    expect(at(text, syntax[0])).toBe('${TTL}');
    expect(syntax[0]?.message).toContain('"seven"');
    // On the same line after a replacement of another length ("7200" for "${TTL}"), the column shifts back.
    const after = text.replace('"timeToLiveSecs": ${TTL} }', '"timeToLiveSecs": ${TTL}, "storeLimits": { "maxSizeBytes": "lots" } }');
    const shifted = validateManifest(after, { fileName: 'deployment.template.json', env: envOf('unquoted-set') });
    const size = shifted.diagnostics.find((d) => d.pointer.endsWith('/maxSizeBytes'));
    expect(size?.severity).toBe('error');
    expect(at(after, size)).toBe('"lots"');
  });

  it('expands such a template into a deployment (gatehouse expand), and names an unset variable', () => {
    const expanded = expandTemplate(text, { env: envOf('unquoted-set') });
    if (!expanded.ok) throw new Error(JSON.stringify(expanded.error));
    const desired = JSON.parse(expanded.value.text).modulesContent;
    expect(desired.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs).toBe(7200);
    expect(desired.$edgeAgent['properties.desired'].modules.meter.startupOrder).toBe(2);
    const unset = read('unquoted-unset/deployment.template.json');
    const failed = expandTemplate(unset, { env: envOf('unquoted-unset') });
    expect(!failed.ok && failed.error.map((d) => [d.code, d.line, at(unset, d)])).toEqual([['GH6001', 43, '${TTL}']]);
  });

  it('reports a placeholder outside quotes once, and says what it is, in a file judged as a deployment', () => {
    const report = validateManifest(text, { kind: 'deployment' });
    const syntax = only(report, 'GH1001');
    expect(syntax.map((d) => at(text, d))).toEqual(['$METER_ORDER', '${TTL}']);
    expect(syntax[1]?.message).toMatch(/template placeholder outside quotes.*judged as a deployment/);
  });
});

describe("other tools' placeholders outside quotes", () => {
  it('get one error each that names the kind of placeholder, not a bare "not JSON"', () => {
    const text = read('foreign-placeholders.template.json');
    const report = validateManifest(text, { fileName: 'foreign-placeholders.template.json' });
    const syntax = only(report, 'GH1001');
    expect(syntax.map((d) => at(text, d))).toEqual(['__METER_ORDER__', '<PRIORITY>', '#{TTL}#']);
    expect(syntax[0]?.message).toContain('token-replacement placeholder');
    expect(syntax[1]?.message).toContain('`<NAME>` placeholder');
    expect(syntax[2]?.message).toContain('replace-tokens');
    for (const d of syntax) expect(d.message).toContain('Neither iotedgedev nor the VS Code IoT Edge tools replace it');
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(3);
  });
});

describe('a bare twin dictionary ($edgeAgent/$edgeHub at the top level)', () => {
  const text = read('bare-twins.json');
  const report = validateManifest(text, { fileName: 'bare-twins.json' });

  it('warns that az iot edge set-modules needs modulesContent, with a fix that wraps it', () => {
    const d = only(report, 'GH2009')[0];
    expect(d).toMatchObject({ severity: 'warning', line: 1, column: 1 });
    expect(d?.message).toContain('Set-AzIotHubEdgeModule');
    expect(d?.fix?.edits[0]).toMatchObject({ op: 'replace', path: '', value: { modulesContent: { $edgeAgent: expect.any(Object) } } });
    expect(codes(report)).not.toContain('GH2001');
  });

  it('checks the content in full', () => {
    expect(report.kind).toBe('deployment');
    const status = report.diagnostics.find((d) => d.code === 'GH2012');
    expect(status?.pointer).toBe('/$edgeAgent/properties.desired/modules/meter/status');
    expect(at(text, status)).toBe('"runing"');
    expect(report.manifest).toMatchObject({ container: 'top level', modulesContentPointer: '' });
  });
});

describe('images in templates and layered deployments, as the tools write them', () => {
  const text = read('template-images.template.json');
  const env = { ACR_ADDRESS: 'contoso.azurecr.io', ACR_USER: 'u', ACR_PASSWORD: 'p', METER_TAG: '2.0' };
  const byModule = (report: ManifestReport) =>
    Object.fromEntries(report.diagnostics.filter((d) => d.pointer.endsWith('/settings/image') && d.code.startsWith('GH30')).map((d) => [d.pointer.split('/')[5], `${d.code} ${d.severity}`]));

  it('refuses what Docker cannot parse after expansion, with or without the variables', () => {
    for (const report of [validateManifest(text, { fileName: 'deployment.template.json', env }), validateManifest(text, { fileName: 'deployment.template.json' })]) {
      expect(byModule(report)).toEqual({
        fromPipeline: 'GH3023 error',
        fromScript: 'GH3023 error',
        perPlatform: 'GH3023 error',
        upperCase: 'GH3021 error',
      });
    }
    const report = validateManifest(text, { fileName: 'deployment.template.json', env });
    expect(report.diagnostics.find((d) => d.pointer.includes('/fromPipeline/'))?.message).toContain('neither the VS Code tools nor iotedgedev replace "<IMAGE_URI>"');
    expect(report.diagnostics.find((d) => d.pointer.includes('/upperCase/'))?.message).toContain('"${ACR_ADDRESS}/Meter:1.0" (expanded: "contoso.azurecr.io/Meter:1.0")');
  });

  it('judges an image variable by its value, and names a variable that is not set', () => {
    const bad = validateManifest(text, { fileName: 'deployment.template.json', env: { ...env, METER_TAG: '-bad' } });
    expect(byModule(bad)['fromVariable']).toBe('GH3021 error');
    const { METER_TAG: _unset, ...missing } = env;
    const report = validateManifest(text, { fileName: 'deployment.template.json', env: missing });
    expect(only(report, 'GH6001').map((d) => at(text, d))).toEqual(['${METER_TAG}']);
    expect(byModule(report)['fromVariable']).toBeUndefined();
  });

  it('checks images in layered deployments, also when a layer sets only settings.image', () => {
    const layered = read('layered-images.json');
    const report = validateManifest(layered, { fileName: 'layered-images.json' });
    expect(report.kind).toBe('layered');
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, at(layered, d)])).toEqual([
      ['GH3023', '"<IMAGE_URI>"'],
      ['GH3021', '"myregistry.azurecr.io/Meter:1.0"'],
    ]);
  });
});

describe('runtime settings, binds, routes and messages', () => {
  const text = read('runtime-settings.json');
  const report = validateManifest(text, { fileName: 'runtime-settings.json' });

  it('warns that credentials directly under runtime.settings are ignored, with a fix that moves them', () => {
    const d = only(report, 'GH3053')[0];
    expect(d).toMatchObject({ severity: 'warning', pointer: '/modulesContent/$edgeAgent/properties.desired/runtime/settings/contosoRegistry' });
    expect(d?.fix?.edits).toEqual([
      { op: 'add', path: '/modulesContent/$edgeAgent/properties.desired/runtime/settings/registryCredentials', value: {} },
      { op: 'move', from: '/modulesContent/$edgeAgent/properties.desired/runtime/settings/contosoRegistry', path: '/modulesContent/$edgeAgent/properties.desired/runtime/settings/registryCredentials/contosoRegistry' },
    ]);
    const direct = validateManifest(text.replace(/"contosoRegistry": (\{[^}]*\})/, (_, entry: string) => entry.slice(1, -1)), { fileName: 'x.json' });
    expect(only(direct, 'GH3053')[0]?.message).toContain('"address", "username", "password"');
  });

  it('refuses binds whose container path is not absolute, located inside the createOptions string', () => {
    const binds = only(report, 'GH3060');
    expect(binds.map((d) => d.severity)).toEqual(['error', 'error']);
    expect(binds.map((d) => at(text, d))).toEqual(['\\"/var/meter:data\\"', '\\"meter-cache\\"']);
    expect(binds[0]?.message).toContain('"/var/meter:/data"');
  });

  it('does not ask for credentials for marketplace.azurecr.io, but still for a private ACR', () => {
    expect(only(report, 'GH3052').map((d) => d.pointer.split('/')[5])).toEqual(['meter']);
  });

  it('reports env numbers and booleans (read as text by edgeAgent) as info', () => {
    expect(only(report, 'GH3030').map((d) => d.severity)).toEqual(['info', 'info']);
  });

  it('gives the complete reason for an empty route', () => {
    const d = only(report, 'GH4003')[0];
    expect(d?.message).toMatch(/non-blank.*rejects the whole configuration \(reported as 400\): none of the routes run.*only schemaVersion 1\.0 skips empty routes/);
  });

  it('names the schema in GH2010 only where the requirement depends on it', () => {
    const creds = validateManifest(read('credentials-schema-1.0.json'), { fileName: 'x.json' });
    const address = only(creds, 'GH2010').find((d) => d.message.includes('"address"'));
    expect(address?.message).not.toMatch(/schema/i);
    const hub = validateManifest(read('runtime-settings.json').replace('"schemaVersion": "1.1",\n        "routes"', '"schemaVersion": "1.2",\n        "routes"').replace(/,\s*"storeAndForwardConfiguration": \{ "timeToLiveSecs": 7200 \}/, ''), { fileName: 'x.json' });
    expect(only(hub, 'GH2010')[0]?.message).toContain('from schemaVersion 1.1 on (this is 1.2)');
  });

  it('keeps GH3049 (a createOptions string that could be an object in a template) as info (a pin: it already was)', () => {
    const template = validateManifest(text, { fileName: 'deployment.template.json' });
    expect(only(template, 'GH3049').length).toBeGreaterThan(0);
    expect(only(template, 'GH3049').every((d) => d.severity === 'info')).toBe(true);
  });
});

describe('placeholders outside quotes in hostile amounts', () => {
  it('gives a verdict on 50,000 unquoted variables, 100,000 unclosed "#{" and 50,000 line comments', () => {
    const many = `{"modulesContent":{"$edgeAgent":{"properties.desired":{"values":[${Array.from({ length: 50_000 }, () => '$A').join(',')}]}}}}`;
    const report = validateManifest(many, { fileName: 'deployment.template.json', env: { A: '1' } });
    expect(report.kind).toBe('template');
    expect(report.diagnostics.filter((d) => d.code === 'GH6007').length).toBeGreaterThan(0);
    expect(report.diagnostics.length).toBeLessThanOrEqual(1001);

    const unclosed = `{"modulesContent": ${'#{'.repeat(100_000)}}`;
    expect(validateManifest(unclosed, { fileName: 'deployment.template.json' }).ok).toBe(false);

    const comments = `{\n${'// c\n'.repeat(50_000)}"modulesContent": $X}`;
    const commented = validateManifest(comments, { fileName: 'deployment.template.json' });
    expect(commented.ok).toBe(false);
    expect(commented.diagnostics.filter((d) => d.code === 'GH1002')).toHaveLength(1000); // then the cap's GH1008 note
  });
});
