import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionCheck } from './transport';
import { CLOSE_TOKEN_ROTATED, webSocketTransport, type SocketLike } from './ws-transport';

/** A socket the test opens, closes and answers by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  answer(id: number, result: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ t: 'result', id, result }) });
  }
  event(event: string, payload: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ t: 'event', event, payload }) });
  }
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup(session: SessionCheck = 'unknown') {
  const sockets: FakeSocket[] = [];
  const check = { answer: session };
  const checkSession = vi.fn(async () => check.answer);
  const transport = webSocketTransport({
    url: 'ws://127.0.0.1:1/ws',
    checkSession,
    openSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  const states: string[] = [];
  transport.onDidChangeState((s) => states.push(s));
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  return { transport, sockets, last, states, check, checkSession };
}

/** Lets pending promises (session checks) settle and runs timers due in `ms`. */
const elapse = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('WebSocket transport', () => {
  it('sends calls made while connecting once the socket opens', async () => {
    const { transport, last } = setup();
    const answer = transport.invoke('app.getSettings', {});
    expect(transport.state).toBe('connecting');
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ t: 'invoke', id: 1, method: 'app.getSettings', params: {} }]);
    last().answer(1, { ok: true, value: 42 });
    expect(await answer).toEqual({ ok: true, value: 42 });
    expect(transport.state).toBe('connected');
  });

  it('when the connection drops: fails the call in flight, fails new calls at once, then reconnects and subscribes again', async () => {
    const { transport, sockets, last, states } = setup();
    const events: unknown[] = [];
    transport.subscribe('status.changed', (p) => events.push(p));
    last().open();
    expect(last().sent).toEqual([{ t: 'sub', event: 'status.changed' }]);
    const inFlight = transport.invoke('runtime.apply', { text: '{}' });

    vi.setSystemTime(T0 + 5_000);
    last().close();
    expect(transport.state).toBe('reconnecting');
    expect(transport.disconnectedAt).toBe(T0 + 5_000);
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'DISCONNECTED', details: { method: 'runtime.apply' } } });
    expect(await transport.invoke('workspace.writeFile', { path: 'a', text: '' })).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(sockets).toHaveLength(1);

    await elapse(250);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(transport.state).toBe('connected');
    expect(transport.disconnectedAt).toBeNull();
    expect(last().sent).toEqual([{ t: 'sub', event: 'status.changed' }]);
    last().event('status.changed', { n: 1 });
    expect(events).toEqual([{ n: 1 }]);
    expect(states).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('keeps trying, backing off, while the host does not answer', async () => {
    const { transport, sockets, last, checkSession } = setup('unknown');
    last().open();
    last().close();
    for (let i = 0; i < 6; i++) {
      await elapse(5_000);
      last().close(); // refused: nobody listens
    }
    await elapse(0);
    expect(transport.state).toBe('reconnecting');
    expect(sockets.length).toBe(7);
    expect(checkSession).toHaveBeenCalledTimes(6);
  });

  it('becomes unauthorized when the host refuses the token, and stops hammering it', async () => {
    const { transport, sockets, last, check, states } = setup('invalid');
    last().open();
    vi.setSystemTime(T0 + 1_000);
    last().close();
    await elapse(250);
    last().close(); // the handshake is refused (401)
    await elapse(0);
    expect(transport.state).toBe('unauthorized');
    expect(transport.disconnectedAt).toBe(T0 + 1_000);
    expect(await transport.invoke('app.getSettings', {})).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });

    await elapse(60_000);
    expect(sockets).toHaveLength(2); // only session checks, no new sockets

    check.answer = 'valid'; // e.g. the page's cookie was renewed by opening the console URL in another tab
    await elapse(30_000);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(transport.state).toBe('connected');
    expect(states).toEqual(['connected', 'reconnecting', 'unauthorized', 'connected']);
  });

  it('goes straight to unauthorized when the host closes the socket because its token was rotated', async () => {
    const { transport, sockets, last, checkSession } = setup('invalid');
    last().open();
    last().close(CLOSE_TOKEN_ROTATED);
    expect(transport.state).toBe('unauthorized');
    await elapse(5_000);
    expect(sockets).toHaveLength(1);
    expect(checkSession).not.toHaveBeenCalled();
  });

  it('an unreachable host while unauthorized is shown as reconnecting (no telling about the token yet)', async () => {
    const { transport, last, check } = setup('invalid');
    last().close();
    await elapse(0);
    expect(transport.state).toBe('unauthorized');
    check.answer = 'unknown';
    await elapse(30_000);
    last().close();
    await elapse(0);
    expect(transport.state).toBe('reconnecting');
  });

  it('retryNow skips the wait, and the answer of a check it overtook is ignored', async () => {
    const { transport, sockets, last, check } = setup('invalid');
    last().open();
    last().close();
    await elapse(250);
    last().close();
    check.answer = 'valid';
    transport.retryNow(); // while the failed attempt's session check is still pending
    await elapse(0);
    expect(sockets).toHaveLength(3);
    expect(transport.state).toBe('reconnecting'); // not unauthorized: that check was overtaken
    last().open();
    expect(transport.state).toBe('connected');
    transport.retryNow();
    expect(sockets).toHaveLength(3);
  });

  it('fails calls queued before a first connection that never comes', async () => {
    const { transport, last } = setup('unknown');
    const call = transport.invoke('app.getInfo', {});
    last().close();
    expect(await call).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(transport.state).toBe('reconnecting');
  });
});
