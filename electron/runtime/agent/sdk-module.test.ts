import type Dockerode from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import { NODE_BASE_IMAGE, newRunId, removeTestResources, requireEngine, requireTestImages, unwrap, waitFor } from '../drivers/test-engine.test-util';
import { EdgeSecurity } from '../workload/edge-security';
import { verifySasToken } from '../../protocol/sas-token';
import { Agent } from './agent';
import { BESIDE_TEST_LOOKALIKES, testDeployment, TEST_RUNTIME } from './agent.test-util';

const REPO = resolve(__dirname, '../../..');
const runId = newRunId();
let docker: Dockerode;
const dataDir = mkdtempSync(join(tmpdir(), 'gh-sdk-'));

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['node-module-base']);
}, 180_000);
afterAll(async () => {
  await removeTestResources(docker, runId);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a module written with azure-iot-device, run by the agent in a container', () => {
  it('gets the trust bundle and a valid signature from the workload API on its socket', async () => {
    const security = unwrap(await EdgeSecurity.start({ dataDir, deviceId: 'sdk-gateway' }), 'edge security');
    const driver = new DockerDriver();
    const runtime = { ...TEST_RUNTIME, deviceId: 'sdk-gateway', workloadUri: 'unix:///var/run/iotedge/workload.sock', workloadListenDir: security.socketDir };
    const agent = new Agent({ dataDir, driver, runtime, periodMs: 60_000, prepareModules: (names) => security.prepareModules(names) });
    try {
      await agent.start();
      const name = `sdkprobe-${runId}`;
      const deployment = testDeployment(runId, {
        [name]: {
          image: NODE_BASE_IMAGE,
          restartPolicy: 'never',
          cmd: ['node', '/app/probe.js'],
          createOptions: { HostConfig: { Binds: [`${REPO}/node_modules:/app/node_modules:ro`, `${REPO}/resources/samples/sdk-probe/probe.js:/app/probe.js:ro`] } },
        },
      });
      unwrap(await agent.apply(deployment, undefined, BESIDE_TEST_LOOKALIKES), 'apply');
      await agent.settled();
      const output = await waitFor(
        'the probe to print its result',
        async () => {
          const text = (await docker.getContainer(name).logs({ stdout: true, stderr: true }).catch(() => Buffer.from(''))).toString();
          if (/Error:/.test(text)) throw new Error(`the probe failed: ${text}`);
          return text.includes('"ok":') ? text : undefined;
        },
        60_000,
      );
      const line = output.split('\n').find((l) => l.includes('"ok":')) ?? '';
      const result = JSON.parse(line.slice(line.indexOf('{'))) as { ok: boolean; error?: string; moduleId: string; deviceId: string; sas: string; ca: string };
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ ok: true, moduleId: name, deviceId: 'sdk-gateway' });
      expect(result.ca).toBe(security.ca.trustBundlePem());
      const identity = await security.identities.getModule(name);
      const verified = verifySasToken(result.sas, {
        hostName: TEST_RUNTIME.iotHubHostName,
        deviceId: 'sdk-gateway',
        moduleId: name,
        keys: [identity?.primaryKey ?? ''],
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
      const env = (await docker.getContainer(name).inspect()).Config.Env;
      expect(env).toContain(`IOTEDGE_MODULEGENERATIONID=${identity?.generationId}`);
    } finally {
      agent.dispose();
      driver.dispose();
      security.dispose();
    }
  }, 120_000);

  it('keeps reaching the workload API after Gatehouse restarts and re-creates the socket', async () => {
    const home = mkdtempSync(join(tmpdir(), 'gh-sdk-restart-'));
    const poll = join(home, 'poll.js');
    writeFileSync(
      poll,
      `const http = require('http');
setInterval(() => {
  const req = http.request({ socketPath: '/var/run/iotedge/workload.sock', path: '/trust-bundle?api-version=2019-01-30' }, (res) => {
    res.resume();
    res.on('end', () => console.log('status ' + res.statusCode));
  });
  req.on('error', (e) => console.log('error ' + e.code));
  req.end();
}, 150);
`,
    );
    let security = unwrap(await EdgeSecurity.start({ dataDir: home, deviceId: 'sdk-gateway' }), 'edge security');
    const driver = new DockerDriver();
    const runtime = { ...TEST_RUNTIME, deviceId: 'sdk-gateway', workloadUri: 'unix:///var/run/iotedge/workload.sock', workloadListenDir: security.socketDir };
    const agent = new Agent({ dataDir: home, driver, runtime, periodMs: 60_000, prepareModules: (names) => security.prepareModules(names) });
    const name = `poller-${runId}`;
    const lines = async () => (await docker.getContainer(name).logs({ stdout: true, stderr: true })).toString().split('\n').map((l) => l.replace(/^[^a-z]*/, ''));
    try {
      await agent.start();
      unwrap(
        await agent.apply(testDeployment(runId, { [name]: { image: NODE_BASE_IMAGE, restartPolicy: 'never', cmd: ['node', '/app/poll.js'], createOptions: { HostConfig: { Binds: [`${poll}:/app/poll.js:ro`] } } } }), undefined, BESIDE_TEST_LOOKALIKES),
        'apply',
      );
      await agent.settled();
      await waitFor('the module reaching the workload API', async () => ((await lines()).includes('status 200') ? true : undefined), 30_000);

      // Gatehouse stops: the socket goes away and the running module sees errors.
      security.dispose();
      await waitFor('the module seeing the socket gone', async () => ((await lines()).some((l) => l.startsWith('error')) ? true : undefined), 30_000);

      // Gatehouse starts again: the socket is re-created in the module's folder, and the running module reaches it.
      security = unwrap(await EdgeSecurity.start({ dataDir: home, deviceId: 'sdk-gateway' }), 'edge security again');
      unwrap(await security.prepareModules([name]), 'prepare');
      await waitFor(
        'the module reaching the re-created socket',
        async () => {
          const all = await lines();
          const firstError = all.findIndex((l) => l.startsWith('error'));
          return all.slice(firstError).includes('status 200') ? true : undefined;
        },
        30_000,
      );
      expect((await docker.getContainer(name).inspect()).State.Running).toBe(true);
    } finally {
      agent.dispose();
      driver.dispose();
      security.dispose();
      await removeTestResources(docker, runId);
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
