import { parseArgs } from 'node:util';
import { GATEHOUSE_VERSION } from '../host/version';
import type { CliCommand, CliIo } from './command';
import { oneLine } from './one-line';
import { COMMANDS, findCommand } from './registry';

export function helpText(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => `${c.path.join(' ')} ${c.usage}`.length));
  const lines = commands.map((c) => `  ${`${c.path.join(' ')} ${c.usage}`.padEnd(width)}  ${c.summary}`);
  return [
    'Gatehouse — console for IoT Edge gateways',
    '',
    'Usage: gatehouse <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --json       machine-readable output (one JSON document on stdout)',
    '  --help, -h   help for gatehouse or a command',
    '  --version    print the version',
    '',
    'Environment: GATEHOUSE_HOME sets the data folder.',
  ].join('\n');
}

export function commandHelp(command: CliCommand): string {
  const options = Object.entries(command.options).map(
    ([name, o]) => `  --${name}${o.short ? `, -${o.short}` : ''}${o.type === 'string' ? ' <value>' : ''}  ${o.description}`,
  );
  return [`Usage: gatehouse ${command.path.join(' ')} ${command.usage}`, '', command.summary, '', 'Options:', ...options].join('\n');
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (argv.includes('--version') && words.length === 0) {
    io.stdout(argv.includes('--json') ? JSON.stringify({ version: GATEHOUSE_VERSION }) : GATEHOUSE_VERSION);
    return 0;
  }
  const firstOption = argv.findIndex((a) => a.startsWith('-'));
  const found = findCommand(firstOption === -1 ? argv : argv.slice(0, firstOption));
  if (!found) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
      io.stdout(helpText());
      return 0;
    }
    const message = `unknown command "${words.join(' ')}". Run \`gatehouse --help\` for the list.`;
    jsonError(argv, io, 'BAD_REQUEST', message);
    io.stderr(`gatehouse: ${message}`);
    return 2;
  }
  const { command } = found;
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv.slice(command.path.length) as string[], command),
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, ...command.options },
    });
  } catch (error) {
    jsonError(argv, io, 'BAD_REQUEST', (error as Error).message);
    io.stderr(`gatehouse ${command.path.join(' ')}: ${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  try {
    return await command.run({ positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | string[] | undefined>, io });
  } catch (error) {
    // A bug, not a verdict: never exit 1 ("the input has errors") for it, and never a stack trace.
    jsonError(argv, io, 'INTERNAL', `internal error: ${oneLine(error)}`);
    io.stderr(`gatehouse ${command.path.join(' ')}: internal error: ${oneLine(error)}`);
    return 2;
  }
}

/** With `--json`, a usage error or a bug is still one JSON document on stdout (`{error: {code, message}}`), for scripts. */
function jsonError(argv: readonly string[], io: CliIo, code: 'BAD_REQUEST' | 'INTERNAL', message: string): void {
  if (argv.includes('--json')) io.stdout(JSON.stringify({ error: { code, message } }));
}

/**
 * `--top -1` as az spells it: node's parser calls a value that starts with "-" ambiguous, so a string option
 * followed by a negative number is passed as `--top=-1`.
 */
export function joinNegativeValues(args: readonly string[], command: CliCommand): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const option = arg.startsWith('--') ? command.options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
