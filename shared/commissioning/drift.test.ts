import { describe, expect, it } from 'vitest';
import { canonical, compareDrift, maskDriftSecrets, MASKED, driftStateFromManifest, type DriftModuleState, type DriftState, type DriftVerdict } from './drift';

/** Table-driven: the three-way comparison over hand-made states. */

const BASE: DriftModuleState = { image: 'gatehouse/busybox-module:test', env: { MODE: 'a' }, createOptions: { HostConfig: { Memory: 1 } }, status: 'running', version: '1.0' };
const RUN: DriftModuleState = { image: 'gatehouse/busybox-module:test', env: { MODE: 'a', PATH: '/bin', IOTEDGE_MODULEID: 'm' }, createOptions: { HostConfig: { Memory: 1 } }, status: 'running', version: '1.0' };

interface Row {
  readonly name: string;
  readonly approved: DriftState;
  readonly desired: DriftState;
  readonly running: DriftState;
  readonly verdict: DriftVerdict;
  /** The field that differs (all others in sync), when any. */
  readonly field?: string;
}

const rows: Row[] = [
  { name: 'all three equal (running env has more names)', approved: { m: BASE }, desired: { m: BASE }, running: { m: RUN }, verdict: 'in-sync' },
  { name: 'desired env value changed', approved: { m: BASE }, desired: { m: { ...BASE, env: { MODE: 'b' } } }, running: { m: { ...RUN, env: { MODE: 'b' } } }, verdict: 'desired-differs', field: 'env' },
  { name: 'desired image changed', approved: { m: BASE }, desired: { m: { ...BASE, image: 'x:2' } }, running: { m: { ...RUN, image: 'x:2' } }, verdict: 'desired-differs', field: 'image' },
  { name: 'createOptions key order does not matter', approved: { m: { ...BASE, createOptions: { A: 1, B: 2 } } }, desired: { m: { ...BASE, createOptions: { B: 2, A: 1 } } }, running: { m: { ...RUN, createOptions: { A: 1, B: 2 } } }, verdict: 'in-sync' },
  { name: 'createOptions changed', approved: { m: BASE }, desired: { m: { ...BASE, createOptions: {} } }, running: { m: { ...RUN, createOptions: {} } }, verdict: 'desired-differs', field: 'createOptions' },
  { name: 'running env differs from desired', approved: { m: BASE }, desired: { m: BASE }, running: { m: { ...RUN, env: { MODE: 'z' } } }, verdict: 'running-differs', field: 'env' },
  { name: 'running env lacks a desired name', approved: { m: BASE }, desired: { m: BASE }, running: { m: { ...RUN, env: {} } }, verdict: 'running-differs', field: 'env' },
  { name: 'module crashed (backoff) while desired running', approved: { m: BASE }, desired: { m: BASE }, running: { m: { ...RUN, status: 'backoff' } }, verdict: 'running-differs', field: 'status' },
  { name: 'stopped on purpose and stopped', approved: { m: { ...BASE, status: 'stopped' } }, desired: { m: { ...BASE, status: 'stopped' } }, running: { m: { ...RUN, status: 'stopped' } }, verdict: 'in-sync' },
  { name: 'stopped on purpose, no container at all', approved: { m: { ...BASE, status: 'stopped' } }, desired: { m: { ...BASE, status: 'stopped' } }, running: {}, verdict: 'in-sync' },
  { name: 'version bumped in desired', approved: { m: BASE }, desired: { m: { ...BASE, version: '1.1' } }, running: { m: { ...RUN, version: '1.1' } }, verdict: 'desired-differs', field: 'version' },
  { name: 'unknown running fields are not compared', approved: { m: BASE }, desired: { m: BASE }, running: { m: { status: 'running' } }, verdict: 'in-sync' },
  { name: 'approved module no longer desired', approved: { m: BASE }, desired: {}, running: {}, verdict: 'missing' },
  { name: 'desired but not running', approved: { m: BASE }, desired: { m: BASE }, running: {}, verdict: 'missing' },
  { name: 'desired but never approved', approved: {}, desired: { m: BASE }, running: { m: RUN }, verdict: 'extra' },
  { name: 'running but neither approved nor desired', approved: {}, desired: {}, running: { m: RUN }, verdict: 'extra' },
  { name: 'routes changed', approved: { $edgeHub: { routes: { r: 'FROM /messages/* INTO $upstream' } } }, desired: { $edgeHub: { routes: { r: 'FROM /messages/modules/m/* INTO $upstream' } } }, running: {}, verdict: 'desired-differs', field: 'routes' },
  { name: 'routes equal, running routes unknown', approved: { $edgeHub: { routes: { r: 'FROM /messages/* INTO $upstream' } } }, desired: { $edgeHub: { routes: { r: 'FROM /messages/* INTO $upstream' } } }, running: {}, verdict: 'in-sync' },
  { name: 'running routes differ from desired', approved: { $edgeHub: { routes: { r: 'A' } } }, desired: { $edgeHub: { routes: { r: 'A' } } }, running: { $edgeHub: { routes: {} } }, verdict: 'running-differs', field: 'routes' },
];

describe('compareDrift', () => {
  it.each(rows)('$name → $verdict', (row) => {
    const result = compareDrift(row.approved, row.desired, row.running);
    const name = Object.keys({ ...row.approved, ...row.desired, ...row.running })[0]!;
    const module = result.modules.find((m) => m.name === name)!;
    expect(module.verdict).toBe(row.verdict);
    expect(result.drifted).toBe(row.verdict !== 'in-sync');
    const differing = module.fields.filter((f) => f.verdict !== 'in-sync').map((f) => f.field);
    if (row.field) expect(differing).toEqual([row.field]);
    else if (row.verdict === 'in-sync') expect(differing).toEqual([]);
  });

  it('gives each field its three values; running env only on the names that matter', () => {
    const result = compareDrift({ m: BASE }, { m: { ...BASE, env: { MODE: 'b' } } }, { m: RUN });
    const env = result.modules[0]!.fields.find((f) => f.field === 'env')!;
    expect(env).toEqual({ field: 'env', approved: { MODE: 'a' }, desired: { MODE: 'b' }, running: { MODE: 'a' }, verdict: 'desired-differs' });
  });

  it('lists $edgeHub first, then modules by name', () => {
    const result = compareDrift({ b: BASE, a: BASE, $edgeHub: { routes: {} } }, { b: BASE, a: BASE, $edgeHub: { routes: {} } }, { a: RUN, b: RUN });
    expect(result.modules.map((m) => m.name)).toEqual(['$edgeHub', 'a', 'b']);
    expect(result.drifted).toBe(false);
  });
});

describe('driftStateFromManifest', () => {
  const manifest = (env: string, createOptions: Record<string, string> = { createOptions: '{"HostConfig":{"Memory":1}}' }) =>
    JSON.stringify({
      modulesContent: {
        $edgeAgent: {
          'properties.desired': {
            schemaVersion: '1.1',
            modules: { m: { type: 'docker', version: '1.0', status: 'running', restartPolicy: 'always', env: { MODE: { value: env } }, settings: { image: 'gatehouse/busybox-module:test', ...createOptions } } },
          },
        },
        $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream', pri: { route: 'FROM /x INTO $upstream', priority: 1 } } } },
      },
    });

  it('reads modules (env flattened, createOptions chunks joined and parsed) and routes', () => {
    const state = driftStateFromManifest(manifest('a', { createOptions: '{"HostConfig":', createOptions01: '{"Memory":1}}' }))!;
    expect(state.m).toEqual({ image: 'gatehouse/busybox-module:test', env: { MODE: 'a' }, createOptions: { HostConfig: { Memory: 1 } }, status: 'running', version: '1.0' });
    expect(state.$edgeHub).toEqual({ routes: { up: 'FROM /messages/* INTO $upstream', pri: 'FROM /x INTO $upstream' } });
  });

  it('an env change shows as drift at env only', () => {
    const result = compareDrift(driftStateFromManifest(manifest('a'))!, driftStateFromManifest(manifest('b'))!, {});
    expect(result.modules.find((m) => m.name === 'm')!.fields.filter((f) => f.verdict !== 'in-sync').map((f) => f.field)).toEqual(['env']);
  });

  it('is undefined for text that is not a deployment', () => {
    expect(driftStateFromManifest('not json')).toBeUndefined();
    expect(driftStateFromManifest('{"a":1}')).toBeUndefined();
  });

  it('canonical sorts keys and drops undefined', () => {
    expect(canonical({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
  });
});

describe('maskDriftSecrets', () => {
  it('masks secret env values and secret-shaped strings after comparing: a changed secret still differs, its values hidden', () => {
    const key = 'c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzLTEyMzQ1Njc4OTA=';
    const cs = `HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=${key}`;
    const a = { m: { ...BASE, env: { MODE: 'a', DB_PASSWORD: 'hunter2-old' }, createOptions: { Env: [`CONN=${cs}`], Cmd: ['run'] } } };
    const d = { m: { ...BASE, env: { MODE: 'a', DB_PASSWORD: 'hunter2-new' }, createOptions: { Env: [`CONN=${cs}`], Cmd: ['run'] } } };
    const masked = maskDriftSecrets(compareDrift(a, d, {}));
    const fields = masked.modules[0]!.fields;
    expect(fields.find((f) => f.field === 'env')).toMatchObject({ approved: { MODE: 'a', DB_PASSWORD: MASKED }, desired: { MODE: 'a', DB_PASSWORD: MASKED }, verdict: 'desired-differs' });
    expect(fields.find((f) => f.field === 'createOptions')).toMatchObject({ approved: { Env: [`CONN=${MASKED}`], Cmd: ['run'] }, verdict: 'in-sync' });
    const text = JSON.stringify(masked);
    for (const secret of ['hunter2', key]) expect(text).not.toContain(secret);
  });
});
