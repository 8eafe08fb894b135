import { describe, expect, it } from 'vitest';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { formatMissingImages, formatModules, localMoment } from './runtime';

const now = Date.parse('2026-11-27T12:00:00Z');
const snapshot: RuntimeSnapshot = {
  state: { state: 'failing', tone: 'danger', summary: '1 of 2 modules running (deployment v3). The image x:1 for b is not on this machine and could not be pulled: the registry r.example cannot be reached (offline?).' },
  agent: { state: 'failing', version: 3, reason: '…' },
  engine: { state: 'available', name: 'Docker Engine', version: '20.10.24', apiVersion: '1.41' },
  version: 3,
  reconciledVersion: 3,
  modules: [
    { name: 'a', image: 'busybox', desiredStatus: 'running', runtimeStatus: 'running', exitCode: 0, restartCount: 0, startedAt: '2026-11-27T11:59:00Z', restartPolicy: 'always', startupOrder: 1 },
    {
      name: 'b',
      image: 'r.example/x:1',
      desiredStatus: 'running',
      runtimeStatus: 'unknown',
      restartCount: 0,
      restartPolicy: 'always',
      startupOrder: 2,
      nextRetryAt: '2026-11-27T12:00:40Z',
      problem: { summary: 'The image x:1 for b is not on this machine and could not be pulled: the registry r.example cannot be reached (offline?).', detail: 'dial tcp: connection refused', at: '2026-11-27T11:59:59Z' },
    },
  ],
  lastPlan: [],
  lastDesiredStatus: { code: 500, description: '…' },
  network: 'host',
  notManaged: [],
  foreignRuntime: [],
};

describe('gatehouse runtime status (text)', () => {
  it('says the shared word and sentence, and times in local time, never ISO stamps or HTTP codes', () => {
    const text = formatModules(snapshot, now);
    expect(text).toContain(`Runtime: failing — ${snapshot.state.summary}`);
    expect(text).toContain(`b: The image x:1 for b is not on this machine and could not be pulled: the registry r.example cannot be reached (offline?). Next attempt at ${localMoment('2026-11-27T12:00:40Z', now)}.`);
    expect(text).toContain(localMoment('2026-11-27T11:59:00Z', now));
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT|\b500\b|converged|degraded/);
  });

  it('lists the images a plan needs that this machine does not have', () => {
    expect(
      formatMissingImages([
        { image: 'r.example/x:1', modules: ['b'], present: false, registry: 'r.example', pullPolicy: 'on-create' },
        { image: 'busybox', modules: ['a'], present: true, registry: 'docker.io', pullPolicy: 'on-create' },
        { image: 'y:2', modules: ['c', 'd'], present: false, registry: 'docker.io', pullPolicy: 'never' },
      ]),
    ).toEqual([
      '',
      'Not on this machine (2 images); sideload with `gatehouse runtime sideload <image.tar>` before applying when offline:',
      '  r.example/x:1 for b: apply pulls it from r.example',
      '  y:2 for c, d: imagePullPolicy never, so apply will not pull it',
    ]);
    expect(formatMissingImages([])).toEqual([]);
  });
});
