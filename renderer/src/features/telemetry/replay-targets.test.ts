import { describe, expect, it } from 'vitest';
import { replayTargets } from './replay-targets';

const route = (name: string, endpoint: string) => ({ name, text: '', priority: 0, ttlSecs: 0, endpoint });

describe('replayTargets', () => {
  it('lists module inputs the routes deliver to, and running modules no route feeds', () => {
    const targets = replayTargets(
      [route('sensorToFilter', 'module/filter/input1'), route('alerts', 'module/filter/alerts'), route('up', '$upstream'), route('again', 'module/filter/input1')],
      ['sensor', 'filter', 'edgeAgent', 'edgeHub'],
    );
    expect([...targets]).toEqual([
      ['filter', ['alerts', 'input1']],
      ['sensor', []],
    ]);
  });

  it('gives nothing without routes or modules', () => {
    expect(replayTargets(undefined, []).size).toBe(0);
  });
});
