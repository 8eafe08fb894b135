import { describe, expect, it } from 'vitest';
import { parseDotEnv } from './dot-env.js';

describe('parseDotEnv', () => {
  it.each<[string, Record<string, string>]>([
    ['A=1\nB=two', { A: '1', B: 'two' }],
    ['  A = spaced value  ', { A: 'spaced value' }],
    ['# comment\nA=1 # trailing comment', { A: '1' }],
    ['A=a#b', { A: 'a#b' }],
    ['export A=1', { A: '1' }],
    ['A="quoted # not a comment"', { A: 'quoted # not a comment' }],
    ["A='single $X'", { A: 'single $X' }],
    ['A="line1\\nline2"', { A: 'line1\nline2' }],
    ['A="multi\nline"\nB=2', { A: 'multi\nline', B: '2' }],
    ['A=\nB=', { A: '', B: '' }],
    ['A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['A=1\nA=2', { A: '2' }],
    ['not an assignment\nA=1', { A: '1' }],
    ['\uFEFFA=1', { A: '1' }],
    ['CONTAINER_REGISTRY_SERVER=localhost:5000', { CONTAINER_REGISTRY_SERVER: 'localhost:5000' }],
  ])('%j', (text, expected) => {
    expect(parseDotEnv(text)).toEqual(expected);
  });
});

describe('parseDotEnv with expandTemplate', () => {
  it('feeds template expansion (variables from .env replace ${VAR} and $VAR)', async () => {
    const { expandTemplate } = await import('./template-expand.js');
    const env = parseDotEnv('CONTAINER_REGISTRY_USERNAME=me\nCONTAINER_REGISTRY_PASSWORD="p@ss word"\n');
    const result = expandTemplate('{"modulesContent":{"x":{"properties.desired":{"u":"${CONTAINER_REGISTRY_USERNAME}","p":"$CONTAINER_REGISTRY_PASSWORD"}}}}', { env });
    expect(result.ok && JSON.parse(result.value.text).modulesContent.x['properties.desired']).toEqual({ u: 'me', p: 'p@ss word' });
  });

  it('reads the fixture .env used by the corpus test', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const env = parseDotEnv(readFileSync(path.join(__dirname, 'testdata/.env'), 'utf8'));
    expect(env['CONTAINER_REGISTRY_SERVER']).toBe('myregistry.azurecr.io');
    expect(env['CONTAINER_TAG']).toBe('');
    expect(Object.keys(env).length).toBeGreaterThan(200);
  });
});
