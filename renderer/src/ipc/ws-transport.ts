import { appError } from '../../../shared/errors';
import { ServerFrame } from '../../../shared/ipc/wire';
import type { ConnectionState, Transport } from './transport';

/**
 * WebSocket transport of the served console. Reconnects with backoff; calls made while disconnected wait for the
 * connection (and fail with DISCONNECTED after a timeout); subscriptions are renewed after every reconnect.
 */
export function webSocketTransport(url: string, callTimeoutMs = 30_000): Transport {
  let socket: WebSocket | undefined;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let attempt = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; timer: ReturnType<typeof setTimeout> }>();
  const outbox: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  const sendRaw = (text: string) => (socket?.readyState === WebSocket.OPEN ? socket.send(text) : outbox.push(text));

  function connect(): void {
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      setState('connected');
      for (const event of listeners.keys()) socket?.send(JSON.stringify({ t: 'sub', event }));
      for (const text of outbox.splice(0)) socket?.send(text);
    };
    socket.onmessage = (message) => {
      let frame;
      try {
        frame = ServerFrame.safeParse(JSON.parse(String(message.data)));
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
    };
    socket.onclose = () => {
      setState('reconnecting');
      const delay = Math.min(10_000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  }
  connect();

  return {
    kind: 'websocket',
    get state() {
      return state;
    },
    invoke(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: appError('DISCONNECTED', `No answer from the host for ${method}`) });
        }, callTimeoutMs);
        pending.set(id, { resolve, timer });
        sendRaw(JSON.stringify({ t: 'invoke', id, method, params }));
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        sendRaw(JSON.stringify({ t: 'sub', event }));
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          sendRaw(JSON.stringify({ t: 'unsub', event }));
        }
      };
    },
    onDidChangeState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
