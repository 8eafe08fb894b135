import { describe, expect, it } from 'vitest';
import { validateManifest } from './validate-manifest.js';
import { HUB, codes, find, manifest, validate } from './manifest.test-util.js';

const UP = 'FROM /messages/modules/sensor/outputs/* INTO $upstream';

describe('$edgeHub schemaVersion (EdgeHubConfigParser)', () => {
  it.each<[unknown, string | undefined]>([
    ['1.0', undefined],
    ['1.1', undefined],
    ['1.2', undefined],
    ['1.3', undefined],
    ['1.1.7', undefined],
    ['1.4', 'GH2022'],
    ['2.0', 'GH2022'],
    ['1', 'GH2023'],
    ['abc', 'GH2023'],
    [1.2, 'GH2024'],
  ])('%j', (schemaVersion, code) => {
    const report = validate(manifest({ hub: { schemaVersion } }));
    if (!code) expect(report.diagnostics).toEqual([]);
    else expect(find(report, code)?.pointer).toBe(`${HUB}/schemaVersion`);
  });

  it('needs the exact name schemaVersion', () => {
    const value = manifest();
    const desired = ((value['modulesContent'] as Record<string, Record<string, Record<string, unknown>>>)['$edgeHub'] as Record<string, Record<string, unknown>>)['properties.desired'] as Record<string, unknown>;
    desired['SchemaVersion'] = desired['schemaVersion'];
    delete desired['schemaVersion'];
    const d = find(validate(value), 'GH2023');
    expect(d?.severity).toBe('error');
    expect(d?.fix?.edits).toEqual([{ op: 'move', from: `${HUB}/SchemaVersion`, path: `${HUB}/schemaVersion` }]);
  });

  it('lowers an unsupported version to 1.3', () => {
    expect(find(validate(manifest({ hub: { schemaVersion: '1.4' } })), 'GH2022')?.fix?.edits).toEqual([{ op: 'replace', path: `${HUB}/schemaVersion`, value: '1.3' }]);
  });

  it.each([
    [{ routes: undefined }, 'GH2010'],
    [{ storeAndForwardConfiguration: undefined }, 'GH2010'],
    [{ storeAndForwardConfiguration: { timeToLiveSecs: 'a week' } }, 'GH2011'],
    [{ storeAndForwardConfiguration: { timeToLiveSecs: '7200' } }, 'GH2027'],
  ])('1.1 requires routes and storeAndForwardConfiguration: %j', (hub, code) => {
    expect(codes(validate(manifest({ hub })))).toContain(code);
  });

  it('1.0 requires neither', () => {
    expect(validate(manifest({ hub: { schemaVersion: '1.0', storeAndForwardConfiguration: undefined } })).ok).toBe(true);
  });
});

describe('route values', () => {
  it.each<[string, unknown, string | undefined, boolean]>([
    ['1.1', UP, undefined, true],
    ['1.1', { route: UP, priority: 0, timeToLiveSecs: 86400 }, undefined, true],
    ['1.1', { route: UP, priority: 2000000000 }, undefined, true],
    ['1.1', { route: UP, priority: 10 }, 'GH4004', false],
    ['1.1', { route: UP, priority: -1 }, 'GH4004', false],
    ['1.1', { route: UP, timeToLiveSecs: -5 }, 'GH4005', false],
    ['1.1', { route: UP, _comment: 'ignored' }, 'GH4009', true],
    ['1.1', { priority: 1 }, 'GH2010', false],
    ['1.1', { route: ' ' }, 'GH4003', false],
    ['1.1', '', 'GH4003', false],
    ['1.1', null, 'GH4002', false],
    ['1.1', 42, 'GH4002', false],
    ['1.0', '', 'GH4008', true],
    ['1.0', null, 'GH4008', true],
    ['1.0', { route: UP }, 'GH4002', false],
  ])('schema %s: %j', (schemaVersion, route, code, ok) => {
    const report = validate(manifest({ hub: { schemaVersion }, routes: { r: route } }));
    if (code) expect(codes(report)).toContain(code);
    else expect(report.diagnostics).toEqual([]);
    expect(report.ok).toBe(ok);
  });
});

describe('route compilation and references', () => {
  it('locates a route syntax error at the exact character inside the JSON string', () => {
    const text = [
      '{"modulesContent": {',
      ' "$edgeAgent": {"properties.desired": {"schemaVersion": "1.1", "runtime": {"type": "docker"}, "systemModules": {',
      '   "edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},',
      '   "edgeHub": {"type": "docker", "status": "running", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}}}},',
      ' "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "storeAndForwardConfiguration": {}, "routes": {',
      '   "r": "FROM /messages/* WHERE \\"a\\" = 1 INTO $upstream"}}}}}',
    ].join('\n');
    const report = validateManifest(text);
    const d = find(report, 'GH4001');
    expect(d?.severity).toBe('error');
    expect(d?.line).toBe(6);
    expect(text.split('\n')[5]?.slice((d?.column ?? 1) - 1)).toMatch(/^\\"a\\" = 1|^= 1|^1/);
  });

  it('warns about routes that name modules which are not deployed', () => {
    const report = validate(
      manifest({
        routes: {
          fromGhost: 'FROM /messages/modules/ghost/outputs/* INTO $upstream',
          toGhost: 'FROM /messages/modules/sensor/outputs/* INTO BrokeredEndpoint("/modules/ghost/inputs/in1")',
        },
      }),
    );
    expect(report.ok).toBe(true);
    expect(codes(report)).toEqual(expect.arrayContaining(['GH4006', 'GH4007']));
    const d = find(report, 'GH4006');
    expect(d?.endColumn).toBe((d?.column ?? 0) + 'ghost'.length);
  });

  it('flags a sink module that differs only in case', () => {
    const report = validate(manifest({ routes: { r: 'FROM /messages/* INTO BrokeredEndpoint("/modules/Sensor/inputs/in1")' } }));
    expect(find(report, 'GH4007')?.message).toContain('differs in case');
  });
});
