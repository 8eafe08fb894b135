import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { EdgeCa } from './edge-ca';
import { IdentityStore } from './identity.store';
import { WorkloadServer } from './workload-server';

/** A running workload API over a real CA, identity store, per-module sockets and loopback TCP, in a temp dir. */
export interface WorkloadFixture {
  readonly dataDir: string;
  readonly ca: EdgeCa;
  readonly identities: IdentityStore;
  readonly server: WorkloadServer;
  dispose(): void;
}

export async function startWorkloadFixture(modules: readonly string[], deviceId = 'gw1'): Promise<WorkloadFixture> {
  // Short path: unix socket paths are limited to ~104 bytes.
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-wl-'));
  const unwrap = <T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  const ca = unwrap(await EdgeCa.open({ dataDir, deviceId }));
  const identities = unwrap(await IdentityStore.open({ dataDir, deviceId }));
  unwrap(await identities.syncModules(modules));
  const server = unwrap(await WorkloadServer.start({ identities, ca, socketDir: join(dataDir, 'mnt'), tcp: {} }));
  unwrap(await server.syncModules(modules));
  return {
    dataDir,
    ca,
    identities,
    server,
    dispose() {
      server.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Where to send a request: a unix socket path or a loopback TCP port. */
export type Endpoint = { readonly socketPath: string } | { readonly port: number };

export interface HttpReply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly json: unknown;
}

/** One HTTP request on a fresh connection (no keep-alive, so nothing outlives the test). */
export function call(endpoint: Endpoint, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...('socketPath' in endpoint ? { socketPath: endpoint.socketPath } : { host: '127.0.0.1', port: endpoint.port }),
        method,
        path,
        agent: false,
        headers: { ...(text === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], json: raw ? JSON.parse(raw) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export function tcpEndpoint(server: WorkloadServer): Endpoint {
  const uri = server.tcpUri;
  if (!uri) throw new Error('the TCP listener is not running');
  return { port: Number(new URL(uri).port) };
}

/** A real TLS handshake on loopback: the server presents `cert`; the client trusts only `ca` and checks `name` (SNI name or IP). */
export async function tlsHandshake(key: string, cert: string, ca: string, name: string): Promise<boolean> {
  const server = createServer({ key, cert }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const target = isIP(name) ? { host: name } : { host: '127.0.0.1', servername: name };
    return await new Promise<boolean>((resolve) => {
      const socket = connect({ ...target, port, ca }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', () => resolve(false));
    });
  } finally {
    server.close();
  }
}
