import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fail, ok, type Result } from '../../../shared/errors';
import { DriftService, type ContainerFacts } from './drift.service';

/**
 * The running leg's createOptions: the agent reports the desired createOptions, so they count as running only when
 * the container's config-hash label says it was created from the desired configuration; otherwise they are unknown
 * (not compared) and a note says why. The console's answers are given through invoke; the engine's through
 * inspectContainer (the real engine is in drift.service.test.ts).
 */

const dataDir = mkdtempSync(join(tmpdir(), 'gh-drift-running-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const text = JSON.stringify({
  modulesContent: {
    $edgeAgent: { 'properties.desired': { modules: { m: { version: '1.0', status: 'running', env: {}, settings: { image: 'img:1', createOptions: '{"Cmd":["run"]}' } } } } },
    $edgeHub: { 'properties.desired': { routes: {} } },
  },
});

function service(container: ContainerFacts): DriftService {
  const answers: Record<string, unknown> = {
    'runtime.status': { modules: [{ name: 'm', image: 'img:1', runtimeStatus: 'running', containerId: 'c1' }] },
    'runtime.reported': { modules: { m: { version: '1.0', status: 'running', env: {}, settings: { image: 'img:1', createOptions: '{"Cmd":["run"]}' } } } },
    'edgehub.routes': { routes: [] },
  };
  const invoke = async (method: string): Promise<Result<unknown>> => (method in answers ? ok(answers[method]) : fail('UNKNOWN_METHOD', method));
  return new DriftService({
    dataDir,
    invoke,
    appliedDeployment: () => ({ text, version: 1 }),
    inspectContainer: async () => container,
    imageDetails: async () => ({ id: 'sha256:1', digests: [] }),
    desiredConfigHash: () => 'hash-desired',
    user: () => 'tester',
  });
}

it('created from the desired configuration: createOptions compared, in sync', async () => {
  const s = service({ image: 'img:1', imageId: 'sha256:1', env: ['PATH=/bin'], configHash: 'hash-desired' });
  expect((await s.approve({ from: 'running' })).ok).toBe(true);
  const result = await s.drift();
  if (!result.ok) throw new Error(result.error.message);
  expect(result.value.modules.find((m) => m.name === 'm')!.fields.find((f) => f.field === 'createOptions')).toMatchObject({ running: { Cmd: ['run'] }, verdict: 'in-sync' });
  expect(result.value.notes).toEqual([]);
  expect(result.value.drifted).toBe(false);
});

it('created from another configuration: createOptions not claimed as running, a note says why', async () => {
  const s = service({ image: 'img:1', imageId: 'sha256:1', env: [], configHash: 'hash-old' });
  const result = await s.drift();
  if (!result.ok) throw new Error(result.error.message);
  const field = result.value.modules.find((m) => m.name === 'm')!.fields.find((f) => f.field === 'createOptions')!;
  expect('running' in field).toBe(false);
  expect(result.value.notes.join(' ')).toContain('created from another configuration');
});
