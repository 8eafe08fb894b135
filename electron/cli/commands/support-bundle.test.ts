import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { BIN, startServeProcess, stopServeProcess, waitForLocalHub } from '../served-console.test-util';

/**
 * `gatehouse support-bundle` against a running console (the built bin, as users run it): `--json` prints
 * `{path, files, bytes}` for a zip written at a relative --out, progress goes to stderr, the console token and the
 * local hub's key are in no file of it; an existing file is refused (exit 1, untouched), as is a missing folder.
 */

const home = mkdtempSync(join(tmpdir(), 'gh-cli-support-'));
const work = mkdtempSync(join(tmpdir(), 'gh-cli-support-out-'));
let console_: ChildProcess | undefined;

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 120_000 });

function entryNames(path: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => (entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8')), zip.readEntry()));
        }),
      );
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

beforeAll(async () => {
  console_ = await startServeProcess(home);
}, 60_000);

afterAll(async () => {
  await stopServeProcess(console_);
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('gatehouse support-bundle', () => {
  it('--json prints {path, files, bytes} of the zip written at a relative --out; no token or hub key inside', async () => {
    const hub = await waitForLocalHub(home);
    const token = /token=([\w-]+)/.exec(JSON.parse(cli(['token', 'show', '--json']).stdout).url as string)?.[1];
    expect(token).toBeTruthy();
    const run = cli(['support-bundle', '--out', 'bundle.zip', '--since', '30m', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { path: string; files: number; bytes: number };
    expect(Object.keys(result).sort()).toEqual(['bytes', 'files', 'path']);
    expect(result.path).toBe(join(work, 'bundle.zip'));
    expect(result.bytes).toBe(statSync(result.path).size);
    expect(run.stderr).toMatch(/\[\d+\/\d+\] versions\.json/);
    const entries = await entryNames(result.path);
    expect(entries.size).toBe(result.files);
    expect([...entries.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'README.txt', 'versions.json', 'reported/edgeAgent.json']));
    // The token and the local hub's connection strings are registered as known secrets (masked wherever they would appear).
    const index = JSON.parse(entries.get('manifest.json')!) as { redaction: { knownSecrets: Record<string, number>; unavailable: unknown[] } };
    expect(index.redaction.knownSecrets).toMatchObject({ 'console-token': 1, 'hub-connection': expect.any(Number), identity: 2 });
    expect(index.redaction.knownSecrets['hub-connection']).toBeGreaterThanOrEqual(2);
    expect(index.redaction.unavailable).toEqual([]);
    const hubKey = /SharedAccessKey=([^;]+)/.exec(hub.connectionString)![1]!;
    for (const [name, text] of entries) {
      expect(text.includes(token!), `the console token in ${name}`).toBe(false);
      expect(text.includes(hubKey), `the local hub key in ${name}`).toBe(false);
    }
  }, 120_000);

  it('refuses to overwrite a file and a folder that does not exist (exit 1, the reason said)', () => {
    writeFileSync(join(work, 'taken.zip'), 'keep me');
    const taken = cli(['support-bundle', '--out', 'taken.zip', '--json']);
    expect(taken.status).toBe(1);
    expect(JSON.parse(taken.stdout)).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('already exists') } });
    expect(readFileSync(join(work, 'taken.zip'), 'utf8')).toBe('keep me');
    const missing = cli(['support-bundle', '--out', join(work, 'nowhere', 'b.zip')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const noOut = cli(['support-bundle']);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('--out');
  });
});
