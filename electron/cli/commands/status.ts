import { appContract, statusContract } from '../../../shared/ipc';
import type { HostStatus } from '../../../shared/ipc/status.contract';
import type { CliCommand } from '../command';
import { connectHost, contractClient } from '../host-client';

export const statusCommand: CliCommand = {
  path: ['status'],
  summary: 'Show the container engine, runtime and hub status',
  usage: '[--json]',
  options: {},
  async run({ values, io }) {
    const connection = await connectHost(io.env);
    try {
      const status = await contractClient(statusContract, connection).refresh({});
      const info = await contractClient(appContract, connection).getInfo({});
      if (!status.ok || !info.ok) {
        const error = !status.ok ? status.error : !info.ok ? info.error : undefined;
        io.stderr(`gatehouse status: ${error?.message}`);
        return 1;
      }
      if (values.json) {
        io.stdout(JSON.stringify({ host: connection.mode, dataDir: info.value.dataDir, version: info.value.version, ...status.value }));
      } else {
        io.stdout(formatStatus(status.value, connection.mode, info.value.dataDir));
      }
      return 0;
    } finally {
      connection.close();
    }
  },
};

function formatStatus(status: HostStatus, mode: string, dataDir: string): string {
  const engine =
    status.engine.state === 'available'
      ? `${status.engine.name} ${status.engine.version} (API ${status.engine.apiVersion})`
      : status.engine.state === 'unavailable'
        ? `unavailable — ${status.engine.reason}`
        : 'checking';
  return [
    `Engine:   ${engine}`,
    `Runtime:  ${status.runtime.state} — ${status.runtime.summary}`,
    `Hub:      ${status.hub.state}`,
    `Data:     ${dataDir}`,
    `Host:     ${mode === 'remote' ? 'running console' : 'in this process'}`,
  ].join('\n');
}
