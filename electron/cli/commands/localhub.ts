import { localhubContract } from '../../../shared/ipc';
import type { CliCommand } from '../command';
import { resolveDataDir } from '../../host/data-dir';
import { connectHost, contractClient } from '../host-client';
import { readDiscovery } from '../host-http';

/**
 * `gatehouse localhub info`: where the running console's embedded local hub listens and its service connection
 * string (policy `iothubowner`, full rights), for the official SDKs, `az`-style scripts and tests. `--with-ca-key`
 * adds the device CA's certificate and private key (PEM), for tests that sign CA-authenticated device certificates;
 * they are never printed without it.
 */
export const localhubInfoCommand: CliCommand = {
  path: ['localhub', 'info'],
  summary: "Print the running local hub's connection string, host, ports and CA file",
  usage: '[--json] [--with-ca-key]',
  options: {
    'with-ca-key': { type: 'boolean', description: "Also print the device CA's certificate and private key (PEM)" },
  },
  async run({ values, io }) {
    // Only a running console has a local hub: without one, say so rather than build a host here (which would also
    // hold the data folder's lock for a moment and make a console starting at the same time refuse to start).
    const dataDir = resolveDataDir(io.env);
    if (!(await readDiscovery(dataDir))) {
      io.stderr(`gatehouse localhub info: no console is running for ${dataDir}; the local hub runs with it (start \`gatehouse serve\` or the app)`);
      return 1;
    }
    const connection = await connectHost(io.env);
    try {
      const info = await contractClient(localhubContract, connection).info(values['with-ca-key'] ? { withCaKey: true } : {});
      if (!info.ok) {
        io.stderr(`gatehouse localhub info: ${info.error.message}`);
        return 1;
      }
      const v = info.value;
      if (values.json) {
        io.stdout(JSON.stringify(v));
      } else {
        io.stdout(
          [
            `Host:               ${v.host}`,
            `HTTPS port:         ${v.httpsPort}`,
            `MQTT port:          ${v.mqttPort}`,
            `CA file:            ${v.caFile}`,
            `Connection string:  ${v.connectionString}`,
            ...(v.amqpPort !== undefined ? [`AMQP port:          ${v.amqpPort} (Event Hubs-compatible; AMQP over WebSockets on the HTTPS port)`] : []),
            ...(v.eventHubsConnectionString ? [`Event Hubs-compatible connection string: ${v.eventHubsConnectionString}`] : []),
            ...(v.deviceCaCert ? ['Device CA certificate:', v.deviceCaCert.trim(), 'Device CA private key:', (v.deviceCaKey ?? '').trim()] : []),
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      connection.close();
    }
  },
};
