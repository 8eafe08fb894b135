import { onlineManager, QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bindQueriesToConnection } from './query-connection';
import type { ConnectionState, Transport } from './transport';

function fakeTransport(): Transport & { set(state: ConnectionState): void } {
  let state: ConnectionState = 'connecting';
  const listeners = new Set<(s: ConnectionState) => void>();
  return {
    kind: 'websocket',
    get state() {
      return state;
    },
    disconnectedAt: null,
    invoke: async () => undefined,
    subscribe: () => () => undefined,
    onDidChangeState: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    retryNow: () => undefined,
    set(next) {
      state = next;
      for (const listener of listeners) listener(next);
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('queries follow the host connection', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('pause while disconnected and refetch everything on reconnect', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    const transport = fakeTransport();
    cleanups.push(bindQueriesToConnection(queryClient, transport), () => queryClient.clear());
    const queryFn = vi.fn(async () => queryFn.mock.calls.length);
    const observer = new QueryObserver(queryClient, { queryKey: ['status'], queryFn });
    cleanups.push(observer.subscribe(() => undefined));
    expect(onlineManager.isOnline()).toBe(true); // connecting: calls wait for the socket, queries may start
    await settle();
    transport.set('connected');
    expect(queryFn).toHaveBeenCalledTimes(1);

    transport.set('reconnecting');
    expect(onlineManager.isOnline()).toBe(false);
    void queryClient.invalidateQueries();
    await settle();
    expect(queryFn).toHaveBeenCalledTimes(1); // paused, not failed
    expect(observer.getCurrentResult()).toMatchObject({ data: 1, fetchStatus: 'paused' });

    transport.set('unauthorized');
    transport.set('connected');
    await settle();
    expect(onlineManager.isOnline()).toBe(true);
    expect(queryFn).toHaveBeenCalledTimes(2);
    expect(observer.getCurrentResult()).toMatchObject({ data: 2, fetchStatus: 'idle' });
  });

  it('does not refetch on the first connection', async () => {
    const queryClient = new QueryClient();
    const transport = fakeTransport();
    cleanups.push(bindQueriesToConnection(queryClient, transport));
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    transport.set('connected');
    expect(invalidate).not.toHaveBeenCalled();
  });
});
