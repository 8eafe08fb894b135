import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Emitter } from '../runtime/drivers/event';
import type { DeploymentNeeds } from './connectivity-targets';
import { ConnectivityService, type ConnectivityOptions } from './connectivity.service';
import type { ProbeResult } from './registry-probe';

const LOCAL_HUB = { state: 'connected', hostName: 'localhost', kind: 'local', devices: 1, checkedAt: '2026-01-01T00:00:00.000Z' } as const;
const services: ConnectivityService[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const s of services.splice(0)) s.dispose();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function service(deployment: DeploymentNeeds | undefined, options: Partial<ConnectivityOptions> = {}) {
  const changes = new Emitter<unknown>();
  let current = deployment;
  const created = new ConnectivityService({
    deployment: () => current,
    onDeploymentChange: changes.event,
    imagePresent: async () => false,
    hub: () => LOCAL_HUB,
    now: () => Date.UTC(2026, 0, 1),
    ...options,
  });
  services.push(created);
  return { service: created, apply: (next: DeploymentNeeds | undefined) => ((current = next), changes.fire(next)) };
}

const deployment = (...images: string[]): DeploymentNeeds => ({
  modules: images.map((image, i) => ({ name: `m${i}`, image, imagePullPolicy: 'on-create' as const })),
  registryCredentials: [],
});

describe('ConnectivityService', () => {
  it('no deployment needs no network; the local hub is listed as not needed', async () => {
    const { service: s } = service(undefined);
    expect(await s.refresh()).toEqual({
      state: 'not-needed',
      summary: 'No deployment is applied: nothing needs the network.',
      targets: [{ kind: 'hub', address: 'local', state: 'not-needed', needed: false, modules: [], reason: 'Local hub on this machine (localhost): nothing upstream to reach.' }],
    });
  });

  it('a registry answering on loopback (real socket) makes the host online', async () => {
    const server = createServer((_req, res) => res.writeHead(401).end());
    servers.push(server);
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    const { service: s } = service(deployment(`127.0.0.1:${port}/sensor:1`));
    const result = await s.refresh();
    expect(result.state).toBe('online');
    expect(result.targets[0]).toEqual({ kind: 'registry', address: `127.0.0.1:${port}`, state: 'reachable', needed: true, modules: ['m0'], reason: 'HTTP 401 from /v2/', checkedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('one reachable and one unreachable registry is partial, and names the unreachable one with its reason', async () => {
    const probe = async (address: string): Promise<ProbeResult> => (address === 'a.example' ? { reachable: true, reason: 'HTTPS 401 from /v2/' } : { reachable: false, reason: 'connection refused' });
    const { service: s } = service(deployment('a.example/x:1', 'b.example/y:1'), { probe });
    expect(await s.refresh()).toMatchObject({ state: 'partial', summary: 'Cannot reach b.example (connection refused).' });
  });

  it('images already on this machine need no registry: listed as not needed and not probed at all', async () => {
    const probed: string[] = [];
    const probe = async (address: string): Promise<ProbeResult> => (probed.push(address), { reachable: false, reason: 'connection refused' });
    const { service: s } = service(deployment('a.example/x:1', 'b.example/y:1'), { probe, imagePresent: async (image) => image.startsWith('a.') });
    const result = await s.refresh();
    expect(result.state).toBe('offline');
    expect(result.targets[0]).toMatchObject({ address: 'a.example', needed: false, state: 'not-needed', reason: 'Its images are already on this machine.' });
    expect(probed).toEqual(['b.example']);
  });

  it('a deployment whose images are all here needs no network', async () => {
    const { service: s } = service(deployment('a.example/x:1'), { imagePresent: async () => true });
    expect(await s.refresh()).toMatchObject({ state: 'not-needed', summary: 'Every image the deployment needs is on this machine: nothing needs the network.' });
  });

  it('never runs two probes of one registry at once', async () => {
    let running = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const probe = async (): Promise<ProbeResult> => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => (release = r));
      running--;
      return { reachable: true, reason: 'HTTPS 200 from /v2/' };
    };
    const { service: s } = service(deployment('a.example/x:1', 'a.example/z:2'), { probe });
    const first = s.refresh();
    const second = s.refresh();
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([first, second]);
    expect(most).toBe(1);
    expect(s.get().state).toBe('online');
  });

  it('with the loopback scope, a registry elsewhere is not probed and the word is unknown', async () => {
    const probed: string[] = [];
    const probe = async (address: string): Promise<ProbeResult> => (probed.push(address), { reachable: true, reason: 'x' });
    const { service: s } = service(deployment('mcr.microsoft.com/x:1'), { probe, scope: 'loopback' });
    expect(await s.refresh()).toMatchObject({ state: 'unknown', targets: [{ address: 'mcr.microsoft.com', state: 'not-checked' }, { kind: 'hub' }] });
    expect(probed).toEqual([]);
  });

  it('a new deployment re-derives the targets and pushes the change', async () => {
    const probe = async (): Promise<ProbeResult> => ({ reachable: false, reason: 'connection refused' });
    const { service: s, apply } = service(undefined, { probe });
    const seen: string[] = [];
    s.onDidChange((c) => seen.push(c.state));
    apply(deployment('a.example/x:1'));
    await s.refresh();
    expect(seen).toContain('offline');
    expect(s.get().summary).toBe('Cannot reach a.example (connection refused).');
  });
});
