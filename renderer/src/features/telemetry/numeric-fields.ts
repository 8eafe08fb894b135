import type { TappedMessage } from '../../../../shared/ipc/edgehub.contract';

/** Bounds on what one body contributes, so a large or deep document never floods the charts. */
export const MAX_FIELDS_PER_BODY = 32;
const MAX_DEPTH = 6;
const MAX_ARRAY_ITEMS = 8;

/**
 * The numeric leaves of a JSON value, flattened to dotted paths: `{"machine":{"temperature":21.5}}` gives
 * `machine.temperature` = 21.5; array items are `values[0]`. Finite numbers only (strings that look like numbers,
 * booleans and nulls are not charted). At most MAX_FIELDS_PER_BODY, in document order.
 */
export function numericFields(value: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (node: unknown, path: string, depth: number): void => {
    if (out.size >= MAX_FIELDS_PER_BODY) return;
    if (typeof node === 'number') {
      if (Number.isFinite(node) && path !== '') out.set(path, node);
      return;
    }
    if (depth >= MAX_DEPTH || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.slice(0, MAX_ARRAY_ITEMS).forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(node)) walk(child, path === '' ? key : `${path}.${key}`, depth + 1);
  };
  walk(value, '', 0);
  return out;
}

/** The numeric fields of a tapped message's body when it is whole UTF-8 JSON (an object or array); else none. */
export function messageNumericFields(message: Pick<TappedMessage, 'body' | 'bodyEncoding' | 'truncated'>): Map<string, number> {
  if (message.bodyEncoding !== 'utf8' || message.truncated) return new Map();
  const text = message.body.trimStart();
  if (!text.startsWith('{') && !text.startsWith('[')) return new Map();
  try {
    return numericFields(JSON.parse(message.body));
  } catch {
    return new Map();
  }
}

/** Where a message came from, as the hub counts it in `rates.bySource`: `<module>/<output>`, `<module>` or `<device>`. */
export function messageSource(message: Pick<TappedMessage, 'deviceId' | 'moduleId' | 'output'>): string {
  if (message.moduleId === undefined) return message.deviceId;
  return message.output === undefined ? message.moduleId : `${message.moduleId}/${message.output}`;
}

/** A chart series of one field of one source: `tempSensor/temperatureOutput · machine.temperature`. */
export function fieldSeriesKey(source: string, field: string): string {
  return `${source} · ${field}`;
}
