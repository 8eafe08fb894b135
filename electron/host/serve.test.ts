import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/errors';
import { createHost, type Host } from './host';
import { serveConsole, type ServedConsole } from './serve';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function host(dataDir = mkdtempSync(join(tmpdir(), 'gh-serve-'))): Host {
  const h = createHost({ dataDir, shell: 'served', dockerSocketPath: join(dataDir, 'no-engine.sock'), log: () => undefined });
  cleanups.push(() => (h.dispose(), rmSync(dataDir, { recursive: true, force: true })));
  return h;
}

/** An HTTPS request that verifies the console's certificate against the given CA (no verification turned off). */
function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    // Verify the certificate as localhost whatever Host header the test sends.
    const req = httpsRequest(url, { ca, headers, servername: 'localhost' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(options: Partial<Parameters<typeof serveConsole>[0]> = {}): Promise<ServedConsole> {
  const served = await serveConsole({ host: host(), rendererDir: tmpdir(), port: 0, log: () => undefined, ...options });
  cleanups.push(() => served.dispose());
  return served;
}

describe('serveConsole', () => {
  it('binds loopback and prints a URL that carries the token', async () => {
    const served = await serve();
    expect(served.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${served.port}/\\?token=[\\w-]{32}$`));
  });

  it('refuses a non-loopback address without --allow-remote', async () => {
    await expect(serve({ bindHost: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*--allow-remote/);
  });

  it('serves a remote console over HTTPS only, with a certificate from the local edge CA, and warns', async () => {
    const lines: string[] = [];
    const served = await serve({ bindHost: '0.0.0.0', allowRemote: true, hostnames: ['gateway-7.local'], log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/WARNING.*network.*HTTPS/);
    expect(served.url).toMatch(/^https:\/\//);
    const tls = served.tls;
    if (!tls) throw new Error('no TLS');
    expect(tls.names).toEqual(expect.arrayContaining(['gateway-7.local', '127.0.0.1', 'localhost']));
    expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const base = `https://127.0.0.1:${served.port}`;
    // The certificate verifies against the trust bundle, and the token trade sets a Secure, port-scoped cookie.
    const traded = await httpsGet(`${base}/?token=${served.token}`, tls.ca);
    expect(traded.status).toBe(303);
    expect(String(traded.headers['set-cookie'])).toMatch(new RegExp(`^__Host-gatehouse_${served.port}=.*; HttpOnly; SameSite=Strict; Path=/; Secure$`));
    const cookie = `__Host-gatehouse_${served.port}=${served.token}`;
    expect((await httpsGet(`${base}/api/session`, tls.ca, { cookie })).status).toBe(204);
    expect((await httpsGet(`${base}/api/session`, tls.ca, { cookie, host: `gateway-7.local:${served.port}`, origin: `https://gateway-7.local:${served.port}` })).status).toBe(204);
    expect((await httpsGet(`${base}/api/session`, tls.ca, { cookie, host: `evil.example:${served.port}` })).status).toBe(403);
    expect((await httpsGet(`${base}/api/session`, tls.ca, { cookie, origin: `http://127.0.0.1:${served.port}` })).status).toBe(403);
    // Plain HTTP is not spoken on the remote port.
    await expect(fetch(`http://127.0.0.1:${served.port}/api/session`)).rejects.toThrow();
  });

  it('refuses --hostname on a loopback console and names that are not host names', async () => {
    await expect(serve({ hostnames: ['gw.local'] })).rejects.toThrow(/remote console only/);
    await expect(serve({ bindHost: '0.0.0.0', allowRemote: true, hostnames: ['bad name/'] })).rejects.toThrow(/not a valid host name/);
  });

  it('keeps the token for a data folder across restarts, and rotation replaces it everywhere', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-serve-token-'));
    const first = createHost({ dataDir, shell: 'served', dockerSocketPath: join(dataDir, 'none.sock'), log: () => undefined });
    const a = await serveConsole({ host: first, rendererDir: tmpdir(), port: 0, log: () => undefined });
    const token = a.token;
    a.dispose();
    first.dispose();
    const h = host(dataDir);
    const b = await serve({ host: h });
    expect(b.token).toBe(token);
    expect(readFileSync(join(dataDir, 'secrets', 'console-token'), 'utf8')).not.toContain(token);
    const rotated = await fetch(`${b.origin}/api/token/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const { url } = (await rotated.json()) as { url: string };
    expect(url).toBe(b.url);
    expect(b.token).not.toBe(token);
    expect(JSON.parse(readFileSync(join(dataDir, 'serve.json'), 'utf8'))).toMatchObject({ token: b.token });
    expect((await fetch(`${b.origin}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${b.origin}/api/session`, { headers: { authorization: `Bearer ${b.token}` } })).status).toBe(204);
  });

  it('does not let a page rotate the token with its cookie', async () => {
    const served = await serve();
    const res = await fetch(`${served.origin}/api/token/rotate`, { method: 'POST', headers: { cookie: `gatehouse_token_${served.port}=${served.token}` } });
    expect(res.status).toBe(403);
  });

  it('accepts the token in the query only for the trade to a cookie', async () => {
    const served = await serve();
    expect((await fetch(`${served.origin}/api/session?token=${served.token}`)).status).toBe(401);
    const rpc = await fetch(`${served.origin}/api/rpc?token=${served.token}`, { method: 'POST', body: JSON.stringify({ method: 'status.get', params: {} }) });
    expect(rpc.status).toBe(401);
    const traded = await fetch(`${served.origin}/runtime?token=${served.token}&x=1`, { redirect: 'manual' });
    expect(traded.status).toBe(303);
    expect(traded.headers.get('location')).toBe('/runtime?x=1');
    expect((await fetch(`${served.origin}/?token=wrong`, { redirect: 'manual' })).status).toBe(401);
  });

  it('explains to a browser without a valid token how to get the URL, instead of a bare 401', async () => {
    const served = await serve();
    const page = await fetch(`${served.origin}/`, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('gatehouse token show');
    expect(html).toContain('without the console’s access link');
    const stale = await fetch(`${served.origin}/`, { headers: { accept: 'text/html', cookie: `gatehouse_token_${served.port}=old` } });
    expect(await stale.text()).toContain('token was rotated');
    const api = await fetch(`${served.origin}/api/session`);
    expect(api.headers.get('content-type')).toMatch(/text\/plain/);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['a string', '"status.get"'],
  ])('answers an RPC body of %s with 400, not 500', async (_what, body) => {
    const served = await serve();
    const res = await fetch(`${served.origin}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body });
    expect(res.status).toBe(400);
  });

  it('falls back to a free port when the requested one is taken, and says so', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    cleanups.push(() => blocker.close());
    const taken = (blocker.address() as { port: number }).port;
    const lines: string[] = [];
    const served = await serve({ port: taken, log: (l) => lines.push(l) });
    expect(served.port).not.toBe(taken);
    expect(lines).toContain(`Port ${taken} is in use; serving on port ${served.port} instead.`);
  });

  it('leaves a private discovery file for the CLI and answers RPC with the bearer token', async () => {
    const h = host();
    const served = await serve({ host: h });
    const file = join(h.dataDir, 'serve.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, token: served.token });
    const res = await fetch(`${served.origin}/api/rpc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served.token}` },
      body: JSON.stringify({ method: 'status.get', params: {} }),
    });
    expect(await res.json()).toMatchObject(ok({ engine: { state: expect.stringMatching(/checking|unavailable/) }, runtime: { state: expect.stringMatching(/^(idle|unavailable)$/) } }));
    const refused = await fetch(`${served.origin}/api/rpc`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
  });

  it('has no folder dialog in the served console, and says so with a code', async () => {
    const h = host();
    expect(await h.dispatcher.invoke('app.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });

  it("uses the shell's folder dialog when it has one", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-pick-'));
    const h = createHost({ dataDir, shell: 'electron', dockerSocketPath: join(dataDir, 'none.sock'), log: () => undefined, pickFolder: async (title) => `/picked/${title}` });
    cleanups.push(() => (h.dispose(), rmSync(dataDir, { recursive: true, force: true })));
    expect(await h.dispatcher.invoke('app.pickFolder', { title: 'x' })).toEqual({ ok: true, value: { path: '/picked/x' } });
  });

  it('refuses a second host on the same data folder: two agents would fight over the containers', () => {
    const first = host();
    expect(() => createHost({ dataDir: first.dataDir, shell: 'served', dockerSocketPath: join(first.dataDir, 'none.sock'), log: () => undefined })).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining(`pid ${process.pid}`) }),
    );
  });
});
