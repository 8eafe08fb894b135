import type { AppError } from '../../../shared/errors';
import { cloudContract, type HubEntry, type HubList } from '../../../shared/ipc/cloud.contract';
import type { CliCommand, CliIo, CliOption } from '../command';
import { connectHost, contractClient } from '../host-client';
import { STDIN } from '../read-input';

/**
 * `gatehouse hub list|add|remove|use|rename|show-connection-string`: the IoT Hubs the console connects to (the embedded local hub, `local`, and
 * hubs added by service connection string) and which one is active. A running console is asked; without one the
 * command works on the same store in the data folder. `hub add --connection-string -` reads the connection string
 * from standard input, so it never lands in shell history; it is never printed except by
 * `hub show-connection-string`, the explicit request (the console's Show is the same). Exit codes: 0 done, 1 the hub refused or no such hub, 2 usage or connection problems.
 */

type Values = Record<string, string | boolean | string[] | undefined>;
type Cloud = ReturnType<typeof contractClient<typeof cloudContract>>;

async function withHubs(io: CliIo, run: (cloud: Cloud) => Promise<number>): Promise<number> {
  const connection = await connectHost(io.env);
  try {
    return await run(contractClient(cloudContract, connection));
  } finally {
    connection.close();
  }
}

function refuse(io: CliIo, values: Values, command: string, error: AppError): number {
  if (values.json) io.stdout(JSON.stringify({ ok: false, error }));
  else io.stderr(`gatehouse ${command}: ${error.message}`);
  return error.code === 'NOT_FOUND' || error.code === 'UNAUTHORIZED' || error.code === 'CONFLICT' ? 1 : 2;
}

function storage(list: HubList): string {
  return list.secretStorage === 'keychain'
    ? 'Connection strings are stored with the OS keychain.'
    : 'Connection strings are stored in an encrypted file in the data folder (weaker: anyone who can read the data folder can read them).';
}

function printList(io: CliIo, values: Values, list: HubList): number {
  if (values.json) {
    io.stdout(JSON.stringify(list));
    return 0;
  }
  const rows = list.hubs.map((h) => [h.id === list.active ? '*' : ' ', h.id, h.name, h.hostName, h.policy]);
  const widths = [1, 2, 4, 4].map((_, i) => Math.max(...rows.map((r) => r[i + 1]!.length), ['ID', 'NAME', 'HOST', 'POLICY'][i]!.length));
  const line = (r: string[]) => `${r[0]} ${r.slice(1).map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}`;
  io.stdout([line([' ', 'ID', 'NAME', 'HOST', 'POLICY']), ...rows.map(line), '', storage(list)].join('\n'));
  return 0;
}

/** A hub named by id, name or host name (an exact, unique match), for `remove` and `use`. */
async function resolveHub(io: CliIo, values: Values, command: string, cloud: Cloud, positionals: string[]): Promise<{ list: HubList; hub: HubEntry } | number> {
  const wanted = positionals[0] ?? (typeof values.id === 'string' ? values.id : undefined);
  if (!wanted || positionals.length > 1) {
    io.stderr(`gatehouse ${command}: name one hub by id, name or host name (gatehouse hub list shows them)`);
    return 2;
  }
  const list = await cloud.hubs({});
  if (!list.ok) return refuse(io, values, command, list.error);
  const byId = list.value.hubs.find((h) => h.id === wanted);
  const others = list.value.hubs.filter((h) => h.name === wanted || h.hostName.toLowerCase() === wanted.toLowerCase());
  const hub = byId ?? (others.length === 1 ? others[0] : undefined);
  if (!hub) {
    const why = others.length > 1 ? `"${wanted}" names ${others.length} hubs (${others.map((h) => h.id).join(', ')}): use the id` : `no hub "${wanted}" (gatehouse hub list shows them)`;
    return refuse(io, values, command, { code: others.length > 1 ? 'BAD_REQUEST' : 'NOT_FOUND', message: why });
  }
  return { list: list.value, hub };
}

const NO_OPTIONS: Record<string, CliOption> = {};
const ID: Record<string, CliOption> = { id: { type: 'string', description: 'the hub (id, name or host name); or give it as the argument' } };

export const hubListCommand: CliCommand = {
  path: ['hub', 'list'],
  summary: 'List the IoT Hubs the console can connect to (* marks the active one)',
  usage: '[--json]',
  options: NO_OPTIONS,
  run: ({ values, io }) =>
    withHubs(io, async (cloud) => {
      const list = await cloud.hubs({});
      return list.ok ? printList(io, values, list.value) : refuse(io, values, 'hub list', list.error);
    }),
};

export const hubAddCommand: CliCommand = {
  path: ['hub', 'add'],
  summary: 'Add an IoT Hub by its service connection string (checked against the hub first)',
  usage: '--connection-string CS|- [--name N] [--use] [--json]',
  options: {
    'connection-string': { type: 'string', short: 'c', description: 'the service connection string (shared access policy); - reads it from standard input' },
    name: { type: 'string', short: 'n', description: 'a name for the hub (default: its host name)' },
    use: { type: 'boolean', description: 'make it the active hub' },
  },
  async run({ values, io }) {
    const given = values['connection-string'];
    if (typeof given !== 'string' || given === '') {
      io.stderr('gatehouse hub add: --connection-string is required (- reads it from standard input, which keeps it out of shell history)');
      return 2;
    }
    let connectionString = given;
    if (given === STDIN) {
      if (!io.stdin) return (io.stderr('gatehouse hub add: standard input is not available here'), 2);
      connectionString = (await io.stdin()).trim();
    }
    const name = typeof values.name === 'string' ? values.name : undefined;
    return withHubs(io, async (cloud) => {
      const added = await cloud.hubAdd({ connectionString, ...(name ? { name } : {}) });
      if (!added.ok) return refuse(io, values, 'hub add', added.error);
      if (values.use) {
        const selected = await cloud.hubSelect({ id: added.value.id });
        if (!selected.ok) return refuse(io, values, 'hub add', selected.error);
      }
      if (values.json) io.stdout(JSON.stringify({ ...added.value, active: values.use === true }));
      else io.stdout(`Added ${added.value.name} (${added.value.hostName}, policy ${added.value.policy}) as ${added.value.id}${values.use ? '; it is the active hub now' : `; gatehouse hub use ${added.value.id} connects to it`}.`);
      return 0;
    });
  },
};

export const hubRemoveCommand: CliCommand = {
  path: ['hub', 'remove'],
  summary: 'Forget an IoT Hub and its connection string (the local hub becomes active if it was)',
  usage: '<hub> [--json]',
  options: ID,
  run: ({ positionals, values, io }) =>
    withHubs(io, async (cloud) => {
      const found = await resolveHub(io, values, 'hub remove', cloud, positionals);
      if (typeof found === 'number') return found;
      const removed = await cloud.hubRemove({ id: found.hub.id });
      if (!removed.ok) return refuse(io, values, 'hub remove', removed.error);
      if (values.json) io.stdout(JSON.stringify(removed.value));
      else io.stdout(`Removed ${found.hub.name} (${found.hub.id}); the active hub is ${removed.value.active}.`);
      return 0;
    }),
};

export const hubUseCommand: CliCommand = {
  path: ['hub', 'use'],
  summary: 'Connect the console to another IoT Hub (local: the embedded local hub)',
  usage: '<hub> [--json]',
  options: ID,
  run: ({ positionals, values, io }) =>
    withHubs(io, async (cloud) => {
      const found = await resolveHub(io, values, 'hub use', cloud, positionals);
      if (typeof found === 'number') return found;
      const selected = await cloud.hubSelect({ id: found.hub.id });
      if (!selected.ok) return refuse(io, values, 'hub use', selected.error);
      if (values.json) io.stdout(JSON.stringify(selected.value));
      else io.stdout(`The active hub is ${found.hub.name} (${found.hub.hostName}).`);
      return 0;
    }),
};

export const hubRenameCommand: CliCommand = {
  path: ['hub', 'rename'],
  summary: 'Rename an IoT Hub (the embedded local hub keeps its name)',
  usage: '<hub> <name> [--json]',
  options: NO_OPTIONS,
  run: ({ positionals, values, io }) => {
    const [wanted, name] = positionals;
    if (positionals.length !== 2 || !wanted || name === undefined) {
      io.stderr('gatehouse hub rename: name the hub (id, name or host name) and its new name: gatehouse hub rename <hub> <name>');
      return Promise.resolve(2);
    }
    if (name.trim() === '') {
      io.stderr('gatehouse hub rename: a name is needed');
      return Promise.resolve(2);
    }
    return withHubs(io, async (cloud) => {
      const found = await resolveHub(io, values, 'hub rename', cloud, [wanted]);
      if (typeof found === 'number') return found;
      const renamed = await cloud.hubRename({ id: found.hub.id, name: name.trim() });
      if (!renamed.ok) return refuse(io, values, 'hub rename', renamed.error);
      if (values.json) io.stdout(JSON.stringify(renamed.value));
      else io.stdout(`Renamed ${found.hub.name} (${found.hub.id}) to ${renamed.value.name}.`);
      return 0;
    });
  },
};

export const hubShowConnectionStringCommand: CliCommand = {
  path: ['hub', 'show-connection-string'],
  summary: "Print a hub's service connection string (a secret: only on this explicit request)",
  usage: '<hub> [--json]',
  options: ID,
  run: ({ positionals, values, io }) =>
    withHubs(io, async (cloud) => {
      const found = await resolveHub(io, values, 'hub show-connection-string', cloud, positionals);
      if (typeof found === 'number') return found;
      const revealed = await cloud.hubReveal({ id: found.hub.id });
      if (!revealed.ok) return refuse(io, values, 'hub show-connection-string', revealed.error);
      io.stdout(values.json ? JSON.stringify({ id: found.hub.id, connectionString: revealed.value.connectionString }) : revealed.value.connectionString);
      return 0;
    }),
};

export const HUB_COMMANDS: readonly CliCommand[] = [hubListCommand, hubAddCommand, hubRemoveCommand, hubUseCommand, hubRenameCommand, hubShowConnectionStringCommand];
