import { describe, expect, it } from 'vitest';
import type { CheckDef } from './check-def';
import type { CheckStatus, Verdict } from './check-model';
import { createOptionsSafe, deploymentPresent, imagesAvailable, manifestValid, routesCompile, secretFree } from './checks-configuration';
import { certificatesValid, deviceIdentity, deviceKey, hubPorts, hubResolves, moduleIdentities } from './checks-connectivity';
import { clockSkew, compareVersions, diskSpace, engineReachable, logRotation } from './checks-host';
import { deploymentCurrent, modulesRunning, noCrashLoop, outboxDraining, routesApplied, upstreamArrivals, upstreamConnected } from './checks-runtime';
import type { Facts, ModuleFact } from './facts';

/** Table-driven: each verdict function, pure, over hand-made facts. */

const NOW = '2026-12-03T12:00:00.000Z';
const LOCAL = { deviceId: 'gw1', runtime: 'local' as const };
const GiB = 1024 ** 3;

function deployment(modules: Record<string, unknown>, routes: Record<string, unknown> = {}, settings: Record<string, unknown> = {}): string {
  return JSON.stringify({
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25', ...settings } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
            edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: '{}' } },
          },
          modules,
        },
      },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
    },
  });
}
const sensor = (extra: Record<string, unknown> = {}) => ({ version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'gatehouse/sensor:1.0', createOptions: '{}' }, ...extra });
const GOOD = deployment({ sensor: sensor() }, { up: 'FROM /messages/modules/sensor/outputs/* INTO $upstream' });
const deployed = (text: string) => ({ available: true as const, deployment: { source: 'local-runtime' as const, text, version: 3 } });
const unavailable = (reason: string) => ({ available: false as const, reason });
const judge = (check: CheckDef, facts: Partial<Facts>) => check.verdict(facts as Facts);
const statusOf = (check: CheckDef, facts: Partial<Facts>): CheckStatus | CheckStatus[] => {
  const v = judge(check, facts);
  return Array.isArray(v) ? v.map((x: Verdict) => x.status) : (v as Verdict).status;
};
const module = (m: Partial<ModuleFact> & { name: string }): ModuleFact => ({ desiredStatus: 'running', runtimeStatus: 'running', restartCount: 0, ...m });
const runtime = (modules: ModuleFact[], versions: { desired?: number; reported?: number; code?: number } = {}) => ({
  available: true as const,
  modules,
  desiredVersion: versions.desired ?? 3,
  reportedVersion: versions.reported ?? 3,
  lastDesiredStatus: { code: versions.code ?? 200, description: versions.code && versions.code !== 200 ? 'Error: image not found' : '' },
  driver: 'local' as const,
});

describe('configuration verdicts', () => {
  it.each<[string, CheckDef, Partial<Facts>, CheckStatus]>([
    ['deployment applied', deploymentPresent, { deployment: deployed(GOOD), target: LOCAL }, 'ok'],
    ['nothing applied (local)', deploymentPresent, { deployment: { available: true, deployment: undefined }, target: LOCAL }, 'error'],
    ['nothing deployed (remote)', deploymentPresent, { deployment: { available: true, deployment: undefined }, target: { deviceId: 'x', runtime: 'remote' } }, 'error'],
    ['hub unreadable', deploymentPresent, { deployment: unavailable('401'), target: LOCAL }, 'error'],
    ['valid manifest', manifestValid, { deployment: deployed(GOOD) }, 'ok'],
    ['invalid manifest', manifestValid, { deployment: deployed(deployment({ 'bad name!': sensor() })) }, 'error'],
    ['no secrets', secretFree, { deployment: deployed(GOOD) }, 'ok'],
    ['an inline registry password', secretFree, { deployment: deployed(deployment({ sensor: sensor() }, {}, { registryCredentials: { r: { address: 'r.io', username: 'u', password: 'secret123' } } })) }, 'error'],
    ['routes to deployed modules', routesCompile, { deployment: deployed(GOOD) }, 'ok'],
    ['a route to a module not deployed', routesCompile, { deployment: deployed(deployment({ sensor: sensor() }, { r: 'FROM /messages/modules/sensor/outputs/* INTO BrokeredEndpoint("/modules/filter/inputs/in")' })) }, 'error'],
    ['a route that does not compile', routesCompile, { deployment: deployed(deployment({ sensor: sensor() }, { r: 'FROM /messages/* WHERE INTO $upstream' })) }, 'error'],
    ['images here', imagesAvailable, { images: { available: true, images: [{ image: 'a:1', modules: ['a'], present: true, pullPolicy: 'on-create', registry: 'unknown', registryAddress: '' }] } }, 'ok'],
    ['image missing, registry answers', imagesAvailable, { images: { available: true, images: [{ image: 'r.io/a:1', modules: ['a'], present: false, pullPolicy: 'on-create', registry: 'reachable', registryAddress: 'r.io' }] } }, 'warning'],
    ['image missing, registry down', imagesAvailable, { images: { available: true, images: [{ image: 'r.io/a:1', modules: ['a'], present: false, pullPolicy: 'on-create', registry: 'unreachable', registryAddress: 'r.io' }] } }, 'error'],
    ['image missing, never pulled', imagesAvailable, { images: { available: true, images: [{ image: 'a:1', modules: ['a'], present: false, pullPolicy: 'never', registry: 'unknown', registryAddress: '' }] } }, 'error'],
    ['plain createOptions', createOptionsSafe, { deployment: deployed(GOOD) }, 'ok'],
    ['privileged module', createOptionsSafe, { deployment: deployed(deployment({ sensor: sensor({ settings: { image: 'x', createOptions: '{"HostConfig":{"Privileged":true}}' } }) })) }, 'warning'],
  ])('%s', (_name, check, facts, expected) => {
    expect(statusOf(check, facts)).toBe(expected);
  });

  it('a secret is named by its place, never by its value', () => {
    const v = judge(secretFree, { deployment: deployed(deployment({ sensor: sensor({ env: { DB_PASSWORD: { value: 'hunter2hunter2' } } }) })) }) as Verdict;
    expect(v.detail).toContain('module sensor, env DB_PASSWORD');
    expect(v.detail).toContain('/modules/sensor/env/DB_PASSWORD/value');
    expect(JSON.stringify(v)).not.toContain('hunter2hunter2');
  });

  it('a route to an undeployed module names the route and the module', () => {
    const v = judge(routesCompile, { deployment: deployed(deployment({ sensor: sensor() }, { toFilter: 'FROM /messages/modules/sensor/outputs/* INTO BrokeredEndpoint("/modules/filter/inputs/in")' })) }) as Verdict;
    expect(v.detail).toContain('toFilter names filter');
  });
});

describe('host verdicts', () => {
  it.each<[string, CheckDef, Partial<Facts>, CheckStatus]>([
    ['engine answers', engineReachable, { engine: { available: true, version: '20.10.24', apiVersion: '1.41', minDockerVersion: 'v1.25' }, target: LOCAL }, 'ok'],
    ['engine too old', engineReachable, { engine: { available: true, version: '1.13.1', apiVersion: '1.26', minDockerVersion: '17.06' }, target: LOCAL }, 'error'],
    ['engine down', engineReachable, { engine: unavailable('connect ENOENT /var/run/docker.sock'), target: LOCAL }, 'error'],
    ['remote device: not this host', engineReachable, { engine: unavailable('x'), target: { deviceId: 'x', runtime: 'remote' } }, 'skipped'],
    ['plenty of disk', diskSpace, { disk: { available: true, path: '/d', freeBytes: 50 * GiB, totalBytes: 100 * GiB }, target: LOCAL }, 'ok'],
    ['under the store bound', diskSpace, { disk: { available: true, path: '/d', freeBytes: 0.5 * GiB, totalBytes: 100 * GiB }, target: LOCAL }, 'warning'],
    ['nearly full', diskSpace, { disk: { available: true, path: '/d', freeBytes: 10 * 1024 ** 2, totalBytes: 100 * GiB }, target: LOCAL }, 'error'],
    ['json-file with max-size', logRotation, { containers: { available: true, containers: [{ module: 'a', containerId: 'c', logDriver: 'json-file', logOptions: { 'max-size': '10m' } }] }, target: LOCAL }, 'ok'],
    ['local driver', logRotation, { containers: { available: true, containers: [{ module: 'a', containerId: 'c', logDriver: 'local', logOptions: {} }] }, target: LOCAL }, 'ok'],
    ['json-file unbounded', logRotation, { containers: { available: true, containers: [{ module: 'a', containerId: 'c', logDriver: 'json-file', logOptions: {} }] }, target: LOCAL }, 'warning'],
    ['clock in step', clockSkew, { clock: { available: true, hubDate: NOW, localAt: NOW, skewMs: 0 } }, 'ok'],
    ['clock 2 minutes off', clockSkew, { clock: { available: true, hubDate: NOW, localAt: NOW, skewMs: 120_000 } }, 'warning'],
    ['clock 10 minutes off', clockSkew, { clock: { available: true, hubDate: NOW, localAt: NOW, skewMs: -600_000 } }, 'error'],
    ['hub time unknown', clockSkew, { clock: unavailable('no hub') }, 'skipped'],
  ])('%s', (_name, check, facts, expected) => {
    expect(statusOf(check, facts)).toBe(expected);
  });

  it.each([
    ['20.10.24+dfsg1', '1.25', 1],
    ['v1.25', '1.25', 0],
    ['1.13.1', '17.06', -1],
    ['24.0.5', '24.0.10', -1],
  ])('compareVersions(%s, %s) = %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('connectivity and identity verdicts', () => {
  const hub = (endpoints: NonNullable<Extract<Facts['hub'], { available: true }>['endpoints']>, dns: Extract<Facts['hub'], { available: true }>['dns'] = { ok: true, addresses: ['127.0.0.1'] }) =>
    ({ available: true, hostName: 'h', host: 'h', kind: 'cloud', dns, endpoints }) as const;
  const device = (d: Partial<Extract<Facts['device'], { available: true }>>) => ({ available: true as const, deviceId: 'gw1', exists: true, edgeEnabled: true, status: 'enabled', authType: 'sas', ...d });

  it.each<[string, CheckDef, Partial<Facts>, CheckStatus | CheckStatus[]]>([
    ['name resolves', hubResolves, { hub: hub([]) }, 'ok'],
    ['name does not resolve', hubResolves, { hub: hub([], { ok: false, error: 'ENOTFOUND' }) }, 'error'],
    ['no hub', hubResolves, { hub: unavailable('no hub is connected') }, 'error'],
    [
      'one result per port: TLS ok, TCP refused, untrusted certificate',
      hubPorts,
      {
        hub: hub([
          { host: 'h', port: 443, purpose: 'HTTPS', tcp: { ok: true, ms: 3 }, tls: { ok: true, ms: 5, subject: 'h', issuer: 'ca', validTo: NOW } },
          { host: 'h', port: 8883, purpose: 'MQTT', tcp: { ok: false, error: 'ECONNREFUSED' } },
          { host: 'h', port: 5671, purpose: 'AMQP', tcp: { ok: true, ms: 3 }, tls: { ok: false, error: 'SELF_SIGNED_CERT_IN_CHAIN', untrusted: true } },
        ]),
      },
      ['ok', 'error', 'error'],
    ],
    ['device fine', deviceIdentity, { device: device({}) }, 'ok'],
    ['device absent', deviceIdentity, { device: device({ exists: false }) }, 'error'],
    ['device not edge', deviceIdentity, { device: device({ edgeEnabled: false }) }, 'error'],
    ['device disabled', deviceIdentity, { device: device({ status: 'disabled' }) }, 'error'],
    ['key connected', deviceKey, { device: device({ keyMatches: true, upstream: { state: 'connected' } }) }, 'ok'],
    ['key not one of the device keys', deviceKey, { device: device({ keyMatches: false }) }, 'error'],
    ['upstream refused the key', deviceKey, { device: device({ upstream: { state: 'offline', error: 'CONNACK 5: not authorized' } }) }, 'error'],
    ['key unknown', deviceKey, { device: device({ upstream: { state: 'off', error: 'no hub' } }) }, 'skipped'],
    ['certs fine', certificatesValid, { now: NOW, certificates: { available: true, certificates: [{ name: 'edge CA', subject: 's', validTo: '2030-01-01T00:00:00Z' }] } }, 'ok'],
    ['cert expiring in 10 days', certificatesValid, { now: NOW, certificates: { available: true, certificates: [{ name: 'edge CA', subject: 's', validTo: '2026-12-13T12:00:00Z' }] } }, 'error'],
    ['cert expired', certificatesValid, { now: NOW, certificates: { available: true, certificates: [{ name: 'edge CA', subject: 's', validTo: '2026-12-01T00:00:00Z' }] } }, 'error'],
    ['module identities complete', moduleIdentities, { moduleIdentities: { available: true, modules: ['sensor'] }, deployment: deployed(GOOD) }, 'ok'],
    ['a module identity missing', moduleIdentities, { moduleIdentities: { available: true, modules: [] }, deployment: deployed(GOOD) }, 'error'],
  ])('%s', (_name, check, facts, expected) => {
    expect(statusOf(check, facts)).toEqual(expected);
  });

  it('per-port results carry their port as subject', () => {
    const v = judge(hubPorts, { hub: hub([{ host: 'h', port: 8883, purpose: 'MQTT (8883)', tcp: { ok: false, error: 'ETIMEDOUT' } }]) });
    expect(v).toEqual([expect.objectContaining({ subject: '8883', title: 'MQTT (8883) reachable', status: 'error', fix: expect.stringContaining('8883') })]);
  });

  it('an expiring certificate says how many days are left', () => {
    const v = judge(certificatesValid, { now: NOW, certificates: { available: true, certificates: [{ name: 'edge CA', subject: 's', validTo: '2026-12-13T12:00:00Z' }] } }) as Verdict;
    expect(v.detail).toContain('edge CA in 10 days');
  });
});

describe('runtime verdicts', () => {
  const outbox = (endpoints: { endpoint: string; depthBefore: number; depthAfter: number; oldestAgeMs: number; expired: number }[], state: 'connected' | 'offline' | 'off' | 'connecting' = 'connected') => ({
    available: true as const,
    upstream: { state, detail: 'localhost' },
    intervalMs: 1000,
    endpoints,
  });
  it.each<[string, CheckDef, Partial<Facts>, CheckStatus | CheckStatus[]]>([
    ['all running', modulesRunning, { runtime: runtime([module({ name: 'a' }), module({ name: 'b', desiredStatus: 'stopped', runtimeStatus: 'stopped' })]) }, 'ok'],
    ['one stopped', modulesRunning, { runtime: runtime([module({ name: 'a', runtimeStatus: 'stopped', exitCode: 1 })]) }, 'error'],
    ['no loop', noCrashLoop, { now: NOW, runtime: runtime([module({ name: 'a', restartCount: 5, lastRestartTime: '2026-12-02T00:00:00Z' })]) }, 'ok'],
    ['restarts in the last minutes', noCrashLoop, { now: NOW, runtime: runtime([module({ name: 'a', restartCount: 4, lastRestartTime: '2026-12-03T11:58:00Z' })]) }, 'error'],
    ['in backoff', noCrashLoop, { now: NOW, runtime: runtime([module({ name: 'a', runtimeStatus: 'backoff', restartCount: 1 })]) }, 'error'],
    ['current', deploymentCurrent, { runtime: runtime([]) }, 'ok'],
    ['stale', deploymentCurrent, { runtime: runtime([], { desired: 5, reported: 4 }) }, 'error'],
    ['applied with an error', deploymentCurrent, { runtime: runtime([], { code: 417 }) }, 'error'],
    ['routes applied', routesApplied, { routes: { available: true, code: 200, description: '', routes: [] } }, 'ok'],
    ['routes refused', routesApplied, { routes: { available: true, code: 400, description: 'Error while parsing desired properties', routes: [] } }, 'error'],
    ['upstream connected', upstreamConnected, { outbox: outbox([]) }, 'ok'],
    ['upstream offline', upstreamConnected, { outbox: outbox([], 'offline') }, 'error'],
    ['upstream connecting', upstreamConnected, { outbox: outbox([], 'connecting') }, 'warning'],
    ['outbox empty', outboxDraining, { outbox: outbox([{ endpoint: '$upstream', depthBefore: 0, depthAfter: 0, oldestAgeMs: 0, expired: 0 }]) }, 'ok'],
    ['a message in flight', outboxDraining, { outbox: outbox([{ endpoint: '$upstream', depthBefore: 0, depthAfter: 1, oldestAgeMs: 0, expired: 0 }]) }, 'ok'],
    ['a backlog building', outboxDraining, { outbox: outbox([{ endpoint: '$upstream', depthBefore: 100, depthAfter: 300, oldestAgeMs: 5000, expired: 0 }]) }, 'warning'],
    ['outbox old message', outboxDraining, { outbox: outbox([{ endpoint: '$upstream', depthBefore: 3, depthAfter: 3, oldestAgeMs: 120_000, expired: 0 }]) }, 'error'],
    ['outbox expired some', outboxDraining, { outbox: outbox([{ endpoint: '$upstream', depthBefore: 0, depthAfter: 0, oldestAgeMs: 0, expired: 7 }]) }, 'warning'],
    [
      'one result per route into $upstream',
      upstreamArrivals,
      {
        deployment: deployed(GOOD),
        arrivals: { available: true, arrivals: [{ route: 'up', source: 'sensor', arrived: true, latencyMs: 12, waitedMs: 100 }, { route: 'alerts', source: 'filter', arrived: false, waitedMs: 30_000 }] },
      },
      ['ok', 'error'],
    ],
    ['end to end not asked for', upstreamArrivals, { deployment: deployed(GOOD), arrivals: unavailable('End-to-end checks were not asked for') }, 'skipped'],
  ])('%s', (_name, check, facts, expected) => {
    expect(statusOf(check, facts)).toEqual(expected);
  });

  it('a stale deployment shows both versions', () => {
    const v = judge(deploymentCurrent, { runtime: runtime([], { desired: 5, reported: 4 }) }) as Verdict;
    expect(v.detail).toContain('desired version 5');
    expect(v.detail).toContain('lastDesiredVersion 4');
  });
});
