import { describe, expect, it } from 'vitest';
import { planSummary, shortTime, statusTone, uptime } from './format';

describe('runtime formatting', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it.each([
    ['2026-11-27T11:59:15Z', '45 s'],
    ['2026-11-27T11:48:00Z', '12 min'],
    ['2026-11-27T08:48:00Z', '3 h 12 min'],
    ['2026-11-24T10:00:00Z', '3 d 2 h'],
  ])('uptime since %s is %s', (startedAt, expected) => expect(uptime({ runtimeStatus: 'running', startedAt }, now)).toBe(expected));

  it('has no uptime when not running', () => expect(uptime({ runtimeStatus: 'backoff', startedAt: '2026-11-27T11:00:00Z' }, now)).toBe('—'));
  it("shows IoT Edge's DateTime.MinValue as unknown", () => expect(shortTime('0001-01-01T00:00:00Z')).toBe('—'));
  it('tones statuses', () => expect(['running', 'backoff', 'failed', 'stopped'].map((s) => statusTone(s as never))).toEqual(['success', 'warning', 'danger', 'subtle']));

  it.each([
    [[], 'Everything already runs as this deployment says: nothing to do.'],
    [[{ destructive: false }, { destructive: false }], 'The agent will run 2 step(s), in this order:'],
    [[{ destructive: true }, { destructive: false }], 'The agent will run 2 step(s), in this order: 1 of them is destructive (they stop or delete containers).'],
    [[{ destructive: true }, { destructive: true }, { destructive: false }], 'The agent will run 3 step(s), in this order: 2 of them are destructive (they stop or delete containers).'],
  ])('summarises a plan of %j', (steps, expected) => expect(planSummary(steps)).toBe(expected));
});
