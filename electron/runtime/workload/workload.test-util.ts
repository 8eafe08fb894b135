import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { EdgeCa } from './edge-ca';
import { IdentityStore } from './identity.store';
import { WorkloadServer } from './workload-server';

/** A running workload API over a real CA, identity store and per-module sockets, in a temp dir. */
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
  const server = unwrap(await WorkloadServer.start({ identities, ca, socketDir: join(dataDir, 'mnt') }));
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

/** Where to send a request: a unix socket path (or a loopback TCP port, to show that nothing answers there). */
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

/**
 * TCP ports this process listens on (any address), from Linux's /proc: the socket inodes among our open file
 * descriptors, matched against the LISTEN rows of /proc/net/tcp and tcp6. Throws elsewhere, saying why.
 */
export function listeningTcpPorts(): number[] {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch (cause) {
    throw new Error('listeningTcpPorts reads /proc (Linux only), which this machine does not have', { cause });
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      /* closed between readdir and readlink */
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols[3] === '0A' && cols[9] && inodes.has(cols[9])) ports.add(parseInt(cols[1]?.split(':')[1] ?? '0', 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
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
