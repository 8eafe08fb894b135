import { describe, expect, it } from 'vitest';
import { manifest } from '../../../../shared/manifest/manifest.test-util';
import { ancestorsOf, buildTree, dotEnvBeside, fileKind, isManifestPath, judgeFile, languageOf, templateEnv } from './file-kinds';

describe('file kinds', () => {
  it.each([
    ['deployment.template.json', 'manifest', 'json'],
    ['deployment.debug.template.json', 'manifest', 'json'],
    ['config/deployment.amd64.json', 'manifest', 'json'],
    ['layered.json', 'manifest', 'json'],
    ['modules/filtermodule/module.json', 'json', 'json'],
    ['.env', 'env', 'ini'],
    ['modules/filtermodule/Dockerfile.amd64', 'dockerfile', 'dockerfile'],
    ['modules/filtermodule/app.js', 'code', 'javascript'],
    ['README.md', 'text', 'markdown'],
  ])('%s is %s (%s)', (path, kind, language) => {
    expect(fileKind(path)).toBe(kind);
    expect(languageOf(path)).toBe(language);
  });

  it('tells manifests by name only', () => {
    expect(isManifestPath('package.json')).toBe(false);
    expect(isManifestPath('deployment.template.json.bak')).toBe(false);
  });
});

describe('judgeFile: a manifest by its content, as the CLI judges it', () => {
  const deployment = JSON.stringify({
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { registryCredentials: { acr: { address: 'example.azurecr.io', username: '', password: '' } } } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
            edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
          },
          modules: {},
        },
      },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
    },
  }, null, 2);

  it.each(['manifest.json', 'config/site.manifest.json', 'gateway-deployment-3.json', 'deployment.json'])('%s holding a deployment is judged as one', (path) => {
    const judged = judgeFile(path, deployment);
    expect(judged.manifest).toBe(true);
    expect(judged.report?.kind).toBe('deployment');
    // Blank registry credentials: the CLI rejects them, so must the editor.
    expect(judged.report?.ok).toBe(false);
  });

  it('broken JSON with a deployment key is still a manifest, with our syntax diagnostic', () => {
    const judged = judgeFile('manifest.json', '{ "modulesContent": { "$edgeAgent": { "a": 1 "b": 2 } } }');
    expect(judged.manifest).toBe(true);
    expect(judged.report?.diagnostics.map((d) => d.code)).toContain('GH1001');
  });

  it('other JSON is not judged as a manifest; a manifest name with other content is "not a deployment"', () => {
    expect(judgeFile('package.json', '{ "name": "x" }')).toEqual({ manifest: false });
    expect(judgeFile('modules/f/module.json', '{ "image": { "repository": "x" } }').manifest).toBe(false);
    expect(judgeFile('deployment.json', '{ "name": "x" }').report?.kind).toBe('unknown');
    expect(judgeFile('.env', 'A=1')).toEqual({ manifest: false });
  });
});

describe('buildTree', () => {
  it('nests the flat listing and keeps its order', () => {
    const tree = buildTree([
      { path: 'modules', name: 'modules', kind: 'directory' },
      { path: 'modules/f', name: 'f', kind: 'directory' },
      { path: 'modules/f/module.json', name: 'module.json', kind: 'file', size: 2 },
      { path: '.env', name: '.env', kind: 'file', size: 1 },
    ]);
    expect(tree.map((n) => n.name)).toEqual(['modules', '.env']);
    expect(tree[0]?.children[0]?.children[0]).toMatchObject({ path: 'modules/f/module.json', size: 2 });
    expect(ancestorsOf('modules/f/module.json')).toEqual(['modules', 'modules/f']);
  });
});

describe('a template checked with the .env beside it, as `gatehouse validate` checks it', () => {
  // The skeleton's store-and-forward time to live as a variable outside quotes, as solutions often have it.
  const template = JSON.stringify(manifest(), null, 2).replace('"timeToLiveSecs": 7200', '"timeToLiveSecs": ${TTL}');
  const line = template.split('\n').findIndex((l) => l.includes('${TTL}')) + 1;

  it('names a variable the .env does not set, on its line', () => {
    expect(dotEnvBeside('deployment.template.json')).toBe('.env');
    expect(dotEnvBeside('solutions/site-a/deployment.template.json')).toBe('solutions/site-a/.env');
    const report = judgeFile('deployment.template.json', template, templateEnv('CONTAINER_REGISTRY=localhost:5000\n'))?.report;
    expect(report?.kind).toBe('template');
    expect(report?.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['GH6001', line]]);
    expect(report?.diagnostics.find((d) => d.code === 'GH6001')?.message).toContain('"TTL"');
  });

  it('accepts it once the .env sets it; without a .env the variables are not judged', () => {
    expect(judgeFile('deployment.template.json', template, templateEnv('TTL=3600\n'))?.report?.ok).toBe(true);
    expect(judgeFile('deployment.template.json', template, templateEnv(undefined))?.report?.diagnostics.filter((d) => d.code === 'GH6001')).toEqual([]);
  });
});
