import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppError, Result } from '../../shared/errors';

/**
 * Shared access signatures exactly as the Node SDK builds them (HUB-CONTRACTS.md §1.3; azure-iot-common
 * `shared_access_signature.ts`, `authorization.ts`):
 *   `SharedAccessSignature sr=<strict-encoded resource>&sig=<strict-encoded base64 HMAC>[&skn=<name>]&se=<expiry>`
 * The string to sign is `<sr as it appears in the token>\n<se>`; the HMAC key is the base64-decoded shared key.
 */

/** encodeURIComponent plus `!'()*`, with the SDK's lower-case hex for those five (`*` → `%2a`). */
export function encodeUriComponentStrict(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/** The unencoded resource of a device or module token: `<hub>/devices/<d>[/modules/<m>]`. */
export function sasResource(hostName: string, deviceId: string, moduleId?: string): string {
  return moduleId === undefined ? `${hostName}/devices/${deviceId}` : `${hostName}/devices/${deviceId}/modules/${moduleId}`;
}

/** base64(HMAC-SHA256(base64-decoded key, data)): what the workload API `/sign` and the SDK both compute. */
export function hmacSha256Base64(base64Key: string, data: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(base64Key, 'base64')).update(data).digest('base64');
}

export interface SasTokenInput {
  /** Unencoded resource, e.g. `sasResource(hub, device, module)`; it is strict-encoded into `sr`. */
  readonly resource: string;
  /** Base64 shared access key. */
  readonly key: string;
  /** Integer epoch seconds. */
  readonly expiry: number;
  /** Policy name (`skn`), for service tokens; omitted for device and module tokens. */
  readonly keyName?: string;
}

export function createSasToken(input: SasTokenInput): string {
  const sr = encodeUriComponentStrict(input.resource);
  const se = String(Math.trunc(input.expiry));
  const sig = encodeUriComponentStrict(hmacSha256Base64(input.key, `${sr}\n${se}`));
  const skn = input.keyName ? `&skn=${encodeUriComponentStrict(input.keyName)}` : '';
  return `SharedAccessSignature sr=${sr}&sig=${sig}${skn}&se=${se}`;
}

/** The fields of a token as they appear on the wire (`sr` and `skn` still encoded, `sig` decoded). */
export interface ParsedSasToken {
  readonly rawResource: string;
  readonly resource: string;
  readonly signature: string;
  readonly expiry: number;
  readonly keyName?: string;
}

export type SasRejectReason = 'malformed' | 'expired' | 'resource' | 'key-name' | 'signature';

/** An UNAUTHORIZED (or BAD_REQUEST when malformed) error that also says why, for CONNACK codes and logs. */
export interface SasError extends AppError {
  readonly reason: SasRejectReason;
}

const reject = (reason: SasRejectReason, message: string): { ok: false; error: SasError } => ({
  ok: false,
  error: { code: reason === 'malformed' ? 'BAD_REQUEST' : 'UNAUTHORIZED', message, reason },
});

/** Parses `SharedAccessSignature k=v&k=v…` in any field order; duplicate or missing `sr`/`sig`/`se` are malformed. */
export function parseSasToken(token: string): Result<ParsedSasToken, SasError> {
  const match = /^SharedAccessSignature\s+(\S+)$/.exec(token.trim());
  if (!match?.[1]) return reject('malformed', 'not a SharedAccessSignature token');
  const fields = new Map<string, string>();
  for (const part of match[1].split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return reject('malformed', `malformed token field "${part}"`);
    const name = part.slice(0, eq);
    if (fields.has(name)) return reject('malformed', `duplicate token field "${name}"`);
    fields.set(name, part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  if (!sr || !sig || !se) return reject('malformed', 'the token needs sr, sig and se');
  if (!/^\d{1,12}$/.test(se)) return reject('malformed', 'se is not an integer number of seconds');
  const resource = safeDecode(sr);
  const signature = safeDecode(sig);
  const skn = fields.get('skn');
  const keyName = skn === undefined ? undefined : safeDecode(skn);
  if (resource === undefined || signature === undefined || (skn !== undefined && keyName === undefined)) return reject('malformed', 'bad percent-encoding');
  const parsed = { rawResource: sr, resource, signature, expiry: Number(se) };
  return { ok: true, value: keyName === undefined ? parsed : { ...parsed, keyName } };
}

export interface SasExpectation {
  readonly hostName: string;
  readonly deviceId: string;
  /** Present for a module token: the resource must then be `<hub>/devices/<d>/modules/<m>`. */
  readonly moduleId?: string;
  /** Candidate base64 keys, e.g. [primary, secondary]. */
  readonly keys: readonly string[];
  /** Required `skn`; when absent, a token carrying `skn` is refused. */
  readonly keyName?: string;
  /** Epoch seconds; a token with `se < now` is expired. */
  readonly nowSeconds: number;
}

export interface VerifiedSasToken {
  readonly expiry: number;
  /** Which of `keys` signed it. */
  readonly keyIndex: number;
}

/**
 * Verifies a presented token the way IoT Hub does (HUB-CONTRACTS.md §1.3 "Hub validation"): the decoded `sr` must
 * equal the expected resource (host case-insensitive, ids case-sensitive), `skn` must match, `se` must not be in
 * the past, and the HMAC over `<raw sr>\n<se>` with one of the keys must equal `sig` (constant-time compare).
 */
export function verifySasToken(token: string, expect: SasExpectation): Result<VerifiedSasToken, SasError> {
  const parsed = parseSasToken(token);
  if (!parsed.ok) return parsed;
  const { rawResource, resource, signature, expiry, keyName } = parsed.value;
  if (!sameResource(resource, expect)) return reject('resource', `the token is for "${resource}", not for this identity`);
  if (keyName !== expect.keyName) return reject('key-name', 'the token names a different shared access policy');
  if (expiry < expect.nowSeconds) return reject('expired', 'the token has expired');
  const presented = Buffer.from(signature, 'base64');
  for (const [keyIndex, key] of expect.keys.entries()) {
    const expected = Buffer.from(hmacSha256Base64(key, `${rawResource}\n${expiry}`), 'base64');
    if (presented.length === expected.length && timingSafeEqual(presented, expected)) return { ok: true, value: { expiry, keyIndex } };
  }
  return reject('signature', 'the token signature does not match');
}

function sameResource(resource: string, expect: SasExpectation): boolean {
  const wanted = sasResource(expect.hostName, expect.deviceId, expect.moduleId);
  const host = expect.hostName.length;
  return resource.length === wanted.length && resource.slice(0, host).toLowerCase() === wanted.slice(0, host).toLowerCase() && resource.slice(host) === wanted.slice(host);
}

/** decodeURIComponent that reports bad input as undefined. */
function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
