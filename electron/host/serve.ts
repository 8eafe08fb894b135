import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../../shared/ipc/wire';
import { writeFileAtomic } from '../runtime/atomic-file';
import type { Disposable } from './event-bus';
import type { Host } from './host';
import { allowedHosts, checkAccess, isLoopback, SECURITY_HEADERS, type AccessPolicy } from './security';
import { send, serveStatic } from './static-files';
import { attachConnection } from './ws-transport';

export const DEFAULT_PORT = 4780;

export interface ServeOptions {
  readonly host: Host;
  readonly rendererDir: string;
  readonly bindHost?: string;
  readonly port?: number;
  /** Binding a non-loopback address needs this, and prints a warning. */
  readonly allowRemote?: boolean;
  readonly token?: string;
  readonly log?: (line: string) => void;
}

export interface ServedConsole extends Disposable {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
}

/** The served console: the same host and renderer as Electron, over HTTP + WebSocket, behind a token. */
export async function serveConsole(options: ServeOptions): Promise<ServedConsole> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bindHost = options.bindHost ?? '127.0.0.1';
  if (!isLoopback(bindHost) && !options.allowRemote) {
    throw new Error(`Refusing to bind ${bindHost}: it is not a loopback address. Pass --allow-remote to expose the console on the network.`);
  }
  if (!isLoopback(bindHost)) log(`WARNING: the console is reachable from the network on ${bindHost}; anyone with the token controls this machine's runtime.`);

  const token = options.token ?? randomBytes(24).toString('base64url');
  const server = createServer();
  const port = await listen(server, bindHost, options.port ?? DEFAULT_PORT, log);
  const policy: AccessPolicy = { token, hosts: allowedHosts(bindHost, port), cookieName: `gatehouse_token_${port}` };
  const { dispatcher, events } = options.host;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handleRequest(req, res).catch((cause: unknown) => {
      log(`gatehouse serve: ${(cause as Error).message}`);
      if (!res.headersSent) send(res, 500, 'Internal error');
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const access = checkAccess(req, policy, url);
    if (!access.ok) return send(res, access.status, `${access.reason}. Open the URL that \`gatehouse serve\` printed.`);
    if (url.searchParams.has('token')) {
      // Keep the token out of the address bar and history: trade it for a same-site cookie and redirect.
      url.searchParams.delete('token');
      const cookie = `${policy.cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(303, { ...SECURITY_HEADERS, Location: `${url.pathname}${url.search}`, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (url.pathname === '/api/rpc') return handleRpc(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    return serveStatic(options.rendererDir, url.pathname, res);
  }

  async function handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'Method not allowed');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_FRAME_BYTES) return send(res, 413, 'Request too large');
      chunks.push(chunk);
    }
    let body: { method?: unknown; params?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return send(res, 400, 'Body must be JSON');
    }
    const result = typeof body.method === 'string'
      ? await dispatcher.invoke(body.method, body.params)
      : { ok: false, error: { code: 'BAD_REQUEST', message: 'method must be a string' } };
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(result));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const connections = new Set<Disposable>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const access = checkAccess(req, policy, url);
    // Browsers always send Origin on WebSocket handshakes; a missing one is refused too.
    const refusal = !access.ok ? access : req.headers.origin === undefined ? { status: 403, reason: 'Origin is required' } : undefined;
    if (refusal || url.pathname !== '/ws') {
      const status = refusal?.status ?? 404;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = attachConnection(ws, dispatcher, events);
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  });

  const origin = `http://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`;
  const discovery = join(options.host.dataDir, 'serve.json');
  await writeFileAtomic(discovery, JSON.stringify({ pid: process.pid, origin, token }), 0o600);

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    dispose: () => {
      for (const connection of connections) connection.dispose();
      wss.close();
      server.close();
      server.closeAllConnections();
      void rm(discovery, { force: true });
    },
  };
}

/** Listen on the requested port; when it is taken, fall back to a free one and say so. */
async function listen(server: Server, host: string, port: number, log: (line: string) => void): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => (server.off('listening', onListening), reject(error));
      const onListening = () => (server.off('error', onError), resolve((server.address() as AddressInfo).port));
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(p, host);
    });
  try {
    return await attempt(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    const fallback = await attempt(0);
    log(`Port ${port} is in use; serving on port ${fallback} instead.`);
    return fallback;
  }
}
