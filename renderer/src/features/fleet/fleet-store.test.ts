import { beforeEach, describe, expect, it } from 'vitest';
import { useFleet } from './fleet-store';

const initial = useFleet.getState();

describe('fleet UI state', () => {
  beforeEach(() => useFleet.setState(initial, true));

  it('keeps the selection while the hub stays, drops it when another hub answers', () => {
    const s = () => useFleet.getState();
    s().hubChanged('local');
    s().select('gw-1');
    s().setTab('edge');
    s().hubChanged('local');
    expect(s()).toMatchObject({ selected: 'gw-1', tab: 'edge' });
    s().hubChanged('contoso');
    expect(s()).toMatchObject({ selected: undefined, tab: 'identity', hubId: 'contoso' });
  });

  it('a selection made before the hub is known is kept when it becomes known', () => {
    useFleet.getState().select('gw-1');
    useFleet.getState().hubChanged('local');
    expect(useFleet.getState().selected).toBe('gw-1');
  });

  it('keeps the newest 50 method calls, newest first, with increasing ids', () => {
    for (let i = 0; i < 55; i++) useFleet.getState().record({ at: '', deviceId: 'd', methodName: `m${i}`, payload: '', outcome: { kind: 'answer', status: 200, payload: null } });
    const history = useFleet.getState().history;
    expect(history).toHaveLength(50);
    expect(history[0]).toMatchObject({ methodName: 'm54', id: 55 });
    expect(history[49]).toMatchObject({ methodName: 'm5' });
  });

  it('selecting another device shows the device twin first', () => {
    useFleet.getState().select('a');
    useFleet.getState().setTwinModule('$edgeAgent');
    useFleet.getState().select('b');
    expect(useFleet.getState().twinModule).toBe('');
  });

  it('the all-devices events view gives way to a device chosen in the list (the same one too)', () => {
    const s = () => useFleet.getState();
    s().select('gw-1');
    s().showAllEvents(true);
    expect(s().allEvents).toBe(true);
    s().select('gw-1');
    expect(s()).toMatchObject({ allEvents: false, selected: 'gw-1' });
    s().showAllEvents(true);
    s().select('gw-2');
    expect(s()).toMatchObject({ allEvents: false, selected: 'gw-2' });
  });
});
