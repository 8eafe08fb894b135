import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './hub-process';

/**
 * mosquitto for `npm run bench:hub`: Debian's package (installed when missing and running as root), started on
 * loopback with a generated config and a throwaway certificate in a temp dir, stopped at the end.
 */

export interface MosquittoConfigInput {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** Directory (ending in `/`) for mosquitto.db when persistence is on. */
  readonly persistenceDir: string | undefined;
  readonly logFile: string;
  /** Running as root: keep root (mosquitto would otherwise switch to the `mosquitto` user, who cannot read the temp dir). */
  readonly asRoot: boolean;
}

/**
 * mosquitto.conf for one TLS listener on 127.0.0.1 with anonymous clients (the load is the comparison, not auth).
 * Queue and in-flight limits are lifted so the broker never drops or throttles the bench's window of messages
 * (defaults are 1000 queued and 20 in flight per client); persistence keeps QoS 1 messages in mosquitto.db.
 */
export function mosquittoConfig(input: MosquittoConfigInput): string {
  const lines = [
    ...(input.asRoot ? ['user root'] : []),
    'per_listener_settings false',
    'allow_anonymous true',
    'max_queued_messages 1000000',
    'max_inflight_messages 0',
    `log_dest file ${input.logFile}`,
    'log_type error',
    'log_type warning',
    input.persistenceDir === undefined ? 'persistence false' : 'persistence true',
    ...(input.persistenceDir === undefined ? [] : [`persistence_location ${input.persistenceDir}`]),
    `listener ${input.port} 127.0.0.1`,
    `certfile ${input.certFile}`,
    `keyfile ${input.keyFile}`,
  ];
  return `${lines.join('\n')}\n`;
}

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];

/** The mosquitto binary, installing Debian's package when missing and root; or why it is not available. */
export function ensureMosquitto(log: (line: string) => void): { ok: true; path: string } | { ok: false; reason: string } {
  const found = () => CANDIDATES.find((p) => existsSync(p));
  const present = found();
  if (present) return { ok: true, path: present };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'mosquitto is not installed and this is not root (install it with `apt-get install -y mosquitto`)' };
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'mosquitto'], { env, encoding: 'utf8' });
  log('bench:hub: installing mosquitto (apt-get install -y mosquitto)…');
  let result = install();
  if (result.status !== 0) {
    // A fresh machine's package lists may be empty or old.
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
    result = install();
  }
  const installed = found();
  if (installed) return { ok: true, path: installed };
  return { ok: false, reason: `apt-get install mosquitto failed: ${(result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(-2).join(' ')}` };
}

export interface Mosquitto {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startMosquitto(binary: string, options: { certificatePem: string; privateKeyPem: string; persistence: boolean }): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-mosquitto-'));
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  writeFileSync(certFile, options.certificatePem);
  writeFileSync(keyFile, options.privateKeyPem, { mode: 0o600 });
  const persistenceDir = options.persistence ? `${join(dir, 'data')}/` : undefined;
  if (persistenceDir) mkdirSync(persistenceDir);
  const port = await freePort();
  const logFile = join(dir, 'mosquitto.log');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, mosquittoConfig({ port, certFile, keyFile, persistenceDir, logFile, asRoot: process.getuid?.() === 0 }));
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await waitForPort(port, 10_000, () => child.exitCode !== null || child.signalCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const logged = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    cleanup();
    throw new Error(`mosquitto did not start: ${(error as Error).message} ${stderr.trim()} ${logged.trim()}`.trim(), { cause: error });
  }
  return {
    port,
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port: number, timeoutMs: number, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone()) throw new Error('the process exited');
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
