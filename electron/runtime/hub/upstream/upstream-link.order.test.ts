import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../../../shared/errors';
import { nextEvent } from '../../drivers/event';
import { MemoryBackend, createTestPki, sasIdentity, sasKey } from '../../../protocol/memory-backend.test-util';
import { IotHubMqttFrontEnd, listenMqttTls } from '../../../protocol/mqtt-front-end';
import type { DeviceIdentity, IdentityProvider, ModuleIdentity } from '../../workload/identity-provider';
import { UPSTREAM_ENDPOINT, type QueuedMessage, type SendOutcome } from '../hub-model';
import { UpstreamLink } from './upstream-link';

/**
 * Overlapping sends (the pump's window) reach the hub in the order `send` was called, even when the link's own
 * preparation of each send (the module's identity, its client) finishes in another order. The hub is the shared
 * IoT Hub MQTT front end (electron/protocol) over a memory backend on a loopback TLS port, reached with the real SDK.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GATEWAY = 'gw';

/** Module keys whose look-ups answer later for earlier calls (the first waits longest): a reordering preparation. */
class SlowFirstIdentities implements IdentityProvider {
  readonly deviceId = GATEWAY;
  private calls = 0;
  getDevice(): Promise<DeviceIdentity> {
    return Promise.resolve({ deviceId: GATEWAY, primaryKey: sasKey(1), secondaryKey: sasKey(101), generationId: '1' });
  }
  async getModule(moduleId: string): Promise<ModuleIdentity | undefined> {
    const delayMs = Math.max(0, 40 - 4 * this.calls++);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return { deviceId: GATEWAY, moduleId, primaryKey: sasKey(2), secondaryKey: sasKey(102), generationId: '1' };
  }
  async listModules(): Promise<readonly ModuleIdentity[]> {
    return [(await this.getModule('sensor')) as ModuleIdentity];
  }
  syncModules() {
    return Promise.resolve(ok({ created: [], removed: [] }));
  }
}

const queued = (seq: number): QueuedMessage => ({
  endpoint: UPSTREAM_ENDPOINT,
  seq,
  priority: 0,
  expiresAtMs: undefined,
  enqueuedAtMs: 0,
  source: { deviceId: GATEWAY, moduleId: 'sensor' },
  message: { body: new TextEncoder().encode(`m${seq}`), systemProperties: {}, properties: {} },
});

describe('UpstreamLink with sends in flight together', () => {
  it('publishes them in call order although their preparation finishes in reverse', async () => {
    const backend = new MemoryBackend().add(sasIdentity(GATEWAY, undefined, 1)).add(sasIdentity(GATEWAY, 'sensor', 2));
    const frontEnd = new IotHubMqttFrontEnd({ backend, hostNames: ['localhost'] });
    cleanups.push(() => frontEnd.close());
    const pki = await createTestPki();
    const listener = await listenMqttTls({ frontEnd, host: '127.0.0.1', port: 0, cert: pki.server.certificatePem, key: pki.server.privateKeyPem, requestCert: false });
    cleanups.push(() => listener.close());

    const link = new UpstreamLink({ hubHostName: 'localhost', port: listener.port, ca: pki.ca.certificatePem, identities: new SlowFirstIdentities(), ensureIdentities: () => Promise.resolve(ok(undefined)) });
    cleanups.push(() => link.dispose());
    const connected = nextEvent(link.onDidChange, (s) => s.state === 'connected');
    link.start();
    await connected;

    const outcomes: SendOutcome[] = await Promise.all(Array.from({ length: 10 }, (_, seq) => link.send(queued(seq))));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const bodies = backend.telemetry.map((t) => new TextDecoder().decode(t.message.body));
    expect(bodies).toEqual(Array.from({ length: 10 }, (_, seq) => `m${seq}`));
    expect(backend.telemetry.every((t) => t.from.moduleId === 'sensor')).toBe(true);
  });
});
