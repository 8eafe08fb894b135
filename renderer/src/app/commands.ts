import type { ThemePreference } from '../../../shared/ipc/app.contract';
import { AREAS } from './areas';
import type { AreaId } from './ui-store';

export interface PaletteCommand {
  readonly id: string;
  readonly title: string;
  readonly group: 'Go to' | 'Appearance' | 'Console';
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

/** Case-insensitive match of every word of the query against title and keywords. */
export function filterCommands(commands: readonly PaletteCommand[], query: string): PaletteCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return commands.filter((c) => {
    const haystack = `${c.title} ${c.group} ${c.keywords ?? ''}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}
