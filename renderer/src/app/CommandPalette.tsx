import { Dialog, DialogBody, DialogSurface, makeStyles, mergeClasses, SearchBox, Text, tokens } from '@fluentui/react-components';
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useUpdateSettings, useAppInfo } from '../features/settings';
import { useHostActionsEnabled } from '../ipc/host';
import { filterCommands, paletteCommands, runCommand } from './commands';
import { useUi } from './ui-store';

const useStyles = makeStyles({
  surface: { width: '560px', maxWidth: '90vw', padding: tokens.spacingVerticalM, alignSelf: 'flex-start', marginTop: '12vh' },
  list: { listStyle: 'none', margin: `${tokens.spacingVerticalS} 0 0`, padding: 0, maxHeight: '50vh', overflowY: 'auto' },
  item: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    cursor: 'pointer',
  },
  active: { backgroundColor: tokens.colorSubtleBackgroundSelected },
  unavailable: { color: tokens.colorNeutralForegroundDisabled, cursor: 'default' },
  group: { color: tokens.colorNeutralForeground3 },
  empty: { padding: tokens.spacingVerticalM, color: tokens.colorNeutralForeground3 },
});

export function CommandPalette() {
  const styles = useStyles();
  const open = useUi((s) => s.paletteOpen);
  const setOpen = useUi((s) => s.setPaletteOpen);
  const navigate = useUi((s) => s.navigate);
  const updateSettings = useUpdateSettings();
  const info = useAppInfo();
  const connected = useHostActionsEnabled();
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const all = useMemo(() => paletteCommands(), []);
  const matches = filterCommands(all, query);
  const active = Math.min(index, Math.max(0, matches.length - 1));

  const close = () => {
    setOpen(false);
    setQuery('');
    setIndex(0);
  };
  const run = (id: string) => {
    if (!connected && all.find((c) => c.id === id)?.needsHost) return; // greyed: stays open, nothing happens
    close();
    runCommand(id, {
      navigate,
      setTheme: (theme) => updateSettings.mutate({ theme }),
      copyDataDir: () => {
        if (info.data) void navigator.clipboard?.writeText(info.data.dataDir);
      },
      reload: () => location.reload(),
    }, connected);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const count = Math.max(1, matches.length);
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setIndex((active + 1) % count);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setIndex((active - 1 + count) % count);
    } else if (event.key === 'Enter' && matches[active]) {
      event.preventDefault();
      run(matches[active].id);
    }
  };

  return (
    <Dialog open={open} onOpenChange={(_e, data) => {
        if (data.open) setOpen(true);
        else close();
      }}>
      <DialogSurface className={styles.surface} aria-label="Command palette" data-testid="command-palette">
        <DialogBody style={{ display: 'block' }}>
          <SearchBox
            autoFocus
            placeholder="Type a command or an area…"
            value={query}
            onChange={(_e, data) => {
              setQuery(data.value);
              setIndex(0);
            }}
            onKeyDown={onKeyDown}
            style={{ width: '100%' }}
            aria-controls="palette-list"
            aria-activedescendant={matches[active] ? `palette-${matches[active].id}` : undefined}
          />
          <ul className={styles.list} id="palette-list" role="listbox" aria-label="Commands">
            {matches.map((command, i) => {
              const unavailable = !connected && command.needsHost === true;
              return (
                <li
                  key={command.id}
                  id={`palette-${command.id}`}
                  role="option"
                  aria-selected={i === active}
                  aria-disabled={unavailable || undefined}
                  className={mergeClasses(styles.item, i === active && styles.active, unavailable && styles.unavailable)}
                  onMouseEnter={() => setIndex(i)}
                  onClick={() => run(command.id)}
                >
                  <Text>{command.title}</Text>
                  <Text size={200} className={styles.group}>
                    {unavailable ? 'Needs the connection to the host' : (command.hint ?? command.group)}
                  </Text>
                </li>
              );
            })}
            {matches.length === 0 && <li className={styles.empty}>No command matches “{query}”.</li>}
          </ul>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
