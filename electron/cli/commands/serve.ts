import { spawn } from 'node:child_process';
import { resolveDataDir } from '../../host/data-dir';
import { createHost } from '../../host/host';
import { rendererDir } from '../../host/paths';
import { DEFAULT_PORT, serveConsole } from '../../host/serve';
import type { CliCommand } from '../command';

export const serveCommand: CliCommand = {
  path: ['serve'],
  summary: 'Run the console for a browser on loopback (same services as the app)',
  usage: '[--port N] [--host ADDR --allow-remote] [--open]',
  options: {
    port: { type: 'string', description: `port to listen on (default ${DEFAULT_PORT}, or GATEHOUSE_PORT); a free one is used if it is taken` },
    host: { type: 'string', description: 'address to bind (default 127.0.0.1)' },
    'allow-remote': { type: 'boolean', description: 'allow binding a non-loopback address (prints a warning)' },
    open: { type: 'boolean', description: 'open the console in the default browser' },
  },
  async run({ values, io }) {
    const portText = (values.port as string | undefined) ?? io.env.GATEHOUSE_PORT;
    const port = portText === undefined ? DEFAULT_PORT : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr(`gatehouse serve: --port must be a number from 0 to 65535, not "${portText}"`);
      return 2;
    }
    let host;
    try {
      host = createHost({ dataDir: resolveDataDir(io.env), shell: 'served', env: io.env, log: io.stderr });
    } catch (error) {
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
        log: io.stderr,
      });
    } catch (error) {
      host.dispose();
      io.stderr(`gatehouse serve: ${(error as Error).message}`);
      return 2;
    }
    if (values.json) io.stdout(JSON.stringify({ url: served.url, port: served.port, dataDir: host.dataDir }));
    else io.stdout(`Gatehouse console: ${served.url}\nData folder: ${host.dataDir}\nPress Ctrl+C to stop.`);
    if (values.open) openBrowser(served.url);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    served.dispose();
    host.dispose();
    return 0;
  },
};

export function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
