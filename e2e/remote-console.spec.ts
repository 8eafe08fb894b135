import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test, type Browser } from '@playwright/test';
import WebSocket from 'ws';
import { chromiumLaunchOptions } from './support/chromium';
import { SCREENSHOTS } from './support/served-console';

/**
 * The remote console as an engineer meets it on site: `gatehouse serve --host <addr> --allow-remote` runs on the
 * gateway (here: inside a network namespace this test creates, on a veth address that is not loopback) and a
 * browser on the laptop (Chromium in the root namespace) opens it over HTTPS. Addresses are from TEST-NET-2
 * (RFC 5737): nothing leaves this machine.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NS = `gh-remote-${process.pid}`;
const HOST_SIDE = `ghr${process.pid % 100000}a`;
const NS_SIDE = `ghr${process.pid % 100000}b`;
const LAPTOP_ADDR = '198.51.100.1';
const GATEWAY_ADDR = '198.51.100.2';

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

/** Why the namespace cannot be made here (not Linux, not root, no iproute2), or undefined. */
function namespacesUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  if (spawnSync('ip', ['-V']).status !== 0) return "iproute2's `ip` is not installed (apt-get install iproute2)";
  return undefined;
}

interface Gateway {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly url: string;
  readonly port: number;
  readonly fingerprint256: string;
  readonly names: string[];
  stderr: () => string;
}

let gateway: Gateway | undefined;
let browser: Browser | undefined;

async function startGateway(): Promise<Gateway> {
  ip('netns', 'add', NS);
  ip('link', 'add', HOST_SIDE, 'type', 'veth', 'peer', 'name', NS_SIDE);
  ip('link', 'set', NS_SIDE, 'netns', NS);
  ip('addr', 'add', `${LAPTOP_ADDR}/30`, 'dev', HOST_SIDE);
  ip('link', 'set', HOST_SIDE, 'up');
  ip('-n', NS, 'addr', 'add', `${GATEWAY_ADDR}/30`, 'dev', NS_SIDE);
  ip('-n', NS, 'link', 'set', NS_SIDE, 'up');
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-remote-'));
  const env = { ...process.env, GATEHOUSE_HOME: dataDir, DOCKER_HOST: `unix://${join(dataDir, 'no-engine.sock')}` };
  const child = spawn('ip', ['netns', 'exec', NS, process.execPath, join(ROOT, 'dist/cli.mjs'), 'serve', '--host', GATEWAY_ADDR, '--allow-remote', '--hostname', 'gateway.test', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => fail(new Error(`gatehouse serve exited with ${code}: ${stderr}`)));
    setTimeout(() => fail(new Error(`gatehouse serve did not start in 30 s: ${stderr}`)), 30_000);
  });
  const printed = JSON.parse(line) as { url: string; port: number; fingerprint256: string; names: string[] };
  return { child, dataDir, ...printed, stderr: () => stderr };
}

/** The certificate the gateway presents, read by a TLS handshake from the laptop side. */
function presentedCertificate(port: number): Promise<X509Certificate> {
  return new Promise((done, fail) => {
    const socket = tlsConnect({ host: GATEWAY_ADDR, port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      done(new X509Certificate(raw));
    });
    socket.on('error', fail);
  });
}

function httpsStatus(url: string, ca: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const req = httpsRequest(url, { ca, headers, servername: 'gateway.test' }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

test.describe('remote console over HTTPS', () => {
  test.beforeAll(async () => {
    const why = namespacesUnavailable();
    if (why) {
      console.log(`remote console spec not run: ${why}. It runs on Linux as root (as CI does).`);
      test.skip(true, why);
      return;
    }
    gateway = await startGateway();
  });

  test.afterAll(async () => {
    await browser?.close();
    if (gateway?.child.exitCode === null) {
      const exited = new Promise((r) => gateway?.child.once('exit', r));
      gateway.child.kill('SIGTERM');
      await exited;
    }
    spawnSync('ip', ['netns', 'del', NS]);
    spawnSync('ip', ['link', 'del', HOST_SIDE]);
    if (gateway) rmSync(gateway.dataDir, { recursive: true, force: true });
  });

  test('the engineer opens the gateway console from a laptop browser, with the certificate the console printed', async () => {
    if (!gateway) throw new Error('no gateway');
    const { port } = gateway;
    expect(gateway.url).toMatch(new RegExp(`^https://${GATEWAY_ADDR.replace(/\./g, '\\.')}:${port}/\\?token=`));
    expect(gateway.names).toEqual(expect.arrayContaining([GATEWAY_ADDR, 'gateway.test']));
    // What the browser sees is what the console printed.
    const certificate = await presentedCertificate(port);
    expect(certificate.fingerprint256).toBe(gateway.fingerprint256);
    expect(certificate.subjectAltName).toContain(`IP Address:${GATEWAY_ADDR}`);
    expect(certificate.subjectAltName).toContain('DNS:gateway.test');
    const ca = readFileSync(join(gateway.dataDir, 'pki', 'root-ca.cert.pem'), 'utf8');
    expect(certificate.checkIssued(new X509Certificate(readFileSync(join(gateway.dataDir, 'pki', 'edge-ca.cert.pem'))))).toBe(true);

    // Chromium trusts exactly this certificate's key (as an engineer accepting the fingerprint would), nothing else.
    const spki = createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const options = chromiumLaunchOptions();
    browser = await chromium.launch({ ...options, args: [...(options.args ?? []), `--ignore-certificate-errors-spki-list=${spki}`] });
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const page = await context.newPage();

    // Without the token: a page that says how to get the URL.
    await page.goto(`https://${GATEWAY_ADDR}:${port}/`);
    await expect(page.getByRole('heading', { name: 'Gatehouse needs its access link' })).toBeVisible();
    await expect(page.getByText('gatehouse token show')).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, 'remote-access-link-needed.png') });

    // The printed URL: the token is traded for a Secure, HttpOnly cookie scoped to this console's port.
    await page.goto(gateway.url);
    await expect(page.getByTestId('area-overview')).toBeVisible();
    expect(page.url()).toBe(`https://${GATEWAY_ADDR}:${port}/`);
    await expect(page.getByTestId('status-connection')).toContainText('Console connected');
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: `__Host-gatehouse_${port}`, secure: true, httpOnly: true, sameSite: 'Strict' })]);
    await page.screenshot({ path: join(SCREENSHOTS, 'remote-console-https.png') });

    // The token in the query is only for that first trade: the API does not take it.
    const token = new URL(gateway.url).searchParams.get('token') ?? '';
    const base = `https://${GATEWAY_ADDR}:${port}`;
    expect(await httpsStatus(`${base}/api/session?token=${token}`, ca, {})).toBe(401);
    expect(await httpsStatus(`${base}/api/session`, ca, { authorization: `Bearer ${token}` })).toBe(204);
    // Exactly the configured names: a wrong Host or Origin is refused, the configured name is accepted.
    expect(await httpsStatus(`${base}/api/session`, ca, { authorization: `Bearer ${token}`, host: `evil.example:${port}` })).toBe(403);
    expect(await httpsStatus(`${base}/api/session`, ca, { authorization: `Bearer ${token}`, host: `192.0.2.99:${port}` })).toBe(403);
    expect(await httpsStatus(`${base}/api/session`, ca, { authorization: `Bearer ${token}`, origin: 'https://evil.example' })).toBe(403);
    expect(await httpsStatus(`${base}/api/session`, ca, { authorization: `Bearer ${token}`, origin: `http://${GATEWAY_ADDR}:${port}` })).toBe(403);
    expect(await httpsStatus(`${base}/api/session`, ca, { authorization: `Bearer ${token}`, host: `gateway.test:${port}`, origin: `https://gateway.test:${port}` })).toBe(204);
    const refusedSocket = await new Promise<number>((done) => {
      const ws = new WebSocket(`wss://${GATEWAY_ADDR}:${port}/ws`, { ca, headers: { origin: 'https://evil.example', cookie: `__Host-gatehouse_${port}=${token}` } });
      ws.once('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
      ws.once('open', () => (ws.close(), done(101)));
      ws.once('error', () => done(0));
    });
    expect(refusedSocket).toBe(403);

    // The CLI on the gateway still reaches its running console (over HTTPS, verified against the edge CA).
    const status = spawnSync('ip', ['netns', 'exec', NS, process.execPath, join(ROOT, 'dist/cli.mjs'), 'status', '--json'], {
      env: { ...process.env, GATEHOUSE_HOME: gateway.dataDir },
      encoding: 'utf8',
    });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ host: 'remote', dataDir: gateway.dataDir });
    const shown = spawnSync('ip', ['netns', 'exec', NS, process.execPath, join(ROOT, 'dist/cli.mjs'), 'token', 'show'], { env: { ...process.env, GATEHOUSE_HOME: gateway.dataDir }, encoding: 'utf8' });
    expect(shown.stdout.trim()).toBe(gateway.url);
    expect(gateway.stderr()).toContain('WARNING: the console is reachable from the network');
  });
});
