import { describe, expect, it } from 'vitest';
import { cloudDeployment, mergeReported, reportedPatch, systemModuleKeys, twinVersion, withoutTwinMetadata } from './cloud-desired';

describe('cloudDeployment', () => {
  it('is empty when $edgeAgent desired holds only the hub bookkeeping', () => {
    expect(cloudDeployment({ $version: 1 }, { $version: 1, routes: {} })).toEqual({ kind: 'empty' });
    expect(cloudDeployment(undefined, undefined)).toEqual({ kind: 'empty' });
  });

  it('makes modulesContent from both desired sections without $version/$metadata', () => {
    const built = cloudDeployment({ $version: 4, schemaVersion: '1.1', modules: { a: { $metadata: { x: 1 }, status: 'running' } } }, { $version: 2, routes: { r: 'FROM /messages/* INTO $upstream' } });
    expect(built.kind).toBe('deployment');
    if (built.kind !== 'deployment') return;
    expect(JSON.parse(built.text)).toEqual({
      modulesContent: {
        $edgeAgent: { 'properties.desired': { schemaVersion: '1.1', modules: { a: { status: 'running' } } } },
        $edgeHub: { 'properties.desired': { routes: { r: 'FROM /messages/* INTO $upstream' } } },
      },
    });
    expect(twinVersion({ $version: 4 })).toBe(4);
    expect(twinVersion({})).toBe(0);
  });

  it("adds custom modules' twins that have desired properties, never system ones", () => {
    const built = cloudDeployment({ $version: 1, modules: {} }, {}, { b: { $version: 3, t: 1 }, a: { x: 2 }, empty: { $version: 1 }, $edgeHub: { routes: {} } });
    if (built.kind !== 'deployment') throw new Error('empty');
    const content = (JSON.parse(built.text) as { modulesContent: Record<string, unknown> }).modulesContent;
    expect(Object.keys(content)).toEqual(['$edgeAgent', 'a', 'b']);
    expect(content.b).toEqual({ 'properties.desired': { t: 1 } });
  });
});

describe('reportedPatch', () => {
  const cases: { name: string; previous: unknown; next: Record<string, unknown>; patch: Record<string, unknown> | undefined }[] = [
    { name: 'nothing changed', previous: { a: 1, b: { c: 2 } }, next: { a: 1, b: { c: 2 } }, patch: undefined },
    { name: 'a changed leaf only', previous: { a: 1, b: { c: 2, d: 3 } }, next: { a: 1, b: { c: 5, d: 3 } }, patch: { b: { c: 5 } } },
    { name: 'a removed module is null', previous: { modules: { x: { s: 1 }, y: { s: 1 } } }, next: { modules: { x: { s: 1 } } }, patch: { modules: { y: null } } },
    { name: "the hub's $version is not patched", previous: { $version: 7, a: 1 }, next: { a: 2 }, patch: { a: 2 } },
    // azure-iot-device's properties.reported carries its update function: never sent as null (it would delete it).
    { name: "the SDK's update member is not a property", previous: { update: () => undefined, a: 1 }, next: { a: 1 }, patch: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const patch = reportedPatch(c.previous, c.next);
      expect(patch).toEqual(c.patch);
      if (patch) expect(mergeReported(c.previous, patch)).toEqual(withoutTwinMetadata(c.next));
    });
  }
});

describe('systemModuleKeys', () => {
  it('derives stable, distinct keys per module from the device keys', () => {
    const device = { primaryKey: Buffer.alloc(32, 1).toString('base64'), secondaryKey: Buffer.alloc(32, 2).toString('base64') };
    const agent = systemModuleKeys(device, '$edgeAgent');
    expect(systemModuleKeys(device, '$edgeAgent')).toEqual(agent);
    expect(systemModuleKeys(device, '$edgeHub').primaryKey).not.toBe(agent.primaryKey);
    expect(agent.primaryKey).not.toBe(agent.secondaryKey);
    expect(Buffer.from(agent.primaryKey, 'base64')).toHaveLength(32);
  });
});
