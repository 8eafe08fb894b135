import { describe, expect, it } from 'vitest';
import type { Connectivity, ConnectivityTarget } from '../../../shared/ipc/status.contract';
import { networkItem } from './network-status';

const hub: ConnectivityTarget = { kind: 'hub', address: 'local', state: 'not-needed', needed: false, modules: [], reason: 'Local hub (no cloud account): nothing upstream to reach.' };
const registry = (address: string, state: ConnectivityTarget['state'], reason?: string, needed = true): ConnectivityTarget => ({
  kind: 'registry',
  address,
  state,
  needed,
  modules: ['sensor'],
  ...(reason ? { reason, checkedAt: '2026-01-01T10:00:00.000Z' } : {}),
});
const connectivity = (state: Connectivity['state'], targets: ConnectivityTarget[]): Connectivity => ({ state, summary: `summary ${state}`, targets: [...targets, hub] });

describe('networkItem (the status bar word is the host’s, not navigator.onLine)', () => {
  it.each([
    ['no answer yet', undefined, 'idle', 'Network…'],
    ['nothing needs the network', connectivity('not-needed', []), 'idle', 'No network needed'],
    ['probing', connectivity('checking', [registry('a.example', 'checking')]), 'busy', 'Checking network…'],
    ['every needed registry answers', connectivity('online', [registry('a.example', 'reachable', 'HTTPS 401 from /v2/')]), 'ok', 'Online'],
    ['one needed registry is down', connectivity('offline', [registry('127.0.0.1:9', 'unreachable', 'connection refused')]), 'bad', 'Offline: cannot reach 127.0.0.1:9'],
    [
      'two of three are down',
      connectivity('partial', [registry('a.example', 'reachable', 'HTTPS 401 from /v2/'), registry('b.example', 'unreachable', 'no answer within 3 s'), registry('c.example', 'unreachable', 'connection refused')]),
      'warn',
      'Partly offline: cannot reach b.example +1',
    ],
    ['not probed from this host', connectivity('unknown', [registry('mcr.microsoft.com', 'not-checked')]), 'idle', 'Network not checked'],
  ])('%s', (_name, input, tone, label) => {
    expect(networkItem(input, Date.parse('2026-01-01T10:05:00.000Z'))).toMatchObject({ tone, label });
  });

  it('splits the word from what follows it: the word is never shortened, the rest may be', () => {
    const item = networkItem(connectivity('partial', [registry('a.example', 'reachable', 'HTTPS 401 from /v2/'), registry('b.example', 'unreachable', 'no answer within 3 s')]), 0);
    expect(item).toMatchObject({ word: 'Partly offline', detail: 'cannot reach b.example', label: 'Partly offline: cannot reach b.example' });
    expect(networkItem(connectivity('online', []), 0)).toMatchObject({ word: 'Online', label: 'Online' });
    expect(networkItem(connectivity('online', []), 0).detail).toBeUndefined();
  });

  it('the tooltip lists each target with its reason and when it was checked', () => {
    const item = networkItem(connectivity('offline', [registry('127.0.0.1:9', 'unreachable', 'connection refused'), registry('a.example', 'not-needed', 'Its images are already on this machine.', false)]), Date.parse('2026-01-01T10:05:00.000Z'));
    expect(item.lines[0]).toBe('summary offline');
    expect(item.lines[1]).toMatch(/^Registry 127\.0\.0\.1:9: unreachable; connection refused — checked \S/);
    expect(item.lines[2]).toMatch(/^Registry a\.example: not needed; Its images are already on this machine\. — checked/);
    expect(item.lines[3]).toBe('IoT hub: not needed; Local hub (no cloud account): nothing upstream to reach.');
  });
});
