import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
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

function host(): Host {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-serve-'));
  const h = createHost({ dataDir, shell: 'served', dockerSocketPath: join(dataDir, 'no-engine.sock'), log: () => undefined });
  cleanups.push(() => (h.dispose(), rmSync(dataDir, { recursive: true, force: true })));
  return h;
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

  it('warns when a non-loopback address is allowed', async () => {
    const lines: string[] = [];
    await serve({ bindHost: '0.0.0.0', allowRemote: true, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/WARNING.*network/);
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
    expect(await res.json()).toMatchObject(ok({ engine: { state: expect.stringMatching(/checking|unavailable/) }, runtime: { state: 'idle', detail: 'No deployment applied' } }));
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
