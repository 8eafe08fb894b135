import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startServeProcess, stopServeProcess } from '../served-console.test-util';

/**
 * `gatehouse localhub info` against a running console (the built bin, as users run it): the shape scripts and the
 * peer-suite runner read, the device CA only on request, and a clear refusal when no console runs.
 */

const home = mkdtempSync(join(tmpdir(), 'gh-cli-localhub-'));
let console_: ChildProcess | undefined;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, GATEHOUSE_HOME: home, ...env }, encoding: 'utf8', timeout: 60_000 });

beforeAll(async () => {
  console_ = await startServeProcess(home);
}, 60_000);

afterAll(async () => {
  await stopServeProcess(console_);
  rmSync(home, { recursive: true, force: true });
});

describe('gatehouse localhub info', () => {
  it('prints {connectionString, host, httpsPort, mqttPort, caFile} of the running local hub, without the device CA key', async () => {
    let run = cli(['localhub', 'info', '--json']);
    // The hub starts beside the console: give it a moment.
    for (let i = 0; i < 50 && run.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = cli(['localhub', 'info', '--json']);
    }
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout) as Record<string, unknown>;
    // The five keys, and the Event Hubs-compatible endpoint's (on a free port in tests).
    expect(Object.keys(info).sort()).toEqual(['amqpPort', 'caFile', 'connectionString', 'eventHubsConnectionString', 'host', 'httpsPort', 'mqttPort']);
    expect(info.eventHubsConnectionString).toMatch(/^Endpoint=sb:\/\/localhost.*;SharedAccessKeyName=iothubowner;SharedAccessKey=.+;EntityPath=.+$/);
    expect(info.connectionString).toMatch(/^HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=.+$/);
    expect(readFileSync(info.caFile as string, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    expect(info.httpsPort).toBeGreaterThan(0);
    expect(info.mqttPort).toBeGreaterThan(0);
  });

  it('adds the device CA certificate and key only with --with-ca-key', () => {
    const run = cli(['localhub', 'info', '--json', '--with-ca-key']);
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout) as Record<string, string>;
    expect(info.deviceCaCert).toMatch(/BEGIN CERTIFICATE/);
    expect(info.deviceCaKey).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('says no console runs (exit 1) for another data folder, and does not take that folder', () => {
    const other = mkdtempSync(join(tmpdir(), 'gh-cli-localhub-none-'));
    try {
      const run = cli(['localhub', 'info', '--json'], { GATEHOUSE_HOME: other });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`no console is running for ${other}`);
      expect(spawnSync('ls', ['-A', other], { encoding: 'utf8' }).stdout.trim()).toBe('');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
