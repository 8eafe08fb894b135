import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fail, ok, type Result } from '../../../shared/errors';
import { DriftService } from './drift.service';
import { SecretBox } from '../../runtime/secrets/secret-box';

/**
 * Drift of a device through the hub (`drift.drift {deviceId}`): desired from its $edgeAgent/$edgeHub twins, running
 * from what its edge agent and edge hub report. The twins are the hub's documents (as `cloud.twinShow` answers them);
 * the gatherer reads them through the dispatcher's invoke, given here.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'gh-drift-hub-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const module = (mode: string) => ({ type: 'docker', version: '1.0', status: 'running', restartPolicy: 'always', env: { MODE: { value: mode }, API_TOKEN: { value: 'tok-secret-123456' } }, settings: { image: 'gatehouse/busybox-module:test', createOptions: '{}' } });
const agentDesired = (mode: string) => ({ schemaVersion: '1.1', runtime: { type: 'docker', settings: {} }, systemModules: {}, modules: { sensor: module(mode) }, $version: 7 });
const hubDesired = { schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream' }, $version: 3 };
const manifest = (mode: string) => JSON.stringify({ modulesContent: { $edgeAgent: { 'properties.desired': agentDesired(mode) }, $edgeHub: { 'properties.desired': hubDesired } } });

function service(twins: { agent: unknown; hub?: unknown }): DriftService {
  const invoke = async (method: string, params: unknown): Promise<Result<unknown>> => {
    const moduleId = (params as { moduleId?: string }).moduleId;
    if (method !== 'cloud.twinShow') return fail('UNKNOWN_METHOD', method);
    if (moduleId === '$edgeAgent') return ok(twins.agent);
    return twins.hub ? ok(twins.hub) : fail('NOT_FOUND', 'no $edgeHub twin');
  };
  return new DriftService({ dataDir, secrets: new SecretBox(dataDir), invoke, appliedDeployment: () => undefined, inspectContainer: async () => undefined, imageDetails: async () => undefined, user: () => 'tester' });
}

const reportedModule = (mode: string, runtimeStatus: string) => ({ ...module(mode), runtimeStatus });

it('desired from the twins, running from what the device reports; each difference at its field', async () => {
  const file = join(dataDir, 'approved.deployment.json');
  writeFileSync(file, manifest('a'));
  const s = service({
    agent: { deviceId: 'gw', moduleId: '$edgeAgent', properties: { desired: agentDesired('b'), reported: { modules: { sensor: reportedModule('a', 'backoff') } } } },
    hub: { properties: { desired: hubDesired, reported: { routes: { up: 'FROM /messages/* INTO $upstream' } } } },
  });
  expect((await s.approve({ path: file })).ok).toBe(true);
  const result = await s.drift({ deviceId: 'gw' });
  if (!result.ok) throw new Error(result.error.message);
  expect(result.value.desired).toEqual({ source: 'hub', deviceId: 'gw', version: 7 });
  const sensor = result.value.modules.find((m) => m.name === 'sensor')!;
  const differing = Object.fromEntries(sensor.fields.filter((f) => f.verdict !== 'in-sync').map((f) => [f.field, f.verdict]));
  // env: desired b ≠ approved a; status: reported backoff ≠ desired running.
  expect(differing).toEqual({ env: 'desired-differs', status: 'running-differs' });
  expect(sensor.fields.find((f) => f.field === 'env')).toMatchObject({ approved: { MODE: 'a', API_TOKEN: '••••••••' }, desired: { MODE: 'b' }, running: { MODE: 'a' } });
  // The env secret is compared, never shown.
  expect(JSON.stringify(result.value)).not.toContain('tok-secret-123456');
  expect(result.value.modules.find((m) => m.name === '$edgeHub')!.verdict).toBe('in-sync');
  expect(result.value.drifted).toBe(true);
});

it('in sync when the twins and the reports match the approved deployment; no $edgeHub twin: a note, routes not compared', async () => {
  writeFileSync(join(dataDir, 'a.json'), manifest('a'));
  const s = service({ agent: { properties: { desired: agentDesired('a'), reported: { modules: { sensor: reportedModule('a', 'running') } } } } });
  expect((await s.approve({ path: join(dataDir, 'a.json') })).ok).toBe(true);
  const result = await s.drift({ deviceId: 'gw' });
  if (!result.ok) throw new Error(result.error.message);
  expect(result.value.modules.filter((m) => m.verdict !== 'in-sync').map((m) => `${m.name}:${m.verdict}`)).toEqual([]);
  expect(result.value.drifted).toBe(false);
  expect(result.value.notes.join(' ')).toContain('$edgeHub twin could not be read');
});

it('a device the hub does not know: the hub error', async () => {
  const s = new DriftService({ dataDir, secrets: new SecretBox(dataDir), invoke: async () => fail('NOT_FOUND', 'Device nope not found'), appliedDeployment: () => undefined, inspectContainer: async () => undefined, imageDetails: async () => undefined, user: () => 'tester' });
  const result = await s.drift({ deviceId: 'nope' });
  expect(result.ok ? undefined : result.error.code).toBe('NOT_FOUND');
});
