import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The renderer's Content-Security-Policy: no inline or remote script, no eval, connections to this origin only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Fluent UI (Griffel) and Monaco insert their style rules at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** `host:port` as it appears in a Host header (IPv6 literals in brackets), lower-cased. */
export function hostHeader(name: string, port: number): string {
  const bare = name.replace(/^\[|\]$/g, '').toLowerCase();
  return isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/**
 * DNS-rebinding protection: the Host header must name this server with the port we listen on. Loopback names are
 * always accepted (they can only be reached from this machine); other names only when configured: the bound
 * address and the `--hostname` names (and, for a wildcard bind, the addresses the caller lists). A page served
 * from evil.example that resolves to this machine sends `Host: evil.example:port` and is refused.
 */
export function allowedHosts(bindHost: string, port: number, names: readonly string[] = []): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!isLoopback(bindHost) && !isWildcard(bindHost)) hosts.add(hostHeader(bindHost, port));
  for (const name of names) hosts.add(hostHeader(name, port));
  return hosts;
}

export type AccessDecision = { ok: true } | { ok: false; status: 400 | 401 | 403; reason: string };

export interface AccessPolicy {
  /** The current token (it can be rotated while the console runs). */
  readonly token: () => string;
  readonly hosts: ReadonlySet<string>;
  /** Per console port; `__Host-` prefixed (Secure, Path=/, no Domain) over HTTPS. */
  readonly cookieName: string;
  readonly secure: boolean;
}

export function cookieNameFor(port: number, secure: boolean): string {
  return secure ? `__Host-gatehouse_${port}` : `gatehouse_token_${port}`;
}

/** Host and Origin (when present: browsers always send it on WebSocket handshakes and cross-site requests). */
export function checkOrigin(req: IncomingMessage, policy: AccessPolicy): AccessDecision {
  const host = req.headers.host ?? '';
  if (!policy.hosts.has(host.toLowerCase())) return { ok: false, status: 403, reason: `Host "${clip(host)}" is not allowed` };
  const origin = req.headers.origin;
  if (origin !== undefined && !policy.hosts.has(originHost(origin, policy.secure))) {
    return { ok: false, status: 403, reason: `Origin "${clip(origin)}" is not allowed` };
  }
  return { ok: true };
}

/**
 * Host, Origin and token. The token counts from an `Authorization: Bearer` header (the CLI) or this console's cookie
 * (the browser); a token in the query string is not accepted here: it is only traded for the cookie (see serve.ts).
 */
export function checkAccess(req: IncomingMessage, policy: AccessPolicy): AccessDecision {
  const origin = checkOrigin(req, policy);
  if (!origin.ok) return origin;
  const presented = presentedToken(req, policy.cookieName);
  if (!presented.ok) return { ok: false, status: 400, reason: presented.reason };
  if (presented.token === undefined) return { ok: false, status: 401, reason: 'A token is required' };
  if (!tokensEqual(presented.token, policy.token())) return { ok: false, status: 401, reason: 'The token is not valid' };
  return { ok: true };
}

export type PresentedToken = { ok: true; token: string | undefined } | { ok: false; reason: string };

export function presentedToken(req: IncomingMessage, cookieName: string): PresentedToken {
  const auth = req.headers.authorization;
  if (auth !== undefined && /^bearer /i.test(auth)) return { ok: true, token: auth.slice(7).trim() };
  return readCookie(req.headers.cookie, cookieName);
}

export function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The request target in origin form (`/path?query`), or undefined for anything else: absolute and authority forms,
 * `*`, and paths that do not parse. `//x:99999/` is a path here, never a host.
 */
export function parseTarget(raw: string | undefined): URL | undefined {
  if (raw === undefined || !raw.startsWith('/')) return undefined;
  try {
    return new URL(`http://target${raw}`);
  } catch {
    return undefined;
  }
}

/** The decoded path, or undefined when a percent-escape is malformed or it holds a NUL. */
export function decodePath(pathname: string): string | undefined {
  try {
    const decoded = decodeURIComponent(pathname);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

function originHost(origin: string, secure: boolean): string {
  try {
    const url = new URL(origin);
    const scheme = secure ? 'https:' : 'http:';
    return url.protocol === scheme ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

function readCookie(header: string | undefined, name: string): PresentedToken {
  if (!header) return { ok: true, token: undefined };
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return { ok: true, token: decodeURIComponent(part.slice(eq + 1).trim()) };
    } catch {
      return { ok: false, reason: `The ${name} cookie is malformed` };
    }
  }
  return { ok: true, token: undefined };
}

/** Keeps attacker-chosen header text short in replies and logs. */
function clip(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}
