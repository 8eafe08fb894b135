import { useContext, useEffect, useSyncExternalStore } from 'react';
import { edgehubContract } from '../../../../shared/ipc';
import { createClient, subscribeEvent } from '../../ipc/client';
import { HostContext, useHost } from '../../ipc/host';
import type { Transport } from '../../ipc/transport';
import { TelemetryFeed, type FeedSnapshot } from './telemetry-feed';

/**
 * One feed per connection to the host, fed while someone looks: `rates`, `outbox` and `changed` while any view
 * needs them (the Telemetry area, a route graph), `messages` only while the inspector or the field charts are
 * shown (the host taps messages only for subscribers). What was gathered stays when the last view goes, so coming
 * back shows the last two minutes with a gap rather than nothing.
 */
interface Connection {
  readonly feed: TelemetryFeed;
  users: number;
  messageUsers: number;
  stopBase?: () => void;
  stopMessages?: () => void;
}

const connections = new WeakMap<Transport, Connection>();

function connectionFor(transport: Transport): Connection {
  let connection = connections.get(transport);
  if (!connection) {
    connection = { feed: new TelemetryFeed(), users: 0, messageUsers: 0 };
    connections.set(transport, connection);
  }
  return connection;
}

function acquire(transport: Transport, messages: boolean): () => void {
  const c = connectionFor(transport);
  const { feed } = c;
  if (c.users++ === 0) {
    const stops = [
      subscribeEvent(transport, edgehubContract, 'rates', (rates) => feed.addRates(rates)),
      subscribeEvent(transport, edgehubContract, 'outbox', (outbox) => feed.addOutbox(outbox)),
      subscribeEvent(transport, edgehubContract, 'changed', (state) => state.state !== 'running' && feed.hubStopped()),
    ];
    // The queues as they are now, without waiting for the next push.
    void createClient(edgehubContract, transport)
      .outbox({})
      .then((result) => result.ok && feed.addOutbox(result.value));
    c.stopBase = () => stops.forEach((stop) => stop());
  }
  if (messages && c.messageUsers++ === 0) c.stopMessages = subscribeEvent(transport, edgehubContract, 'messages', (batch) => feed.addMessages(batch));
  return () => {
    if (messages && --c.messageUsers === 0) c.stopMessages?.();
    if (--c.users === 0) c.stopBase?.();
  };
}

/** The feed's snapshot, re-rendered at most ~10 times a second; `messages` also taps the sampled messages. */
export function useTelemetryFeed(options: { readonly messages: boolean }): { snapshot: FeedSnapshot; feed: TelemetryFeed } {
  const { transport } = useHost();
  const { feed } = connectionFor(transport);
  useEffect(() => acquire(transport, options.messages), [transport, options.messages]);
  const snapshot = useSyncExternalStore(feed.subscribe.bind(feed), feed.getSnapshot);
  return { snapshot, feed };
}

const noSubscription = () => () => undefined;
const nothing = () => undefined;

/**
 * Messages/s per route name the edge hub counted lately, while it runs and sends rates; undefined otherwise (and
 * outside a host, as in a test of the graph alone). Re-renders only when a new `rates` event comes (about once a second).
 */
export function useLiveRouteRates(): Readonly<Record<string, number>> | undefined {
  const host = useContext(HostContext);
  const transport = host?.transport;
  const feed = transport ? connectionFor(transport).feed : undefined;
  useEffect(() => (transport ? acquire(transport, false) : undefined), [transport]);
  return useSyncExternalStore<Readonly<Record<string, number>> | undefined>(feed ? feed.subscribe.bind(feed) : noSubscription, feed ? () => feed.getSnapshot().routeRates : nothing);
}
