import { describe, expect, it } from 'vitest';
import { credentialsFor, readRegistryCredentials, registryOf } from './registry-credentials';

describe('registry credentials', () => {
  it.each([
    ['busybox', 'docker.io'],
    ['library/busybox:1', 'docker.io'],
    ['myacr.azurecr.io/filter:0.1-amd64', 'myacr.azurecr.io'],
    ['localhost:5000/filter', 'localhost:5000'],
    ['localhost/filter', 'localhost'],
    ['mcr.microsoft.com/azureiotedge-agent:1.5', 'mcr.microsoft.com'],
  ])('%s comes from %s', (image, registry) => expect(registryOf(image)).toBe(registry));

  const creds = readRegistryCredentials({
    runtime: {
      settings: {
        registryCredentials: {
          acr: { address: 'https://MyAcr.azurecr.io/', username: 'u1', password: 'p1' },
          hub: { address: 'index.docker.io', username: 'u2', password: 'p2' },
          broken: { address: 'x' },
        },
      },
    },
  });

  it('reads the well-formed entries and skips the rest', () => expect(creds.map((c) => c.username)).toEqual(['u1', 'u2']));

  it("picks the first credential whose address is the image's registry", () => {
    expect(credentialsFor('myacr.azurecr.io/filter:1', creds)).toEqual({ username: 'u1', password: 'p1', serveraddress: 'https://MyAcr.azurecr.io/' });
    expect(credentialsFor('someone/thing:1', creds)?.username).toBe('u2');
    expect(credentialsFor('other.azurecr.io/x:1', creds)).toBeUndefined();
  });
});
