import type { GatehouseBridge } from '../../../shared/ipc/bridge';
import type { Transport } from './transport';

export function electronTransport(bridge: GatehouseBridge): Transport {
  return {
    kind: 'electron',
    invoke: (method, params) => bridge.invoke(method, params),
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    state: 'connected',
    disconnectedAt: null,
    onDidChangeState: () => () => undefined,
    retryNow: () => undefined,
  };
}
