import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { HubConnectionsStore } from '../../services/hub-connections.store';
import { BIN, startServeProcess, stopServeProcess, waitForLocalHub } from '../served-console.test-util';

/**
 * `gatehouse monitor-events` against a served console whose active hub is a cloud hub kept without its Event
 * Hubs-compatible connection string: it cannot read that hub's events, and says where the string is in the portal.
 * (The hub's host is loopback, so the console's health checks never leave this machine.)
 */

let home: string;
let serve: ChildProcess | undefined;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'gatehouse-cli-eh-'));
  const store = new HubConnectionsStore(home, new SecretBox(home));
  const key = Buffer.alloc(32, 3).toString('base64');
  const hub = await store.add({ hostName: 'localhost', policy: 'iothubowner', name: 'plant' }, `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`);
  await store.select(hub.id);
  serve = await startServeProcess(home);
  await waitForLocalHub(home);
}, 120_000);

afterAll(async () => {
  await stopServeProcess(serve);
  rmSync(home, { recursive: true, force: true });
});

describe('gatehouse monitor-events with a cloud hub', () => {
  it('without its Event Hubs-compatible endpoint exits 2 and says where to find it', () => {
    const run = spawnSync(process.execPath, [BIN, 'monitor-events', '--timeout', '3'], { env: { ...process.env, GATEHOUSE_HOME: home }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('need its Event Hubs-compatible endpoint');
    expect(run.stderr).toContain('Built-in endpoints');
    expect(run.stdout).toBe('');
  });
});
