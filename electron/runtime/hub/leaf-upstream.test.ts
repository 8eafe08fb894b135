import { describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import { HubTwins } from './hub-twins';
import { LeafIdentities, type LeafIdentity } from './leaf-identities';
import { LeafUpstream } from './leaf-upstream';
import type { QueuedMessage } from './hub-model';

/**
 * What LeafUpstream decides before any connection: a message of a device that is no (usable) child any more is
 * dead-lettered (not retried: a retry would hold up every later `$upstream` message). The connections themselves are
 * exercised against the real local hub in electron/host/edge-hub-host.test.ts.
 */

const KEY = Buffer.alloc(32, 3).toString('base64');
const leaf = (deviceId: string, status: 'enabled' | 'disabled'): LeafIdentity => ({ deviceId, status, credentials: { type: 'sas', primaryKey: KEY, secondaryKey: KEY } });

function queued(deviceId: string): QueuedMessage {
  return { endpoint: '$upstream', seq: 1, priority: 0, expiresAtMs: undefined, enqueuedAtMs: 0, source: { deviceId }, message: { body: new Uint8Array([1]), systemProperties: {}, properties: {} } };
}

describe('leaf upstream', () => {
  it('dead-letters messages of devices that are no longer children, or disabled, and says why', async () => {
    const leaves = LeafIdentities.inMemory();
    const known = [leaf('off', 'disabled')];
    await leaves.setSource({ lookup: async () => ok({ kind: 'unknown' as const }), list: async () => ok(known) });
    const upstream = new LeafUpstream({ hubHostName: 'localhost', port: 1, leaves, twins: HubTwins.inMemory(), gateway: () => undefined, isConnected: () => false });
    let published = 0;
    expect(await upstream.send(queued('gone'), () => (published += 1))).toMatchObject({ ok: false, retry: false, reason: expect.stringContaining('no longer a child') });
    expect(await upstream.send(queued('off'), () => (published += 1))).toMatchObject({ ok: false, retry: false, reason: expect.stringContaining('disabled') });
    expect(published).toBeGreaterThanOrEqual(2);
    await upstream.dispose();
  });
});
