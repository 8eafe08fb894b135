import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalHub } from '../../cloud/localhub/localhub';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { runCli } from '../main';

/**
 * `gatehouse hub …` without a running console (the command's own host on the same store). The successful add needs
 * a hub that the untouched SDK reaches on port 443 with a CA it trusts: a local hub on 443 (root only) and the bin
 * run as its own process with NODE_EXTRA_CA_CERTS; otherwise that case says why it did not run.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-hub-'));
  dirs.push(dir);
  return dir;
}

async function cli(home: string, argv: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: home,
    env: { GATEHOUSE_HOME: home },
    ...(stdin !== undefined ? { stdin: async () => stdin } : {}),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const KEY = Buffer.alloc(32, 5).toString('base64');

describe('gatehouse hub (in-process)', () => {
  it('lists the local hub as active and says how secrets are kept', async () => {
    const home = tempDir();
    const json = await cli(home, ['hub', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ active: 'local', secretStorage: 'file', hubs: [{ id: 'local', name: 'Local hub', hostName: 'localhost', policy: 'iothubowner', kind: 'local' }] });
    const text = await cli(home, ['hub', 'list']);
    expect(text.stdout).toMatch(/^\* local\s+Local hub\s+localhost\s+iothubowner$/m);
    expect(text.stdout).toContain('encrypted file in the data folder (weaker');
  });

  it('add reads the connection string from stdin, names a parse error, and a host with no hub is DISCONNECTED; nothing is stored', async () => {
    const home = tempDir();
    const incomplete = await cli(home, ['hub', 'add', '--connection-string', '-', '--json'], 'HostName=plant.azure-devices.net;SharedAccessKeyName=iothubowner\n');
    expect(incomplete.code).toBe(2);
    expect(JSON.parse(incomplete.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('has no SharedAccessKey') } });
    const cs = `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`;
    const unreachable = await cli(home, ['hub', 'add', '-c', '-'], cs);
    expect(unreachable).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot reach the hub') });
    expect(unreachable.stdout + unreachable.stderr).not.toContain(KEY);
    expect(JSON.parse((await cli(home, ['hub', 'list', '--json'])).stdout).hubs).toHaveLength(1);
    expect(await cli(home, ['hub', 'add'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--connection-string is required') });
  });

  it('use and remove name a hub that exists; the local hub cannot be removed', async () => {
    const home = tempDir();
    expect(await cli(home, ['hub', 'use', 'nothere'])).toMatchObject({ code: 1, stderr: expect.stringContaining('no hub "nothere"') });
    expect(await cli(home, ['hub', 'remove', 'local'])).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot be removed') });
    expect(await cli(home, ['hub', 'use'])).toMatchObject({ code: 2 });
    expect(await cli(home, ['hub', 'use', 'local', '--json'])).toMatchObject({ code: 0 });
  });

  it('rename needs a hub and a non-empty name; the local hub keeps its name (the service says so)', async () => {
    const home = tempDir();
    expect(await cli(home, ['hub', 'rename', 'local'])).toMatchObject({ code: 2, stderr: expect.stringContaining('gatehouse hub rename <hub> <name>') });
    expect(await cli(home, ['hub', 'rename', 'local', '  '])).toMatchObject({ code: 2, stderr: expect.stringContaining('a name is needed') });
    expect(await cli(home, ['hub', 'rename', 'nothere', 'Plant'])).toMatchObject({ code: 1, stderr: expect.stringContaining('no hub "nothere"') });
    const local = await cli(home, ['hub', 'rename', 'local', 'Mine', '--json']);
    expect(local.code).toBe(2);
    expect(JSON.parse(local.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 'the embedded local hub keeps its name' } });
    expect(JSON.parse((await cli(home, ['hub', 'list', '--json'])).stdout).hubs).toEqual([expect.objectContaining({ id: 'local', name: 'Local hub' })]);
  });

  it('show-connection-string names one hub that exists', async () => {
    const home = tempDir();
    expect(await cli(home, ['hub', 'show-connection-string'])).toMatchObject({ code: 2, stderr: expect.stringContaining('name one hub') });
    expect(await cli(home, ['hub', 'show-connection-string', 'nothere', '--json'])).toMatchObject({ code: 1, stdout: expect.stringContaining('"NOT_FOUND"') });
  });
});

describe('gatehouse hub with a hub on 443 (separate processes, the SDK untouched)', () => {
  const bin = join(__dirname, '..', '..', '..', 'bin', 'gatehouse.mjs');
  const dist = join(__dirname, '..', '..', '..', 'dist', 'cli.mjs');
  const why =
    process.getuid?.() !== 0
      ? 'needs root to listen on 443'
      : !safeRead(dist).includes('gatehouse hub add:')
        ? 'dist/cli.mjs predates the hub commands: run npm run build'
        : undefined;
  if (why) console.log(`skipped "gatehouse hub with a hub on 443": ${why}`);

  it.skipIf(why !== undefined)('adds a hub from stdin, keeps it for the next process, and device-identity show follows hub use', async () => {
    const hubDir = tempDir();
    const hub = LocalHub.start({ dataDir: hubDir, secrets: new SecretBox(hubDir), httpsPort: 443, mqttPort: 0, edgeDeviceId: 'plant-gateway' });
    try {
      while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
      if (hub.state.state !== 'running') {
        console.log(`skipped the rest of "adds a hub from stdin…": the local hub could not listen on 443 (${JSON.stringify(hub.state)})`);
        return;
      }
      const info = await hub.info();
      if (!info.ok) throw new Error(info.error.message);
      const home = tempDir();
      const env = { ...process.env, GATEHOUSE_HOME: home, NODE_EXTRA_CA_CERTS: info.value.caFile, GATEHOUSE_LOCALHUB: 'off' };
      // Asynchronous: the hub answers from this process's event loop.
      const run = (args: string[], input?: string) => runBin(bin, args, env, input);
      const key = /SharedAccessKey=([^;]+)/.exec(info.value.connectionString)![1]!;

      const wrong = await run(['hub', 'add', '-c', '-', '--json'], info.value.connectionString.replace(key, KEY));
      expect(wrong.status, wrong.stderr).toBe(1);
      expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

      const added = await run(['hub', 'add', '-c', '-', '--name', 'Plant', '--use', '--json'], `${info.value.connectionString}\n`);
      expect(added.status, added.stderr).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ name: 'Plant', hostName: 'localhost', kind: 'cloud', active: true });
      expect(added.stdout + added.stderr).not.toContain(key);
      expect(readFileSync(join(home, 'hubs', 'connection-strings.sealed')).includes(key)).toBe(false);

      const list = await run(['hub', 'list', '--json']);
      expect(JSON.parse(list.stdout)).toMatchObject({ active: expect.stringMatching(/^hub-/), hubs: [{ id: 'local' }, { name: 'Plant' }] });
      const id = JSON.parse(list.stdout).active as string;

      // Only show-connection-string prints the secret, and it is the one that was added.
      const shownCs = await run(['hub', 'show-connection-string', 'Plant']);
      expect(shownCs.status, shownCs.stderr).toBe(0);
      expect(shownCs.stdout.trim()).toBe(info.value.connectionString);
      expect(JSON.parse((await run(['hub', 'show-connection-string', id, '--json'])).stdout)).toEqual({ id, connectionString: info.value.connectionString });
      const renamed = await run(['hub', 'rename', 'Plant', 'Plant 8', '--json']);
      expect(renamed.status, renamed.stderr).toBe(0);
      expect(JSON.parse(renamed.stdout)).toMatchObject({ id, name: 'Plant 8', kind: 'cloud' });
      expect(renamed.stdout).not.toContain(key);
      expect((await run(['hub', 'rename', 'Plant 8', 'Plant'])).stdout).toContain('Renamed Plant 8 (' + id + ') to Plant.');
      const shown = await run(['device-identity', 'show', '--device-id', 'plant-gateway', '--json']);
      expect(shown.status, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ deviceId: 'plant-gateway', capabilities: { iotEdge: true } });

      expect((await run(['hub', 'use', 'local'])).status).toBe(0);
      // This command's own host runs no local hub: nothing answers now.
      expect((await run(['device-identity', 'show', '--device-id', 'plant-gateway'])).status).toBe(2);
      const removed = await run(['hub', 'remove', 'Plant', '--json']);
      expect(JSON.parse(removed.stdout)).toMatchObject({ active: 'local', hubs: [{ id: 'local' }] });
    } finally {
      await hub.dispose();
    }
  }, 120_000);

  it.skipIf(why !== undefined)('a running console adds and switches hubs for the CLI; after kill -9 the next process still has them', async () => {
    const hubDir = tempDir();
    const hub = LocalHub.start({ dataDir: hubDir, secrets: new SecretBox(hubDir), httpsPort: 443, mqttPort: 0, edgeDeviceId: 'plant-gateway' });
    let console_: ReturnType<typeof spawn> | undefined;
    try {
      while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
      if (hub.state.state !== 'running') {
        console.log(`skipped the rest of "a running console…": the local hub could not listen on 443 (${JSON.stringify(hub.state)})`);
        return;
      }
      const info = await hub.info();
      if (!info.ok) throw new Error(info.error.message);
      const home = tempDir();
      const env = { ...process.env, GATEHOUSE_HOME: home, NODE_EXTRA_CA_CERTS: info.value.caFile, GATEHOUSE_LOCALHUB: 'off', GATEHOUSE_PROBE_SCOPE: 'loopback' };
      console_ = spawn(process.execPath, [dist, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        console_!.stdout!.on('data', (d: Buffer) => ((out += d.toString()), out.includes('\n') && resolve()));
        console_!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });

      const added = await runBin(bin, ['hub', 'add', '-c', '-', '--name', 'Plant', '--use', '--json'], env, info.value.connectionString);
      expect(added.status, added.stderr).toBe(0);
      const status = await runBin(bin, ['status', '--json'], env);
      expect(JSON.parse(status.stdout)).toMatchObject({ host: 'remote', hub: { state: 'connected', kind: 'cloud', hostName: 'localhost', devices: 1 } });

      console_.kill('SIGKILL');
      await new Promise((r) => console_!.once('exit', r));
      const list = await runBin(bin, ['hub', 'list', '--json'], env);
      expect(list.status, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toMatchObject({ active: JSON.parse(added.stdout).id, hubs: [{ id: 'local' }, { name: 'Plant', kind: 'cloud' }] });
      const shown = await runBin(bin, ['device-identity', 'show', '--device-id', 'plant-gateway', '--json'], env);
      expect(JSON.parse(shown.stdout)).toMatchObject({ deviceId: 'plant-gateway' });
    } finally {
      if (console_?.exitCode === null) console_.kill('SIGKILL');
      await hub.dispose();
    }
  }, 120_000);
});

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function runBin(bin: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
    child.stdin.end(input);
  });
}
