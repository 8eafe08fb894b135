import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the real IoT Edge runtime (aziot-edged 1.2+ and the aziot identity services) keeps its sockets: the
 * identity, key, certificate and TPM services in /run/aziot, and edged's management socket. A folder is searched
 * for `*.sock` sockets; a file must be a socket (a folder docker created by binding a missing path is not).
 */
export const AZIOT_SOCKET_PATHS: readonly string[] = ['/run/aziot', '/var/run/iotedge/mgmt.sock'];

/** The sockets among `paths` that exist on this machine; missing or unreadable paths count as absent. */
export async function findAziotSockets(paths: readonly string[] = AZIOT_SOCKET_PATHS): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const info = await lstat(path).catch(() => undefined);
    if (info?.isSocket()) found.push(path);
    else if (info?.isDirectory()) {
      const names = await readdir(path).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith('.sock')).sort()) {
        if ((await lstat(join(path, name)).catch(() => undefined))?.isSocket()) found.push(join(path, name));
      }
    }
  }
  return found;
}
