import { resolve } from 'node:path';
import { edgehubContract } from '../../../shared/ipc';
import type { Outbox, RouteConfigStatus } from '../../../shared/ipc/edgehub.contract';
import type { Result } from '../../../shared/errors';
import type { CliCommand, CliIo } from '../command';
import { resolveDataDir } from '../../host/data-dir';
import { connectHost, contractClient } from '../host-client';
import { readDiscovery } from '../host-http';

/**
 * `gatehouse edgehub …`: the running console's edge hub (the local runtime's message path): where modules connect,
 * the routes in force, the Outbox (per-endpoint queues and the upstream link), `$edgeHub` reported properties, and
 * recording / replaying messages. The hub runs with the console: without one, these say so and exit 1.
 */

type Client = ReturnType<typeof contractClient<typeof edgehubContract>>;

async function withHub(name: string, io: CliIo, use: (client: Client) => Promise<number>): Promise<number> {
  const dataDir = resolveDataDir(io.env);
  if (!(await readDiscovery(dataDir))) {
    io.stderr(`gatehouse edgehub ${name}: no console is running for ${dataDir}; the edge hub runs with it (start \`gatehouse serve\` or the app)`);
    return 1;
  }
  const connection = await connectHost(io.env);
  try {
    return await use(contractClient(edgehubContract, connection));
  } finally {
    connection.close();
  }
}

function print<T>(name: string, io: CliIo, json: boolean, result: Result<T>, human: (value: T) => string): number {
  if (!result.ok) {
    if (json) io.stdout(JSON.stringify({ error: { code: result.error.code, message: result.error.message } }));
    io.stderr(`gatehouse edgehub ${name}: ${result.error.message}`);
    return 1;
  }
  io.stdout(json ? JSON.stringify(result.value) : human(result.value));
  return 0;
}

const json = (values: Record<string, unknown>) => values.json === true;

export const edgehubStatusCommand: CliCommand = {
  path: ['edgehub', 'status'],
  summary: 'Whether the edge hub runs, and on which ports',
  usage: '[--json]',
  options: {},
  run: ({ values, io }) =>
    withHub('status', io, async (hub) =>
      print('status', io, json(values), await hub.state({}), (s) =>
        s.state === 'running' ? `running since ${s.since}: MQTT on ${s.mqttPort}${s.httpsPort ? `, HTTPS on ${s.httpsPort}` : ' (no HTTPS: module-to-module methods are off)'}` : s.state === 'starting' ? 'starting' : `${s.state}: ${s.reason}`,
      ),
    ),
};

export const edgehubRoutesCommand: CliCommand = {
  path: ['edgehub', 'routes'],
  summary: 'The routes in force and the last $edgeHub desired status',
  usage: '[--json]',
  options: {},
  run: ({ values, io }) => withHub('routes', io, async (hub) => print('routes', io, json(values), await hub.routes({}), formatRoutes)),
};

export const edgehubOutboxCommand: CliCommand = {
  path: ['edgehub', 'outbox'],
  summary: 'Per-endpoint queue depth, oldest message, expired count, and the upstream link',
  usage: '[--json]',
  options: {},
  run: ({ values, io }) => withHub('outbox', io, async (hub) => print('outbox', io, json(values), await hub.outbox({}), formatOutbox)),
};

export const edgehubReportedCommand: CliCommand = {
  path: ['edgehub', 'reported'],
  summary: '$edgeHub reported properties (IoT Edge shape)',
  usage: '[--json]',
  options: {},
  run: ({ values, io }) => withHub('reported', io, async (hub) => print('reported', io, json(values), await hub.reported({}), (r) => JSON.stringify(r, null, 2))),
};

export const edgehubRecordCommand: CliCommand = {
  path: ['edgehub', 'record'],
  summary: 'Record every message the hub routes to an NDJSON file, for a number of seconds',
  usage: '--out <file.ndjson> [--seconds N] [--json]',
  options: {
    out: { type: 'string', description: 'The NDJSON file to write (must not exist)' },
    seconds: { type: 'string', description: 'How long to record (default 10)' },
  },
  async run({ values, io }) {
    const out = typeof values.out === 'string' ? resolve(io.cwd, values.out) : undefined;
    const seconds = values.seconds === undefined ? 10 : Number(values.seconds);
    if (!out || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
      io.stderr('gatehouse edgehub record: usage: --out <file.ndjson> [--seconds N] (0 < N ≤ 86400)');
      return 2;
    }
    return withHub('record', io, async (hub) => {
      const started = await hub.recordStart({ path: out });
      if (!started.ok) return print('record', io, json(values), started, () => '');
      await new Promise((r) => setTimeout(r, seconds * 1000));
      return print('record', io, json(values), await hub.recordStop({}), (v) => `${v.messages} message(s) recorded to ${v.path}`);
    });
  },
};

export const edgehubReplayCommand: CliCommand = {
  path: ['edgehub', 'replay'],
  summary: 'Send every message of a recording to a module input, in order',
  usage: '--file <file.ndjson> --module <id> --input <name> [--json]',
  options: {
    file: { type: 'string', description: 'A recording (from `edgehub record` or the Telemetry area)' },
    module: { type: 'string', description: 'The module to deliver to' },
    input: { type: 'string', description: "The module's input name" },
  },
  async run({ values, io }) {
    const { file, module, input } = values;
    if (typeof file !== 'string' || typeof module !== 'string' || typeof input !== 'string') {
      io.stderr('gatehouse edgehub replay: usage: --file <file.ndjson> --module <id> --input <name>');
      return 2;
    }
    return withHub('replay', io, async (hub) =>
      print('replay', io, json(values), await hub.replay({ path: resolve(io.cwd, file), moduleId: module, input }), (v) => `${v.delivered} message(s) delivered to ${module}/${input}`),
    );
  },
};

export const EDGEHUB_COMMANDS: readonly CliCommand[] = [
  edgehubStatusCommand,
  edgehubRoutesCommand,
  edgehubOutboxCommand,
  edgehubReportedCommand,
  edgehubRecordCommand,
  edgehubReplayCommand,
];

function formatRoutes(status: RouteConfigStatus): string {
  const head = status.code === 200 ? `routes in force (deployment ${status.lastDesiredVersion ?? '-'})` : `last $edgeHub desired refused (${status.code}): ${status.description}; the routes below stay in force`;
  const rows = status.routes.map((r) => `  ${r.name}  →  ${r.endpoint}  (priority ${r.priority}, ttl ${r.ttlSecs || 'default'})\n    ${r.text}`);
  return [head, ...(rows.length ? rows : ['  (no routes)'])].join('\n');
}

function formatOutbox(outbox: Outbox): string {
  const u = outbox.upstream;
  const upstream = u.state === 'connected' ? `connected to ${u.hubHost} since ${u.since}` : u.state === 'offline' ? `offline (${u.hubHost}): ${u.lastError}; retry at ${u.retryAt}` : u.state === 'connecting' ? `connecting to ${u.hubHost}` : `off: ${u.reason}`;
  const rows = outbox.endpoints.map((e) => `  ${e.endpoint.padEnd(32)} depth ${String(e.depth).padStart(7)}  oldest ${(e.oldestAgeMs / 1000).toFixed(1).padStart(7)} s  expired ${e.expired}  delivered ${e.delivered}`);
  return [`upstream: ${upstream}`, `store: ${(outbox.storeBytes / 1024 ** 2).toFixed(1)} MiB of ${(outbox.storeLimitBytes / 1024 ** 2).toFixed(0)} MiB`, ...(rows.length ? rows : ['  (no endpoints)'])].join('\n');
}
