import { appError, type AppError } from '../../../shared/errors';
import { CLOSE_TOKEN_ROTATED, ServerFrame } from '../../../shared/ipc/wire';
import type { ConnectionState, SessionCheck, Transport } from './transport';

/** The part of the browser's WebSocket this transport uses (the unit tests drive a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code?: number }) => void) | null;
}

export interface WebSocketTransportOptions {
  readonly url: string;
  /** Asks the host whether this page's token is still accepted (`GET /api/session`), after an attempt failed. */
  readonly checkSession: () => Promise<SessionCheck>;
  readonly openSocket?: (url: string) => SocketLike;
  /** A call the host does not answer in this time fails with DISCONNECTED. */
  readonly callTimeoutMs?: number;
  /** Attempts back off from 250 ms, doubling, up to this. */
  readonly maxBackoffMs?: number;
  /** While unauthorized, how often to ask again whether the token is accepted (instead of hammering the host). */
  readonly sessionPollMs?: number;
  readonly now?: () => number;
}

const OPEN = 1;
export { CLOSE_TOKEN_ROTATED };

interface PendingCall {
  readonly method: string;
  readonly text: string;
  readonly resolve: (value: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

const failure = (error: AppError) => ({ ok: false, error });
const notConnected = (method: string) =>
  failure(appError('DISCONNECTED', 'The console is not connected to the Gatehouse host, so nothing was sent. Try again once it reconnects.', { method }));
const lostAnswer = (method: string) =>
  failure(appError('DISCONNECTED', 'The connection to the Gatehouse host was lost before it answered: this may or may not have been done.', { method }));

/**
 * WebSocket transport of the served console (states: see transport.ts). Calls made before the first connection
 * wait for it; calls made while disconnected fail at once with DISCONNECTED (nothing is queued to fire minutes
 * later), and calls in flight when the connection drops fail too: their answers are gone with the socket.
 * Subscriptions are renewed after every reconnect. After a failed attempt it asks `checkSession` why: a refused
 * token means `unauthorized`, where it only checks again every `sessionPollMs` (or on `retryNow`).
 */
export function webSocketTransport(options: WebSocketTransportOptions): Transport {
  const { url, checkSession } = options;
  const openSocket = options.openSocket ?? ((target: string) => new WebSocket(target) as unknown as SocketLike);
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const sessionPollMs = options.sessionPollMs ?? 30_000;
  const now = options.now ?? Date.now;

  let socket: SocketLike | undefined;
  let state: ConnectionState = 'connecting';
  let disconnectedAt: number | null = null;
  let nextId = 1;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every attempt and session check: an answer that arrives after a newer one started is ignored. */
  let epoch = 0;
  const pending = new Map<number, PendingCall>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  const schedule = (run: () => void, delayMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  };
  const backoff = () => Math.min(maxBackoffMs, 250 * 2 ** attempt++);
  const sendIfOpen = (text: string) => socket?.readyState === OPEN && socket.send(text);
  const failPending = (answer: (method: string) => unknown) => {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      pending.delete(id);
      call.resolve(answer(call.method));
    }
  };
  /** The connection is down: from here on calls fail at once, and so do those still waiting to be sent. */
  const disconnected = (next: 'reconnecting' | 'unauthorized') => {
    disconnectedAt ??= now();
    failPending(notConnected);
    setState(next);
    if (next === 'reconnecting') schedule(connect, backoff());
    else schedule(pollSession, sessionPollMs);
  };

  function connect(): void {
    clearTimeout(timer);
    const mine = ++epoch;
    let opened = false;
    const ws = openSocket(url);
    socket = ws;
    ws.onopen = () => {
      if (mine !== epoch) return;
      opened = true;
      attempt = 0;
      disconnectedAt = null;
      setState('connected');
      for (const event of listeners.keys()) ws.send(JSON.stringify({ t: 'sub', event }));
      for (const call of pending.values()) {
        if (call.sent) continue;
        ws.send(call.text);
        call.sent = true;
      }
    };
    ws.onmessage = (message) => onMessage(message.data);
    ws.onclose = (event) => {
      if (mine !== epoch) return;
      socket = undefined;
      if (opened) {
        disconnectedAt = now();
        failPending(lostAnswer);
        // The host says why: its token was rotated, so retrying with this page's cannot help.
        disconnected(event.code === CLOSE_TOKEN_ROTATED ? 'unauthorized' : 'reconnecting');
        return;
      }
      // The attempt failed: is the host down (keep trying), or does it answer but refuse this page's token?
      void checkSession()
        .catch((): SessionCheck => 'unknown')
        .then((check) => mine === epoch && disconnected(check === 'invalid' ? 'unauthorized' : 'reconnecting'));
    };
  }

  function pollSession(): void {
    const mine = ++epoch;
    void checkSession()
      .catch((): SessionCheck => 'unknown')
      .then((check) => {
        if (mine !== epoch) return;
        // Accepted again, or no telling (the host may be down): an attempt finds out, and its failure asks again.
        if (check === 'invalid') schedule(pollSession, sessionPollMs);
        else connect();
      });
  }

  function onMessage(raw: unknown): void {
    let frame;
    try {
      frame = ServerFrame.safeParse(JSON.parse(String(raw)));
    } catch {
      return;
    }
    if (!frame.success) return;
    const data = frame.data;
    if (data.t === 'result') {
      const call = pending.get(data.id);
      if (!call) return;
      clearTimeout(call.timer);
      pending.delete(data.id);
      call.resolve(data.result);
    } else if (data.t === 'event') {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    } else {
      console.warn('gatehouse host:', data.error.code, data.error.message);
    }
  }

  connect();

  return {
    kind: 'websocket',
    get state() {
      return state;
    },
    get disconnectedAt() {
      return disconnectedAt;
    },
    invoke(method, params) {
      if (state === 'reconnecting' || state === 'unauthorized') return Promise.resolve(notConnected(method));
      const id = nextId++;
      return new Promise((resolve) => {
        const text = JSON.stringify({ t: 'invoke', id, method, params });
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(failure(appError('DISCONNECTED', `No answer from the host for ${method}`)));
        }, callTimeoutMs);
        const call: PendingCall = { method, text, resolve, timer, sent: false };
        pending.set(id, call);
        if (socket?.readyState === OPEN) {
          socket.send(text);
          call.sent = true;
        }
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        sendIfOpen(JSON.stringify({ t: 'sub', event }));
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(event) === set) {
          listeners.delete(event);
          sendIfOpen(JSON.stringify({ t: 'unsub', event }));
        }
      };
    },
    onDidChangeState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    retryNow() {
      if (state === 'connected' || socket) return; // connected, or an attempt is under way
      attempt = 0;
      if (state === 'unauthorized') pollSession();
      else connect();
    },
  };
}
