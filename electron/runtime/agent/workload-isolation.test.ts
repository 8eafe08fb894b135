import type Dockerode from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import { NODE_BASE_IMAGE, newRunId, removeTestResources, requireEngine, requireTestImages, unwrap, waitFor } from '../drivers/test-engine.test-util';
import { EdgeSecurity } from '../workload/edge-security';
import { listeningTcpPorts } from '../workload/workload.test-util';
import { Agent } from './agent';
import { BESIDE_TEST_LOOKALIKES, testDeployment, TEST_RUNTIME } from './agent.test-util';

/**
 * Issue 9: a module must not get signatures or server certificates for another module. A module container, run by
 * the agent on the real engine with host networking (so it shares this machine's loopback), tries every way it
 * can reach the workload API: its own socket with the other module's name (plain, `$`-prefixed, percent-encoded,
 * with encoded slashes), every TCP port this Gatehouse process listens on plus IoT Edge's customary 15580, and the
 * other module's socket file. Each attempt is refused; its own socket still signs for itself.
 */

const runId = newRunId();
let docker: Dockerode;
const home = mkdtempSync(join(tmpdir(), 'gh-iso-'));

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module', 'node-module-base']);
}, 180_000);
afterAll(async () => {
  await removeTestResources(docker, runId);
  rmSync(home, { recursive: true, force: true });
});

/** Runs in the module container (node, no SDK): each attempt becomes `{ what, status | error }`. */
const PROBE = `
const http = require('http');
const fs = require('fs');
const own = process.env.IOTEDGE_MODULEID;
const victim = process.env.PROBE_VICTIM;
const SOCKET = '/var/run/iotedge/workload.sock';
const V = '?api-version=2018-06-28';
const body = JSON.stringify({ keyId: 'primary', algo: 'HMACSHA256', data: Buffer.from('sr\\n1800000000').toString('base64') });
const certBody = JSON.stringify({ commonName: 'evil.local' });
function attempt(what, target, path, payload = body) {
  return new Promise((resolve) => {
    const req = http.request({ ...target, method: 'POST', path, agent: false, timeout: 3000,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ what, status: res.statusCode, body: text.slice(0, 200) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ what, error: e.code || e.message }));
    req.end(payload);
  });
}
(async () => {
  const attempts = [];
  const sock = { socketPath: SOCKET };
  attempts.push(await attempt('own socket, own name', sock, '/modules/' + own + '/genid/x/sign' + V));
  for (const name of [victim, '$' + victim, encodeURIComponent('$' + victim), victim.split('').map((c) => '%' + c.charCodeAt(0).toString(16)).join(''), own + '%2F..%2F' + victim]) {
    attempts.push(await attempt('own socket as ' + name, sock, '/modules/' + name + '/genid/x/sign' + V));
  }
  attempts.push(await attempt('own socket, server certificate as ' + victim, sock, '/modules/' + victim + '/genid/x/certificate/server' + V, certBody));
  const ports = [...new Set([15580, ...String(process.env.PROBE_PORTS || '').split(',').filter(Boolean).map(Number)])];
  for (const port of ports) {
    for (const host of ['127.0.0.1', '::1']) {
      attempts.push(await attempt('tcp ' + host + ':' + port + ' as ' + victim, { host, port }, '/modules/' + victim + '/genid/x/sign' + V));
    }
  }
  for (const path of [process.env.PROBE_VICTIM_SOCKET, '/var/run/iotedge/../' + victim + '/workload.sock', '/var/run/iotedge/' + victim + '/workload.sock']) {
    attempts.push(await attempt('socket file ' + path, { socketPath: path }, '/modules/' + victim + '/genid/x/sign' + V));
  }
  const listing = fs.readdirSync('/var/run/iotedge');
  console.log('PROBE ' + JSON.stringify({ attempts, listing }));
})().catch((e) => console.log('PROBE ' + JSON.stringify({ fatal: String(e) })));
`;

interface Attempt {
  readonly what: string;
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

describe('a module container cannot act for another module through the workload API', () => {
  it('is refused on its own socket, on every loopback TCP port and on the other socket path; its own name still signs', async () => {
    const security = unwrap(await EdgeSecurity.start({ dataDir: home, deviceId: 'iso-gateway' }), 'edge security');
    const driver = new DockerDriver();
    const runtime = { ...TEST_RUNTIME, deviceId: 'iso-gateway', workloadUri: 'unix:///var/run/iotedge/workload.sock', workloadListenDir: security.socketDir };
    const agent = new Agent({ dataDir: home, driver, runtime, periodMs: 60_000, prepareModules: (names) => security.prepareModules(names) });
    const [victim, prober] = [`victim-${runId}`, `prober-${runId}`];
    const probe = join(home, 'probe.js');
    writeFileSync(probe, PROBE);
    try {
      await agent.start();
      // Every TCP port this process (the whole Gatehouse runtime of this test) listens on, from inside the container.
      const ports = listeningTcpPorts();
      const deployment = testDeployment(runId, {
        [victim]: { cmd: ['run'], startupOrder: 1 },
        [prober]: {
          image: NODE_BASE_IMAGE,
          restartPolicy: 'never',
          startupOrder: 2,
          cmd: ['node', '/app/probe.js'],
          env: { PROBE_VICTIM: victim, PROBE_PORTS: ports.join(','), PROBE_VICTIM_SOCKET: security.workload.socketPath(victim) ?? '' },
          createOptions: { HostConfig: { Binds: [`${probe}:/app/probe.js:ro`] } },
        },
      });
      unwrap(await agent.apply(deployment, undefined, BESIDE_TEST_LOOKALIKES), 'apply');
      await agent.settled();
      expect((await docker.getContainer(prober).inspect()).HostConfig.NetworkMode).toBe('host');
      const output = await waitFor(
        'the probe to print its result',
        async () => {
          const text = (await docker.getContainer(prober).logs({ stdout: true, stderr: true }).catch(() => Buffer.from(''))).toString();
          return text.includes('PROBE ') ? text : undefined;
        },
        60_000,
      );
      const line = output.split('\n').find((l) => l.includes('PROBE ')) ?? '';
      const result = JSON.parse(line.slice(line.indexOf('PROBE ') + 6)) as { fatal?: string; attempts: Attempt[]; listing: string[] };
      expect(result.fatal).toBeUndefined();
      const [own, ...others] = result.attempts;

      // The module's own socket works for its own name (ModuleClient.fromEnvironment: see sdk-module.test.ts).
      expect(own).toMatchObject({ what: 'own socket, own name', status: 200 });
      // Nothing else gave a signature or a certificate.
      expect(others.filter((a) => a.status === 200 || a.status === 201)).toEqual([]);
      const byKind = (prefix: string) => others.filter((a) => a.what.startsWith(prefix));
      // Its own socket names it: any other module is 403 {"message":"forbidden"}, as edgelet answers.
      expect(byKind('own socket').length).toBe(6);
      for (const a of byKind('own socket')) expect(a, a.what).toMatchObject({ status: 403, body: '{"message":"forbidden"}' });
      // No workload listener on loopback TCP: nothing answers on any port this process listens on, nor on 15580.
      expect(byKind('tcp').length).toBeGreaterThanOrEqual(2);
      for (const a of byKind('tcp')) expect(a, a.what).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EAFNOSUPPORT/) });
      // The other module's socket is not in this container: only the module's own socket is bound in.
      for (const a of byKind('socket file')) expect(a, a.what).toMatchObject({ error: 'ENOENT' });
      expect(result.listing).toEqual(['workload.sock']);
    } finally {
      agent.dispose();
      driver.dispose();
      security.dispose();
    }
  }, 120_000);
});
