import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { LocalHubInfo } from '../../shared/ipc/localhub.contract';

/** The built bin, as users run it (`npm run build` first). */
export const BIN = resolve(__dirname, '../../bin/gatehouse.mjs');

/** `gatehouse serve --port 0 --json` on `home`, resolved once it printed its first line (it listens then). */
export async function startServeProcess(home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], { env: { ...process.env, GATEHOUSE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ready, fail) => {
    let out = '';
    let errOut = '';
    child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), out.includes('\n') && ready()));
    child.stderr!.on('data', (d: Buffer) => (errOut += d.toString()));
    child.once('exit', (code) => fail(new Error(`gatehouse serve exited with ${code}: ${errOut}`)));
  });
  return child;
}

/** SIGTERM, and wait until it exited. */
export async function stopServeProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** `localhub info --json` of the console running on `home`; the hub starts beside it, so it is asked again for a while. */
export async function waitForLocalHub(home: string, extraArgs: readonly string[] = []): Promise<LocalHubInfo> {
  for (let i = 0; ; i++) {
    const run = spawnSync(process.execPath, [BIN, 'localhub', 'info', '--json', ...extraArgs], { env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 60_000 });
    if (run.status === 0) return JSON.parse(run.stdout) as LocalHubInfo;
    if (i >= 100) throw new Error(`localhub info failed: ${run.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
