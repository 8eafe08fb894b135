import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { expect, test } from './support/served-console';

/** Raw HTTP so that Host and Origin can be set to anything (fetch forbids changing Host). */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function openSocket(port: number, headers: Record<string, string>) {
  return new Promise<{ socket?: WebSocket; status?: number }>((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    socket.once('error', () => resolve({}));
  });
}

function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
}

test.describe('served console security', () => {
  test('every request needs the token', async ({ served }) => {
    const host = `127.0.0.1:${served.port}`;
    expect((await raw(served.port, '/', { host })).status).toBe(401);
    expect((await raw(served.port, '/assets/anything.js', { host })).status).toBe(401);
    expect((await raw(served.port, '/', { host, authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await raw(served.port, '/?token=wrong', { host })).status).toBe(401);
    const ok = await raw(served.port, '/', { host, authorization: `Bearer ${served.token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect(ok.headers['content-security-policy']).not.toContain('unsafe-eval');
  });

  test('the token in the URL is traded for an HttpOnly cookie and a redirect without it', async ({ served }) => {
    const res = await raw(served.port, `/?token=${served.token}`, { host: `127.0.0.1:${served.port}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  test('a wrong Host or Origin is refused (DNS rebinding)', async ({ served }) => {
    const auth = { authorization: `Bearer ${served.token}` };
    expect((await raw(served.port, '/', { ...auth, host: `evil.example:${served.port}` })).status).toBe(403);
    expect((await raw(served.port, '/', { ...auth, host: `127.0.0.1:${served.port}`, origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw(served.port, '/', { ...auth, host: `localhost:${served.port}`, origin: `http://localhost:${served.port}` })).status).toBe(200);
  });

  test('WebSocket needs the token and a matching Origin', async ({ served }) => {
    const origin = served.origin;
    expect((await openSocket(served.port, { origin })).status).toBe(401);
    expect((await openSocket(served.port, { origin: 'http://evil.example', cookie: `gatehouse_token_${served.port}=${served.token}` })).status).toBe(403);
    expect((await openSocket(served.port, { authorization: `Bearer ${served.token}` })).status).toBe(403);
    const { socket } = await openSocket(served.port, { origin, cookie: `gatehouse_token_${served.port}=${served.token}` });
    expect(socket).toBeDefined();
    socket?.close();
  });

  test('bad frames and payloads are refused with a code, and the connection stays usable', async ({ served }) => {
    const { socket } = await openSocket(served.port, { origin: served.origin, cookie: `gatehouse_token_${served.port}=${served.token}` });
    if (!socket) throw new Error('no socket');
    socket.send('not json');
    expect(await nextMessage(socket)).toMatchObject({ t: 'error', error: { code: 'BAD_REQUEST' } });
    socket.send(JSON.stringify({ t: 'invoke', id: 1, method: 'app.nope', params: {} }));
    expect(await nextMessage(socket)).toMatchObject({ t: 'result', id: 1, result: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });
    socket.send(JSON.stringify({ t: 'invoke', id: 2, method: 'app.updateSettings', params: { theme: 'purple' } }));
    expect(await nextMessage(socket)).toMatchObject({ t: 'result', id: 2, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    socket.send(JSON.stringify({ t: 'invoke', id: 3, method: 'app.getSettings', params: { extra: 1 } }));
    expect(await nextMessage(socket)).toMatchObject({ t: 'result', id: 3, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    socket.send(JSON.stringify({ t: 'sub', event: 'app.nothing' }));
    expect(await nextMessage(socket)).toMatchObject({ t: 'error', error: { code: 'UNKNOWN_METHOD' } });
    socket.send(JSON.stringify({ t: 'invoke', id: 4, method: 'app.getSettings', params: {} }));
    expect(await nextMessage(socket)).toMatchObject({ t: 'result', id: 4, result: { ok: true, value: { theme: 'system' } } });
    socket.close();
  });

  test('RPC over HTTP refuses bad payloads with a code', async ({ served }) => {
    const headers = { host: `127.0.0.1:${served.port}`, authorization: `Bearer ${served.token}`, 'content-type': 'application/json' };
    const bad = await raw(served.port, '/api/rpc', headers, 'POST', JSON.stringify({ method: 'app.updateSettings', params: { theme: 3 } }));
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const good = await raw(served.port, '/api/rpc', headers, 'POST', JSON.stringify({ method: 'status.get', params: {} }));
    expect(JSON.parse(good.body)).toMatchObject({ ok: true, value: { engine: { state: expect.any(String) } } });
  });
});
