import { appContract, statusContract } from '../../../shared/ipc';
import type { Connectivity, ConnectivityTarget, HostStatus } from '../../../shared/ipc/status.contract';
import type { CliCommand } from '../command';
import { connectHost, contractClient } from '../host-client';

export const statusCommand: CliCommand = {
  path: ['status'],
  summary: 'Show the container engine, runtime, hub and network status',
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
    `Hub:      ${hubLine(status.hub)}`,
    `Network:  ${networkLine(status.connectivity)}`,
    ...status.connectivity.targets.filter((t) => t.kind === 'registry').map((t) => `          ${targetLine(t)}`),
    `Data:     ${dataDir}`,
    `Host:     ${mode === 'remote' ? 'running console' : 'in this process'}`,
  ].join('\n');
}

/** The status bar's network word, with the host's sentence. */
export function networkLine(connectivity: Connectivity): string {
  const word: Record<Connectivity['state'], string> = {
    'not-needed': 'not needed',
    checking: 'checking',
    online: 'online',
    partial: 'partly offline',
    offline: 'offline',
    unknown: 'unknown',
  };
  return `${word[connectivity.state]} — ${connectivity.summary}`;
}

function targetLine(target: ConnectivityTarget): string {
  const checked = target.checkedAt ? `, checked ${new Date(target.checkedAt).toLocaleTimeString()}` : '';
  const why = target.reason ? ` (${target.reason}${checked})` : checked ? ` (${checked.slice(2)})` : '';
  return `${target.address}: ${target.state}${target.needed ? '' : ', not needed now'}${why}`;
}

/** The hub's state word with what the host knows: where it is, how many devices, or why it cannot be reached. */
export function hubLine(hub: HostStatus['hub']): string {
  switch (hub.state) {
    case 'connected':
      return `connected — ${hub.kind === 'local' ? 'the local hub on ' : ''}${hub.hostName} (${hub.devices} device${hub.devices === 1 ? '' : 's'})`;
    case 'connecting':
      return `connecting — ${hub.hostName}`;
    case 'unreachable':
      return `unreachable — ${hub.reason}`;
    case 'off':
      return `off — ${hub.reason}`;
  }
}
