import { createMessageContext, evaluate, type MessageSource, type RouteMessage } from '../../../shared/routes';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';
import type { HubRoute } from './edgehub-config';
import type { EndpointTarget } from './hub-model';

/**
 * Routing one message (EDGE-CONTRACTS.md §6): one MessageContext per message (the source path is computed once and
 * the body parsed at most once, only if a route reads `$body`), every route evaluated exactly once, and the matching
 * routes folded into one target per endpoint.
 *
 * Same endpoint selected by several routes: the message is stored ONCE for that endpoint (it must not be delivered
 * twice), with the best priority (lowest number) of those routes, as edgeHub's Evaluator keeps the highest-priority
 * route per endpoint; among routes of equal priority the smallest effective TTL wins (the stricter promise). The TTL of
 * a target is resolved here: a route's own `timeToLiveSecs`, else the global `storeAndForwardConfiguration` TTL, else
 * 0 (never expires).
 */

/** IoT Hub's (and edgeHub's) message size limit: 256 KiB (EDGE-CONTRACTS.md §7.3). */
export const MAX_MESSAGE_BYTES = 262_144;

/** Wire names (`$.<name>` in a property bag) → the system-property names route conditions read (`$contentType`, …). */
export const SYSTEM_PROPERTY_NAMES: Readonly<Record<string, string>> = {
  mid: 'messageId',
  cid: 'correlationId',
  uid: 'userId',
  to: 'to',
  exp: 'absolute-expiry-time',
  ct: 'contentType',
  ce: 'contentEncoding',
  schema: 'messageSchema',
  ctime: 'creationTime',
  on: 'outputName',
  cdid: 'connectionDeviceId',
  cmid: 'connectionModuleId',
  ifid: 'iothub-interface-id',
  sub: 'dt-subject',
};

/** The reverse of SYSTEM_PROPERTY_NAMES (for replaying a recording onto the wire). */
export const WIRE_PROPERTY_NAMES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SYSTEM_PROPERTY_NAMES).map(([wire, name]) => [name, wire]));

export interface RoutingResult {
  /** One per endpoint, in the order the routes are listed. */
  readonly targets: readonly EndpointTarget[];
  /** Every route that selected the message (including those folded into another route's target). */
  readonly routeNames: readonly string[];
}

/**
 * The system properties as routing (and the tap) see them: the client's, by their routing names, with the
 * authenticated sender (`connectionDeviceId`, `connectionModuleId`) and `enqueuedTime` set by the hub; a client
 * cannot claim another sender.
 */
export function routingSystemProperties(source: IdentityRef, message: HubMessage, enqueuedAtMs: number): Record<string, string> {
  const system: Record<string, string> = {};
  for (const [wire, value] of Object.entries(message.systemProperties)) system[SYSTEM_PROPERTY_NAMES[wire] ?? wire] = value;
  system.connectionDeviceId = source.deviceId;
  if (source.moduleId === undefined) delete system.connectionModuleId;
  else system.connectionModuleId = source.moduleId;
  system.enqueuedTime = new Date(enqueuedAtMs).toISOString();
  return system;
}

/** edgeHub's message source: a module's output (`$.on`), a module without an output, or device telemetry. */
export function messageSource(source: IdentityRef, message: HubMessage): MessageSource {
  if (source.moduleId === undefined) return { kind: 'device', deviceId: source.deviceId };
  const output = message.systemProperties.on;
  return output ? { kind: 'module', moduleId: source.moduleId, output } : { kind: 'module', moduleId: source.moduleId };
}

/** Routes one message through the routes in force. Pure; never throws (a route that throws is logged and skipped). */
export function routeMessage(
  routes: readonly HubRoute[],
  globalTtlSecs: number | undefined,
  source: IdentityRef,
  message: HubMessage,
  enqueuedAtMs: number,
  onRouteError?: (route: HubRoute, error: unknown) => void,
): RoutingResult {
  if (routes.length === 0) return { targets: [], routeNames: [] };
  const routeMessage: RouteMessage = {
    body: message.body,
    properties: message.properties,
    systemProperties: routingSystemProperties(source, message, enqueuedAtMs),
    source: messageSource(source, message),
  };
  const ctx = createMessageContext(routeMessage);
  const byEndpoint = new Map<string, EndpointTarget>();
  const routeNames: string[] = [];
  for (const route of routes) {
    let selected = false;
    try {
      selected = evaluate(route.route, ctx);
    } catch (error) {
      onRouteError?.(route, error);
    }
    if (!selected) continue;
    routeNames.push(route.name);
    const candidate: EndpointTarget = { endpoint: route.endpoint, priority: route.priority, ttlSecs: route.ttlSecs > 0 ? route.ttlSecs : (globalTtlSecs ?? 0) };
    const current = byEndpoint.get(route.endpoint);
    if (current === undefined || better(candidate, current)) byEndpoint.set(route.endpoint, candidate);
  }
  return { targets: [...byEndpoint.values()], routeNames };
}

function better(a: EndpointTarget, b: EndpointTarget): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  return effectiveTtl(a) < effectiveTtl(b);
}

/** 0 = never expires, so it ranks after every finite TTL. */
function effectiveTtl(target: EndpointTarget): number {
  return target.ttlSecs > 0 ? target.ttlSecs : Number.POSITIVE_INFINITY;
}
