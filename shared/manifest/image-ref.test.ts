import { describe, expect, it } from 'vitest';
import { checkImage, dockerProblem } from './image-ref.js';

describe('checkImage', () => {
  it.each<[string, true | 'agent' | 'docker', string?]>([
    ['mcr.microsoft.com/azureiotedge-agent:1.5', true],
    ['ubuntu', true, 'ubuntu:latest'],
    ['localhost:5000/filtermodule:0.0.1-amd64', true],
    ['myregistry.azurecr.io/team/sub/module:1.2.3', true],
    ['$upstream:443/azureiotedge-hub:1.5', true],
    ['$upstream/azureiotedge-hub:1.5', 'agent'],
    ['$IMAGE', 'agent'],
    ['repo/img:tag:extra', 'agent'],
    ['MyRegistry.azurecr.io/module:1.0', true],
    ['myregistry.azurecr.io/Module:1.0', 'docker'],
    ['myregistry.azurecr.io/module:-bad', 'docker'],
    ['myregistry.azurecr.io//module:1', 'docker'],
    ['my_registry/module__x:1', true],
    ['repo@sha256:abc', 'docker'],
  ])('%s', (image, expected, normalized) => {
    const verdict = checkImage(image);
    if (expected === true) {
      expect(verdict.ok).toBe(true);
      if (normalized && verdict.ok) expect(verdict.normalized).toBe(normalized);
    } else {
      expect(verdict).toMatchObject({ ok: false, by: expected });
    }
  });

  it('explains why Docker refuses a reference', () => {
    expect(dockerProblem('a/B:1')).toContain('lower-case');
  });
});

describe('checkImage for nested edge', () => {
  it('accepts the $upstream form only with a port', () => {
    expect(checkImage('$upstream:8000/azureiotedge-api-proxy:1.1').ok).toBe(true);
    expect(checkImage('$upstream:0/x:1')).toMatchObject({ ok: false, by: 'agent' });
  });

  it('trims the reference as the agent does', () => {
    expect(checkImage('  mcr.microsoft.com/azureiotedge-hub:1.5  ')).toMatchObject({ ok: true, hasTag: true });
  });
});
