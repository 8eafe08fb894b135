import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

/** What one probe of a registry found: any HTTP answer means the registry can be reached. */
export type ProbeResult =
  | { readonly reachable: true; readonly reason: string }
  | { readonly reachable: false; readonly reason: string };

export const PROBE_TIMEOUT_MS = 3000;

/**
 * Loopback registries (`localhost`, 127.0.0.0/8, ::1) are what Docker treats as insecure by default (its default
 * insecure-registry CIDRs are 127.0.0.0/8 and ::1/128): HTTPS without verifying the certificate, then plain HTTP.
 */
export function isLoopbackRegistry(address: string): boolean {
  const host = hostOf(address).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** The host of `host[:port]` or `[v6]:port`, without brackets. */
function hostOf(address: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(address);
  if (v6) return v6[1] ?? '';
  const colon = address.lastIndexOf(':');
  return colon >= 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

/**
 * Asks a registry `GET /v2/` the way Docker reaches it: over HTTPS; a loopback registry, when HTTPS fails, over
 * plain HTTP as well. `timeoutMs` bounds each attempt (DNS, connect and the answer's headers); `signal` cancels.
 */
export async function probeRegistry(address: string, timeoutMs = PROBE_TIMEOUT_MS, signal?: AbortSignal): Promise<ProbeResult> {
  const loopback = isLoopbackRegistry(address);
  const secure = await getV2('https', address, timeoutMs, loopback, signal);
  if (secure.reachable || !loopback || signal?.aborted) return secure;
  const plain = await getV2('http', address, timeoutMs, true, signal);
  return plain.reachable ? plain : { reachable: false, reason: `HTTPS: ${secure.reason}; HTTP: ${plain.reason}` };
}

function getV2(scheme: 'http' | 'https', address: string, timeoutMs: number, insecure: boolean, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ reachable: false, reason: 'the check was cancelled' });
    let settled = false;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => {
      settle({ reachable: false, reason: 'the check was cancelled' });
      req.destroy();
    };
    const url = `${scheme}://${address}/v2/`;
    const onResponse = (response: IncomingMessage) => {
      settle({ reachable: true, reason: `${scheme.toUpperCase()} ${response.statusCode ?? '?'} from /v2/` });
      response.resume();
      req.destroy();
    };
    const req =
      scheme === 'https'
        ? httpsRequest(url, { method: 'GET', rejectUnauthorized: !insecure, agent: false, headers: { 'user-agent': 'gatehouse-probe' } }, onResponse)
        : httpRequest(url, { method: 'GET', agent: false, headers: { 'user-agent': 'gatehouse-probe' } }, onResponse);
    const timer = setTimeout(() => {
      settle({ reachable: false, reason: `no answer within ${Math.round(timeoutMs / 100) / 10} s` });
      req.destroy();
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => settle({ reachable: false, reason: failureWords(error, address) }));
    req.end();
  });
}

/** A socket or TLS failure in words a person acts on. */
export function failureWords(error: NodeJS.ErrnoException, address: string): string {
  const host = hostOf(address);
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `the name ${host} does not resolve (DNS)`;
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was reset';
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return 'no network route';
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return `no route to ${host}`;
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      if (error.code?.startsWith('ERR_SSL') || error.code === 'EPROTO') return 'the TLS handshake failed';
      if (error.code?.includes('CERT') || error.code?.includes('SIGNATURE') || error.code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
        return `its TLS certificate is not trusted (${error.code})`;
      }
      return error.message || String(error.code);
  }
}
