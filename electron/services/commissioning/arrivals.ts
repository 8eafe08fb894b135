import type { RouteArrivalFact } from '../../../shared/commissioning/facts';
import type { TappedMessage } from '../../../shared/ipc/edgehub.contract';

/** A message as the hub received it: who sent it (the module, for a module output), its body and when. */
export interface HubArrival {
  readonly deviceId: string;
  readonly moduleId?: string;
  /** The body as the tap encodes it: UTF-8 text, else base64. */
  readonly body: string;
  readonly atMs: number;
}

export interface ArrivalWatchOptions {
  readonly deviceId: string;
  readonly routes: readonly { readonly name: string; readonly sourceModule?: string; readonly sourceOutput?: string }[];
  /** The edge hub's sampled routed messages. */
  readonly onRouted: (listener: (batch: readonly TappedMessage[]) => void) => { dispose(): void };
  /** Messages arriving at the hub. */
  readonly onArrived: (listener: (message: HubArrival) => void) => { dispose(): void };
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/**
 * Watches, for each route into `$upstream`, for one message the edge hub routed on it that then arrives at the hub
 * (same sender, same body). Resolves when every route has one, or at the timeout with what arrived.
 */
export function watchArrivals(options: ArrivalWatchOptions): Promise<RouteArrivalFact[]> {
  const now = options.now ?? Date.now;
  const started = now();
  const routed = new Map<string, { key: string; atMs: number }[]>();
  const arrived: { key: string; atMs: number }[] = [];
  const results = new Map<string, RouteArrivalFact>();
  const sourceOf = (r: ArrivalWatchOptions['routes'][number]) => (r.sourceModule ? `${r.sourceModule}${r.sourceOutput ? `/${r.sourceOutput}` : ''}` : `device telemetry of ${options.deviceId}`);
  const keyOf = (deviceId: string, moduleId: string | undefined, body: string) => `${deviceId}\u0000${moduleId ?? ''}\u0000${body}`;

  return new Promise((resolve) => {
    const finish = () => {
      routedSub.dispose();
      arrivedSub.dispose();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', finish);
      const waited = now() - started;
      resolve(options.routes.map((r) => results.get(r.name) ?? { route: r.name, source: sourceOf(r), arrived: false, waitedMs: waited }));
    };
    const settle = () => {
      for (const route of options.routes) {
        if (results.has(route.name)) continue;
        for (const sent of routed.get(route.name) ?? []) {
          const match = arrived.find((a) => a.key === sent.key);
          if (match) {
            results.set(route.name, { route: route.name, source: sourceOf(route), arrived: true, latencyMs: Math.max(0, match.atMs - sent.atMs), waitedMs: now() - started });
            break;
          }
        }
      }
      if (results.size === options.routes.length) finish();
    };
    const routedSub = options.onRouted((batch) => {
      for (const m of batch) {
        if (!m.endpoints.includes('$upstream')) continue;
        for (const name of m.routes) {
          const list = routed.get(name) ?? [];
          if (list.length < 200) list.push({ key: keyOf(m.deviceId, m.moduleId, m.body), atMs: Date.parse(m.at) });
          routed.set(name, list);
        }
      }
      settle();
    });
    const arrivedSub = options.onArrived((a) => {
      if (a.deviceId !== options.deviceId) return;
      if (arrived.length < 2000) arrived.push({ key: keyOf(a.deviceId, a.moduleId, a.body), atMs: a.atMs });
      settle();
    });
    const timer = setTimeout(finish, options.timeoutMs);
    timer.unref?.();
    options.signal?.addEventListener('abort', finish, { once: true });
    if (options.routes.length === 0) finish();
  });
}
