import { describe, expect, it } from 'vitest';
import { credentialRegistry, registryNeeds, type DeploymentNeeds } from './connectivity-targets';

const module = (name: string, image: string, imagePullPolicy: 'on-create' | 'never' = 'on-create') => ({ name, image, imagePullPolicy });
const deployment = (modules: DeploymentNeeds['modules'], addresses: string[] = []): DeploymentNeeds => ({
  modules,
  registryCredentials: addresses.map((address) => ({ address })),
});

describe('registryNeeds', () => {
  it.each([
    ['no deployment', undefined, []],
    ['an empty deployment', deployment([]), []],
    ['a Docker Hub short name', deployment([module('a', 'alpine:3.20')]), [{ address: 'registry-1.docker.io', images: ['alpine:3.20'], modules: ['a'] }]],
    ['a Docker Hub user repository', deployment([module('a', 'library/busybox')]), [{ address: 'registry-1.docker.io', images: ['library/busybox'], modules: ['a'] }]],
    ['an explicit docker.io', deployment([module('a', 'docker.io/library/nginx:1')]), [{ address: 'registry-1.docker.io', images: ['docker.io/library/nginx:1'], modules: ['a'] }]],
    [
      'mcr, shared by two modules',
      deployment([module('b', 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0'), module('a', 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0')]),
      [{ address: 'mcr.microsoft.com', images: ['mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0'], modules: ['a', 'b'] }],
    ],
    ['a loopback registry with a port', deployment([module('a', 'localhost:5000/sensor:1')]), [{ address: 'localhost:5000', images: ['localhost:5000/sensor:1'], modules: ['a'] }]],
    ['an IP registry and a digest', deployment([module('a', `127.0.0.1:5001/x@sha256:${'a'.repeat(64)}`)]), [{ address: '127.0.0.1:5001', images: [`127.0.0.1:5001/x@sha256:${'a'.repeat(64)}`], modules: ['a'] }]],
    ['an upper-case registry host', deployment([module('a', 'MyReg.AzureCR.io/sensor:1')]), [{ address: 'myreg.azurecr.io', images: ['MyReg.AzureCR.io/sensor:1'], modules: ['a'] }]],
    ['a never-pulled image', deployment([module('a', 'mcr.microsoft.com/x:1', 'never')]), []],
    ['the nested-edge $upstream form', deployment([module('a', '$upstream:443/azureiotedge-agent:1.5')]), []],
    ['a reference Docker refuses', deployment([module('a', 'mcr.microsoft.com/Upper:1')]), []],
    [
      'credential addresses, normalised and merged with images',
      deployment([module('a', 'myreg.azurecr.io/sensor:1')], ['https://MyReg.azurecr.io/', 'index.docker.io', 'other.example.com:5443/v2']),
      [
        { address: 'myreg.azurecr.io', images: ['myreg.azurecr.io/sensor:1'], modules: ['a'] },
        { address: 'other.example.com:5443', images: [], modules: [] },
        { address: 'registry-1.docker.io', images: [], modules: [] },
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(registryNeeds(input)).toEqual(expected);
  });
});

describe('credentialRegistry', () => {
  it.each([
    ['  ', undefined],
    ['docker.io', 'registry-1.docker.io'],
    ['http://localhost:5000', 'localhost:5000'],
    ['contoso.azurecr.io/', 'contoso.azurecr.io'],
  ])('%j -> %j', (address, expected) => {
    expect(credentialRegistry(address)).toBe(expected);
  });
});
