import { describe, expect, it } from 'vitest';
import type { HistoryEntry, RollbackResult, RollbackState } from '../../../shared/ipc/rollback.contract';
import { waitFor } from '../../runtime/drivers/test-engine.test-util';
import { BUSYBOX_IMAGE, SENSOR_IMAGE, useRollbackConsole, WINDOW_MS } from './rollback.test-util';

/**
 * Last-known-good when the hub drives the runtime (an operator's set-modules through the embedded local hub): the
 * hub's deployment is judged like a local apply, and a rollback goes back through the hub (rollback.test-util.ts).
 */

const { SENSOR, deviceId, call, good, bad, containers, readingAfter } = useRollbackConsole('rollback-hub');

describe('last-known-good and rollback through the hub', () => {
  it('when the hub drives the runtime (set-modules), a bad deployment is rolled back through the hub: the hub gets the good content back and the readings resume', async () => {
    expect((await call<RollbackState>('rollback.setAuto', { auto: false })).auto).toBe(false);
    await waitFor('the console connected to the hub', async () => ((await call<{ hub: { state: string } }>('status.get')).hub.state === 'connected' ? true : undefined), 60_000);
    const setModules = async (text: string) => call('cloud.setModules', { deviceId, content: JSON.parse(text) as Record<string, unknown> });
    const driver = async () => (await call<{ cloud?: { desired: { driver: string } } }>('edgehub.outbox')).cloud?.desired.driver;
    const newest = async () => (await call<HistoryEntry[]>('rollback.history'))[0];

    // The newest deployment once judged (one hub deployment can be applied twice: again when a module twin it names
    // could first not be read; the first is then superseded).
    const newestJudged = (what: string, matches: (e: HistoryEntry) => boolean) =>
      waitFor(what, async () => {
        const e = await newest();
        return e && matches(e) && e.verdict !== 'pending' ? e : undefined;
      }, WINDOW_MS + 60_000);

    // The operator sets the good deployment on the hub: the cloud drives; it is judged good like a local apply.
    await setModules(good());
    await waitFor('the hub to drive the runtime', async () => ((await driver()) === 'cloud' ? true : undefined), 60_000);
    const goodEntry = await newestJudged('the hub deployment to be judged', (e) => e.text.includes(SENSOR_IMAGE) && e.origin === 'apply');
    expect(goodEntry.verdict, JSON.stringify(goodEntry.failed)).toBe('good');
    const goodId = goodEntry.id;

    await setModules(bad());
    const badEntry = await newestJudged('the bad hub deployment to be judged', (e) => e.text.includes(BUSYBOX_IMAGE));
    expect(badEntry.verdict).toBe('bad');
    const badId = badEntry.id;

    const rolled = await call<RollbackResult>('rollback.rollback', {});
    expect(rolled).toMatchObject({ from: badId, to: goodId, via: 'hub' });
    const rolledAt = Date.now();
    // The hub's $edgeAgent desired properties carry the good content again, and the runtime follows them.
    await waitFor('the hub to hold the good deployment', async () => {
      const twin = await call<{ properties: { desired: { modules?: Record<string, { settings: { image: string } }> } } }>('cloud.twinShow', { deviceId, moduleId: '$edgeAgent' });
      return twin.properties.desired.modules?.[SENSOR]?.settings.image === SENSOR_IMAGE ? true : undefined;
    }, 60_000);
    expect(await driver()).toBe('cloud');
    await waitFor('the sensor to run its own image again', async () => {
      const live = (await containers()).filter((c) => c.name.includes(SENSOR));
      return live.length === 1 && live[0]?.image === SENSOR_IMAGE && live[0].state === 'running' ? true : undefined;
    }, 60_000);
    await readingAfter('a reading after the rollback through the hub', rolledAt);
    const restored = await waitFor('the restored deployment to be judged', async () => {
      const e = await newest();
      return e && e.id !== badId && e.verdict !== 'pending' ? e : undefined;
    }, WINDOW_MS + 60_000);
    expect(restored).toMatchObject({ verdict: 'good', origin: 'rollback', restores: goodId, rolledBackFrom: badId, via: 'hub' });
  }, 300_000);

});
