import { Dialog, DialogBody, DialogSurface, makeStyles, mergeClasses, SearchBox, Text, tokens } from '@fluentui/react-components';
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useUpdateSettings, useAppInfo } from '../features/settings';
import { useHostActionsEnabled } from '../ipc/host';
import { allCommands, filterCommands, runCommand } from './commands';
import { useContributedCommands } from './use-commands';
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

/**
 * Runs `then` once the palette's surface has left the page (after its exit animation, when the dialog restores
 * the focus it took): a focus set before that would be taken back.
 */
function afterPaletteGone(then: () => void): void {
  const started = Date.now();
  const tick = () => {
    if (document.querySelector('[data-testid="command-palette"]') && Date.now() - started < 2000) requestAnimationFrame(tick);
    else setTimeout(then, 0);
  };
  requestAnimationFrame(tick);
}

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
  const contributed = useContributedCommands();
  const all = useMemo(() => allCommands(contributed), [contributed]);
  const matches = filterCommands(all, query);
  const active = Math.min(index, Math.max(0, matches.length - 1));

  /** Closes; the focus goes back where it was, then `next` runs (so a command that moves the focus has the last word). */
  const close = (restore = true, next?: () => void) => {
    setOpen(false);
    setQuery('');
    setIndex(0);
    const target = useUi.getState().paletteReturnFocus;
    afterPaletteGone(() => {
      if (restore && target?.isConnected) target.focus();
      next?.();
    });
  };
  const run = (id: string) => {
    const command = all.find((c) => c.id === id);
    if (!connected && command?.needsHost) return; // greyed: stays open, nothing happens
    // A command that goes somewhere takes the focus there; one that acts in place (theme, apply…) gives it back.
    const own = contributed.find((c) => c.id === id);
    if (own) {
      close(true, () => own.run());
      return;
    }
    close(!id.startsWith('go.'));
    runCommand(id, {
      navigate: (area) => navigate(area, { focus: true }),
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
