import { createContext, useContext, useSyncExternalStore } from 'react';
import { appContract, statusContract, type ContractClient } from '../../../shared/ipc';
import { BRIDGE_KEY, type GatehouseBridge } from '../../../shared/ipc/bridge';
import { createClient } from './client';
import { electronTransport } from './electron-transport';
import type { ConnectionState, SessionCheck, Transport } from './transport';
import { webSocketTransport } from './ws-transport';

export interface HostClients {
  readonly transport: Transport;
  readonly app: ContractClient<typeof appContract>;
  readonly status: ContractClient<typeof statusContract>;
}

/** Does the served console still accept this page's token (its HttpOnly cookie)? 204 yes, 401 no. */
async function checkSession(): Promise<SessionCheck> {
  try {
    const response = await fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' });
    return response.status === 204 ? 'valid' : response.status === 401 ? 'invalid' : 'unknown';
  } catch {
    return 'unknown'; // the host does not answer at all
  }
}

/** Picks the transport for the shell we run in: Electron's bridge when the preload exposed it, else WebSocket. */
export function connectToHost(): HostClients {
  const bridge = (window as unknown as Record<string, GatehouseBridge | undefined>)[BRIDGE_KEY];
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const transport = bridge ? electronTransport(bridge) : webSocketTransport({ url: wsUrl, checkSession });
  return { transport, app: createClient(appContract, transport), status: createClient(statusContract, transport) };
}

export const HostContext = createContext<HostClients | null>(null);

export function useHost(): HostClients {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost outside HostContext');
  return host;
}

export function useConnectionState(): ConnectionState {
  const { transport } = useHost();
  return useSyncExternalStore(
    (onChange) => transport.onDidChangeState(onChange),
    () => transport.state,
  );
}

/**
 * Whether actions that call the host (save, apply, restart, sideload, settings…) are offered now: only while
 * connected. Disconnected, they are disabled, and a call made anyway fails with DISCONNECTED at once.
 */
export function useHostActionsEnabled(): boolean {
  return useConnectionState() === 'connected';
}
