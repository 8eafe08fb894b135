import { spawn } from 'node:child_process';
import { resolveDataDir } from '../../host/data-dir';
import { createHost } from '../../host/host';
import { rendererDir } from '../../host/paths';
import { installLastResortGuard } from '../../host/last-resort';
import { DEFAULT_PORT, serveConsole } from '../../host/serve';
import type { CliCommand } from '../command';

export const serveCommand: CliCommand = {
  path: ['serve'],
  summary: 'Run the console for a browser on loopback, or over HTTPS on the network (same services as the app)',
  usage: '[--port N] [--host ADDR --allow-remote [--hostname NAME…]] [--open]',
  options: {
    port: { type: 'string', description: `port to listen on (default ${DEFAULT_PORT}, or GATEHOUSE_PORT); a free one is used if it is taken` },
    host: { type: 'string', description: 'address to bind (default 127.0.0.1); any other address is served over HTTPS' },
    'allow-remote': { type: 'boolean', description: 'allow binding a non-loopback address (HTTPS, certificate from the local edge CA; prints a warning)' },
    hostname: { type: 'string', multiple: true, description: 'a name the remote console answers to (repeatable): checked in Host/Origin, added to the certificate' },
    open: { type: 'boolean', description: 'open the console in the default browser' },
  },
  async run({ values, io }) {
    const portText = (values.port as string | undefined) ?? io.env.GATEHOUSE_PORT;
    const port = portText === undefined ? DEFAULT_PORT : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr(`gatehouse serve: --port must be a number from 0 to 65535, not "${portText}"`);
      return 2;
    }
    const guard = installLastResortGuard(io.stderr);
    let host;
    try {
      host = createHost({ dataDir: resolveDataDir(io.env), shell: 'served', env: io.env, log: io.stderr });
    } catch (error) {
      guard.dispose();
      io.stderr(`gatehouse serve: ${(error as Error).message}`);
      return 2;
    }
    let served;
    try {
      served = await serveConsole({
        host,
        rendererDir: rendererDir(),
        port,
        bindHost: values.host as string | undefined,
        allowRemote: values['allow-remote'] === true,
        hostnames: (values.hostname as string[] | undefined) ?? [],
        log: io.stderr,
      });
    } catch (error) {
      host.dispose();
      guard.dispose();
      io.stderr(`gatehouse serve: ${(error as Error).message}`);
      return 2;
    }
    const tls = served.tls;
    if (values.json) {
      io.stdout(JSON.stringify({ url: served.url, port: served.port, dataDir: host.dataDir, ...(tls ? { fingerprint256: tls.fingerprint256, names: tls.names } : {}) }));
    } else {
      const certificate = tls
        ? `\nCertificate SHA-256: ${tls.fingerprint256}\n  (compare it with what the browser shows; it covers ${tls.names.join(', ')})`
        : '';
      io.stdout(`Gatehouse console: ${served.url}${certificate}\nData folder: ${host.dataDir}\nPress Ctrl+C to stop.`);
    }
    if (values.open) openBrowser(served.url);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    served.dispose();
    host.dispose();
    guard.dispose();
    // A stopped console must not linger: everything acknowledged is already on disk (the stores sync before they
    // acknowledge), so if a handle still holds the process 5 s after disposal, it exits anyway and says so.
    setTimeout(() => {
      io.stderr('gatehouse serve: stopped (a handle was still open 5 s after shutdown; exiting anyway)');
      process.exit(0);
    }, 5000).unref();
    return 0;
  },
};

export function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
