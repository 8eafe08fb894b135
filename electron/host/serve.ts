import { rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { CLOSE_TOKEN_ROTATED, MAX_FRAME_BYTES } from '../../shared/ipc/wire';
import { writeFileAtomic } from '../runtime/atomic-file';
import { ConsoleTokenStore } from './console-token';
import { consoleCertificate, consoleNames, isValidHostname, type ConsoleTls } from './console-tls';
import type { Disposable } from './event-bus';
import type { Host } from './host';
import { allowedHosts, checkAccess, checkOrigin, cookieNameFor, decodePath, isLoopback, parseTarget, presentedToken, SECURITY_HEADERS, tokensEqual, type AccessPolicy } from './security';
import { send, serveStatic } from './static-files';
import { unauthorizedPage, type UnauthorizedReason } from './unauthorized-page';
import { attachConnection, type Connection } from './ws-transport';

export const DEFAULT_PORT = 4780;
/** A client has this long to send its request headers, and this long for the whole request (half-open connections). */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface ServeOptions {
  readonly host: Host;
  readonly rendererDir: string;
  readonly bindHost?: string;
  readonly port?: number;
  /** Binding a non-loopback address needs this; the console is then served over HTTPS only. */
  readonly allowRemote?: boolean;
  /** Extra names the remote console answers to (Host/Origin checks and the certificate's SANs). */
  readonly hostnames?: readonly string[];
  /** Tests only: a fixed token instead of the data folder's stored one. */
  readonly token?: string;
  readonly log?: (line: string) => void;
}

export interface ServedConsole extends Disposable {
  /** The URL to open once: it carries the token, which the console trades for a cookie. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Remote consoles only (HTTPS): the certificate's SHA-256 fingerprint and the names it covers. */
  readonly tls?: Pick<ConsoleTls, 'fingerprint256' | 'names' | 'ca'>;
  /** A new token: open pages and the old URL stop working; the discovery file is rewritten. */
  rotateToken(): Promise<string>;
}

/** What `serve.json` tells the CLI of the same data folder. */
export interface ServeDiscovery {
  readonly pid: number;
  /** Where the CLI on this machine reaches the console (loopback for a wildcard bind). */
  readonly origin: string;
  /** What a browser opens (the bound address or the first name the certificate covers). */
  readonly consoleOrigin?: string;
  readonly token: string;
  /** PEM of the CA to verify an HTTPS console with. */
  readonly ca?: string;
}

/**
 * The served console: the same host and renderer as Electron, over HTTP + WebSocket, behind a token. Loopback is
 * served over plain HTTP; any other address needs `allowRemote` and is served over HTTPS with a certificate from
 * the local edge CA. Every parsing step answers 4xx on bad input; nothing a client sends throws out of a handler.
 */
export async function serveConsole(options: ServeOptions): Promise<ServedConsole> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bindHost = options.bindHost ?? '127.0.0.1';
  const remote = !isLoopback(bindHost);
  const hostnames = options.hostnames ?? [];
  if (remote && !options.allowRemote) {
    throw new Error(`Refusing to bind ${bindHost}: it is not a loopback address. Pass --allow-remote to expose the console on the network (over HTTPS).`);
  }
  if (!remote && hostnames.length > 0) throw new Error('--hostname applies to a remote console only (--host <address> --allow-remote).');
  const badName = hostnames.find((name) => !isValidHostname(name));
  if (badName !== undefined) throw new Error(`--hostname "${badName}" is not a valid host name or address.`);

  // ws is imported by the command that serves, not when the CLI loads (every other command would pay for it).
  const { WebSocketServer } = await import('ws');
  const tokens = new ConsoleTokenStore(options.host.dataDir, options.host.secrets);
  let token = options.token ?? (await tokens.load());
  let tls: ConsoleTls | undefined;
  if (remote) {
    const ca = await options.host.edgeCa();
    if (!ca.ok) throw new Error(`The remote console needs the local edge CA: ${ca.error.message}`);
    const issued = await consoleCertificate(ca.value, consoleNames(bindHost, hostnames));
    if (!issued.ok) throw new Error(issued.error.message);
    tls = issued.value;
  }

  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }) : createHttpServer();
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const port = await listen(server, bindHost, options.port ?? DEFAULT_PORT, log);
  if (remote) log(`WARNING: the console is reachable from the network on ${bindHost}:${port} (HTTPS); anyone with the token controls this machine's runtime.`);
  const policy: AccessPolicy = {
    token: () => token,
    hosts: allowedHosts(bindHost, port, tls?.names ?? []),
    cookieName: cookieNameFor(port, tls !== undefined),
    secure: tls !== undefined,
  };
  const { dispatcher, events } = options.host;
  const scheme = tls ? 'https' : 'http';
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  // What to print and what the CLI uses: a wildcard bind is reached through the first name the certificate covers.
  const publicHost = tls && (bindHost === '0.0.0.0' || bindHost === '::') ? (tls.names[0] ?? '127.0.0.1') : bindHost;
  const origin = `${scheme}://${bracket(publicHost)}:${port}`;
  const cliOrigin = tls && (bindHost === '0.0.0.0' || bindHost === '::') ? `${scheme}://127.0.0.1:${port}` : origin;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((cause: unknown) => {
      log(`gatehouse serve: ${req.method} request failed: ${(cause as Error)?.message ?? String(cause)}`);
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  // Malformed request lines and headers, oversized headers, timeouts: answer and close; never throw.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (socket as Socket).writableEnded) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on('tlsClientError', (_error: Error, socket: Duplex) => socket.destroy());

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseTarget(req.url);
    if (!url) return send(res, 400, 'Bad request target');
    const allowed = checkOrigin(req, policy);
    if (!allowed.ok) return send(res, allowed.status, `${allowed.reason}.`);
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && (req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith('/api/')) {
      return tradeToken(req, res, url, queryToken);
    }
    const access = checkAccess(req, policy);
    if (!access.ok) return refuse(req, res, access.status, access.reason);
    if (url.pathname === '/api/rpc') return handleRpc(req, res);
    if (url.pathname === '/api/session') return req.method === 'GET' ? void res.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' }).end() : send(res, 405, 'Method not allowed');
    if (url.pathname === '/api/token/rotate') {
      if (req.method !== 'POST') return send(res, 405, 'Method not allowed');
      // Only a bearer token (the CLI): a page cannot rotate the token under the engineer's feet.
      if (!/^bearer /i.test(req.headers.authorization ?? '')) return send(res, 403, 'Token rotation needs the bearer token (gatehouse token rotate)');
      const next = await rotateToken();
      return json(res, 200, { url: `${origin}/?token=${next}`, token: next });
    }
    if (url.pathname.startsWith('/api/')) return send(res, 404, 'Not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    const path = decodePath(url.pathname);
    if (path === undefined) return send(res, 400, 'Bad path');
    return serveStatic(options.rendererDir, path, res);
  }

  /** `/?token=…` once: set this console's cookie and redirect to the same page without the token. */
  function tradeToken(req: IncomingMessage, res: ServerResponse, url: URL, presented: string): void {
    if (!tokensEqual(presented, token)) return refuse(req, res, 401, 'The token is not valid');
    url.searchParams.delete('token');
    const attributes = ['HttpOnly', 'SameSite=Strict', 'Path=/', ...(tls ? ['Secure'] : [])].join('; ');
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      Location: `${url.pathname}${url.search}`,
      'Set-Cookie': `${policy.cookieName}=${encodeURIComponent(token)}; ${attributes}`,
      'Cache-Control': 'no-store',
    });
    res.end();
  }

  /** A browser navigation gets a page that explains how to get the URL; other clients a short text. */
  function refuse(req: IncomingMessage, res: ServerResponse, status: 400 | 401 | 403, reason: string): void {
    const navigation = req.method === 'GET' && (req.headers['sec-fetch-mode'] === 'navigate' || /text\/html/.test(req.headers.accept ?? ''));
    if (status === 403 || !navigation) return send(res, status, `${reason}. Open the URL that \`gatehouse serve\` printed (\`gatehouse token show\` prints it).`);
    const why: UnauthorizedReason = status === 400 ? 'malformed' : presentedToken(req, policy.cookieName).ok && reason === 'A token is required' ? 'missing' : 'invalid';
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(unauthorizedPage(why));
  }

  async function handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'Method not allowed');
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_FRAME_BYTES) return send(res, 413, 'Request too large', { Connection: 'close' });
        chunks.push(chunk);
      }
    } catch {
      // The client went away mid-body (reset, timeout): nobody is left to answer.
      return void res.destroy();
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, 'Body must be JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return send(res, 400, 'Body must be a JSON object: {"method": "…", "params": …}');
    const { method, params } = body as { method?: unknown; params?: unknown };
    const result = typeof method === 'string' ? await dispatcher.invoke(method, params) : { ok: false, error: { code: 'BAD_REQUEST', message: 'method must be a string' } };
    json(res, 200, result);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', (error) => log(`gatehouse serve: WebSocket server: ${error.message}`));
  const connections = new Set<Connection>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (cause) {
      log(`gatehouse serve: WebSocket upgrade failed: ${(cause as Error)?.message ?? String(cause)}`);
      socket.destroy();
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = parseTarget(req.url);
    const access = !url ? { ok: false as const, status: 400 as const, reason: 'Bad request target' } : checkAccess(req, policy);
    // Browsers always send Origin on WebSocket handshakes; a missing one is refused too.
    const refusal = !access.ok ? access : req.headers.origin === undefined ? { status: 403, reason: 'Origin is required' } : undefined;
    if (refusal || url?.pathname !== '/ws') {
      const status = refusal?.status ?? 404;
      const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Bad Request';
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      const connection = attachConnection(ws, dispatcher, events);
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  }

  const discoveryPath = join(options.host.dataDir, 'serve.json');
  const writeDiscovery = () => {
    const discovery: ServeDiscovery = { pid: process.pid, origin: cliOrigin, consoleOrigin: origin, token, ...(tls ? { ca: tls.ca } : {}) };
    return writeFileAtomic(discoveryPath, JSON.stringify(discovery), 0o600);
  };
  await writeDiscovery();

  async function rotateToken(): Promise<string> {
    token = await tokens.rotate();
    await writeDiscovery();
    for (const connection of connections) connection.dispose(CLOSE_TOKEN_ROTATED, 'token rotated');
    log('gatehouse serve: the console token was rotated; open pages must use the new URL.');
    return token;
  }

  return {
    get url() {
      return `${origin}/?token=${token}`;
    },
    origin,
    port,
    get token() {
      return token;
    },
    ...(tls ? { tls: { fingerprint256: tls.fingerprint256, names: tls.names, ca: tls.ca } } : {}),
    rotateToken,
    dispose: () => {
      for (const connection of connections) connection.dispose();
      wss.close();
      server.close();
      server.closeAllConnections();
      // Synchronously: a CLI started right after must not find a console that is gone.
      rmSync(discoveryPath, { force: true });
    },
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
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
