import { describe, expect, it } from 'vitest';
import { effectiveManifest, layerFromConfiguration } from './layered.js';
import { codes, find, manifest, module, validate } from './manifest.test-util.js';
import type { DeploymentManifest } from './model.js';

const layer = (modulesContent: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 'layer', priority: 1, content: { modulesContent }, ...extra });

describe('layered deployments: validation', () => {
  it('accepts module and route paths', () => {
    const report = validate(
      layer({
        $edgeAgent: { 'properties.desired.modules.sqlite': module() },
        $edgeHub: { 'properties.desired.routes.sqliteToCloud': 'FROM /messages/modules/sqlite/outputs/* INTO $upstream' },
        sqlite: { 'properties.desired': { dbPath: '/data/db' } },
      }),
    );
    expect(report.kind).toBe('layered');
    expect(report.diagnostics).toEqual([]);
    expect(report.manifest?.layers?.['$edgeAgent']).toHaveProperty(['modules.sqlite']);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ $edgeAgent: { 'properties.desired.modules.x': module({ status: 'sleeping' }) } }, 'GH2012'],
    [{ $edgeAgent: { 'properties.desired.modules.a': module() } }, 'GH3001'],
    [{ $edgeAgent: { 'properties.desired.modules.ok': module(), 'modules.bad': {} } }, 'GH7001'],
    [{ $edgeHub: { 'properties.desired.routes.r': 'FROM /messages/* INTO nowhere' } }, 'GH4001'],
    [{ $edgeHub: { 'properties.desired.routes.r': { route: 'FROM /messages/* INTO $upstream', priority: 12 } } }, 'GH4004'],
    [{ $edgeAgent: { 'properties.desired.runtime.settings.registryCredentials.acr': { address: 'a.azurecr.io', username: 'u', password: ' ' } } }, 'GH3050'],
  ])('%j → %s', (modulesContent, code) => {
    expect(codes(validate(layer(modulesContent)), 'error')).toContain(code);
  });

  it('warns when a layer replaces a whole system twin', () => {
    const base = manifest()['modulesContent'] as Record<string, unknown>;
    const report = validate(layer({ $edgeAgent: base['$edgeAgent'], $edgeHub: { 'properties.desired.routes.r': 'FROM /messages/* INTO $upstream' } }));
    expect(find(report, 'GH7002')?.severity).toBe('warning');
  });

  it('checks the IoT Hub configuration fields', () => {
    expect(codes(validate(layer({ $edgeHub: { 'properties.desired.routes.r': 'FROM /* INTO $upstream' } }, { id: 'Bad ID', priority: -1 })))).toEqual(['GH7003', 'GH7003']);
  });
});

describe('effectiveManifest', () => {
  const base = manifest() as unknown as DeploymentManifest;

  it('applies layers in priority order: the higher priority wins', () => {
    const low = { priority: 1, modulesContent: { $edgeAgent: { 'properties.desired.modules.sensor': module({ version: 'low' }) } } };
    const high = { priority: 5, modulesContent: { $edgeAgent: { 'properties.desired.modules.sensor': module({ version: 'high' }) } } };
    for (const layers of [[low, high], [high, low]]) {
      const result = effectiveManifest(base, layers);
      expect(result.modulesContent.$edgeAgent?.['properties.desired']?.modules?.['sensor']?.version).toBe('high');
    }
  });

  it('lets the later layer win on equal priority', () => {
    const a = { priority: 1, modulesContent: { $edgeHub: { 'properties.desired.routes.r': 'FROM /a INTO $upstream' } } };
    const b = { priority: 1, modulesContent: { $edgeHub: { 'properties.desired.routes.r': 'FROM /b INTO $upstream' } } };
    expect(effectiveManifest(base, [a, b]).modulesContent.$edgeHub?.['properties.desired']?.routes?.['r']).toBe('FROM /b INTO $upstream');
  });

  it('adds modules, routes and twins, keeps the base, and does not modify its inputs', () => {
    const before = JSON.stringify(base);
    const configuration = layerFromConfiguration(
      layer({
        $edgeAgent: { 'properties.desired.modules.sqlite': module() },
        $edgeHub: { 'properties.desired.routes.toCloud': 'FROM /messages/modules/sqlite/* INTO $upstream' },
        sqlite: { 'properties.desired': { path: '/db' } },
      }),
    );
    if (!configuration) throw new Error('not a configuration');
    const result = effectiveManifest(base, [configuration]);
    const agent = result.modulesContent.$edgeAgent?.['properties.desired'];
    expect(Object.keys(agent?.modules ?? {})).toEqual(['sensor', 'sqlite']);
    expect(Object.keys(result.modulesContent.$edgeHub?.['properties.desired']?.routes ?? {})).toEqual(['sensorToUpstream', 'toCloud']);
    expect(result.modulesContent['sqlite']?.['properties.desired']).toEqual({ path: '/db' });
    expect(JSON.stringify(base)).toBe(before);
    expect(validate(result).ok).toBe(true);
  });
});
