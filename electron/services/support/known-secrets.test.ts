import { describe, expect, it } from 'vitest';
import { MASK } from '../../../shared/commissioning/redact';
import { collectKnownSecrets, connectionStringSecrets } from './known-secrets';

const KEY = 'c2VjcmV0LWtleS0wMTIzNDU2Nzg5LWFiY2RlZmdoaWprbA==';
const manifest = JSON.stringify({
  modulesContent: {
    $edgeAgent: {
      'properties.desired': {
        runtime: { settings: { registryCredentials: { acr: { address: 'acr.example', username: 'u', password: 'registry-pass-1' } } } },
        modules: { m: { settings: { image: 'x', createOptions: JSON.stringify({ Env: [`CS=HostName=h.example;DeviceId=d;SharedAccessKey=${KEY}`] }) }, env: { API_TOKEN: { value: 'token-value-1' } } } },
      },
    },
  },
});

describe('known secrets', () => {
  it('a connection string gives its key and itself', () => {
    expect(connectionStringSecrets(`HostName=h;SharedAccessKeyName=owner;SharedAccessKey=${KEY}`)).toEqual([`HostName=h;SharedAccessKeyName=owner;SharedAccessKey=${KEY}`, KEY]);
    expect(connectionStringSecrets('Endpoint=sb://x/;SharedAccessSignature=SharedAccessSignature sr=x&sig=abc')).toContain('SharedAccessSignature sr=x&sig=abc');
  });

  it('gathers every source, counts each origin, and masks every value in text', async () => {
    const known = await collectKnownSecrets({
      deploymentText: () => manifest,
      registryPasswords: () => ['registry-pass-1', 'second-registry-pass'],
      identities: async () => ({ device: { primaryKey: 'device-primary', secondaryKey: 'device-secondary' }, modules: [{ primaryKey: 'module-primary', secondaryKey: 'module-secondary' }] }),
      connectionStrings: async () => ['HostName=hub;SharedAccessKeyName=iothubowner;SharedAccessKey=owner-key-value'],
      consoleToken: async () => 'console-token-value',
      hubRegistryKeys: async () => ['leaf-device-primary', 'leaf-device-secondary', 'device-primary'],
    });
    // A value known from two origins counts once, for the first.
    expect(known.counts).toEqual({ manifest: 4, registry: 1, identity: 4, 'hub-connection': 2, 'hub-registry': 2, 'console-token': 1 });
    expect(known.unavailable).toEqual([]);
    const text = ['registry-pass-1', 'second-registry-pass', KEY, 'token-value-1', 'device-primary', 'module-secondary', 'owner-key-value', 'console-token-value', 'leaf-device-secondary'].join(' | ');
    expect(known.redactor().text(text)).toBe(Array(9).fill(MASK).join(' | '));
  });

  it('a source that fails is named as unavailable; the others still count', async () => {
    const known = await collectKnownSecrets({
      deploymentText: () => '{not json',
      identities: async () => {
        throw new Error('the identity store is sealed with another key');
      },
      consoleToken: async () => 'console-token-value',
    });
    expect(known.unavailable.map((u) => u.origin)).toEqual(['manifest', 'identity']);
    expect(known.unavailable[1]!.reason).toContain('sealed with another key');
    expect(known.values).toEqual(['console-token-value']);
  });
});
