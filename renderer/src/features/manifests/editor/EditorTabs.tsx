import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  mergeClasses,
  shorthands,
  tokens,
} from '@fluentui/react-components';
import { CircleFilled, DismissRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { HostButton } from '../../../app/HostButton';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useDraftStore } from '../drafts/drafts-context';
import { baseName } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { EditorToolbar } from './EditorToolbar';
import { disposeModelsExcept } from './models';
import { COMPACT_TOOLBAR_BELOW } from './panel-sizes';
import { useEditorActions } from './use-editor-actions';
import { useElementWidth } from './use-element-size';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'stretch',
    minHeight: '38px',
    backgroundColor: tokens.colorNeutralBackground2,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  tabs: { display: 'flex', flex: 1, minWidth: '120px', overflowX: 'auto', scrollbarWidth: 'thin' },
  tab: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    padding: `0 ${tokens.spacingHorizontalXS} 0 0`,
    flexShrink: 0,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground3,
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    fontSize: tokens.fontSizeBase300,
    userSelect: 'none',
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover, color: tokens.colorNeutralForeground2 },
  },
  selected: {
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    boxShadow: `inset 0 2px 0 ${tokens.colorBrandStroke1}`,
    marginBottom: '-1px',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1, color: tokens.colorNeutralForeground1 },
  },
  tabLabel: {
    display: 'flex',
    alignItems: 'center',
    alignSelf: 'stretch',
    gap: tokens.spacingHorizontalXS,
    paddingLeft: tokens.spacingHorizontalM,
    outline: 'none',
    ':focus-visible': { boxShadow: `inset 0 0 0 2px ${tokens.colorStrokeFocus2}` },
  },
  dirty: { fontSize: '8px', color: tokens.colorNeutralForeground2, ...shorthands.margin(0, tokens.spacingHorizontalXXS) },
  close: { minWidth: '24px', height: '24px' },
});

/** Open files as tabs (dot = unsaved), then the active file's toolbar (Save, side panels, Apply). */
export function EditorTabs({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const tabs = useManifests((s) => s.tabs);
  const active = useManifests((s) => s.active);
  const buffers = useManifests((s) => s.buffers);
  const { openFile, closeFile } = useManifests.getState();
  const actions = useEditorActions(workspace);
  const drafts = useDraftStore();
  const [confirm, setConfirm] = useState<string | null>(null);

  const close = (path: string) => {
    closeFile(path);
    disposeModelsExcept(workspace.root, useManifests.getState().tabs);
  };
  const requestClose = (path: string) => (buffers[path]?.dirty ? setConfirm(path) : close(path));

  // A narrow bar: the toolbar drops its labels so the tabs keep room (README: Layout).
  const bar = useRef<HTMLDivElement>(null);
  const barWidth = useElementWidth(bar);
  // The active tab is always in view (opened from the explorer, the palette, a problem, after a close).
  const strip = useRef<HTMLDivElement>(null);
  useEffect(() => {
    strip.current?.querySelector('[data-active="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, tabs]);
  // Arrow keys, Home and End move between tabs (one tab stop for the strip, as a tab list should be).
  const onStripKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!(event.target instanceof HTMLElement) || event.target.getAttribute('role') !== 'tab' || !active) return;
    const index = tabs.indexOf(active);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const path = tabs[(next + tabs.length) % tabs.length];
    if (!path) return;
    openFile(path);
    requestAnimationFrame(() => strip.current?.querySelector<HTMLElement>(`[role="tab"][data-path="${CSS.escape(path)}"]`)?.focus());
  };

  return (
    <div className={styles.bar} ref={bar}>
      <div className={styles.tabs} role="tablist" aria-label="Open files" ref={strip} onKeyDown={onStripKey}>
        {tabs.map((path) => (
          // The close button sits beside the tab, not inside it (a tab holds no other control).
          <div key={path} role="presentation" className={mergeClasses(styles.tab, path === active && styles.selected)} onAuxClick={(e) => e.button === 1 && requestClose(path)} data-active={path === active ? 'true' : undefined}>
            <div
              role="tab"
              tabIndex={path === active ? 0 : -1}
              aria-selected={path === active}
              title={path}
              className={styles.tabLabel}
              onClick={() => openFile(path)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  openFile(path);
                } else if (e.key === 'Delete') {
                  e.preventDefault();
                  requestClose(path);
                }
              }}
              data-testid={`tab-${path}`}
              data-path={path}
              data-dirty={buffers[path]?.dirty ? 'true' : 'false'}
            >
              <span>{baseName(path)}</span>
              {buffers[path]?.dirty && <CircleFilled className={styles.dirty} aria-label="unsaved changes" data-testid="dirty-indicator" />}
            </div>
            <Button
              appearance="transparent"
              size="small"
              className={styles.close}
              icon={<DismissRegular />}
              aria-label={`Close ${baseName(path)}`}
              title={`Close ${baseName(path)} (Delete on the tab)`}
              tabIndex={path === active ? 0 : -1}
              onClick={() => requestClose(path)}
            />
          </div>
        ))}
      </div>
      <EditorToolbar actions={actions} compact={barWidth > 0 && barWidth < COMPACT_TOOLBAR_BELOW} />

      <Dialog open={confirm !== null} onOpenChange={(_e, data) => !data.open && setConfirm(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Save changes to {confirm ? baseName(confirm) : ''}?</DialogTitle>
            <DialogContent>Closing the tab discards the edits you have not saved.</DialogContent>
            <DialogActions>
              <HostButton
                appearance="primary"
                onClick={() => {
                  const path = confirm;
                  setConfirm(null);
                  if (path) void actions.save(path).then(() => !useManifests.getState().buffers[path]?.dirty && close(path));
                }}
              >
                Save
              </HostButton>
              <Button
                onClick={() => {
                  if (confirm) {
                    close(confirm);
                    drafts.remove(workspace.root, confirm);
                  }
                  setConfirm(null);
                }}
              >
                Discard
              </Button>
              <Button appearance="subtle" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}
