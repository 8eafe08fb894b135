import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../../../shared/errors';
import { nextEvent } from '../../drivers/event';
import { IdentityStore } from '../../workload/identity.store';
import { UPSTREAM_ENDPOINT, type QueuedMessage, type UpstreamState } from '../hub-model';
import { UpstreamLink } from './upstream-link';

/**
 * The link's own state machine with no hub at all (a loopback port nobody listens on): it never claims to be
 * connected, says why and when it retries, asks the pump to retry, and stops cleanly. The end-to-end behaviour
 * against the real local hub is in electron/services/edgehub-upstream.test.ts (runtime may not import the cloud).
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const message: QueuedMessage = {
  endpoint: UPSTREAM_ENDPOINT,
  seq: 1,
  priority: 0,
  expiresAtMs: undefined,
  enqueuedAtMs: 0,
  source: { deviceId: 'gw', moduleId: 'sensor' },
  message: { body: new Uint8Array([1]), systemProperties: {}, properties: {} },
};

describe('UpstreamLink without a hub', () => {
  it('goes connecting → offline with the error and the next attempt, answers retry, and is off once disposed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-upstream-unit-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const identities = await IdentityStore.open({ dataDir, deviceId: 'gw' });
    if (!identities.ok) throw new Error(identities.error.message);
    await identities.value.syncModules(['sensor']);
    const logs: string[] = [];
    const ensured: string[] = [];
    const link = new UpstreamLink({
      hubHostName: 'localhost',
      port: await freePort(),
      identities: identities.value,
      ensureIdentities: async (modules) => {
        ensured.push(...modules.map((m) => m.moduleId));
        return ok(undefined);
      },
      backoff: { initialMs: 20, maxMs: 40 },
      log: (line) => logs.push(line),
    });
    cleanups.push(() => link.dispose());
    const seen: UpstreamState['state'][] = [];
    link.onDidChange((s) => seen.push(s.state));
    let reconnects = 0;
    link.onReconnected(() => (reconnects += 1));

    expect(await link.send(message)).toMatchObject({ ok: false, retry: true, reason: 'upstream off: not started' });
    const offline = nextEvent(link.onDidChange, (s) => s.state === 'offline');
    link.start();
    const state = await offline;
    expect(state).toMatchObject({ state: 'offline', hubHost: 'localhost' });
    if (state?.state !== 'offline') throw new Error('not offline');
    expect(state.lastError).toMatch(/^cannot connect to localhost:\d+: /);
    expect(Date.parse(state.retryAt)).not.toBeNaN();
    expect(seen.slice(0, 2)).toEqual(['connecting', 'offline']);
    expect(await link.send(message)).toMatchObject({ ok: false, retry: true });

    // It keeps trying on its own (another attempt follows the backoff) and never reports connected.
    await nextEvent(link.onDidChange, (s) => s.state === 'connecting');
    expect(reconnects).toBe(0);
    expect(ensured).toEqual([]);

    await link.dispose();
    expect(link.state).toEqual({ state: 'off', reason: 'stopped' });
    const device = await identities.value.getDevice();
    for (const line of logs) expect(line).not.toContain(device.primaryKey);
  });
});
