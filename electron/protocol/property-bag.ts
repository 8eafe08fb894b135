import type { AppError, Result } from '../../shared/errors';

/**
 * The property bag that IoT Hub's MQTT topics carry after `messages/events/`, `devicebound/` or `inputs/<name>/`
 * (HUB-CONTRACTS.md §6.3). D→H: the SDK writes system properties with `querystring.stringify` (`$.mid=…`, keys
 * `%24.mid`), then application properties as `encodeURIComponent(k)=encodeURIComponent(v)`, joined by `&`; output
 * events end with a `/`. H→D: the SDK splits at `&` and at EVERY `=`, URL-decodes, maps `$.mid`, `$.to`, `$.exp`,
 * `$.cid`, `$.uid`, `$.ct`, `$.ce` to message fields and keeps everything else as application properties.
 */

export interface DecodedPropertyBag {
  /** By wire name without `$.`: `mid`, `cid`, `on`, … */
  readonly systemProperties: Record<string, string>;
  readonly properties: Record<string, string>;
}

const SYSTEM_PREFIX = '$.';

/** Decodes a D→H bag; a trailing `/` (output events) and empty segments are ignored; bad percent-encoding is an error. */
export function decodePropertyBag(bag: string): Result<DecodedPropertyBag> {
  const systemProperties: Record<string, string> = {};
  const properties: Record<string, string> = {};
  const text = bag.endsWith('/') ? bag.slice(0, -1) : bag;
  if (text.includes('/')) return invalid('the property bag contains "/"');
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const key = decode(eq < 0 ? segment : segment.slice(0, eq));
    const value = decode(eq < 0 ? '' : segment.slice(eq + 1));
    if (key === undefined || value === undefined) return invalid('the property bag has bad percent-encoding');
    if (key === '') return invalid('the property bag has an empty name');
    // The SDK writes its system properties first; a `$.` name again later is an application property that a module
    // copied from a message it received (the Node SDK keeps `$.on`, `$.cdid`, … of an input in `properties`): the
    // first one wins, so a copied `$.on` cannot re-label the output the message is sent on.
    if (key.startsWith(SYSTEM_PREFIX)) {
      const name = key.slice(SYSTEM_PREFIX.length);
      if (!Object.hasOwn(systemProperties, name)) systemProperties[name] = value;
    } else properties[key] = value;
  }
  return { ok: true, value: { systemProperties, properties } };
}

/** System properties in the order the SDK writes them; others follow in their own order. */
const SYSTEM_ORDER = ['on', 'mid', 'to', 'exp', 'cid', 'uid', 'ct', 'ce', 'ifid'];

/**
 * Encodes an H→D bag for C2D (`devices/{d}/messages/devicebound/<bag>`) or a module input
 * (`devices/{d}/modules/{m}/inputs/<input>/<bag>`): every key and value through `encodeURIComponent`, so no `/`,
 * `&` or `=` survives unescaped (the SDK splits on all three).
 */
export function encodePropertyBag(systemProperties: Readonly<Record<string, string>>, properties: Readonly<Record<string, string>>): string {
  const system = Object.keys(systemProperties).sort((a, b) => rank(a) - rank(b));
  const pairs = [
    ...system.map((name) => pair(`${SYSTEM_PREFIX}${name}`, systemProperties[name] ?? '')),
    ...Object.entries(properties).map(([name, value]) => pair(name, value)),
  ];
  return pairs.join('&');
}

function rank(name: string): number {
  const index = SYSTEM_ORDER.indexOf(name);
  return index < 0 ? SYSTEM_ORDER.length : index;
}

function pair(key: string, value: string): string {
  return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function invalid(message: string): { ok: false; error: AppError } {
  return { ok: false, error: { code: 'BAD_REQUEST', message } };
}
