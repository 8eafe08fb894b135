import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../../shared/commissioning/check-model';
import { fail } from '../../../shared/errors';
import { createRootCa, createServerCertificate } from '../../protocol/certificate-factory';
import { importPrivateKeyPem } from '../../protocol/x509-runtime';
import { CommissioningService } from './commissioning.service';
import type { CommissioningDeps, HubEndpoints } from './fact-sources';

/**
 * The service over real network probes on loopback: a hub port that refuses, a hub whose certificate this machine
 * does not trust, and a runtime certificate that expires in 10 days. What the console's other services would say is
 * given as plain values (those paths are tested on the real runtime in electron/host/commissioning-host.test.ts).
 */

const DAY = 24 * 3600 * 1000;
const dataDir = mkdtempSync(join(tmpdir(), 'gh-commission-svc-'));
let tlsServer: Server;
let tlsPort: number;
let closedPort: number;

function deps(hub: HubEndpoints | undefined, certificates: { name: string; pem: string }[] = []): CommissioningDeps {
  return {
    deviceId: 'gw1',
    dataDir,
    appliedDeployment: () => undefined,
    runtimeStatus: async () => fail('ENGINE_UNAVAILABLE', 'not in this test'),
    desiredDriver: () => 'local',
    engineVersion: async () => fail('ENGINE_UNAVAILABLE', 'not in this test'),
    imagePresent: async () => false,
    registryState: () => ({ state: 'unknown' }),
    containerLogConfig: async () => undefined,
    hubStatus: () => (hub ? { state: 'unreachable', hostName: hub.hostName, kind: hub.kind, reason: 'refused', checkedAt: new Date().toISOString() } : { state: 'off', reason: 'no hub' }),
    hubEndpoints: () => hub,
    hub: () => fail('DISCONNECTED', 'No hub is connected: connect ECONNREFUSED'),
    runtimeDeviceKey: async () => undefined,
    runtimeCertificates: async () => certificates,
    edgeHub: () => undefined,
    onHubArrival: () => ({ dispose: () => undefined }),
    registryNeeds: () => [],
  };
}

async function run(service: CommissioningService): Promise<CheckReport> {
  const result = await service.run({ endToEnd: false });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

beforeAll(async () => {
  const ca = await createRootCa('Untrusted Test CA', { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) });
  const issuer = { certificatePem: ca.certificatePem, privateKey: await importPrivateKeyPem(ca.privateKeyPem) };
  const leaf = await createServerCertificate(issuer, { commonName: 'localhost', subjectAltNames: ['localhost'], notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 20 * DAY) });
  tlsServer = createTlsServer({ cert: leaf.certificatePem, key: leaf.privateKeyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsPort = (tlsServer.address() as { port: number }).port;
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(() => {
  tlsServer?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('CommissioningService over real probes', () => {
  it('a hub that refuses: its port is an error with the fix, the device check is skipped saying why, the clock is not guessed', async () => {
    const hub: HubEndpoints = { kind: 'cloud', hostName: `127.0.0.1:${closedPort}`, host: '127.0.0.1', httpsPort: closedPort, ports: [{ port: closedPort, purpose: `HTTPS (${closedPort})` }] };
    const report = await run(new CommissioningService(deps(hub), undefined));
    expect(report.checks.find((c) => c.id === 'connectivity.dns')?.status).toBe('ok');
    expect(report.checks.find((c) => c.id === `connectivity.port:${closedPort}`)).toMatchObject({ status: 'error', detail: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining(`TCP ${closedPort}`) });
    expect(report.checks.find((c) => c.id === 'identity.device')).toMatchObject({ status: 'skipped', detail: expect.stringContaining('No hub is connected') });
    expect(report.checks.find((c) => c.id === 'host.clock')).toMatchObject({ status: 'skipped', detail: expect.stringContaining('ECONNREFUSED') });
    expect(report.ok).toBe(false);
  });

  it('a hub whose certificate chain this machine does not trust: TLS fails as untrusted', async () => {
    const hub: HubEndpoints = { kind: 'cloud', hostName: `localhost:${tlsPort}`, host: 'localhost', httpsPort: tlsPort, ports: [{ port: tlsPort, purpose: `HTTPS (${tlsPort})` }] };
    const report = await run(new CommissioningService(deps(hub), undefined));
    expect(report.checks.find((c) => c.id === `connectivity.port:${tlsPort}`)).toMatchObject({ status: 'error', detail: expect.stringContaining('certificate not trusted'), fix: expect.stringContaining('not trusted') });
  });

  it('a runtime certificate that expires in 10 days is an error saying when', async () => {
    const soon = await createRootCa('Edge CA expiring', { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 10 * DAY + 3600_000) });
    const report = await run(new CommissioningService(deps(undefined, [{ name: 'edge CA', pem: soon.certificatePem }]), undefined));
    expect(report.checks.find((c) => c.id === 'identity.certificates')).toMatchObject({ status: 'error', detail: expect.stringMatching(/edge CA in 10 days/) });
  });

  it('keeps the last report for a restarted console, and a second run asked for meanwhile joins the first', async () => {
    const service = new CommissioningService(deps(undefined), undefined);
    const [first, second] = await Promise.all([service.run({ endToEnd: false }), service.run({ endToEnd: false })]);
    expect(first.ok && second.ok && first.value.runId === second.value.runId).toBe(true);
    const restarted = new CommissioningService(deps(undefined), undefined);
    const last = await restarted.last();
    expect(last.ok && last.value?.runId).toBe(first.ok ? first.value.runId : 'none');
  });
});
