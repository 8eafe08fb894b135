import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from '../../host/host';
import { serveConsole } from '../../host/serve';
import { runCli } from '../main';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function cli(home: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: home, env: { GATEHOUSE_HOME: home } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-token-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('gatehouse token', () => {
  it('shows the running console URL, and rotation switches the running console at once', async () => {
    const dataDir = home();
    const host = createHost({ dataDir, shell: 'served', dockerSocketPath: join(dataDir, 'none.sock'), log: () => undefined });
    const served = await serveConsole({ host, rendererDir: tmpdir(), port: 0, log: () => undefined });
    cleanups.push(() => (served.dispose(), host.dispose()));
    const before = served.url;
    expect(await cli(dataDir, 'token', 'show')).toMatchObject({ code: 0, stdout: before });
    const rotated = await cli(dataDir, 'token', 'rotate', '--json');
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ running: true, dataDir, url: served.url });
    expect(served.url).not.toBe(before);
    expect((await fetch(`${served.origin}/api/session`, { headers: { authorization: `Bearer ${new URL(before).searchParams.get('token')}` } })).status).toBe(401);
    expect(JSON.parse((await cli(dataDir, 'token', 'show', '--json')).stdout)).toMatchObject({ running: true, url: served.url });
  });

  it('says no console runs, and rotates the stored token for the next start', async () => {
    const dataDir = home();
    expect(await cli(dataDir, 'token', 'show')).toMatchObject({ code: 1, stderr: expect.stringContaining('no console is running') });
    const first = createHost({ dataDir, shell: 'served', dockerSocketPath: join(dataDir, 'none.sock'), log: () => undefined });
    const a = await serveConsole({ host: first, rendererDir: tmpdir(), port: 0, log: () => undefined });
    const old = a.token;
    a.dispose();
    first.dispose();
    expect(await cli(dataDir, 'token', 'rotate')).toMatchObject({ code: 0, stdout: expect.stringContaining('Token rotated') });
    const second = createHost({ dataDir, shell: 'served', dockerSocketPath: join(dataDir, 'none.sock'), log: () => undefined });
    const b = await serveConsole({ host: second, rendererDir: tmpdir(), port: 0, log: () => undefined });
    cleanups.push(() => (b.dispose(), second.dispose()));
    expect(b.token).not.toBe(old);
  });
});
