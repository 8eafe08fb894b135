/**
 * The device list's query: the filters as an IoT Hub query (SELECT * FROM devices WHERE …, HUB-CONTRACTS.md's
 * query subset), and a query result (a device twin) as a list row.
 */

export type ConnectionFilter = 'any' | 'Connected' | 'Disconnected';

export interface DeviceFilters {
  readonly edgeOnly: boolean;
  readonly connection: ConnectionFilter;
  /** A condition on tags: `site = 'plant-4'` (read as tags.site) or a full `tags.…` condition. */
  readonly tag: string;
  /** A condition ANDed with the rest, or a whole `SELECT …` query that replaces the filters. */
  readonly freeQuery: string;
}

export const NO_FILTERS: DeviceFilters = { edgeOnly: false, connection: 'any', tag: '', freeQuery: '' };

/** `site = 'x'`, `location.region IN ['a']`: a bare path compared with something; read as a path under tags. */
const BARE_COMPARISON = /^[A-Za-z_][\w]*(\.[\w$-]+)*\s*(=|!=|<>|<=|>=|<|>|\s+IN\b|\s+NIN\b)/i;

/** The tag box's text as a condition on tags. */
export function tagCondition(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  return BARE_COMPARISON.test(trimmed) && !/^tags\./i.test(trimmed) ? `tags.${trimmed}` : trimmed;
}

/** A whole query typed in the free box (it then replaces the filters). */
export function isWholeQuery(text: string): boolean {
  return /^\s*select\b/i.test(text);
}

export function buildDeviceQuery(filters: DeviceFilters): string {
  if (isWholeQuery(filters.freeQuery)) return filters.freeQuery.trim();
  const conditions: string[] = [];
  if (filters.edgeOnly) conditions.push('capabilities.iotEdge = true');
  if (filters.connection !== 'any') conditions.push(`connectionState = '${filters.connection}'`);
  const tag = tagCondition(filters.tag);
  if (tag) conditions.push(tag);
  const free = filters.freeQuery.trim();
  if (free) conditions.push(free);
  const where = conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(' AND ');
  return conditions.length === 0 ? 'SELECT * FROM devices' : `SELECT * FROM devices WHERE ${where}`;
}

export interface DeviceRow {
  readonly deviceId: string;
  readonly edge: boolean;
  /** enabled | disabled */
  readonly status?: string;
  /** Connected | Disconnected */
  readonly connectionState?: string;
  /** ISO time; absent when the hub says never (`0001-01-01…`). */
  readonly lastActivityTime?: string;
  /** sas | selfSigned | certificateAuthority | none */
  readonly authenticationType?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An instant the hub uses for "never" (.NET's DateTime.MinValue). */
export function isNever(iso: string | undefined): boolean {
  return !iso || iso.startsWith('0001-01-01');
}

/** A query result (a device twin, or a device identity) as a row; undefined when it has no device id. */
export function deviceRow(doc: Readonly<Record<string, unknown>>): DeviceRow | undefined {
  const deviceId = text(doc.deviceId);
  if (!deviceId) return undefined;
  const capabilities = doc.capabilities as { iotEdge?: unknown } | undefined;
  const auth = doc.authentication as { type?: unknown } | undefined;
  const status = text(doc.status);
  const connectionState = text(doc.connectionState);
  const last = text(doc.lastActivityTime);
  const authenticationType = text(doc.authenticationType) ?? text(auth?.type);
  return {
    deviceId,
    edge: capabilities?.iotEdge === true,
    ...(status ? { status } : {}),
    ...(connectionState ? { connectionState } : {}),
    ...(last && !isNever(last) ? { lastActivityTime: last } : {}),
    ...(authenticationType ? { authenticationType } : {}),
  };
}

/** How an authentication type reads. */
export function authLabel(type: string | undefined): string {
  switch (type) {
    case 'sas':
      return 'Symmetric key (SAS)';
    case 'selfSigned':
      return 'X.509 self-signed (thumbprint)';
    case 'certificateAuthority':
      return 'X.509 CA-signed';
    case 'none':
      return 'None (module inherits)';
    case undefined:
      return '—';
    default:
      return type;
  }
}
