import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent } from '../runtime/drivers/event';
import { EndpointPump } from '../runtime/hub/endpoint-pump';
import { UPSTREAM_ENDPOINT } from '../runtime/hub/hub-model';
import { openMessageStore } from '../runtime/hub/store/message-store';
import { UpstreamLink } from '../runtime/hub/upstream/upstream-link';
import { IdentityStore } from '../runtime/workload/identity.store';
import { ensureWith, GATEWAY, queued, setGatewayKeys, startHub, stateIs, tempDir, until, type Cleanups } from './edgehub-upstream.test-util';

/**
 * `$upstream` as the edge hub runs it: the durable store, the endpoint pump and the upstream link, against the real
 * local hub. While the hub is away the pump is told "retry" and keeps the backlog; when the hub returns on the same
 * ports and data folder, the link reconnects, kicks the pump, and the backlog arrives complete and in append order.
 */

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('$upstream through the store and the pump', () => {
  it('keeps what is appended during an outage and drains it in order once the hub is back', async () => {
    const identities = await IdentityStore.open({ dataDir: tempDir(cleanups), deviceId: GATEWAY });
    if (!identities.ok) throw new Error(identities.error.message);
    await identities.value.syncModules(['sensor', 'filter']);
    const hubDir = tempDir(cleanups);
    let hub = await startHub(hubDir);
    cleanups.push(() => hub.hub.dispose());
    await setGatewayKeys(hub, await identities.value.getDevice());

    const opened = await openMessageStore({ dir: tempDir(cleanups), sweepIntervalMs: 0 });
    if (!opened.ok) throw new Error(opened.error.message);
    const store = opened.value;
    cleanups.push(() => store.close());
    const link = new UpstreamLink({
      hubHostName: 'localhost',
      port: hub.info.mqttPort,
      ca: hub.ca,
      identities: identities.value,
      ensureIdentities: ensureWith(() => hub.registry, []),
      backoff: { initialMs: 50, maxMs: 400 },
    });
    cleanups.push(() => link.dispose());
    // A long pump backoff: the drain after the outage comes from the link's onReconnected kick, not from a timer.
    const pump = new EndpointPump({ store, endpoint: UPSTREAM_ENDPOINT, sender: link, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    cleanups.push(() => pump.dispose());
    link.onReconnected(() => pump.kick());
    link.start();
    pump.start();
    await stateIs(link, 'connected');

    const append = async (moduleId: string, mid: string) => {
      const { source, message, enqueuedAtMs } = queued(moduleId, `body ${mid}`, { mid });
      const appended = await store.append({ source, message, enqueuedAtMs }, [{ endpoint: UPSTREAM_ENDPOINT, priority: 0, ttlSecs: 0 }]);
      expect(appended.ok).toBe(true);
    };
    await append('sensor', 'before');
    await until(() => hub.received.length === 1);

    const offline = stateIs(link, 'offline');
    await hub.hub.dispose();
    await offline;
    const backingOff = nextEvent(pump.onDidChangeState, (s) => s.state === 'backingOff');
    const backlog = Array.from({ length: 12 }, (_, n) => ({ moduleId: n % 3 === 0 ? 'filter' : 'sensor', mid: `outage-${n}` }));
    for (const { moduleId, mid } of backlog) await append(moduleId, mid);
    await backingOff;
    expect(store.stats().find((s) => s.endpoint === UPSTREAM_ENDPOINT)?.depth).toBe(backlog.length);

    hub = await startHub(hubDir, { httpsPort: hub.info.httpsPort, mqttPort: hub.info.mqttPort });
    await until(() => hub.received.length >= backlog.length);
    await until(() => store.stats().find((s) => s.endpoint === UPSTREAM_ENDPOINT)?.depth === 0);
    expect(hub.received.map((r) => [r.from.moduleId, r.message.systemProperties.mid])).toEqual(backlog.map((m) => [m.moduleId, m.mid]));
    expect(pump.status()).toMatchObject({ sent: backlog.length + 1, deadLettered: 0 });
  });
});
