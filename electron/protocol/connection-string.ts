import type { AppError, Result } from '../../shared/errors';

/**
 * IoT Hub connection strings as the SDKs parse them (HUB-CONTRACTS.md §1.1; azure-iot-common `connection_string.ts`,
 * `dictionary.ts`): `;`-separated `key=value`, split at the FIRST `=` so base64 padding survives, case-sensitive keys,
 * empty values dropped. Error messages name the key that is missing or wrong and never repeat a key or signature.
 */

export interface ServiceConnectionString {
  readonly hostName: string;
  readonly sharedAccessKeyName: string;
  readonly sharedAccessKey: string;
}

export type DeviceCredential =
  | { readonly type: 'sharedAccessKey'; readonly sharedAccessKey: string; readonly sharedAccessKeyName?: string }
  | { readonly type: 'sharedAccessSignature'; readonly sharedAccessSignature: string }
  | { readonly type: 'x509' };

export interface DeviceConnectionString {
  readonly hostName: string;
  readonly deviceId: string;
  readonly moduleId?: string;
  readonly gatewayHostName?: string;
  readonly credential: DeviceCredential;
}

const bad = (message: string): { ok: false; error: AppError } => ({ ok: false, error: { code: 'BAD_REQUEST', message } });

/** The key/value pairs; a segment without `=` is an error naming its position, not its text (it may be a key). */
export function parseConnectionStringFields(text: string): Result<ReadonlyMap<string, string>> {
  const fields = new Map<string, string>();
  const segments = text.split(';');
  for (const [index, segment] of segments.entries()) {
    if (segment.trim() === '') continue;
    const eq = segment.indexOf('=');
    if (eq <= 0) return bad(`connection string segment ${index + 1} is not key=value`);
    const key = segment.slice(0, eq);
    const value = segment.slice(eq + 1);
    if (value === '') continue;
    fields.set(key, value);
  }
  return { ok: true, value: fields };
}

function required(fields: ReadonlyMap<string, string>, keys: readonly string[]): AppError | undefined {
  const missing = keys.filter((key) => !fields.has(key));
  return missing.length === 0 ? undefined : { code: 'BAD_REQUEST', message: `the connection string has no ${missing.join(', ')}` };
}

/** `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…` (azure-iothub service/src/connection_string.ts). */
export function parseServiceConnectionString(text: string): Result<ServiceConnectionString> {
  const parsed = parseConnectionStringFields(text);
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  const missing = required(fields, ['HostName', 'SharedAccessKeyName', 'SharedAccessKey']);
  if (missing) return { ok: false, error: missing };
  const key = fields.get('SharedAccessKey') ?? '';
  if (!isBase64(key)) return bad('SharedAccessKey is not base64');
  return { ok: true, value: { hostName: fields.get('HostName') ?? '', sharedAccessKeyName: fields.get('SharedAccessKeyName') ?? '', sharedAccessKey: key } };
}

/**
 * `HostName=…;DeviceId=…[;ModuleId=…][;GatewayHostName=…]` and exactly one of `SharedAccessKey=…`,
 * `SharedAccessSignature=…`, `x509=true` (device/core/src/connection_string.ts).
 */
export function parseDeviceConnectionString(text: string): Result<DeviceConnectionString> {
  const parsed = parseConnectionStringFields(text);
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  const missing = required(fields, ['HostName', 'DeviceId']);
  if (missing) return { ok: false, error: missing };
  const x509 = fields.get('x509');
  if (x509 !== undefined && x509.toLowerCase() !== 'true') return bad('x509 must be "true" when present');
  const present = ['SharedAccessKey', 'SharedAccessSignature', 'x509'].filter((key) => fields.has(key));
  if (present.length === 0) return bad('the connection string has none of SharedAccessKey, SharedAccessSignature, x509=true');
  if (present.length > 1) return bad(`the connection string has more than one credential: ${present.join(', ')}`);
  const credential = deviceCredential(fields);
  if (!credential.ok) return credential;
  const moduleId = fields.get('ModuleId');
  const gatewayHostName = fields.get('GatewayHostName');
  return {
    ok: true,
    value: {
      hostName: fields.get('HostName') ?? '',
      deviceId: fields.get('DeviceId') ?? '',
      ...(moduleId === undefined ? {} : { moduleId }),
      ...(gatewayHostName === undefined ? {} : { gatewayHostName }),
      credential: credential.value,
    },
  };
}

function deviceCredential(fields: ReadonlyMap<string, string>): Result<DeviceCredential> {
  const key = fields.get('SharedAccessKey');
  if (key !== undefined) {
    if (!isBase64(key)) return bad('SharedAccessKey is not base64');
    const keyName = fields.get('SharedAccessKeyName');
    return { ok: true, value: keyName === undefined ? { type: 'sharedAccessKey', sharedAccessKey: key } : { type: 'sharedAccessKey', sharedAccessKey: key, sharedAccessKeyName: keyName } };
  }
  const signature = fields.get('SharedAccessSignature');
  if (signature !== undefined) {
    if (!signature.startsWith('SharedAccessSignature ')) return bad('SharedAccessSignature does not start with "SharedAccessSignature "');
    return { ok: true, value: { type: 'sharedAccessSignature', sharedAccessSignature: signature } };
  }
  return { ok: true, value: { type: 'x509' } };
}

function isBase64(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}
