import { describe, expect, it } from 'vitest';
import type { RollbackState } from '../../../../shared/ipc/rollback.contract';
import { bannerView, diffRows, originWords, pathWords, valueAt, verdictWords } from './rollback-view';
import { localTime } from '../../app/format-time';

const failed = [
  { id: 'runtime.modules', title: 'Modules running', status: 'error', detail: 'm restarts' },
  { id: 'e2e.route', title: 'Messages end to end', status: 'error', detail: 'none' },
];

const state = (over: Partial<RollbackState>): RollbackState => ({ auto: false, windowMs: 8000, watching: null, lastKnownGood: null, bad: null, lastRollback: null, ...over });

describe('verdictWords', () => {
  it.each([
    [{ verdict: 'good' as const, failed: [] }, 'Good', 'success', null],
    [{ verdict: 'bad' as const, failed }, 'Bad', 'danger', 'Failed: Modules running, Messages end to end'],
    [{ verdict: 'pending' as const, failed: [] }, 'Pending', 'informative', 'Being watched: its checks have not finished yet'],
    [{ verdict: 'pending' as const, failed: [], superseded: true }, 'Superseded', 'subtle', 'A newer deployment came before its checks finished'],
  ])('%o → %s', (entry, label, tone, detail) => {
    expect(verdictWords(entry)).toEqual({ label, tone, detail });
  });
});

describe('originWords', () => {
  it('names the apply, the rollback and the automatic one with from and to', () => {
    expect(originWords({ origin: 'apply' })).toBe('Applied');
    expect(originWords({ origin: 'rollback', restores: 'v3', rolledBackFrom: 'v4', via: 'local' })).toBe('Rolled back from v4 to v3');
    expect(originWords({ origin: 'auto-rollback', restores: 'v3', rolledBackFrom: 'v4', via: 'hub' })).toBe('Rolled back automatically from v4 to v3 (through the hub)');
  });
});

describe('diffRows', () => {
  const before = JSON.stringify({
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          modules: { 'a/b': { restartPolicy: 'always', env: { MODE: { value: 'a' } }, settings: { createOptions: JSON.stringify({ Cmd: ['run'] }) } } },
        },
      },
    },
  });
  it('old → new values looked up in the previous manifest, createOptions opened up, pointer escapes undone', () => {
    const base = '/modulesContent/$edgeAgent/properties.desired/modules/a~1b';
    const rows = diffRows(
      [
        { op: 'replace', path: `${base}/env/MODE/value`, value: 'b' },
        { op: 'replace', path: `${base}/settings/createOptions/Cmd/0`, value: 'sh' },
        { op: 'add', path: `${base}/settings/createOptions/Cmd/1`, value: '-c' },
        { op: 'remove', path: `${base}/restartPolicy` },
      ],
      before,
    );
    expect(rows.map((r) => [r.path, r.kind, r.before, r.after])).toEqual([
      ['$edgeAgent › modules › a/b › env › MODE › value', 'changed', 'a', 'b'],
      ['$edgeAgent › modules › a/b › settings › createOptions › Cmd › 0', 'changed', 'run', 'sh'],
      ['$edgeAgent › modules › a/b › settings › createOptions › Cmd › 1', 'added', null, '-c'],
      ['$edgeAgent › modules › a/b › restartPolicy', 'removed', 'always', null],
    ]);
  });
  it('objects as JSON; no previous manifest: no old value', () => {
    expect(diffRows([{ op: 'replace', path: '/x', value: { a: 1 } }], undefined)).toEqual([{ key: '0:replace:/x', path: 'x', kind: 'changed', before: null, after: '{"a":1}' }]);
    expect(valueAt({ a: [{ b: 2 }] }, '/a/0/b')).toBe(2);
    expect(valueAt({ a: 1 }, '/a/b')).toBeUndefined();
    expect(pathWords('')).toBe('(whole deployment)');
  });
});

describe('bannerView', () => {
  it('nothing when there is no state or nothing bad and no automatic rollback', () => {
    expect(bannerView(undefined)).toBeNull();
    expect(bannerView(state({ lastKnownGood: 'v3' }))).toBeNull();
    expect(bannerView(state({ lastRollback: { from: 'v4', to: 'v3', at: 't', automatic: false, via: 'local', message: 'Rolled back from v4 to v3' } }))).toBeNull();
  });
  it('a bad newest deployment: names its failing checks and offers the last known good', () => {
    expect(bannerView(state({ bad: { id: 'v4', failed }, lastKnownGood: 'v3' }))).toEqual({
      kind: 'bad',
      id: 'v4',
      to: 'v3',
      text: 'Deployment v4 failed its checks (Modules running, Messages end to end). Roll back to v3, the last known good?',
    });
  });
  it('a bad deployment with no known good: no offer', () => {
    expect(bannerView(state({ bad: { id: 'v1', failed: [] } }))).toMatchObject({ kind: 'bad', to: null, text: 'Deployment v1 failed its checks. No deployment has passed its checks yet, so there is none to roll back to.' });
  });
  it('after an automatic rollback: what happened, at a local time of day; not again once dismissed', () => {
    const at = '2026-12-03T16:00:00.000Z';
    const lastRollback = { from: 'v4', to: 'v3', at, automatic: true, via: 'local' as const, message: `Rolled back automatically from v4 to v3 at ${at} (now v5).` };
    const now = Date.parse(at) + 60_000;
    const view = bannerView(state({ lastKnownGood: 'v3', lastRollback }), now);
    expect(view).toEqual({ kind: 'auto-rolled-back', at, text: `Rolled back automatically from v4 to v3 at ${localTime(Date.parse(at), now)}: v4 failed its checks, v3 is the last known good.` });
    expect(view?.text).not.toContain('2026-12-03T');
    expect(bannerView(state({ lastRollback: { ...lastRollback, via: 'hub' } }), now)?.text).toContain(' through the hub:');
    expect(bannerView(state({ lastRollback }), now, at)).toBeNull();
    // A later automatic rollback shows again.
    expect(bannerView(state({ lastRollback: { ...lastRollback, at: '2026-12-03T17:00:00.000Z' } }), now, at)).toMatchObject({ kind: 'auto-rolled-back' });
  });
});
