import { afterEach, describe, expect, it } from 'vitest';
import { appError, err, ok, type Result } from '../../../shared/errors';
import type { DriverState } from './driver';
import { backoffDelay, EngineConnection, type AvailableDetails, type EngineConnectionOptions } from './engine-connection';
import { waitFor } from './test-engine.test-util';

const DETAILS: AvailableDetails = { version: '20.10.24', apiVersion: '1.41', os: 'linux', arch: 'amd64' };

/** A fake engine whose answers the test switches. */
class FakeEngine {
  up = false;
  hangs = false;
  connects = 0;
  pings = 0;
  lost = 0;

  private answer(signal: AbortSignal): Promise<Result<void>> {
    if (this.hangs) {
      return new Promise((resolve) =>
        signal.addEventListener('abort', () => resolve(err(appError('TIMEOUT', 'the engine did not answer in time'))), { once: true }),
      );
    }
    return Promise.resolve(this.up ? ok(undefined) : err(appError('ENGINE_UNAVAILABLE', 'connect ENOENT /fake.sock')));
  }

  options(overrides: Partial<EngineConnectionOptions> = {}): EngineConnectionOptions {
    return {
      endpoint: 'unix:///fake.sock',
      engineName: 'Fake engine',
      connect: async (signal) => {
        this.connects += 1;
        const answer = await this.answer(signal);
        return answer.ok ? ok(DETAILS) : answer;
      },
      ping: (signal) => {
        this.pings += 1;
        return this.answer(signal);
      },
      onLost: () => (this.lost += 1),
      backoff: { initialMs: 10, maxMs: 40 },
      heartbeatMs: 20,
      attemptTimeoutMs: 100,
      ...overrides,
    };
  }
}

describe('backoffDelay', () => {
  it.each([
    [1, 250],
    [2, 500],
    [3, 1_000],
    [6, 8_000],
    [7, 15_000],
    [50, 15_000],
  ])('attempt %i waits %i ms by default', (attempt, delay) => {
    expect(backoffDelay(attempt)).toBe(delay);
  });

  it('follows the options', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, { initialMs: 100, factor: 3, maxMs: 1_000 }))).toEqual([100, 300, 900, 1_000]);
  });
});

describe('EngineConnection', () => {
  const connections: EngineConnection[] = [];
  const track = (connection: EngineConnection) => {
    connections.push(connection);
    const states: DriverState[] = [];
    connection.onDidChangeState((s) => states.push(s));
    connection.start();
    return states;
  };
  const stateOf = (c: EngineConnection) => c.state.state;

  afterEach(() => connections.splice(0).forEach((c) => c.dispose()));

  it('goes connecting → available when the engine answers', async () => {
    const engine = new FakeEngine();
    engine.up = true;
    const connection = new EngineConnection(engine.options());
    expect(connection.state).toEqual({ state: 'connecting', endpoint: 'unix:///fake.sock' });
    track(connection);
    await waitFor('available', () => (stateOf(connection) === 'available' ? true : undefined));
    expect(connection.state).toMatchObject({ state: 'available', endpoint: 'unix:///fake.sock', ...DETAILS });
  });

  it('goes unavailable with ENGINE_UNAVAILABLE, retries with backoff, and becomes available when the engine comes', async () => {
    const engine = new FakeEngine();
    const connection = new EngineConnection(engine.options());
    const states = track(connection);
    await waitFor('three failed attempts', () => (engine.connects >= 3 ? true : undefined));
    const unavailable = states.filter((s): s is Extract<DriverState, { state: 'unavailable' }> => s.state === 'unavailable');
    expect(unavailable.map((s) => s.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    expect(unavailable[0]?.error).toEqual({
      code: 'ENGINE_UNAVAILABLE',
      message: 'Fake engine at unix:///fake.sock does not answer: connect ENOENT /fake.sock',
      details: { cause: 'ENGINE_UNAVAILABLE' },
    });
    engine.up = true;
    await waitFor('available', () => (stateOf(connection) === 'available' ? true : undefined));
    expect(engine.lost).toBeGreaterThanOrEqual(3);
  });

  it('says an engine that answers but cannot be used is unavailable, with the cause', async () => {
    const engine = new FakeEngine();
    const connection = new EngineConnection(
      engine.options({ connect: async () => err(appError('IO', 'subscribe to engine events: refused', { status: 500 })) }),
    );
    track(connection);
    await waitFor('unavailable', () => (stateOf(connection) === 'unavailable' ? true : undefined));
    expect(connection.state).toMatchObject({
      error: {
        code: 'ENGINE_UNAVAILABLE',
        message: 'Fake engine at unix:///fake.sock answers but cannot be used: subscribe to engine events: refused',
        details: { cause: 'IO', status: 500 },
      },
    });
  });

  it('heartbeat: notices an engine that goes away, and one that hangs', async () => {
    const engine = new FakeEngine();
    engine.up = true;
    const connection = new EngineConnection(engine.options());
    track(connection);
    await waitFor('available', () => (stateOf(connection) === 'available' ? true : undefined));
    await waitFor('a heartbeat', () => (engine.pings >= 1 ? true : undefined));
    engine.up = false;
    await waitFor('unavailable', () => (stateOf(connection) === 'unavailable' ? true : undefined));
    engine.up = true;
    await waitFor('available again', () => (stateOf(connection) === 'available' ? true : undefined));
    engine.hangs = true;
    await waitFor('unavailable while hung', () => (stateOf(connection) === 'unavailable' ? true : undefined));
    expect(connection.state).toMatchObject({ error: { code: 'ENGINE_UNAVAILABLE', details: { cause: 'TIMEOUT' } } });
  });

  it('suspect() re-checks at once instead of waiting for the heartbeat', async () => {
    const engine = new FakeEngine();
    engine.up = true;
    const connection = new EngineConnection(engine.options({ heartbeatMs: 60_000 }));
    track(connection);
    await waitFor('available', () => (stateOf(connection) === 'available' ? true : undefined));
    engine.up = false;
    connection.suspect();
    await waitFor('unavailable', () => (stateOf(connection) === 'unavailable' ? true : undefined));
    expect(engine.pings).toBe(0);
  });

  it('keeps `since` and stays quiet when a re-check finds the same engine', async () => {
    const engine = new FakeEngine();
    engine.up = true;
    const connection = new EngineConnection(engine.options({ heartbeatMs: 60_000 }));
    const states = track(connection);
    await waitFor('available', () => (stateOf(connection) === 'available' ? true : undefined));
    const before = engine.connects;
    connection.suspect();
    await waitFor('the re-check', () => (engine.connects > before ? true : undefined));
    expect(states.map((s) => s.state)).toEqual(['available']);
  });

  it('does nothing more once disposed', async () => {
    const engine = new FakeEngine();
    const connection = new EngineConnection(engine.options());
    const states = track(connection);
    await waitFor('a failed attempt', () => (stateOf(connection) === 'unavailable' ? true : undefined));
    connection.dispose();
    const connects = engine.connects;
    const seen = states.length;
    engine.up = true;
    await new Promise((resolve) => setTimeout(resolve, 200)); // many retry periods
    expect(engine.connects).toBe(connects);
    expect(states.length).toBe(seen);
  });
});
