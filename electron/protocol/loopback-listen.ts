import type { Server as HttpsServer } from 'node:https';

/**
 * How both hubs bind their listeners (the local hub and the edge hub): every address on one port, a taken or
 * privileged port said with the setting that moves it, and one list of closers run in reverse on shutdown.
 */

export type Closer = () => Promise<void>;

/**
 * Binds every address on one port (the first decides it when the port is 0); only the first must succeed: e.g. with
 * no IPv6 loopback, clients dialling localhost still reach 127.0.0.1. `setting` names what moves the port.
 */
export async function bindAll(addresses: readonly string[], port: number, what: string, setting: string, bind: (address: string, port: number) => Promise<number>): Promise<number> {
  const [first = '127.0.0.1', ...rest] = addresses;
  let bound: number;
  try {
    bound = await bind(first, port);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`${what} port ${port} is in use by another program (set ${setting})`, { cause });
    if (code === 'EACCES') throw new Error(`${what} port ${port} needs privileges this user does not have (set ${setting})`, { cause });
    throw cause;
  }
  for (const address of rest) {
    try {
      await bind(address, bound);
    } catch {
      // No such loopback here, or the port is taken on that address only.
    }
  }
  return bound;
}

/** Listens and adds the server's closer (which also ends its open connections); resolves with the bound port. */
export function listenHttps(server: HttpsServer, address: string, port: number, closers: Closer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** Runs the closers, last added first; one that fails does not stop the others. */
export async function closeAll(closers: Closer[]): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
}
