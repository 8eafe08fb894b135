import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';
import type { Result } from '../../shared/errors';
import type { DeviceBackend, IdentityRecord, IdentityRef } from './device-backend';
import { parseSasToken, verifySasToken } from './sas-token';

/**
 * Who may connect (HUB-CONTRACTS.md §6.1, §1.3, §4.3). CONNECT: client id `d` or `d/m`; username
 * `<host>/<clientId>/?api-version=…` with `host` one of the hub's names (case-insensitive); then a SAS password
 * (device/module primary or secondary key, not expired, audience `<host>/devices/<d>[/modules/<m>]`) or, without a
 * password, the TLS client certificate (self-signed thumbprint, or a chain to a trusted device CA whose leaf CN is the
 * device id). Refusals carry the CONNACK code the SDK maps as IoT Hub's (5 bad credentials, not retried; 2 unknown or
 * malformed client id; 3 backend unavailable, retried) and a reason for logs that never contains a token or key.
 */

export interface AuthPolicy {
  readonly backend: DeviceBackend;
  /** Names the hub answers to (`HostName` in connection strings); compared case-insensitively. */
  readonly hostNames: readonly string[];
  /** Trusted device CA certificates for `certificateAuthority` identities (see `parsePemCertificates`). */
  readonly trustedDeviceCas?: readonly X509Certificate[];
  /** Epoch milliseconds; defaults to Date.now. */
  readonly now?: () => number;
}

export interface ConnectRequest {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: Uint8Array | string;
  /** The TLS client certificate chain, leaf first (see `peerCertificateChain`); empty when none was presented. */
  readonly certificateChain: readonly X509Certificate[];
}

export interface Authenticated {
  readonly identity: IdentityRecord;
  /** The host name the client used (as configured). */
  readonly hostName: string;
  readonly method: 'sas' | 'selfSigned' | 'certificateAuthority' | 'onBehalfOf';
  /** For `onBehalfOf`: the IoT Edge device whose `$edgeHub` signed the token. */
  readonly via?: string;
  /** When the SAS token expires (epoch ms): IoT Hub closes the connection then, unless the client renewed it. */
  readonly expiresAtMs?: number;
}

/** CONNACK return codes used for refusals (MQTT 3.1.1). */
export type ConnackRefusalCode = 2 | 3 | 5;

export interface AuthFailure {
  readonly returnCode: ConnackRefusalCode;
  readonly reason: string;
}

const refuse = (returnCode: ConnackRefusalCode, reason: string): { ok: false; error: AuthFailure } => ({ ok: false, error: { returnCode, reason } });

const ID_PATTERN = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;

/** `d` or `d/m` with IoT Hub's id characters; undefined otherwise. */
export function parseClientId(clientId: string): IdentityRef | undefined {
  const parts = clientId.split('/');
  if (parts.length > 2 || !parts.every((part) => ID_PATTERN.test(part))) return undefined;
  const [deviceId, moduleId] = parts as [string, string | undefined];
  return moduleId === undefined ? { deviceId } : { deviceId, moduleId };
}

/** The configured host name the username starts with, when it is `<host>/<clientId>/?…api-version=…`. */
export function usernameHost(username: string, clientId: string, hostNames: readonly string[]): string | undefined {
  const q = username.indexOf('/?');
  if (q < 0) return undefined;
  const query = new URLSearchParams(username.slice(q + 2));
  if (!query.get('api-version')) return undefined;
  const prefix = username.slice(0, q);
  if (!prefix.endsWith(`/${clientId}`)) return undefined;
  const host = prefix.slice(0, prefix.length - clientId.length - 1).toLowerCase();
  return hostNames.find((name) => name.toLowerCase() === host);
}

export async function authenticateConnect(policy: AuthPolicy, request: ConnectRequest): Promise<Result<Authenticated, AuthFailure>> {
  const ref = parseClientId(request.clientId);
  if (!ref) return refuse(2, `malformed client id "${request.clientId.slice(0, 300)}"`);
  const hostName = request.username === undefined ? undefined : usernameHost(request.username, request.clientId, policy.hostNames);
  if (!hostName) return refuse(5, 'the username is not <hub host name>/<client id>/?api-version=… for a host name of this hub');
  const found = await lookup(policy, ref);
  if (!found.ok) return found;
  const identity = found.value;
  const password = request.password === undefined ? undefined : Buffer.from(request.password).toString('utf8');
  if (password !== undefined && password !== '') {
    const edgeDeviceId = onBehalfOfEdge(password, identity);
    if (edgeDeviceId !== undefined) return verifyOnBehalfOf(policy, identity, edgeDeviceId, hostName, password);
    return verifySas(policy, identity, hostName, password);
  }
  return verifyCertificate(policy, identity, hostName, request.certificateChain);
}

/** The identity, or the CONNACK code for why not (unknown → 2, disabled → 5, backend down → 3). */
async function lookup(policy: AuthPolicy, ref: IdentityRef): Promise<Result<IdentityRecord, AuthFailure>> {
  const found = await policy.backend.lookupIdentity(ref);
  if (!found.ok) {
    const code = found.error.code;
    if (code === 'NOT_FOUND') return refuse(2, `no identity ${describe(ref)} in the registry`);
    if (code === 'UNAUTHORIZED') return refuse(5, `the registry refused ${describe(ref)}`);
    return refuse(3, `the registry is unavailable (${code})`);
  }
  if (found.value.status === 'disabled') return refuse(5, `${describe(ref)} is disabled`);
  return found;
}

function verifySas(policy: AuthPolicy, identity: IdentityRecord, hostName: string, token: string): Result<Authenticated, AuthFailure> {
  const credentials = identity.credentials;
  if (credentials.type !== 'sas') return refuse(5, `${describe(identity)} authenticates with ${credentials.type}, not a shared access signature`);
  const verified = verifySasToken(token, {
    hostName,
    deviceId: identity.deviceId,
    ...(identity.moduleId === undefined ? {} : { moduleId: identity.moduleId }),
    keys: [credentials.primaryKey, credentials.secondaryKey].filter((key) => key !== ''),
    nowSeconds: Math.floor(nowMs(policy) / 1000),
  });
  if (!verified.ok) return refuse(5, `SAS token refused for ${describe(identity)} (${verified.error.reason}): ${verified.error.message}`);
  return { ok: true, value: { identity, hostName, method: 'sas', expiresAtMs: verified.value.expiry * 1000 } };
}

/**
 * The edge device a device token was signed for on behalf of: a token whose audience is another device's `$edgeHub`
 * module (`<host>/devices/<edge>/modules/$edgeHub`) presented by a device. Undefined for any other token (it is then
 * checked as the identity's own).
 */
function onBehalfOfEdge(token: string, identity: IdentityRecord): string | undefined {
  if (identity.moduleId !== undefined) return undefined;
  const parsed = parseSasToken(token);
  if (!parsed.ok) return undefined;
  const match = /^[^/]+\/devices\/([^/]+)\/modules\/\$edgeHub$/.exec(parsed.value.resource);
  const edgeDeviceId = match?.[1];
  return edgeDeviceId !== undefined && edgeDeviceId !== identity.deviceId ? edgeDeviceId : undefined;
}

/**
 * A child device authenticated by its IoT Edge parent: the token must verify against the parent's `$edgeHub` keys
 * (audience, expiry, signature as for any SAS) and the backend must place the child in the parent's scope. The
 * connection then acts as the child, never as `$edgeHub`.
 */
async function verifyOnBehalfOf(policy: AuthPolicy, child: IdentityRecord, edgeDeviceId: string, hostName: string, token: string): Promise<Result<Authenticated, AuthFailure>> {
  const backend = policy.backend;
  if (!backend.onBehalfOf) return refuse(5, `${describe(child)} presented a token of ${edgeDeviceId}/$edgeHub; this hub does not accept tokens on behalf of other devices`);
  const parent = await backend.onBehalfOf(child, edgeDeviceId).catch((cause: unknown) => ({ ok: false as const, error: { code: 'UNAVAILABLE' as const, message: String(cause) } }));
  if (!parent.ok) {
    if (parent.error.code === 'UNAVAILABLE' || parent.error.code === 'INTERNAL') return refuse(3, `the registry is unavailable (${parent.error.code})`);
    return refuse(5, `${edgeDeviceId}/$edgeHub may not authenticate ${describe(child)}: ${parent.error.message}`);
  }
  const verified = verifySas(policy, parent.value, hostName, token);
  if (!verified.ok) return verified;
  return { ok: true, value: { identity: child, hostName, method: 'onBehalfOf', via: edgeDeviceId, ...(verified.value.expiresAtMs === undefined ? {} : { expiresAtMs: verified.value.expiresAtMs }) } };
}

function verifyCertificate(policy: AuthPolicy, identity: IdentityRecord, hostName: string, chain: readonly X509Certificate[]): Result<Authenticated, AuthFailure> {
  const credentials = identity.credentials;
  const leaf = chain[0];
  if (!leaf) return refuse(5, `${describe(identity)} presented neither a password nor a client certificate`);
  switch (credentials.type) {
    case 'selfSigned': {
      const presented = [normalizeThumbprint(leaf.fingerprint), normalizeThumbprint(leaf.fingerprint256)];
      const registered = [credentials.primaryThumbprint, credentials.secondaryThumbprint].filter((t): t is string => !!t).map(normalizeThumbprint);
      if (!registered.some((t) => presented.includes(t))) return refuse(5, `the client certificate's thumbprint is not registered for ${describe(identity)}`);
      if (!withinValidity(leaf, nowMs(policy))) return refuse(5, `the client certificate of ${describe(identity)} is outside its validity period`);
      return { ok: true, value: { identity, hostName, method: 'selfSigned' } };
    }
    case 'certificateAuthority': {
      if (commonName(leaf) !== identity.deviceId) return refuse(5, `the client certificate's CN is not the device id ${identity.deviceId}`);
      const chained = chainsToTrustedCa(chain, policy.trustedDeviceCas ?? [], nowMs(policy));
      if (!chained.ok) return refuse(5, `the client certificate of ${describe(identity)} does not verify: ${chained.error}`);
      return { ok: true, value: { identity, hostName, method: 'certificateAuthority' } };
    }
    case 'sas':
    case 'none':
      return refuse(5, `${describe(identity)} authenticates with ${credentials.type}, not a client certificate`);
  }
}

export interface HttpAuthRequest {
  /** The `Authorization` header value (`SharedAccessSignature sr=…`). */
  readonly authorization: string | undefined;
  /** The identity the request acts as (from its path or `x-ms-edge-moduleId`). */
  readonly identity: IdentityRef;
}

export interface HttpAuthFailure {
  /** 401 bad or missing credentials, 404 unknown identity, 503 backend unavailable. */
  readonly status: 401 | 404 | 503;
  readonly reason: string;
}

/** The device HTTPS endpoint's check: a device or module SAS token for one of the hub's host names. */
export async function authenticateHttpRequest(policy: AuthPolicy, request: HttpAuthRequest): Promise<Result<Authenticated, HttpAuthFailure>> {
  const toHttp = (failure: AuthFailure): { ok: false; error: HttpAuthFailure } => ({
    ok: false,
    error: { status: failure.returnCode === 3 ? 503 : failure.returnCode === 2 ? 404 : 401, reason: failure.reason },
  });
  if (!request.authorization?.startsWith('SharedAccessSignature ')) return { ok: false, error: { status: 401, reason: 'no SharedAccessSignature Authorization header' } };
  const found = await lookup(policy, request.identity);
  if (!found.ok) return toHttp(found.error);
  // Checked against the host name the token's audience names (one at most matches), so a refusal says why that one
  // failed (signature, expired) rather than that some other host name did not match.
  const parsed = parseSasToken(request.authorization);
  const audience = parsed.ok ? parsed.value.resource.toLowerCase() : '';
  const hostName = policy.hostNames.find((name) => audience.startsWith(`${name.toLowerCase()}/`)) ?? policy.hostNames[0];
  if (hostName === undefined) return { ok: false, error: { status: 401, reason: 'no host name configured' } };
  const verified = verifySas(policy, found.value, hostName, request.authorization);
  return verified.ok ? verified : toHttp(verified.error);
}

/** The chain a TLS peer presented, leaf first, from `socket.getPeerCertificate(true)`; empty when there was none. */
export function peerCertificateChain(peer: DetailedPeerCertificate | undefined): X509Certificate[] {
  const chain: X509Certificate[] = [];
  // Node returns `{}` when no certificate was presented: no `raw`, so the loop does not start.
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && chain.length < 10) {
    chain.push(new X509Certificate(current.raw));
    const next: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (!next || next === current || next.fingerprint256 === current.fingerprint256) break;
    current = next;
  }
  return chain;
}

/** Every certificate in the given PEM texts (bundles allowed). */
export function parsePemCertificates(pems: readonly string[]): X509Certificate[] {
  const blocks = pems.flatMap((pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
  return blocks.map((block) => new X509Certificate(block));
}

export function normalizeThumbprint(value: string): string {
  return value.replace(/:/g, '').toLowerCase();
}

/** Walks leaf → presented intermediates → a trusted CA; every link signature-checked, every certificate in validity. */
function chainsToTrustedCa(chain: readonly X509Certificate[], trusted: readonly X509Certificate[], now: number): Result<void, string> {
  if (trusted.length === 0) return { ok: false, error: 'no device CA is configured' };
  let current = chain[0];
  const intermediates = chain.slice(1);
  for (let depth = 0; current && depth < 8; depth++) {
    if (!withinValidity(current, now)) return { ok: false, error: 'a certificate in the chain is outside its validity period' };
    const subject = current;
    const anchor = trusted.find((ca) => issuedBy(subject, ca));
    if (anchor) return withinValidity(anchor, now) ? { ok: true, value: undefined } : { ok: false, error: 'the device CA is outside its validity period' };
    current = intermediates.find((ca) => ca !== subject && issuedBy(subject, ca));
  }
  return { ok: false, error: 'it does not chain to a trusted device CA' };
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return issuer.ca && certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function withinValidity(certificate: X509Certificate, now: number): boolean {
  return Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);
}

function commonName(certificate: X509Certificate): string | undefined {
  const line = certificate.subject.split('\n').find((part) => part.startsWith('CN='));
  return line?.slice(3);
}

function nowMs(policy: AuthPolicy): number {
  return policy.now ? policy.now() : Date.now();
}

function describe(ref: IdentityRef): string {
  return ref.moduleId === undefined ? `device ${ref.deviceId}` : `module ${ref.deviceId}/${ref.moduleId}`;
}
