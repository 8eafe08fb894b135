import { timingSafeEqual } from 'node:crypto';
import { hmacSha256Base64, parseSasToken } from '../../protocol/sas-token';
import { generateKey, type AccessRight, type SharedAccessPolicy } from './hub-model';

/**
 * Service-side shared access policies and their SAS tokens (HUB-CONTRACTS.md §1.3): the service SDK signs
 * `<HostName>\n<se>` with the policy key and names the policy in `skn`. IoT Hub's built-in policies and rights.
 */

export const DEFAULT_POLICIES: readonly { keyName: string; rights: AccessRight[] }[] = [
  { keyName: 'iothubowner', rights: ['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect'] },
  { keyName: 'service', rights: ['ServiceConnect'] },
  { keyName: 'device', rights: ['DeviceConnect'] },
  { keyName: 'registryRead', rights: ['RegistryRead'] },
  { keyName: 'registryReadWrite', rights: ['RegistryRead', 'RegistryWrite'] },
];

export function generatePolicies(): SharedAccessPolicy[] {
  return DEFAULT_POLICIES.map(({ keyName, rights }) => ({ keyName, rights: [...rights], primaryKey: generateKey(), secondaryKey: generateKey() }));
}

export type ServiceAuthFailure = 'missing' | 'malformed' | 'unknown-policy' | 'resource' | 'expired' | 'signature' | 'rights';

export type ServiceAuthResult = { readonly ok: true; readonly policy: SharedAccessPolicy } | { readonly ok: false; readonly reason: ServiceAuthFailure };

/**
 * Checks a service `Authorization` header: the policy named by `skn`, `sr` equal to the host name (case-insensitive;
 * a longer `sr` under it is accepted as IoT Hub scopes tokens by prefix), `se` not past, the HMAC over `<raw sr>\n<se>`
 * with the policy's primary or secondary key, and one of `anyOf` rights.
 */
export function checkServiceToken(
  header: string | undefined,
  hostName: string,
  policies: readonly SharedAccessPolicy[],
  anyOf: readonly AccessRight[],
  nowSeconds: number,
): ServiceAuthResult {
  if (!header) return { ok: false, reason: 'missing' };
  const parsed = parseSasToken(header);
  if (!parsed.ok) return { ok: false, reason: 'malformed' };
  const { keyName, resource, rawResource, signature, expiry } = parsed.value;
  const policy = policies.find((candidate) => candidate.keyName === keyName);
  if (!policy) return { ok: false, reason: 'unknown-policy' };
  const host = hostName.toLowerCase();
  const sr = resource.toLowerCase();
  if (sr !== host && !sr.startsWith(`${host}/`)) return { ok: false, reason: 'resource' };
  if (expiry < nowSeconds) return { ok: false, reason: 'expired' };
  const presented = Buffer.from(signature, 'base64');
  const signed = [policy.primaryKey, policy.secondaryKey].some((key) => {
    const expected = Buffer.from(hmacSha256Base64(key, `${rawResource}\n${expiry}`), 'base64');
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  });
  if (!signed) return { ok: false, reason: 'signature' };
  if (!anyOf.some((right) => policy.rights.includes(right))) return { ok: false, reason: 'rights' };
  return { ok: true, policy };
}

export function describeAuthFailure(reason: ServiceAuthFailure): string {
  switch (reason) {
    case 'missing':
      return 'the request has no Authorization header';
    case 'malformed':
      return 'the Authorization header is not a SharedAccessSignature';
    case 'unknown-policy':
      return 'the shared access policy named by skn does not exist';
    case 'resource':
      return 'the token was issued for another hub';
    case 'expired':
      return 'the token has expired';
    case 'signature':
      return 'the token signature does not match';
    case 'rights':
      return 'the shared access policy does not grant the rights this operation needs';
  }
}
