import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findAziotSockets } from './aziot-sockets';

const dir = mkdtempSync(join(tmpdir(), 'gh-aziot-'));
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const listen = (path: string) =>
  new Promise<void>((resolve) => {
    const server = createServer();
    servers.push(server);
    server.listen(path, resolve);
  });

describe('findAziotSockets', () => {
  it('finds real sockets: *.sock in a folder, or a socket path; ignores files, folders and missing paths', async () => {
    const aziot = join(dir, 'aziot');
    mkdirSync(aziot);
    await listen(join(aziot, 'keyd.sock'));
    await listen(join(aziot, 'identityd.sock'));
    await listen(join(aziot, 'not-a-sock-name'));
    writeFileSync(join(aziot, 'plain.sock'), 'a file, not a socket');
    mkdirSync(join(aziot, 'folder.sock'));
    const iotedge = join(dir, 'iotedge');
    mkdirSync(iotedge);
    await listen(join(iotedge, 'mgmt.sock'));
    mkdirSync(join(iotedge, 'workload.sock')); // what docker leaves when it binds a missing path

    expect(await findAziotSockets([aziot, join(iotedge, 'mgmt.sock'), join(iotedge, 'workload.sock'), join(dir, 'missing')])).toEqual([
      join(aziot, 'identityd.sock'),
      join(aziot, 'keyd.sock'),
      join(iotedge, 'mgmt.sock'),
    ]);
    expect(await findAziotSockets([join(dir, 'missing'), join(aziot, 'plain.sock')])).toEqual([]);
  });
});
