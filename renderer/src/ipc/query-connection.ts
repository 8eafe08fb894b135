import { onlineManager, type QueryClient } from '@tanstack/react-query';
import type { ConnectionState, Transport } from './transport';

const reachable = (state: ConnectionState) => state === 'connected' || state === 'connecting';

/**
 * TanStack Query follows the connection to the host, not the browser's network (Gatehouse works offline; its
 * host is on loopback): while disconnected, queries pause and keep their data (the banner says it may be stale);
 * when the connection comes back, every query is invalidated, since the events pushed meanwhile were lost.
 * Mutations are not paused (see main.tsx): a call made while disconnected fails at once, visibly.
 */
export function bindQueriesToConnection(queryClient: QueryClient, transport: Transport): () => void {
  onlineManager.setEventListener((setOnline) => {
    setOnline(reachable(transport.state));
    return transport.onDidChangeState((state) => setOnline(reachable(state)));
  });
  let away = !reachable(transport.state);
  const off = transport.onDidChangeState((state) => {
    if (state === 'connected' && away) void queryClient.invalidateQueries();
    away = !reachable(state);
  });
  return () => {
    off();
    onlineManager.setEventListener((setOnline) => {
      setOnline(true);
      return undefined;
    });
  };
}
