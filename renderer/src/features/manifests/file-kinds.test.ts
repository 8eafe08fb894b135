import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildTree, fileKind, isManifestPath, judgeFile, languageOf } from './file-kinds';

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
