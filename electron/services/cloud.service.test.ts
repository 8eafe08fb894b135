import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/errors';
import { IotHubClient } from '../cloud/iothub/iothub-client';
import { LocalHub } from '../cloud/localhub/localhub';
import { SecretBox } from '../runtime/secrets/secret-box';
import { CloudService } from './cloud.service';

/** The cloud contract's deployment edit over a real local hub, through the official SDK the console uses. */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function cloud(): Promise<CloudService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-cloud-service-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0 });
  cleanups.push(() => hub.dispose());
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  const client = await IotHubClient.connect(info.value.connectionString, { httpsPort: info.value.httpsPort, ca: readFileSync(info.value.caFile, 'utf8') });
  if (!client.ok) throw new Error(client.error.message);
  return new CloudService(() => ok(client.value));
}

const content = {
  modulesContent: {
    $edgeAgent: {
      'properties.desired': {
        schemaVersion: '1.1',
        runtime: { type: 'docker', settings: {} },
        systemModules: {
          edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
          edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
        },
        modules: {},
      },
    },
    $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
  },
};

describe('CloudService.deploymentUpdate', () => {
  it('changes target condition, priority, labels and metrics with the etag, keeps the content, and a stale etag is CONFLICT', async () => {
    const service = await cloud();
    const created = await service.deploymentCreate({ deploymentId: 'edit-me', content, targetCondition: "tags.env='prod'", priority: 1, labels: { a: '1' }, metrics: { m: 'SELECT deviceId FROM devices' } });
    if (!created.ok) throw new Error(created.error.message);
    const etag = String(created.value.etag);

    const updated = await service.deploymentUpdate({ deploymentId: 'edit-me', etag, targetCondition: "tags.env='dev'", priority: 7, labels: { b: '2' } });
    if (!updated.ok) throw new Error(updated.error.message);
    expect(updated.value).toMatchObject({ targetCondition: "tags.env='dev'", priority: 7, labels: { b: '2' }, metrics: { queries: { m: 'SELECT deviceId FROM devices' } } });
    expect(updated.value.etag).not.toBe(etag);

    // Only metrics this time: the rest stays as it is.
    const metricsOnly = await service.deploymentUpdate({ deploymentId: 'edit-me', etag: String(updated.value.etag), metrics: { ok: "SELECT deviceId FROM devices WHERE tags.env='dev'" } });
    if (!metricsOnly.ok) throw new Error(metricsOnly.error.message);
    expect(metricsOnly.value).toMatchObject({ targetCondition: "tags.env='dev'", priority: 7, metrics: { queries: { ok: "SELECT deviceId FROM devices WHERE tags.env='dev'" } } });

    const shown = await service.deploymentShow({ deploymentId: 'edit-me' });
    expect(shown.ok && shown.value.content).toEqual(content);

    const stale = await service.deploymentUpdate({ deploymentId: 'edit-me', etag, priority: 9 });
    expect(stale.ok ? 'ok' : stale.error.code).toBe('CONFLICT');
    const forced = await service.deploymentUpdate({ deploymentId: 'edit-me', etag: '*', priority: 9 });
    expect(forced.ok && forced.value.priority).toBe(9);

    const missing = await service.deploymentUpdate({ deploymentId: 'nope', etag: '*', priority: 1 });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('NOT_FOUND');
    const badCondition = await service.deploymentUpdate({ deploymentId: 'edit-me', etag: '*', targetCondition: "tags.env = = 'x'" });
    expect(badCondition.ok ? 'ok' : badCondition.error.code).toBe('BAD_REQUEST');
  });
});
