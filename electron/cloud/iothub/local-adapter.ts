import { Agent } from 'node:https';
import type { WebSocket } from 'ws';
import { lazyModule } from '../../runtime/lazy-module';

/**
 * The one place where the console bends the official SDK to reach the embedded local hub (HUB-CONTRACTS.md §1.2):
 * `azure-iothub` always dials port 443 of the connection string's `HostName` and trusts only the system CAs, but
 * its REST client takes options. An `https.Agent` whose `defaultPort` is the local hub's port carries requests to
 * that port (Node uses the agent's default port when a request names none), and `ca` trusts the local hub's root
 * without `NODE_EXTRA_CA_CERTS`. Used only for the local hub; a real IoT Hub gets the SDK untouched.
 */
/** ws, required when an Event Hubs client for the local hub is made (not when the CLI loads this module). */
const ws = lazyModule<typeof import('ws')>('ws');

export interface LocalHubEndpoint {
  readonly httpsPort: number;
  /** PEM of the local hub's root CA. */
  readonly ca: string;
}

/** What `Registry` and `Client` of azure-iothub have in common (a private field, present in 1.16.x). */
interface WithRestApiClient {
  readonly _restApiClient?: { setOptions(options: { ca?: string; http?: { agent?: Agent } }): void };
}

export function reachLocalHub<T extends object>(sdkClient: T, endpoint: LocalHubEndpoint): T {
  attachLocalHubAgent(sdkClient, endpoint);
  return sdkClient;
}

/** The same, returning the agent it installed (tests destroy it; `keepAlive: false` for short-lived clients). */
export function attachLocalHubAgent(sdkClient: object, endpoint: LocalHubEndpoint, options: { keepAlive?: boolean } = {}): Agent {
  const rest = (sdkClient as WithRestApiClient)._restApiClient;
  if (!rest || typeof rest.setOptions !== 'function') {
    throw new Error('this azure-iothub release has no REST client options: the local hub adapter needs azure-iothub 1.16');
  }
  const agent = new Agent({ keepAlive: options.keepAlive ?? true, ca: endpoint.ca });
  // Set after construction: the constructor's `defaultPort` option is overwritten with 443 by https.Agent.
  (agent as Agent & { defaultPort: number }).defaultPort = endpoint.httpsPort;
  rest.setOptions({ ca: endpoint.ca, http: { agent } });
  return agent;
}

/**
 * The same bend for `@azure/event-hubs` (the local hub's Event Hubs-compatible endpoint): the client dials AMQPS on
 * the connection string's port and trusts only the system CAs, and core-amqp passes it no TLS options; but it takes
 * official options for AMQP over WebSockets — a WebSocket constructor and its constructor options (here `ca`) — and a
 * `customEndpointAddress` to dial instead (token audiences still name the connection string's endpoint). The local
 * hub serves AMQP over WebSockets on its HTTPS port at `/$servicebus/websocket`, as Azure does on 443.
 */
export function localEventHubsClientOptions(endpoint: LocalHubEndpoint & { readonly host?: string }): {
  customEndpointAddress: string;
  webSocketOptions: { webSocket: typeof WebSocket; webSocketConstructorOptions: { ca: string } };
} {
  return {
    customEndpointAddress: `https://${endpoint.host ?? 'localhost'}:${endpoint.httpsPort}`,
    webSocketOptions: { webSocket: ws().WebSocket, webSocketConstructorOptions: { ca: endpoint.ca } },
  };
}
