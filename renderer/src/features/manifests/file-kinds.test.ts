import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildTree, fileKind, isManifestPath, languageOf } from './file-kinds';

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
