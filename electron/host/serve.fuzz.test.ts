import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A running `gatehouse serve` (the built CLI, as users run it) takes well over 1,000 malformed HTTP requests and
 * WebSocket upgrades — bad targets, escapes, cookies, headers, bodies, oversized headers, half-open and reset
 * connections — and then still serves the console and the API with the token. Nothing may escape a handler: the
 * last-resort guard must not have had to catch anything.
 */
const CLI = resolve(__dirname, '../../dist/cli.mjs');
const RENDERER = resolve(__dirname, '../../dist/renderer/index.html');

let child: ChildProcess;
let dataDir: string;
let port = 0;
let token = '';
let stderr = '';

beforeAll(async () => {
  if (!existsSync(CLI) || !existsSync(RENDERER)) throw new Error(`build first (npm run build): ${CLI} or ${RENDERER} is missing`);
  dataDir = mkdtempSync(join(tmpdir(), 'gh-fuzz-'));
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--json'], {
    env: { ...process.env, GATEHOUSE_HOME: dataDir, DOCKER_HOST: `unix://${join(dataDir, 'no-engine.sock')}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => fail(new Error(`gatehouse serve exited with ${code}: ${stderr}`)));
  });
  const url = new URL((JSON.parse(line) as { url: string }).url);
  port = Number(url.port);
  token = url.searchParams.get('token') ?? '';
});

afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A tiny deterministic generator, so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

interface Case {
  readonly name: string;
  readonly bytes: Buffer | string;
  /** Leave the connection open without finishing the request (closed by the test at the end). */
  readonly halfOpen?: boolean;
  /** Reset the connection right after writing. */
  readonly reset?: boolean;
}

function cases(): Case[] {
  const host = `127.0.0.1:${port}`;
  const cookie = `gatehouse_token_${port}`;
  const auth = `Authorization: Bearer ${token}\r\n`;
  const paths = ['//x:99999/', '//', '/%', '/%%', '/%E0%A4%A', '/%00', '/a%2f..%2f..%2fetc%2fpasswd', '/..%5c..%5c', '*', 'http://evil.example/', 'x', '/?token=%', '/?token=' + 'A'.repeat(5000), `/${'a/'.repeat(2000)}`, '/\u00ff\u0100', '/ws?%zz', '/api/rpc/%', '/api/%ff', '/assets/%2e%2e%2f%2e%2e%2fpackage.json'];
  const cookies = [`${cookie}=%`, `${cookie}=%E0%A4%A`, `${cookie}=`, `${cookie}`, `=%;${cookie}=%zz`, `${cookie}=${'%'.repeat(3000)}`, `${cookie}=a; ${cookie}=%`, ';;;=;', 'a'.repeat(8000)];
  const hosts = [host, '', 'evil.example', `${host}\t`, `[::1]:${port}`, `127.0.0.1:${port}:${port}`, '%', '[', `localhost:${port}@evil`];
  const origins = ['null', 'http://evil.example', '%', 'http://[', `http://${host}`, 'file://', 'javascript:alert(1)'];
  const bodies = ['null', 'nul', '[]', '{"method":null}', '{"method":"app.getInfo","params":null}', '{"method":"x".repeat(1)}', '{"method":{"toString":1}}', '"', '{'.repeat(10000), '{"method":"runtime.apply","params":{"text":1}}', '\u0000\u0001'];
  const out: Case[] = [];
  for (const path of paths) {
    out.push({ name: `GET ${path.slice(0, 40)}`, bytes: `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n` });
    out.push({ name: `GET ${path.slice(0, 40)} no token`, bytes: `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept: text/html\r\n\r\n` });
    out.push({ name: `upgrade ${path.slice(0, 40)}`, bytes: `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n` });
    out.push({ name: `upgrade ${path.slice(0, 40)} with token`, bytes: `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nCookie: ${cookie}=${token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n` });
  }
  for (const c of cookies) {
    out.push({ name: `cookie ${c.slice(0, 30)}`, bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: ${c}\r\n\r\n` });
    out.push({ name: `ws cookie ${c.slice(0, 30)}`, bytes: `GET /ws HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nCookie: ${c}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n` });
  }
  for (const h of hosts) for (const o of origins) {
    out.push({ name: `host ${h} origin ${o}`, bytes: `GET / HTTP/1.1\r\nHost: ${h}\r\nOrigin: ${o}\r\n${auth}\r\n` });
    out.push({ name: `ws host ${h} origin ${o}`, bytes: `GET /ws HTTP/1.1\r\nHost: ${h}\r\nOrigin: ${o}\r\n${auth}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x\r\n\r\n` });
  }
  for (const body of bodies) {
    for (const declared of [Buffer.byteLength(body), 0, Buffer.byteLength(body) + 10, -1]) {
      const length = declared < 0 ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${declared}\r\n`;
      const payload = declared < 0 ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\nzz\r\n` : body;
      out.push({ name: `rpc ${body.slice(0, 20)} ${declared}`, bytes: `POST /api/rpc HTTP/1.1\r\nHost: ${host}\r\n${auth}${length}\r\n${payload}`, halfOpen: declared > Buffer.byteLength(body) });
    }
  }
  out.push({ name: 'rpc over the frame limit', bytes: `POST /api/rpc HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Length: ${20 * 1024 * 1024}\r\n\r\n${'x'.repeat(2 * 1024 * 1024)}`, reset: true });
  out.push({ name: 'oversized headers', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'b'.repeat(70_000)}\r\n\r\n` });
  out.push({ name: 'many headers', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\n${'X-A: 1\r\n'.repeat(3000)}\r\n` });
  out.push({ name: 'no Host', bytes: `GET / HTTP/1.1\r\n${auth}\r\n` });
  out.push({ name: 'two Hosts', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\n${auth}\r\n` });
  out.push({ name: 'HTTP/0.9', bytes: 'GET /\r\n\r\n' });
  out.push({ name: 'HTTP/2 preface', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' });
  out.push({ name: 'TLS hello on HTTP', bytes: Buffer.from('16030100a5010000a10303', 'hex') });
  out.push({ name: 'CONNECT', bytes: `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n` });
  out.push({ name: 'header injection', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\nX: a\rb\r\n\r\n` });
  out.push({ name: 'bad header name', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header: 1\r\n\r\n` });
  out.push({ name: 'half-open headers', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\n`, halfOpen: true });
  out.push({ name: 'half-open upgrade', bytes: `GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n`, halfOpen: true });
  out.push({ name: 'reset mid-request', bytes: `POST /api/rpc HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Length: 100\r\n\r\n{"meth`, reset: true });
  out.push({ name: 'reset mid-upgrade', bytes: `GET /ws HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nCookie: ${cookie}=${token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`, reset: true });
  // Random mutations of valid requests and upgrades: bytes flipped, cut, duplicated.
  const random = prng(9);
  const templates = [
    `GET /?token=${token} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}=${token}\r\nAccept: text/html\r\n\r\n`,
    `POST /api/rpc HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Type: application/json\r\nContent-Length: 39\r\n\r\n{"method":"app.getInfo","params":{}}\r\n`,
    `GET /ws HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nCookie: ${cookie}=${token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  ];
  const alphabet = '%/:?#[]@!$&\'()*+,;=\r\n\t \u0000\u00ff{}"\\';
  while (out.length < 1200) {
    const template = Buffer.from(templates[Math.floor(random() * templates.length)] ?? '');
    const bytes = Buffer.from(template);
    const edits = 1 + Math.floor(random() * 6);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] = alphabet.charCodeAt(Math.floor(random() * alphabet.length)) & 0xff;
    }
    const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length;
    out.push({ name: `mutation ${out.length}`, bytes: bytes.subarray(0, cut), halfOpen: cut < bytes.length && random() < 0.3, reset: random() < 0.1 });
  }
  return out;
}

/**
 * Sends one raw case; resolves with the status line's code, 0 when the server closed without one, -1 when the
 * connection is left half-open (an incomplete request the server is still waiting for).
 */
function send(c: Case, open: Set<import('node:net').Socket>): Promise<number> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(reply);
      done(match ? Number(match[1]) : 0);
    };
    socket.on('error', finish);
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (!c.halfOpen && reply.includes('\r\n\r\n')) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', finish);
    socket.write(c.bytes, () => {
      if (c.reset) socket.resetAndDestroy();
      else if (c.halfOpen) {
        open.add(socket);
        done(-1);
      }
    });
    // No answer yet: the request is incomplete (the server waits for the rest). Keep it open, as an attacker would.
    socket.setTimeout(1500, () => (open.add(socket), done(-1)));
  });
}

function countBy(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Cases sent at once: a batch waits for its slowest (a half-open case answers nothing for 1.5 s). */
const BATCH = 200;

describe('gatehouse serve under malformed requests', () => {
  it('answers every malformed request with a 4xx or a close, then still serves the console and the API', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(1000);
    const open = new Set<import('node:net').Socket>();
    const statuses = new Map<string, number>();
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      const results = await Promise.all(batch.map((c) => send(c, open)));
      batch.forEach((c, j) => statuses.set(c.name, results[j] ?? 0));
      expect(child.exitCode, `the console exited after: ${batch.map((c) => c.name).join(' | ')}\n${stderr}`).toBeNull();
    }
    // Hundreds of half-open connections at once did not stop the console either.
    console.log(`fuzz: ${all.length} cases; ${[...statuses.values()].filter((s) => s === -1).length} left half-open; statuses ${JSON.stringify(countBy([...statuses.values()]))}`);
    for (const socket of open) socket.destroy();
    const serverErrors = [...statuses].filter(([, status]) => status >= 500);
    expect(serverErrors, 'no case may get a 5xx').toEqual([]);
    expect(statuses.get('GET //x:99999/ no token')).toBe(401);
    expect(statuses.get('upgrade //x:99999/')).toBe(403);
    expect(statuses.get(`cookie gatehouse_token_${port}=%`)).toBe(400);
    expect(statuses.get('oversized headers')).toBe(431);
    expect(statuses.get('rpc null 4')).toBe(400);

    // Still the console: the page, the API and a WebSocket call, with the token.
    expect(child.exitCode).toBeNull();
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const rpc = await fetch(`http://127.0.0.1:${port}/api/rpc`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ method: 'app.getInfo', params: {} }) });
    expect(await rpc.json()).toMatchObject({ ok: true, value: { name: 'Gatehouse' } });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}`, cookie: `gatehouse_token_${port}=${token}` } });
    const answer = await new Promise<unknown>((done, fail) => {
      ws.once('open', () => ws.send(JSON.stringify({ t: 'invoke', id: 1, method: 'status.get', params: {} })));
      ws.once('message', (data) => done(JSON.parse(String(data))));
      ws.once('error', fail);
    });
    ws.close();
    expect(answer).toMatchObject({ t: 'result', id: 1, result: { ok: true } });
    expect(stderr).not.toMatch(/last-resort guard|request failed/);
  }, 120_000);
});
