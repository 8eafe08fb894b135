import { lookup } from 'node:dns/promises';
import { request } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ClockFact, EndpointReachFact, HubFact } from '../../../shared/commissioning/facts';

/** Network probes for the commissioning checks: DNS, TCP, TLS (with the runtime's trust) and the hub's clock. */

const PROBE_TIMEOUT_MS = 3000;

export async function resolveHost(host: string): Promise<HubFact['dns']> {
  try {
    const addresses = await lookup(host, { all: true });
    return { ok: true, addresses: addresses.map((a) => a.address) };
  } catch (error) {
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
}

function tcp(host: string, port: number): Promise<{ ok: true; ms: number; socket: Socket } | { ok: false; error: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    const done = (value: { ok: true; ms: number; socket: Socket } | { ok: false; error: string }) => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      resolve(value);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS);
    socket.once('connect', () => done({ ok: true, ms: Math.round(performance.now() - started), socket }));
    socket.once('timeout', () => (socket.destroy(), done({ ok: false, error: `no answer in ${PROBE_TIMEOUT_MS / 1000} s` })));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, error: error.code ?? error.message }));
  });
}

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']);

/** TCP, then a TLS handshake over it with `ca` (or the system's trust store), verifying the name. */
export async function probeEndpoint(host: string, port: number, purpose: string, ca: string | undefined, servername = host): Promise<EndpointReachFact> {
  const connected = await tcp(host, port);
  if (!connected.ok) return { host, port, purpose, tcp: connected };
  const started = performance.now();
  const tls = await new Promise<NonNullable<EndpointReachFact['tls']>>((resolve) => {
    const socket = tlsConnect({ socket: connected.socket, servername: isIp(servername) ? undefined : servername, ...(ca ? { ca } : {}), ALPNProtocols: ['mqtt', 'http/1.1'] });
    const timer = setTimeout(() => (socket.destroy(), resolve({ ok: false, error: `no TLS answer in ${PROBE_TIMEOUT_MS / 1000} s`, untrusted: false })), PROBE_TIMEOUT_MS);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const peer = socket.getPeerCertificate();
      socket.destroy();
      resolve({ ok: true, ms: Math.round(performance.now() - started), subject: cn(peer.subject?.CN), issuer: cn(peer.issuer?.CN), validTo: new Date(peer.valid_to).toISOString() });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const code = error.code ?? '';
      resolve({ ok: false, error: `${code ? `${code}: ` : ''}${error.message}`, untrusted: UNTRUSTED.has(code) });
    });
  });
  connected.socket.destroy();
  return { host, port, purpose, tcp: { ok: true, ms: connected.ms }, tls };
}

function cn(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** The hub's `Date` header against this machine's clock (at the middle of the request). */
export function hubClock(host: string, port: number, ca: string | undefined): Promise<ClockFact> {
  return new Promise((resolve, reject) => {
    const sent = Date.now();
    const req = request({ host, port, path: '/', method: 'HEAD', ...(ca ? { ca } : {}), timeout: PROBE_TIMEOUT_MS, servername: isIp(host) ? undefined : host }, (res) => {
      const received = Date.now();
      res.resume();
      const date = res.headers.date;
      if (!date) return reject(new Error('the hub sent no Date header'));
      const local = (sent + received) / 2;
      // The header has one-second resolution: half a second either way is no skew.
      const raw = Date.parse(date) - local;
      const skewMs = Math.abs(raw) <= 1000 ? 0 : Math.round(raw);
      resolve({ hubDate: new Date(Date.parse(date)).toISOString(), localAt: new Date(local).toISOString(), skewMs });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`)));
    req.once('error', reject);
    req.end();
  });
}
