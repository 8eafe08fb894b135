import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubTwins } from './hub-twins';
import { RecordingGateway } from './memory-store.test-util';

/** The parts of the hub's twins that leaf devices use: the upstream twin taken as truth, pending reported, cloud desired patches. */

const LEAF = { deviceId: 'leaf-1' };
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-twins-'));
  file = join(dir, 'twins.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<HubTwins> {
  const twins = await HubTwins.open({ file });
  if (!twins.ok) throw new Error(twins.error.message);
  return twins.value;
}

describe('leaf twins', () => {
  it('reported patches made offline stay pending across a restart and on top of the upstream twin until settled', async () => {
    const twins = await open();
    expect(await twins.patchReported(LEAF, { firmware: '2.0', old: null }, { pending: true })).toMatchObject({ ok: true });
    expect(await twins.patchReported(LEAF, { battery: { level: 80 } }, { pending: true })).toMatchObject({ ok: true });

    const again = await open();
    const pending = again.pendingReported(LEAF);
    expect(pending).toEqual({ firmware: '2.0', old: null, battery: { level: 80 } });

    // The upstream twin arrives: it is taken, with what is pending on top (a null still deletes).
    await again.replace(LEAF, { desired: { interval: 5, $version: 4 }, reported: { firmware: '1.0', old: 'x', $version: 7 } });
    expect(again.get(LEAF)).toEqual({ desired: { interval: 5, $version: 4 }, reported: { firmware: '2.0', battery: { level: 80 }, $version: 8 } });

    // Settled with something else than what is pending now: kept; with exactly it: forgotten.
    await again.settleReported(LEAF, { firmware: '2.0' });
    expect(again.pendingReported(LEAF)).toBeDefined();
    await again.settleReported(LEAF, pending ?? {});
    expect(again.pendingReported(LEAF)).toBeUndefined();
    expect((await open()).pendingReported(LEAF)).toBeUndefined();
  });

  it('a desired change missed while away is the patch to push (none for a twin first seen); cloud patches apply once, in version order', async () => {
    const twins = await open();
    const gateway = new RecordingGateway();
    twins.attach(gateway);
    expect(await twins.replace(LEAF, { desired: { interval: 5, mode: 'a', $version: 2 }, reported: { $version: 1 } })).toEqual({ ok: true, value: undefined });
    expect(await twins.replace(LEAF, { desired: { interval: 5, mode: 'a', $version: 2 }, reported: { $version: 1 } })).toEqual({ ok: true, value: undefined });
    expect(await twins.replace(LEAF, { desired: { interval: 9, $version: 3 }, reported: { $version: 1 } })).toEqual({ ok: true, value: { interval: 9, mode: null, $version: 3 } });

    await twins.applyDesiredPatch(LEAF, { mode: 'b', $version: 4 });
    await twins.applyDesiredPatch(LEAF, { mode: 'stale', $version: 4 });
    expect(twins.get(LEAF).desired).toEqual({ interval: 9, mode: 'b', $version: 4 });
    expect(gateway.desired).toEqual([{ target: LEAF, patch: { mode: 'b', $version: 4 } }]);
  });
});
