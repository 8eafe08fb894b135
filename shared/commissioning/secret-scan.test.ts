import { describe, expect, it } from 'vitest';
import { scanDeploymentSecrets, secretEnv, secretShape } from './secret-scan';
import { riskyCreateOptions, riskyDeploymentOptions } from './risky-options';

const KEY = 'm5Cw3b0XgKq2VvJ3Yc9yK8n7R2b1fJ6l0rQ2QKp1c0A=';
const deployment = (agent: Record<string, unknown>, hub: Record<string, unknown> = {}) => ({
  modulesContent: {
    $edgeAgent: { 'properties.desired': { schemaVersion: '1.1', runtime: { type: 'docker', settings: {} }, systemModules: {}, modules: {}, ...agent } },
    $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {}, ...hub } },
  },
});

describe('secretShape', () => {
  it.each([
    [`HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=${KEY}`, 'connection-string'],
    [`Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=p;SharedAccessKey=${KEY}`, 'connection-string'],
    ['SharedAccessSignature sr=h%2Fdevices%2Fd&sig=abcdEFGH1234%3D&se=1700000000', 'sas-token'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...', 'private-key'],
    ['-----BEGIN PRIVATE KEY-----', 'private-key'],
    [KEY, 'sas-key'],
    ['hello world', undefined],
    ['HostName=h.azure-devices.net;DeviceId=d;x509=true', undefined],
    ['-----BEGIN CERTIFICATE-----', undefined],
  ])('%s → %s', (value, kind) => {
    expect(secretShape(value)).toBe(kind);
  });
});

describe('secretEnv', () => {
  it.each([
    ['DB_PASSWORD', 'hunter2hunter2', 'secret-env'],
    ['API_KEY', 'abcdef123456', 'secret-env'],
    ['ConnectionString', `HostName=h;DeviceId=d;SharedAccessKey=${KEY}`, 'connection-string'],
    ['DB_PASSWORD', '$DB_PASSWORD', undefined],
    ['DB_PASSWORD', '${DB_PASSWORD}', undefined],
    ['DB_PASSWORD', '', undefined],
    ['KEYBOARD_LAYOUT', 'de-latin1-nodeadkeys', undefined],
    ['SEND_INTERVAL', '5000', undefined],
    ['TOKEN_TTL', '3600', undefined],
  ])('%s=%s → %s', (name, value, kind) => {
    expect(secretEnv(name, value)).toBe(kind);
  });
});

describe('scanDeploymentSecrets', () => {
  it('names the place of each inline secret: registry password, env value, createOptions Env, a desired property', () => {
    const doc = deployment({
      runtime: { type: 'docker', settings: { registryCredentials: { acr: { address: 'x.azurecr.io', username: 'u', password: 'p4ssw0rd!' }, tpl: { address: 'y', username: 'u', password: '$CONTAINER_REGISTRY_PASSWORD' } } } },
      modules: {
        sensor: {
          settings: { image: 'x.azurecr.io/sensor:1', createOptions: JSON.stringify({ Env: [`CS=HostName=h;DeviceId=d;SharedAccessKey=${KEY}`, 'LOG_LEVEL=debug'] }) },
          env: { DB_PASSWORD: { value: 'hunter2hunter2' }, INTERVAL: { value: '5' } },
        },
      },
    });
    (doc.modulesContent as Record<string, unknown>).sensor = { 'properties.desired': { upstream: `HostName=h;DeviceId=d;SharedAccessKey=${KEY}` } };
    const found = scanDeploymentSecrets(doc);
    expect(found.map((f) => [f.kind, f.pointer])).toEqual([
      ['secret-env', '/modulesContent/$edgeAgent/properties.desired/modules/sensor/env/DB_PASSWORD/value'],
      ['connection-string', '/modulesContent/$edgeAgent/properties.desired/modules/sensor/settings/createOptions'],
      ['connection-string', '/modulesContent/$edgeAgent/properties.desired/modules/sensor/settings/createOptions#Env/CS'],
      ['registry-password', '/modulesContent/$edgeAgent/properties.desired/runtime/settings/registryCredentials/acr/password'],
      ['connection-string', '/modulesContent/sensor/properties.desired/upstream'],
    ]);
    expect(found.find((f) => f.kind === 'registry-password')?.value).toBe('p4ssw0rd!');
    // The key of a connection string is what a redactor must mask.
    expect(found.at(-1)?.value).toBe(KEY);
    expect(found.find((f) => f.kind === 'secret-env')?.where).toBe('module sensor, env DB_PASSWORD');
  });

  it('finds nothing in a deployment with placeholders only', () => {
    const doc = deployment({
      runtime: { type: 'docker', settings: { registryCredentials: { acr: { address: 'x', username: '$USER', password: '${PASSWORD}' } } } },
      modules: { m: { settings: { image: 'x/m:1' }, env: { API_KEY: { value: '$API_KEY' } } } },
    });
    expect(scanDeploymentSecrets(doc)).toEqual([]);
  });
});

describe('risky createOptions', () => {
  it('flags privileged, host namespaces, read-write host paths and broad capabilities', () => {
    const found = riskyCreateOptions('m', {
      HostConfig: {
        Privileged: true,
        PidMode: 'host',
        NetworkMode: 'host',
        Binds: ['/var/lib/data:/data', '/etc/ssl:/ssl:ro', 'volume:/v'],
        Mounts: [{ Type: 'bind', Source: '/dev', Target: '/dev' }, { Type: 'bind', Source: '/ro', Target: '/ro', ReadOnly: true }],
        CapAdd: ['NET_BIND_SERVICE', 'SYS_ADMIN'],
      },
    });
    expect(found.map((f) => f.field)).toEqual(['HostConfig.Privileged', 'HostConfig.PidMode', 'HostConfig.NetworkMode', 'HostConfig.Binds[0]', 'HostConfig.Mounts[0]', 'HostConfig.CapAdd']);
  });

  it('reads chunked createOptions of custom modules, not of system modules', () => {
    const options = JSON.stringify({ HostConfig: { Privileged: true } });
    const doc = deployment({
      systemModules: { edgeHub: { settings: { image: 'hub', createOptions: options } } },
      modules: { a: { settings: { image: 'a', createOptions: options.slice(0, 10), createOptions01: options.slice(10) } }, b: { settings: { image: 'b', createOptions: '{}' } } },
    });
    expect(riskyDeploymentOptions(doc)).toEqual([{ module: 'a', field: 'HostConfig.Privileged', words: expect.stringContaining('privileged') }]);
  });
});
