import { Hamburger, makeStyles, mergeClasses, NavDrawer, NavDrawerBody, NavDrawerHeader, NavItem, Text, tokens, Tooltip } from '@fluentui/react-components';
import { Suspense, useEffect, useRef, useSyncExternalStore } from 'react';
import { AREAS } from './areas';
import { CommandPalette } from './CommandPalette';
import { ConnectionBanner } from './ConnectionBanner';
import { useGlobalCommands } from './global-commands';
import { HostErrorToasts } from './HostErrorToasts';
import { StatusBar } from './StatusBar';
import { useUi, type AreaId } from './ui-store';

const useStyles = makeStyles({
  root: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gridTemplateRows: 'auto 1fr auto',
    height: '100vh',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  banner: { gridColumn: '1 / 3' },
  nav: { gridRow: '2 / 3', height: '100%', width: '232px', backgroundColor: tokens.colorNeutralBackground2 },
  // Small screens: icons only (names in tooltips and for screen readers), the area gets the room.
  navNarrow: { width: '60px', minWidth: '60px' },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
  navItem: {
    backgroundColor: 'transparent',
    // A click on the icon's drawing must reach the item (it did not select the area at all when icons only).
    '& svg': { pointerEvents: 'none' },
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
    ':active': { backgroundColor: tokens.colorSubtleBackgroundPressed },
  },
  brand: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: `${tokens.spacingVerticalM} 0` },
  logo: { width: '28px', height: '28px' },
  main: {
    gridRow: '2 / 3',
    overflow: 'auto',
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXXXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderTopLeftRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow4,
    '@media (max-width: 1279px)': { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}` },
    // Focused by Alt+<digit> only to start from there: no ring around the whole area.
    ':focus': { outline: 'none' },
  },
  hint: { color: tokens.colorNeutralForeground3, padding: tokens.spacingHorizontalM },
  status: { gridColumn: '1 / 3' },
});

const NARROW = '(max-width: 1199px)';

function useNarrowWindow(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = matchMedia(NARROW);
      query.addEventListener('change', changed);
      return () => query.removeEventListener('change', changed);
    },
    () => matchMedia(NARROW).matches,
  );
}

export function Shell() {
  const styles = useStyles();
  const area = useUi((s) => s.area);
  const navigate = useUi((s) => s.navigate);
  const setPaletteOpen = useUi((s) => s.setPaletteOpen);
  const focusArea = useUi((s) => s.focusArea);
  const mainRef = useRef<HTMLElement>(null);
  const narrow = useNarrowWindow();
  const navCollapsed = useUi((s) => s.navCollapsed);
  const collapsed = navCollapsed ?? narrow;
  const current = AREAS.find((a) => a.id === area) ?? AREAS[0];
  useGlobalCommands();

  // Captured before any widget sees them: Ctrl+K opens the palette from inside the editor too (Monaco would take it
  // as the start of a chord), Alt+<digit> goes to an area from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        event.stopPropagation();
        setPaletteOpen(true);
      } else if (event.altKey && !event.ctrlKey && !event.metaKey) {
        const target = AREAS.find((a) => a.shortcut === event.key || event.code === `Digit${a.shortcut}`);
        if (target) {
          event.preventDefault();
          event.stopPropagation();
          navigate(target.id, { focus: true });
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [navigate, setPaletteOpen]);

  // Alt+<digit> and "Go to" put the focus in the area (its first control is then one Tab away).
  useEffect(() => {
    if (focusArea > 0) mainRef.current?.focus({ preventScroll: true });
  }, [focusArea]);

  useEffect(() => {
    document.title = `${current?.label ?? ''} — Gatehouse`;
  }, [current]);

  if (!current) return null;
  const Page = current.component;
  return (
    <div className={styles.root}>
      <div className={styles.banner}>
        <ConnectionBanner />
      </div>
      <NavDrawer
        className={mergeClasses(styles.nav, collapsed && styles.navNarrow)}
        open
        type="inline"
        selectedValue={area}
        onNavItemSelect={(_e, data) => navigate(data.value as AreaId)}
        aria-label="Areas"
      >
        <NavDrawerHeader>
          <div className={styles.brand}>
            {collapsed ? (
              <Tooltip content="Show the area names" relationship="label" positioning="after">
                <Hamburger onClick={() => useUi.getState().setNavCollapsed(false)} data-testid="nav-expand" />
              </Tooltip>
            ) : (
              <>
                <img src="./favicon.svg" alt="" className={styles.logo} />
                <Text weight="semibold" size={500}>
                  Gatehouse
                </Text>
                {narrow && (
                  <Tooltip content="Icons only" relationship="label" positioning="after">
                    <Hamburger onClick={() => useUi.getState().setNavCollapsed(null)} data-testid="nav-collapse" />
                  </Tooltip>
                )}
              </>
            )}
          </div>
        </NavDrawerHeader>
        <NavDrawerBody>
          {AREAS.map((a) => (
            <Tooltip key={a.id} content={collapsed ? `${a.label}: ${a.description} (Alt+${a.shortcut})` : `${a.description} (Alt+${a.shortcut})`} relationship="description" positioning="after">
              <NavItem value={a.id} icon={a.icon} data-testid={`nav-${a.id}`} className={styles.navItem}>
                <span className={collapsed ? styles.hidden : undefined}>{a.label}</span>
              </NavItem>
            </Tooltip>
          ))}
          {!collapsed && (
            <Text size={200} className={styles.hint}>
              Ctrl+K: command palette
            </Text>
          )}
        </NavDrawerBody>
      </NavDrawer>
      <main ref={mainRef} tabIndex={-1} className={styles.main} aria-label={current.label} data-testid={`area-${current.id}`}>
        <Suspense fallback={null}>
          <Page />
        </Suspense>
      </main>
      <div className={styles.status}>
        <StatusBar />
      </div>
      <CommandPalette />
      <HostErrorToasts />
    </div>
  );
}
