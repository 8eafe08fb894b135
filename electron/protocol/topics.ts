import type { IdentityRef } from './device-backend';
import { decodePropertyBag } from './property-bag';

/**
 * IoT Hub's device-facing MQTT topics (HUB-CONTRACTS.md §6.2, §6.4): what a client may PUBLISH (parsed into a typed
 * union), what it may SUBSCRIBE to (only its own filters), and the topics the hub publishes to it.
 */

export type PublishTopic =
  /** `devices/{d}/messages/events/<bag>` or a module's `devices/{d}/modules/{m}/messages/events/<bag>` without `$.on`. */
  | { readonly kind: 'telemetry'; readonly from: IdentityRef; readonly systemProperties: Record<string, string>; readonly properties: Record<string, string> }
  /** A module's `devices/{d}/modules/{m}/messages/events/%24.on=<output>…/`. */
  | { readonly kind: 'output'; readonly from: IdentityRef; readonly output: string; readonly systemProperties: Record<string, string>; readonly properties: Record<string, string> }
  /** `$iothub/twin/GET/?$rid=<rid>`. */
  | { readonly kind: 'twinGet'; readonly rid: string }
  /** `$iothub/twin/PATCH/properties/reported/?$rid=<rid>[&$version=<n>]`. */
  | { readonly kind: 'reportedPatch'; readonly rid: string }
  /** `$iothub/methods/res/<status>/?$rid=<rid>`. */
  | { readonly kind: 'methodResponse'; readonly status: number; readonly rid: string }
  | { readonly kind: 'unknown'; readonly reason: string };

const EVENTS = 'messages/events';

export function parsePublishTopic(topic: string): PublishTopic {
  // The packet parser decodes ill-formed UTF-8 as U+FFFD without a word; MQTT-1.5.3-1/2 close the connection on it and
  // on U+0000. The SDK's topics are ASCII (ids are, the property bag is percent-encoded).
  if (topic.includes('\uFFFD') || topic.includes('\u0000')) return unknown('the topic is not well-formed UTF-8 or holds U+0000');
  if (topic.startsWith('$iothub/')) return parseIotHubTopic(topic);
  const parts = topic.split('/');
  if (parts[0] !== 'devices' || !parts[1]) return unknown('not a devices/ or $iothub/ topic');
  const deviceId = decodeSegment(parts[1]);
  const isModule = parts[2] === 'modules';
  const moduleId = isModule ? decodeSegment(parts[3] ?? '') : undefined;
  const eventsAt = isModule ? 4 : 2;
  if (deviceId === undefined || (isModule && !moduleId)) return unknown('bad device or module id');
  if (parts.slice(eventsAt, eventsAt + 2).join('/') !== EVENTS) return unknown('not a messages/events topic');
  const bag = parts.slice(eventsAt + 2).join('/');
  const decoded = decodePropertyBag(bag);
  if (!decoded.ok) return unknown(decoded.error.message);
  const from: IdentityRef = moduleId === undefined ? { deviceId } : { deviceId, moduleId };
  const { systemProperties, properties } = decoded.value;
  const output = systemProperties.on;
  if (output === undefined) return { kind: 'telemetry', from, systemProperties, properties };
  if (moduleId === undefined) return unknown('only modules send output events');
  if (output === '') return unknown('empty output name');
  return { kind: 'output', from, output, systemProperties, properties };
}

function parseIotHubTopic(topic: string): PublishTopic {
  const q = topic.indexOf('?');
  const path = q < 0 ? topic : topic.slice(0, q);
  const query = parseQuery(q < 0 ? '' : topic.slice(q + 1));
  const rid = query.get('$rid');
  if (!rid) return unknown('no $rid');
  if (path === '$iothub/twin/GET/') return { kind: 'twinGet', rid };
  if (path === '$iothub/twin/PATCH/properties/reported/') return { kind: 'reportedPatch', rid };
  const method = /^\$iothub\/methods\/res\/(-?\d{1,10})\/$/.exec(path);
  if (method?.[1]) return { kind: 'methodResponse', status: Number(method[1]), rid };
  return unknown('not a twin or method topic');
}

function parseQuery(query: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const value = decodeSegment(part.slice(eq + 1));
    if (value !== undefined) fields.set(part.slice(0, eq), value);
  }
  return fields;
}

/** A client may publish only as itself: device telemetry from the device, module telemetry/outputs from that module. */
export function mayPublish(identity: IdentityRef, topic: PublishTopic): boolean {
  switch (topic.kind) {
    case 'telemetry':
    case 'output':
      return sameIdentity(identity, topic.from);
    case 'twinGet':
    case 'reportedPatch':
    case 'methodResponse':
      return true;
    case 'unknown':
      return false;
  }
}

/** What a granted subscription turns on for its connection. */
export type SubscriptionFeature = 'c2d' | 'inputs' | 'twinResponses' | 'desired' | 'methods';

/** The feature an identity's SUBSCRIBE filter enables, or undefined when the filter is not its own. */
export function subscriptionFeature(identity: IdentityRef, filter: string): SubscriptionFeature | undefined {
  switch (filter) {
    case '$iothub/twin/res/#':
      return 'twinResponses';
    case '$iothub/twin/PATCH/properties/desired/#':
      return 'desired';
    case '$iothub/methods/POST/#':
      return 'methods';
  }
  if (identity.moduleId === undefined) return filter === `devices/${identity.deviceId}/messages/devicebound/#` ? 'c2d' : undefined;
  return filter === `devices/${identity.deviceId}/modules/${identity.moduleId}/inputs/#` ? 'inputs' : undefined;
}

export function sameIdentity(a: IdentityRef, b: IdentityRef): boolean {
  return a.deviceId === b.deviceId && a.moduleId === b.moduleId;
}

/** `d` or `d/m`, the MQTT client id and the key the front end indexes connections by. */
export function identityKey(ref: IdentityRef): string {
  return ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
}

// H→D topics -----------------------------------------------------------------------------------------------------

export function c2dTopic(deviceId: string, bag: string): string {
  return `devices/${deviceId}/messages/devicebound/${bag}`;
}

export function inputTopic(deviceId: string, moduleId: string, input: string, bag: string): string {
  return `devices/${deviceId}/modules/${moduleId}/inputs/${input}/${bag}`;
}

export function twinResponseTopic(status: number, rid: string, version?: number): string {
  return `$iothub/twin/res/${status}/?$rid=${rid}${version === undefined ? '' : `&$version=${version}`}`;
}

export function desiredPatchTopic(version: number | undefined): string {
  return `$iothub/twin/PATCH/properties/desired/${version === undefined ? '' : `?$version=${version}`}`;
}

export function methodRequestTopic(methodName: string, rid: string): string {
  return `$iothub/methods/POST/${methodName}/?$rid=${rid}`;
}

function decodeSegment(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function unknown(reason: string): PublishTopic {
  return { kind: 'unknown', reason };
}
