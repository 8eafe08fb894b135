import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fail, ok, type Result } from '../../../shared/errors';
import { approvedPath, DriftService, type ContainerFacts } from './drift.service';
import { SecretBox } from '../../runtime/secrets/secret-box';

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
    secrets: new SecretBox(dataDir),
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

it('the approval is sealed on disk and its secrets are masked where it leaves the service; drift still compares the real values', async () => {
  const password = `registry-pw-${Date.now().toString(36)}`;
  const doc = JSON.parse(text) as { modulesContent: { $edgeAgent: { 'properties.desired': Record<string, unknown> } } };
  doc.modulesContent.$edgeAgent['properties.desired'].runtime = { type: 'docker', settings: { registryCredentials: { acr: { address: 'example.azurecr.io', username: 'u', password } } } };
  const file = join(dataDir, 'approved-with-secret.json');
  writeFileSync(file, JSON.stringify(doc));
  const s = service({ image: 'img:1', imageId: 'sha256:1', env: ['PATH=/bin'], configHash: 'hash-desired' });
  const approved = await s.approve({ path: file });
  if (!approved.ok) throw new Error(approved.error.message);
  // On disk: sealed (no manifest text, no password).
  const raw = readFileSync(approvedPath(dataDir), 'utf8');
  expect(raw).not.toContain(password);
  expect(raw).not.toContain('modulesContent');
  // Through the contract: the manifest, its password masked; the SHA-256 is still of the real text.
  const shown = await s.approved();
  if (!shown.ok || !shown.value.approved) throw new Error('no approval');
  expect(shown.value.approved.text).not.toContain(password);
  expect(shown.value.approved.text).toContain('"password": "[REDACTED]"');
  expect(shown.value.approved.sha256).toBe(approved.value.sha256);
  const result = await s.drift();
  expect(result.ok).toBe(true);
});
