import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceContract } from '../../shared/ipc';
import { Dispatcher } from '../host/dispatcher';
import { EventBus } from '../host/event-bus';
import { hostPlatform } from './workspace-expand';
import { defaultTemplatesDir } from './workspace-templates';
import { WorkspaceService } from './workspace.service';
import { onCleanup, tempDir, write } from './workspace.test-util';


/** The service behind a real dispatcher, so inputs and outputs are checked against the contract. */
async function openSolution(files: Record<string, string>) {
  const root = tempDir('gh-expand-root-');
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  const service = new WorkspaceService({ dataDir: tempDir('gh-expand-data-'), events: new EventBus(), templatesDir: defaultTemplatesDir() });
  onCleanup(() => service.dispose());
  const dispatcher = new Dispatcher();
  dispatcher.register(workspaceContract, service);
  const call = (params: object) => dispatcher.invoke('workspace.expandTemplate', params);
  await service.open({ path: root });
  return { root, call };
}

const template = (image: string) =>
  JSON.stringify({
    '$schema-template': '4.0.0',
    modulesContent: {
      $edgeAgent: { 'properties.desired': { modules: { filter: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image, createOptions: { HostConfig: { Privileged: true } } } } } } },
      $edgeHub: { 'properties.desired': { routes: {} } },
    },
  });

const MODULE_JSON = JSON.stringify({ image: { repository: '${CONTAINER_REGISTRY_SERVER}/filter', tag: { version: '0.0.1', platforms: { amd64: './Dockerfile', arm64v8: './Dockerfile.arm64v8' } } } });

describe('workspace.expandTemplate', () => {
  it('expands with the folder’s .env and modules/*/module.json, for the platform asked or this machine’s', async () => {
    const { call } = await openSolution({ 'deployment.template.json': template('${MODULES.filter}'), '.env': 'CONTAINER_REGISTRY_SERVER=localhost:5000\n', 'modules/filter/module.json': MODULE_JSON });
    const amd = await call({ path: 'deployment.template.json', platform: 'amd64' });
    expect(amd).toMatchObject({ ok: true, value: { outputName: 'deployment.amd64.json', platform: 'amd64' } });
    const text = amd.ok ? (amd.value as { text: string }).text : '';
    expect(JSON.parse(text).modulesContent.$edgeAgent['properties.desired'].modules.filter.settings).toEqual({
      image: 'localhost:5000/filter:0.0.1-amd64',
      createOptions: '{"HostConfig":{"Privileged":true}}',
    });
    expect(await call({ path: 'deployment.template.json', platform: 'arm64v8' })).toMatchObject({ ok: true, value: { outputName: 'deployment.arm64v8.json', text: expect.stringContaining('0.0.1-arm64v8') } });
    expect(await call({ path: 'deployment.template.json' })).toMatchObject({ ok: true, value: { platform: hostPlatform() } });
  });

  it('expands the editor’s unsaved text instead of the file, and writes nothing', async () => {
    const { root, call } = await openSolution({ 'deployment.template.json': template('${MODULES.filter}'), '.env': 'REG=r.example\n', 'modules/filter/module.json': MODULE_JSON });
    const result = await call({ path: 'deployment.template.json', platform: 'amd64', text: template('${REG}/edited:2') });
    expect(result).toMatchObject({ ok: true, value: { text: expect.stringContaining('"r.example/edited:2"') } });
    expect(readFileSync(join(root, 'deployment.template.json'), 'utf8')).toContain('${MODULES.filter}');
  });

  it('reads .env and modules beside a template in a subfolder', async () => {
    const { call } = await openSolution({ 'sub/deployment.debug.template.json': template('${MODULES.filter}'), 'sub/.env': 'CONTAINER_REGISTRY_SERVER=sub.example\n', 'sub/modules/filter/module.json': MODULE_JSON });
    expect(await call({ path: 'sub/deployment.debug.template.json', platform: 'amd64' })).toMatchObject({
      ok: true,
      value: { outputName: 'deployment.debug.amd64.json', text: expect.stringContaining('sub.example/filter:0.0.1-amd64') },
    });
  });

  it('answers INVALID_MANIFEST with located diagnostics when a variable is missing', async () => {
    const { call } = await openSolution({ 'deployment.template.json': template('${MISSING_REGISTRY}/x:1') });
    const result = await call({ path: 'deployment.template.json', platform: 'amd64' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_MANIFEST', details: { reason: 'EXPAND_FAILED' } } });
    const diagnostics = (result as { error: { details: { diagnostics: { line: number; message: string }[] } } }).error.details.diagnostics;
    expect(diagnostics[0]).toMatchObject({ line: 1, message: expect.stringContaining('MISSING_REGISTRY') });
  });

  it('never fills a variable from the host environment', async () => {
    process.env.GATEHOUSE_TEST_SECRET = 'leaked';
    onCleanup(() => delete process.env.GATEHOUSE_TEST_SECRET);
    const { call } = await openSolution({ 'deployment.template.json': template('${GATEHOUSE_TEST_SECRET}/x:1') });
    expect(await call({ path: 'deployment.template.json', platform: 'amd64' })).toMatchObject({ ok: false, error: { code: 'INVALID_MANIFEST' } });
  });

  it('does not read module folders outside the workspace, and refuses paths outside it', async () => {
    const outside = tempDir('gh-expand-outside-');
    write(outside, 'mod/module.json', MODULE_JSON);
    const { root, call } = await openSolution({ 'a.template.json': template('${MODULEDIR<../' + outside.split('/').pop() + '/mod>}') });
    symlinkSync(join(outside, 'mod'), join(root, 'linked'));
    write(root, 'b.template.json', template('${MODULEDIR<./linked>}'));
    write(root, 'inside/module.json', MODULE_JSON);
    write(root, 'c.template.json', template('${MODULEDIR<./inside>}'));
    write(root, '.env', 'CONTAINER_REGISTRY_SERVER=localhost:5000\n');
    expect(await call({ path: 'c.template.json', platform: 'amd64' })).toMatchObject({ ok: true, value: { text: expect.stringContaining('localhost:5000/filter:0.0.1-amd64') } });
    for (const path of ['a.template.json', 'b.template.json']) {
      expect(await call({ path, platform: 'amd64' })).toMatchObject({ ok: false, error: { code: 'INVALID_MANIFEST' } });
    }
    expect(await call({ path: '../x.template.json' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'OUTSIDE_WORKSPACE' } } });
    expect(await call({ path: 'missing.template.json' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call({ path: 'a.template.json', platform: 'sparc' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64v8'],
    ['arm', 'arm32v7'],
  ])('maps the CPU %s to the platform %s', (cpu, platform) => expect(hostPlatform(cpu)).toBe(platform));
});
