import type { ThemePreference } from '../../../shared/ipc/app.contract';
import { AREAS } from './areas';
import type { AreaId } from './ui-store';

/** Palette groups, in the order the palette lists them: actions first, then places, then the console's own. */
export const COMMAND_GROUPS = ['Editor', 'Manifests', 'Runtime', 'Fleet', 'Deployments', 'Telemetry', 'Commissioning', 'Go to', 'Appearance', 'Console'] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number];

export interface PaletteCommand {
  readonly id: string;
  readonly title: string;
  readonly group: CommandGroup;
  readonly keywords?: string;
  readonly hint?: string;
  /** It calls the host: offered (greyed, not run) only while the console is connected. */
  readonly needsHost?: boolean;
}

export interface CommandActions {
  navigate(area: AreaId): void;
  setTheme(theme: ThemePreference): void;
  copyDataDir(): void;
  reload(): void;
}

/** Every palette entry: navigation to each area plus app-wide actions. */
export function paletteCommands(): PaletteCommand[] {
  return [
    ...AREAS.map((a): PaletteCommand => ({ id: `go.${a.id}`, title: `Go to ${a.label}`, group: 'Go to', keywords: a.description, hint: `Alt+${a.shortcut}` })),
    { id: 'theme.system', title: 'Theme: follow the system', group: 'Appearance', keywords: 'appearance color mode auto', needsHost: true },
    { id: 'theme.light', title: 'Theme: light', group: 'Appearance', keywords: 'appearance color mode', needsHost: true },
    { id: 'theme.dark', title: 'Theme: dark', group: 'Appearance', keywords: 'appearance color mode night', needsHost: true },
    { id: 'console.copyDataDir', title: 'Copy the data folder path', group: 'Console', keywords: 'home folder storage' },
    { id: 'console.reload', title: 'Reload the console', group: 'Console', keywords: 'refresh restart' },
  ];
}

/** Runs the command `id` names; one that needs the host does not run while disconnected (returns false). */
export function runCommand(id: string, actions: CommandActions, hostConnected = true): boolean {
  const command = paletteCommands().find((c) => c.id === id);
  if (!command || (command.needsHost && !hostConnected)) return false;
  run(id, actions);
  return true;
}

function run(id: string, actions: CommandActions): void {
  if (id.startsWith('go.')) return actions.navigate(id.slice(3) as AreaId);
  if (id.startsWith('theme.')) return actions.setTheme(id.slice(6) as ThemePreference);
  if (id === 'console.copyDataDir') return actions.copyDataDir();
  if (id === 'console.reload') return actions.reload();
}

/**
 * A command a feature offers while it can run it (Apply this file, Restart module tempSensor…): the feature
 * contributes it with its own `run`, and takes it back when it unmounts or the command no longer applies.
 */
export interface ContributedCommand extends PaletteCommand {
  run(): void;
}

const contributions = new Map<string, readonly ContributedCommand[]>();
const listeners = new Set<() => void>();
let contributed: readonly ContributedCommand[] = [];

function publish(): void {
  contributed = [...contributions.values()].flat();
  for (const listener of listeners) listener();
}

/** Offers `commands` under `source` (replacing what it offered before); the returned function takes them back. */
export function contributeCommands(source: string, commands: readonly ContributedCommand[]): () => void {
  contributions.set(source, commands);
  publish();
  return () => {
    if (contributions.get(source) !== commands) return;
    contributions.delete(source);
    publish();
  };
}

/** Every contributed command (a stable array between changes, for useSyncExternalStore). */
export function contributedCommands(): readonly ContributedCommand[] {
  return contributed;
}

export function subscribeContributions(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The palette's list: contributed actions and the built-in commands, grouped in COMMAND_GROUPS order. */
export function allCommands(extra: readonly PaletteCommand[]): PaletteCommand[] {
  const order = (c: PaletteCommand) => COMMAND_GROUPS.indexOf(c.group);
  return [...extra, ...paletteCommands()].map((c, i) => ({ c, i })).sort((a, b) => order(a.c) - order(b.c) || a.i - b.i).map(({ c }) => c);
}

/** Case-insensitive match of every word of the query against title and keywords. */
export function filterCommands(commands: readonly PaletteCommand[], query: string): PaletteCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return commands.filter((c) => {
    const haystack = `${c.title} ${c.group} ${c.keywords ?? ''}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}
