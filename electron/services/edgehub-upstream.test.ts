import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamLink } from '../runtime/hub/upstream/upstream-link';
import { IdentityStore } from '../runtime/workload/identity.store';
import { GATEWAY, ensureWith, queued, setGatewayKeys, startHub, stateIs, tempDir, until, untilAsync, type Cleanups } from './edgehub-upstream.test-util';

/**
 * The edge hub's `$upstream` link against the real embedded local hub (TLS MQTT on its own port and CA): each module's
 * messages arrive as that module with their properties; the hub going away and coming back on the same ports and
 * data folder makes the link offline (sends say retry) and then connected again, and a backlog drains in order.
 * The module identities reach the hub through an ensureIdentities written with azure-iothub's Registry, as the host
 * will write it. (The endpoint pump, electron/runtime/hub/endpoint-pump.ts, had not landed: the test drives the
 * sender in order itself, as the pump would: resend the head until it is taken.)
 */

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('UpstreamLink with the local hub', () => {
  it('forwards each module message as that module with its properties, survives the hub going away and drains a backlog in order', async () => {
    const hubDir = tempDir(cleanups);
    const identities = await IdentityStore.open({ dataDir: tempDir(cleanups), deviceId: GATEWAY });
    if (!identities.ok) throw new Error(identities.error.message);
    const store = identities.value;
    expect((await store.syncModules(['sensor', 'filter'])).ok).toBe(true);

    let hub = await startHub(hubDir);
    cleanups.push(() => hub.hub.dispose());
    // The gateway in the hub carries the keys the runtime's identity store holds for it.
    const device = await store.getDevice();
    await setGatewayKeys(hub, device);

    const ensureCalls: string[][] = [];
    const logs: string[] = [];
    const link = new UpstreamLink({
      hubHostName: 'localhost',
      port: hub.info.mqttPort,
      ca: hub.ca,
      identities: store,
      ensureIdentities: ensureWith(() => hub.registry, ensureCalls),
      backoff: { initialMs: 50, maxMs: 400 },
      log: (line) => logs.push(line),
    });
    cleanups.push(() => link.dispose());
    let reconnects = 0;
    link.onReconnected(() => (reconnects += 1));
    const states: string[] = [];
    link.onDidChange((s) => states.push(s.state));
    expect(link.state).toEqual({ state: 'off', reason: 'not started' });
    link.start();
    await stateIs(link, 'connected');
    expect(link.state).toMatchObject({ state: 'connected', hubHost: 'localhost' });
    expect(reconnects).toBe(1);

    // One message from each module and one from the device itself.
    const system = { mid: 'm-1', cid: 'c-1', uid: 'user-1', ct: 'application/json', ce: 'utf-8', on: 'temperature', ctime: '2026-12-03T10:00:00.000Z' };
    expect(await link.send(queued('sensor', '{"t":21}', system, { alert: 'hot value', 'a&b=c/d': 'x=y&z' }))).toEqual({ ok: true });
    expect(await link.send(queued('filter', '{"t":99}', { mid: 'm-2', on: 'alerts' }, { kind: 'alert' }))).toEqual({ ok: true });
    expect(await link.send(queued(undefined, 'from the device', { mid: 'm-3' }))).toEqual({ ok: true });
    await until(() => hub.received.length >= 3);
    const [sensor, filter, own] = hub.received;
    expect(sensor?.from).toEqual({ deviceId: GATEWAY, moduleId: 'sensor' });
    expect(sensor?.message.systemProperties).toEqual(system);
    expect(sensor?.message.properties).toEqual({ alert: 'hot value', 'a&b=c/d': 'x=y&z' });
    expect(Buffer.from(sensor!.message.body).toString()).toBe('{"t":21}');
    expect(filter?.from).toEqual({ deviceId: GATEWAY, moduleId: 'filter' });
    expect(filter?.message).toMatchObject({ systemProperties: { mid: 'm-2', on: 'alerts' }, properties: { kind: 'alert' } });
    expect(own?.from).toEqual({ deviceId: GATEWAY });
    expect(own?.message.systemProperties).toEqual({ mid: 'm-3' });
    // Module identities were made sure of before their clients opened, once each.
    expect(ensureCalls).toEqual([['sensor'], ['filter']]);
    const hubModule = (await hub.registry.getModule(GATEWAY, 'sensor')).responseBody;
    expect(hubModule.authentication?.symmetricKey?.primaryKey).toBe((await store.getModule('sensor'))?.primaryKey);

    // A message the hub would never take is refused for good, and the link stays up.
    const tooLarge = await link.send(queued('sensor', 'x'.repeat(256 * 1024 + 1)));
    expect(tooLarge).toMatchObject({ ok: false, retry: false });
    expect(link.state.state).toBe('connected');

    // The hub goes away: the link is offline with a retry time, and sends say "retry".
    const offline = stateIs(link, 'offline');
    await hub.hub.dispose();
    await offline;
    expect(link.state).toMatchObject({ state: 'offline', hubHost: 'localhost' });
    expect((link.state as { retryAt: string }).retryAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const backlog = [1, 2, 3, 4, 5].map((n) => queued(n % 2 ? 'sensor' : 'filter', `backlog ${n}`, { mid: `b-${n}` }));
    const whileDown = await link.send(backlog[0]!);
    expect(whileDown).toMatchObject({ ok: false, retry: true });

    // The hub comes back on the same ports and data folder: the link reconnects by itself and the backlog drains.
    const reconnected = stateIs(link, 'connected');
    hub = await startHub(hubDir, { httpsPort: hub.info.httpsPort, mqttPort: hub.info.mqttPort });
    await reconnected;
    expect(reconnects).toBe(2);
    expect(states).toContain('offline');
    for (const message of backlog) {
      // As the pump does: the head is resent until it is taken, so order holds.
      for (;;) {
        const outcome = await link.send(message);
        if (outcome.ok) break;
        expect(outcome.retry).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await until(() => hub.received.length >= backlog.length);
    expect(hub.received.map((r) => [r.from.moduleId, r.message.systemProperties.mid])).toEqual(backlog.map((m) => [m.source.moduleId, m.message.systemProperties.mid]));

    // Nothing of a key or a token in the log.
    const secrets = [device.primaryKey, device.secondaryKey, ...(await store.listModules()).flatMap((m) => [m.primaryKey, m.secondaryKey])];
    for (const line of logs) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/SharedAccessSignature sr=|sig=/);
    }
  });

  it('re-ensures a module the hub no longer knows, refuses messages of a module whose identity is gone', async () => {
    const identities = await IdentityStore.open({ dataDir: tempDir(cleanups), deviceId: GATEWAY });
    if (!identities.ok) throw new Error(identities.error.message);
    const store = identities.value;
    await store.syncModules(['sensor', 'filter']);
    const hub = await startHub(tempDir(cleanups));
    cleanups.push(() => hub.hub.dispose());
    // Here the gateway keeps the keys the hub gave it (as with a real IoT Hub's device connection string).
    const deviceKey = async () => (await hub.registry.get(GATEWAY)).responseBody.authentication?.symmetricKey?.primaryKey ?? '';
    const ensureCalls: string[][] = [];
    const link = new UpstreamLink({ hubHostName: 'localhost', port: hub.info.mqttPort, ca: hub.ca, identities: store, deviceKey, ensureIdentities: ensureWith(() => hub.registry, ensureCalls), backoff: { initialMs: 50, maxMs: 400 } });
    cleanups.push(() => link.dispose());
    link.start();
    await stateIs(link, 'connected');
    expect(await link.send(queued('sensor', 'one', { mid: 's-1' }))).toEqual({ ok: true });
    expect(ensureCalls).toEqual([['sensor']]);

    // Someone deletes the module in the hub (its live connection is dropped): the send that meets the refusal ensures
    // the identity again at once and goes through (a send may first fail on the dropped connection, never as refused).
    await hub.registry.removeModule(GATEWAY, 'sensor');
    for (;;) {
      const outcome = await link.send(queued('sensor', 'two', { mid: 's-2' }));
      if (outcome.ok) break;
      expect(outcome).toMatchObject({ retry: true });
      expect(outcome.reason).not.toMatch(/refus/);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ensureCalls).toEqual([['sensor'], ['sensor']]);
    await until(() => hub.received.some((r) => r.message.systemProperties.mid === 's-2'));
    expect(hub.received.find((r) => r.message.systemProperties.mid === 's-2')?.from).toEqual({ deviceId: GATEWAY, moduleId: 'sensor' });

    // The deployment drops `filter`: its messages can never be sent as it.
    await store.syncModules(['sensor']);
    await link.syncIdentities();
    expect(await link.send(queued('filter', 'orphan'))).toMatchObject({ ok: false, retry: false });
    // A downstream device's message cannot go as that device either.
    const leaf = { ...queued(undefined, 'leaf'), source: { deviceId: 'leaf-1' } };
    expect(await link.send(leaf)).toMatchObject({ ok: false, retry: false });

    await link.dispose();
    expect(link.state).toEqual({ state: 'off', reason: 'stopped' });
  });

  it('closes a module client left idle and one whose identity is gone; the next message opens it again', async () => {
    const identities = await IdentityStore.open({ dataDir: tempDir(cleanups), deviceId: GATEWAY });
    if (!identities.ok) throw new Error(identities.error.message);
    const store = identities.value;
    await store.syncModules(['sensor', 'filter']);
    const hub = await startHub(tempDir(cleanups));
    cleanups.push(() => hub.hub.dispose());
    await setGatewayKeys(hub, await store.getDevice());
    // idleCloseMs 1: every sweep (each second, its floor) finds the sensor client idle.
    const link = new UpstreamLink({ hubHostName: 'localhost', port: hub.info.mqttPort, ca: hub.ca, identities: store, ensureIdentities: ensureWith(() => hub.registry, []), idleCloseMs: 1 });
    cleanups.push(() => link.dispose());
    link.start();
    await stateIs(link, 'connected');
    const connection = async (moduleId: string) => String((await hub.registry.getModule(GATEWAY, moduleId)).responseBody.connectionState);

    expect(await link.send(queued('sensor', 'one'))).toEqual({ ok: true });
    expect(await connection('sensor')).toBe('Connected');
    await untilAsync(async () => (await connection('sensor')) === 'Disconnected');
    expect(link.state.state).toBe('connected');
    expect(await link.send(queued('sensor', 'two'))).toEqual({ ok: true });
    await until(() => hub.received.length === 2);
    expect(hub.received.map((r) => r.from.moduleId)).toEqual(['sensor', 'sensor']);
    await link.dispose();

    // With a long idle time, removing the identity is what closes the client.
    const second = new UpstreamLink({ hubHostName: 'localhost', port: hub.info.mqttPort, ca: hub.ca, identities: store, ensureIdentities: ensureWith(() => hub.registry, []) });
    cleanups.push(() => second.dispose());
    second.start();
    await stateIs(second, 'connected');
    expect(await second.send(queued('filter', 'three'))).toEqual({ ok: true });
    expect(await connection('filter')).toBe('Connected');
    await store.syncModules(['sensor']);
    await second.syncIdentities();
    await untilAsync(async () => (await connection('filter')) === 'Disconnected');
  });
});
