import { describe, expect, it } from 'vitest';
import { IOT_EDGE_RESTART_SETTINGS, type ObservedModule } from './model';
import { deploymentFrom, desiredModule, withDefaultTag } from './desired-state';
import { edgeAgentReported, MIN_TIME } from './reported';

const manifest = (modules: Record<string, unknown>, wrapper: 'modulesContent' | 'moduleContent' = 'modulesContent') => ({
  [wrapper]: {
    $edgeAgent: {
      'properties.desired': {
        schemaVersion: '1.1',
        runtime: { type: 'docker', settings: {} },
        systemModules: {
          edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
          edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: '' } },
        },
        modules,
      },
    },
    $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
  },
});

describe('deploymentFrom', () => {
  it("applies IoT Edge's defaults", () => {
    const result = deploymentFrom(manifest({ temp: { type: 'docker', status: 'running', settings: { image: 'local/temp' } } }));
    expect(result.ok && result.value.modules[0]).toMatchObject({
      name: 'temp',
      image: 'local/temp:latest',
      restartPolicy: 'on-unhealthy',
      imagePullPolicy: 'on-create',
      startupOrder: 4294967295,
      createOptions: {},
      status: 'running',
    });
    expect(result.ok && result.value.edgeHub).toMatchObject({ storeAndForwardConfiguration: { timeToLiveSecs: 7200 } });
  });

  it('reads the old moduleContent spelling and joins createOptions chunks', () => {
    const settings = { image: 'x:1', createOptions: '{"Env":["A', createOptions01: '=1"]}' };
    const result = deploymentFrom(manifest({ m: { type: 'docker', status: 'stopped', settings } }, 'moduleContent'));
    expect(result.ok && result.value.modules[0]).toMatchObject({ createOptions: { Env: ['A=1'] }, status: 'stopped' });
  });

  it('refuses a deployment without $edgeAgent', () => {
    expect(deploymentFrom({ modulesContent: {} })).toMatchObject({ ok: false, error: { code: 'INVALID_MANIFEST' } });
  });

  it.each([
    ['mcr.microsoft.com/azureiotedge-simulated-temperature-sensor', 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:latest'],
    ['localhost:5000/filter', 'localhost:5000/filter:latest'],
    ['localhost:5000/filter:0.1', 'localhost:5000/filter:0.1'],
    ['busybox@sha256:abc', 'busybox@sha256:abc'],
  ])('tags %s as %s', (image, expected) => expect(withDefaultTag(image)).toBe(expected));
});

describe('config hash', () => {
  const base = { type: 'docker', status: 'running', settings: { image: 'a:1', createOptions: '{"A":1,"B":{"C":2,"D":3}}' }, env: { X: { value: '1' } } };
  const hash = (raw: object) => {
    const r = desiredModule('m', raw as Record<string, unknown>);
    if (!r.ok) throw new Error(r.error.message);
    return r.value.configHash;
  };

  it('ignores key order and desired status', () => {
    expect(hash({ ...base, settings: { image: 'a:1', createOptions: '{"B":{"D":3,"C":2},"A":1}' } })).toBe(hash(base));
    expect(hash({ ...base, status: 'stopped' })).toBe(hash(base));
  });

  it.each([
    ['image', { ...base, settings: { ...base.settings, image: 'a:2' } }],
    ['createOptions', { ...base, settings: { ...base.settings, createOptions: '{"A":2}' } }],
    ['env', { ...base, env: { X: { value: '2' } } }],
    ['restartPolicy', { ...base, restartPolicy: 'never' }],
    ['startupOrder', { ...base, startupOrder: 3 }],
  ])('changes with %s', (_what, changed) => expect(hash(changed)).not.toBe(hash(base)));
});

describe('$edgeAgent reported properties', () => {
  it('has the shape and codes IoT Edge reports', () => {
    const d = deploymentFrom(manifest({ temp: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'local/temp:1' } } }));
    if (!d.ok) throw new Error('bad');
    const crashed: ObservedModule = {
      name: 'temp',
      containerId: 'c1',
      image: 'local/temp:1',
      configHash: d.value.modules[0]?.configHash,
      instanceLabel: 'i1',
      dataDirLabel: undefined,
      owner: { kind: 'this' },
      raw: 'failed',
      exitCode: 3,
      statusDescription: 'exited',
      startedAt: '2026-11-27T10:00:00.000Z',
      finishedAt: '2026-11-27T10:00:05.000Z',
    };
    const reported = edgeAgentReported(d.value.modules, [crashed], { temp: { restartCount: 2, lastRestartTime: '2026-11-27T10:00:01.000Z' } }, {
      lastDesiredVersion: 3,
      lastDesiredStatus: { code: 200, description: '' },
      gatehouseVersion: '0.1.0',
      platform: { os: 'linux', architecture: 'x86_64', version: '0.1.0' },
      runtimeStartedAt: '2026-11-27T09:00:00.000Z',
      systemModules: d.value.systemModules,
      settings: IOT_EDGE_RESTART_SETTINGS,
    }) as { modules: Record<string, unknown>; systemModules: Record<string, unknown> };
    expect(reported).toMatchObject({ schemaVersion: '1.0', lastDesiredVersion: 3, lastDesiredStatus: { code: 200 }, runtime: { type: 'docker' } });
    expect(reported.modules.temp).toMatchObject({ runtimeStatus: 'backoff', exitCode: 3, restartCount: 2, settings: { image: 'local/temp:1', createOptions: '{}' } });
    expect(reported.systemModules.edgeAgent).not.toHaveProperty('status');
    expect(reported.systemModules.edgeAgent).not.toHaveProperty('restartCount');
    expect(reported.systemModules.edgeHub).toMatchObject({ status: 'running', restartPolicy: 'always', runtimeStatus: 'running', lastExitTimeUtc: MIN_TIME });
  });
});
