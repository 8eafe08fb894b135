import type { CliCommand } from './command';
import { expandCommand } from './commands/expand';
import { routesCheckCommand, routesEvalCommand } from './commands/routes';
import { serveCommand } from './commands/serve';
import { validateCommand } from './commands/validate';
import { statusCommand } from './commands/status';
import { tokenRotateCommand, tokenShowCommand } from './commands/token';
import { localhubInfoCommand } from './commands/localhub';
import { IOTHUB_COMMANDS, monitorEventsCommand } from './commands/iothub';
import { HUB_COMMANDS } from './commands/hub';
import { EDGEHUB_COMMANDS } from './commands/edgehub';
import { checkCommand } from './commands/check';
import { supportBundleCommand } from './commands/support-bundle';
import { evidenceCommand, evidenceVerifyCommand } from './commands/evidence';
import { driftApproveCommand, driftCommand } from './commands/drift';
import { deploymentsHistoryCommand, rollbackCommand } from './commands/rollback';
import {
  runtimeApplyCommand,
  runtimeLogsCommand,
  runtimeMethodCommand,
  runtimeRestartCommand,
  runtimeSideloadCommand,
  runtimeStartCommand,
  runtimeStatusCommand,
  runtimeStopCommand,
  runtimeSampleCommand,
} from './commands/runtime';

/** Every CLI command, in the order `gatehouse --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  statusCommand,
  tokenShowCommand,
  tokenRotateCommand,
  validateCommand,
  routesCheckCommand,
  routesEvalCommand,
  expandCommand,
  runtimeApplyCommand,
  runtimeStatusCommand,
  runtimeLogsCommand,
  runtimeRestartCommand,
  runtimeStopCommand,
  runtimeStartCommand,
  runtimeSideloadCommand,
  runtimeMethodCommand,
  runtimeSampleCommand,
  localhubInfoCommand,
  ...EDGEHUB_COMMANDS,
  checkCommand,
  supportBundleCommand,
  evidenceCommand,
  evidenceVerifyCommand,
  driftCommand,
  driftApproveCommand,
  rollbackCommand,
  deploymentsHistoryCommand,
  ...HUB_COMMANDS,
  ...IOTHUB_COMMANDS,
  monitorEventsCommand,
];

/** The command whose path is the longest prefix of argv's words. */
export function findCommand(words: readonly string[], commands: readonly CliCommand[] = COMMANDS): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => words[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return best ? { command: best, rest: words.slice(best.path.length) } : undefined;
}
