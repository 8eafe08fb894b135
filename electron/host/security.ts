import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

/**
 * DNS-rebinding protection: the Host header must name this server (a loopback name, or the explicitly bound
 * address), with the port we listen on. A page served from evil.example that resolves to 127.0.0.1 sends
 * `Host: evil.example:port` and is refused.
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!isLoopback(bindHost) && bindHost !== '0.0.0.0' && bindHost !== '::') {
    names.add(bindHost.includes(':') ? `[${bindHost}]:${port}` : `${bindHost}:${port}`);
  }
  return names;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export interface AccessPolicy {
  readonly token: string;
  readonly hosts: ReadonlySet<string>;
  readonly cookieName: string;
}

/** Checks Host, Origin (when present: browsers always send it on WebSocket and cross-site requests) and token. */
export function checkAccess(req: IncomingMessage, policy: AccessPolicy, url: URL): AccessDecision {
  const host = req.headers.host ?? '';
  if (!policy.hosts.has(host.toLowerCase())) return { ok: false, status: 403, reason: `Host "${host}" is not allowed` };
  const origin = req.headers.origin;
  if (origin !== undefined && !policy.hosts.has(originHost(origin))) {
    return { ok: false, status: 403, reason: `Origin "${origin}" is not allowed` };
  }
  const presented = presentedToken(req, policy.cookieName, url);
  if (presented === undefined) return { ok: false, status: 401, reason: 'A token is required' };
  if (!tokensEqual(presented, policy.token)) return { ok: false, status: 401, reason: 'The token is not valid' };
  return { ok: true };
}

export function presentedToken(req: IncomingMessage, cookieName: string, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  return readCookie(req.headers.cookie, cookieName);
}

export function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
