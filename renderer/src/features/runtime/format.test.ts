import { describe, expect, it } from 'vitest';
import { deriveRuntimeState } from '../../../../shared/runtime/runtime-state';
import { bytesText, GAVE_UP_TEXT, logTime, nextRetryText, pastText, planSummary, relativeTime, restartAvailability, shortTime, summaryBesideProblems, uptime } from './format';

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
  it.each([
    [35_000, 'in 35 s'],
    [-12_000, '12 s ago'],
    [4 * 60_000 + 10_000, 'in 4 min'],
    [-3 * 3600_000, '3 h ago'],
    [0, 'now'],
  ])('says %i ms from now as %s', (delta, expected) => expect(relativeTime(now + delta, now)).toBe(expected));

  it('gives the next retry in local time, relative, never as an ISO stamp', () => {
    const text = nextRetryText(new Date(now + 35_000).toISOString(), now);
    expect(text).toBe(`${new Date(now + 35_000).toLocaleTimeString()} (in 35 s)`);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(nextRetryText(new Date(now - 2000).toISOString(), now)).toMatch(/\(any moment now\)$/);
    expect(nextRetryText(undefined, now)).toBe('—');
  });

  it('never says a past moment is in the future', () => {
    expect(pastText(new Date(now + 3000).toISOString(), now)).toMatch(/\(just now\)$/);
    expect(pastText(new Date(now - 120_000).toISOString(), now)).toMatch(/\(2 min ago\)$/);
  });

  it.each([
    [512, '512 B'],
    [4_300_000, '4.3 MB'],
    [123_456_789, '123 MB'],
  ])('sizes %i bytes as %s', (bytes, expected) => expect(bytesText(bytes)).toBe(expected));

  it.each([
    [[], 'Everything already runs as this deployment says: nothing to do.'],
    [[{ destructive: false }, { destructive: false }], 'The agent will run 2 step(s), in this order:'],
    [[{ destructive: true }, { destructive: false }], 'The agent will run 2 step(s), in this order: 1 of them is destructive (they stop or delete containers).'],
    [[{ destructive: true }, { destructive: true }, { destructive: false }], 'The agent will run 3 step(s), in this order: 2 of them are destructive (they stop or delete containers).'],
  ])('summarises a plan of %j', (steps, expected) => expect(planSummary(steps)).toBe(expected));

  it.each([
    [{ desiredStatus: 'stopped', runtimeStatus: 'stopped', containerId: 'c' }, false, /Stopped on purpose.*Use Start/],
    [{ desiredStatus: 'running', runtimeStatus: 'unknown', containerId: undefined }, false, /No container yet/],
    [{ desiredStatus: 'running', runtimeStatus: 'running', containerId: 'c' }, true, /stops and starts its container/],
    [{ desiredStatus: 'running', runtimeStatus: 'backoff', containerId: 'c' }, true, /not running, so this starts its container now/],
  ] as const)('Restart for %j: enabled %s', (row, enabled, tip) => {
    const availability = restartAvailability(row);
    expect(availability.enabled).toBe(enabled);
    expect(availability.tip).toMatch(tip);
  });

  it('shows a log line time in local time, not the UTC digits of its stamp', () => {
    const stamp = '2026-11-27T11:59:15.123456789Z';
    const local = new Date(Date.parse(stamp));
    expect(logTime(stamp)).toBe(`${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:15.123`);
    expect(logTime('nonsense')).toBe('');
  });
});

describe('the runtime sentence beside the problems box', () => {
  const pull = 'The image 127.0.0.1:5999/sensor:1.5 for sensor-2 is not on this machine and could not be pulled: the registry 127.0.0.1:5999 cannot be reached (offline?). Sideload it: Runtime → Sideload image…, or `gatehouse runtime sideload <image.tar>`.';
  const name = 'The container name tick is taken by a container Gatehouse does not manage';
  const module = (n: string, runtimeStatus: 'running' | 'unknown') => ({ name: n, desiredStatus: 'running' as const, runtimeStatus, restartCount: 0, restartPolicy: 'always' });
  const failing = (reason: string) =>
    deriveRuntimeState({
      engine: { state: 'available' },
      agent: { state: 'failing', version: 3, reason },
      version: 3,
      reconciledVersion: 3,
      lastDesiredStatus: { code: 500, description: reason },
      modules: [module('ticker', 'running'), module('sensor', 'running'), module('sensor-2', 'unknown')],
    }).summary;

  it('names each failure once: the box has it, the sentence keeps the count and what else is wrong', () => {
    const summary = failing(pull);
    expect(summary).toContain(pull);
    expect(summaryBesideProblems(summary, [pull])).toBe('2 of 3 modules running (deployment v3). sensor-2 has no container yet.');
  });

  it('also without a final period, for two failures, and for a step Gatehouse stopped retrying', () => {
    const summary = failing(`${pull} ${name} ${GAVE_UP_TEXT}`);
    expect(summaryBesideProblems(summary, [pull, `${name}.`, GAVE_UP_TEXT])).toBe('2 of 3 modules running (deployment v3). sensor-2 has no container yet.');
  });

  it('leaves a sentence without those failures as it is', () => {
    expect(summaryBesideProblems('1 of 2 modules running (deployment v1): tick is in backoff (it exited with code 1; 3 restarts so far).', [])).toBe(
      '1 of 2 modules running (deployment v1): tick is in backoff (it exited with code 1; 3 restarts so far).',
    );
  });
});
