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
  /** The local hub's AMQPS port: a service `Client` sends cloud-to-device messages there (absent: not bent). */
  readonly amqpPort?: number;
}

/** What `Registry` and `Client` of azure-iothub have in common (a private field, present in 1.16.x). */
interface WithRestApiClient {
  readonly _restApiClient?: { setOptions(options: { ca?: string; http?: { agent?: Agent } }): void };
}

export function reachLocalHub<T extends object>(sdkClient: T, endpoint: LocalHubEndpoint): T {
  attachLocalHubAgent(sdkClient, endpoint);
  if (endpoint.amqpPort !== undefined && '_transport' in sdkClient) attachLocalHubAmqp(sdkClient, endpoint as LocalHubEndpoint & { amqpPort: number });
  return sdkClient;
}

/** The service `Client`'s AMQP transport (azure-iothub 1.16.x `dist/amqp.js` and its `common-amqp` base, private). */
interface WithAmqpTransport {
  readonly _transport?: {
    _getConnectionUri?: () => string;
    readonly _config?: { readonly host?: string };
    readonly _amqp?: { connect?: (config: { uri: string; sslOptions?: Record<string, unknown> }, done: (...args: unknown[]) => void) => void };
  };
}

/**
 * The same bend for the service `Client`'s AMQP transport (cloud-to-device `send`): it dials `amqps://<HostName>`
 * (5671) and passes no TLS options. Its `_getConnectionUri` is made to name the local hub's AMQPS port, and the
 * `sslOptions` its base transport's `connect` takes (rhea's `ca`) trust the local hub's root. Token audiences still
 * name the HostName (the transport takes them from the SAS, not from the URI).
 */
export function attachLocalHubAmqp(sdkClient: object, endpoint: LocalHubEndpoint & { readonly amqpPort: number }): void {
  const transport = (sdkClient as WithAmqpTransport)._transport;
  const base = transport?._amqp;
  const connect = base?.connect;
  const host = transport?._config?.host;
  if (!transport || typeof transport._getConnectionUri !== 'function' || !base || typeof connect !== 'function' || !host) {
    throw new Error('this azure-iothub release has no AMQP transport the local hub adapter knows: it needs azure-iothub 1.16 (Client with the Amqp transport)');
  }
  if (!transport._getConnectionUri().startsWith('amqps://')) {
    throw new Error('the local hub adapter carries the AMQP transport (amqps://) only, not AMQP over WebSockets');
  }
  transport._getConnectionUri = () => `amqps://${host}:${endpoint.amqpPort}`;
  base.connect = (config, done) => connect.call(base, { ...config, sslOptions: { ...config.sslOptions, ca: endpoint.ca } }, done);
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
