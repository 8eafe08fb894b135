import type { WebSocket } from 'ws';
import { appError } from '../../shared/errors';
import { resolveEvent } from '../../shared/ipc';
import { ClientFrame, type ServerFrame } from '../../shared/ipc/wire';
import type { Dispatcher } from './dispatcher';
import type { EventBus } from './event-bus';

/**
 * One WebSocket connection of the served console: invoke frames go to the dispatcher, events the client
 * subscribed to are pushed. Malformed frames are answered with a BAD_REQUEST error frame, never dropped silently.
 */
export interface Connection {
  /** Closes the connection; the default code says the host is stopping (the page reconnects). */
  dispose(code?: number, reason?: string): void;
}

export function attachConnection(socket: WebSocket, dispatcher: Dispatcher, events: EventBus): Connection {
  const subscriptions = new Set<string>();
  const send = (frame: ServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const listener = events.listen((event, payload) => {
    if (subscriptions.has(event)) send({ t: 'event', event, payload });
  });

  socket.on('message', (data, isBinary) => {
    if (isBinary) return send({ t: 'error', error: appError('BAD_REQUEST', 'Binary frames are not accepted') });
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return send({ t: 'error', error: appError('BAD_REQUEST', 'A frame must be JSON') });
    }
    const frame = ClientFrame.safeParse(raw);
    if (!frame.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const error = appError('BAD_REQUEST', `Malformed frame: ${frame.error.issues[0]?.message ?? 'invalid'}`);
      return Number.isInteger(id) && (id as number) >= 0 ? send({ t: 'result', id: id as number, result: { ok: false, error } }) : send({ t: 'error', error });
    }
    const message = frame.data;
    switch (message.t) {
      case 'invoke':
        void dispatcher.invoke(message.method, message.params).then((result) => send({ t: 'result', id: message.id, result }));
        return;
      case 'sub':
        if (!resolveEvent(message.event)) return send({ t: 'error', error: appError('UNKNOWN_METHOD', `No event named "${message.event}"`) });
        subscriptions.add(message.event);
        return;
      case 'unsub':
        subscriptions.delete(message.event);
        return;
    }
  });
  socket.on('close', () => listener.dispose());
  return { dispose: (code = 1001, reason = 'host stopping') => (listener.dispose(), socket.close(code, reason)) };
}
