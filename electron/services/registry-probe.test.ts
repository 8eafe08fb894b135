import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { failureWords, isLoopbackRegistry, probeRegistry } from './registry-probe';

// Real sockets, loopback only: nothing here leaves this machine.
const servers: (Server | TcpServer)[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(server: Server | TcpServer): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('probeRegistry (real loopback sockets)', () => {
  it('a registry answering /v2/ with 401 is reachable (over plain HTTP, as Docker does for loopback)', async () => {
    const paths: string[] = [];
    const port = await listen(
      createHttpServer((req, res) => {
        paths.push(req.url ?? '');
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="x"' }).end();
      }),
    );
    expect(await probeRegistry(`127.0.0.1:${port}`)).toEqual({ reachable: true, reason: 'HTTP 401 from /v2/' });
    expect(await probeRegistry(`localhost:${port}`)).toMatchObject({ reachable: true });
    expect(paths).toContain('/v2/');
  });

  it('a closed port is unreachable: connection refused', async () => {
    const port = await listen(createTcpServer());
    await new Promise((r) => servers.pop()?.close(r));
    expect(await probeRegistry(`127.0.0.1:${port}`)).toEqual({ reachable: false, reason: 'HTTPS: connection refused; HTTP: connection refused' });
  });

  it('a port that accepts but never answers is unreachable: no answer within the timeout', async () => {
    const port = await listen(createTcpServer((socket) => sockets.push(socket)));
    expect(await probeRegistry(`127.0.0.1:${port}`, 300)).toEqual({ reachable: false, reason: 'HTTPS: no answer within 0.3 s; HTTP: no answer within 0.3 s' });
  });
});

describe('probeRegistry cancelled', () => {
  it('a probe of a silent port ends as soon as its signal aborts (a host that is disposed does not wait 3 s)', async () => {
    const port = await listen(createTcpServer((socket) => sockets.push(socket)));
    const controller = new AbortController();
    const probe = probeRegistry(`127.0.0.1:${port}`, 60_000, controller.signal);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await probe).toEqual({ reachable: false, reason: 'the check was cancelled' });
  });
});

describe('isLoopbackRegistry', () => {
  it.each([
    ['localhost:5000', true],
    ['localhost', true],
    ['127.0.0.1:5000', true],
    ['127.8.9.10', true],
    ['[::1]:5000', true],
    ['registry-1.docker.io', false],
    ['mcr.microsoft.com', false],
    ['10.0.0.5:5000', false],
    ['[fe80::1]:5000', false],
    ['localhost.example.com', false],
  ])('%s -> %s', (address, expected) => {
    expect(isLoopbackRegistry(address)).toBe(expected);
  });
});

describe('failureWords', () => {
  const error = (code: string, message = code) => Object.assign(new Error(message), { code });
  it.each([
    ['ENOTFOUND', 'the name mcr.microsoft.com does not resolve (DNS)'],
    ['EAI_AGAIN', 'the name mcr.microsoft.com does not resolve (DNS)'],
    ['ECONNREFUSED', 'connection refused'],
    ['ENETUNREACH', 'no network route'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'the TLS handshake failed'],
  ])('%s', (code, words) => {
    expect(failureWords(error(code), 'mcr.microsoft.com')).toBe(words);
  });
});
