import { resolveDataDir } from '../../host/data-dir';
import { ConsoleTokenStore } from '../../host/console-token';
import { SecretBox } from '../../runtime/secrets/secret-box';
import type { CliCommand } from '../command';
import { hostRequest, readDiscovery } from '../host-http';

/** `gatehouse token show`: the URL of the running console of this data folder (it carries the token). */
export const tokenShowCommand: CliCommand = {
  path: ['token', 'show'],
  summary: "Print the running console's URL with its token",
  usage: '[--json]',
  options: {},
  async run({ values, io }) {
    const dataDir = resolveDataDir(io.env);
    const discovery = await readDiscovery(dataDir);
    if (!discovery) {
      if (values.json) io.stdout(JSON.stringify({ running: false, dataDir }));
      else io.stderr(`gatehouse token show: no console is running for ${dataDir}. Start one with \`gatehouse serve\`; it prints the URL.`);
      return 1;
    }
    const url = `${discovery.consoleOrigin ?? discovery.origin}/?token=${discovery.token}`;
    io.stdout(values.json ? JSON.stringify({ running: true, dataDir, url }) : url);
    return 0;
  },
};

/**
 * `gatehouse token rotate`: a new console token. A running console switches at once (open pages lose access and
 * must open the new URL); otherwise the stored token is replaced for the next start.
 */
export const tokenRotateCommand: CliCommand = {
  path: ['token', 'rotate'],
  summary: 'Replace the console token (open pages and old URLs stop working)',
  usage: '[--json]',
  options: {},
  async run({ values, io }) {
    const dataDir = resolveDataDir(io.env);
    const discovery = await readDiscovery(dataDir);
    let response;
    try {
      response = discovery && (await hostRequest(discovery, '/api/token/rotate', 'POST'));
    } catch (cause) {
      // A discovery file left by a console that is gone (nothing listens): rotate the stored token instead.
      if ((cause as NodeJS.ErrnoException).code !== 'ECONNREFUSED') {
        io.stderr(`gatehouse token rotate: the running console at ${discovery?.origin} did not answer: ${(cause as Error).message}`);
        return 2;
      }
    }
    if (response) {
      if (response.status !== 200) {
        io.stderr(`gatehouse token rotate: the running console refused (${response.status}): ${response.body.trim()}`);
        return 2;
      }
      const { url } = JSON.parse(response.body) as { url: string };
      io.stdout(values.json ? JSON.stringify({ running: true, dataDir, url }) : `Token rotated. Open the new URL: ${url}`);
      return 0;
    }
    try {
      await new ConsoleTokenStore(dataDir, new SecretBox(dataDir)).rotate();
    } catch (cause) {
      io.stderr(`gatehouse token rotate: cannot store a new token in ${dataDir}: ${(cause as Error).message}`);
      return 2;
    }
    io.stdout(values.json ? JSON.stringify({ running: false, dataDir }) : `Token rotated for ${dataDir}; \`gatehouse serve\` prints the new URL.`);
    return 0;
  },
};
