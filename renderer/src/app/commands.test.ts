import { describe, expect, it, vi } from 'vitest';

vi.mock('./areas', () => ({
  AREAS: [
    { id: 'overview', label: 'Overview', description: 'Engine, runtime and hub at a glance', shortcut: '1' },
    { id: 'settings', label: 'Settings', description: 'Theme, data folder and component versions', shortcut: '2' },
  ],
}));

const { allCommands, contributeCommands, contributedCommands, filterCommands, paletteCommands, runCommand, subscribeContributions } = await import('./commands');

describe('command palette commands', () => {
  it('offers navigation to every area and the app actions', () => {
    const ids = paletteCommands().map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['go.overview', 'go.settings', 'theme.dark', 'theme.light', 'theme.system', 'console.reload']));
  });

  it.each([
    ['', 7],
    ['settings', 1],
    ['THEME', 4],
    ['theme night', 1],
    ['versions', 1],
    ['nothing-like-this', 0],
  ])('filters %j to %i commands', (query, count) => {
    expect(filterCommands(paletteCommands(), query)).toHaveLength(count);
  });

  it('runs the action a command names', () => {
    const actions = { navigate: vi.fn(), setTheme: vi.fn(), copyDataDir: vi.fn(), reload: vi.fn() };
    runCommand('go.settings', actions);
    runCommand('theme.dark', actions);
    expect(actions.navigate).toHaveBeenCalledWith('settings');
    expect(actions.setTheme).toHaveBeenCalledWith('dark');
  });

  it('does not run a command that calls the host while disconnected; the others still run', () => {
    const actions = { navigate: vi.fn(), setTheme: vi.fn(), copyDataDir: vi.fn(), reload: vi.fn() };
    expect(runCommand('theme.dark', actions, false)).toBe(false);
    expect(runCommand('go.settings', actions, false)).toBe(true);
    expect(runCommand('console.reload', actions, false)).toBe(true);
    expect(actions.setTheme).not.toHaveBeenCalled();
    expect(actions.navigate).toHaveBeenCalledWith('settings');
    expect(paletteCommands().filter((c) => c.needsHost).map((c) => c.id)).toEqual(['theme.system', 'theme.light', 'theme.dark']);
  });

  it('lists contributed actions before navigation, and takes them back when their feature withdraws them', () => {
    const apply = vi.fn();
    const seen = vi.fn();
    const unsubscribe = subscribeContributions(seen);
    const withdraw = contributeCommands('editor', [{ id: 'editor.apply', title: 'Apply deployment.json to the local runtime', group: 'Editor', run: apply }]);
    const restart = contributeCommands('runtime', [{ id: 'runtime.restart.tempSensor', title: 'Restart module tempSensor', group: 'Runtime', run: vi.fn() }]);
    expect(allCommands(contributedCommands()).map((c) => c.id).slice(0, 3)).toEqual(['editor.apply', 'runtime.restart.tempSensor', 'go.overview']);
    expect(filterCommands(allCommands(contributedCommands()), 'restart').map((c) => c.id)).toEqual(['runtime.restart.tempSensor', 'console.reload']);
    contributedCommands().find((c) => c.id === 'editor.apply')?.run();
    expect(apply).toHaveBeenCalledTimes(1);
    withdraw();
    restart();
    expect(contributedCommands()).toEqual([]);
    expect(seen).toHaveBeenCalledTimes(4);
    unsubscribe();
  });

  it('a source that contributed again is not withdrawn by its stale cleanup', () => {
    const first = contributeCommands('editor', [{ id: 'a', title: 'A', group: 'Editor', run: vi.fn() }]);
    const second = contributeCommands('editor', [{ id: 'b', title: 'B', group: 'Editor', run: vi.fn() }]);
    first();
    expect(contributedCommands().map((c) => c.id)).toEqual(['b']);
    second();
  });
});
