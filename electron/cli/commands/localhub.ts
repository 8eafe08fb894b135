import { localhubContract } from '../../../shared/ipc';
import type { CliCommand } from '../command';
import { connectHost, contractClient } from '../host-client';

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
