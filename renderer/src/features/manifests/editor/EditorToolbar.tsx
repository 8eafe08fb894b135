import { makeStyles, ToggleButton, tokens, Tooltip } from '@fluentui/react-components';
import { CubeRegular, FlowchartRegular, HistoryRegular, PlayRegular, SaveRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import { HostButton } from '../../../app/HostButton';
import { DeployToDeviceEntry } from '../../deployments/DeployToDevice';
import type { ManifestKind } from '../../../../../shared/manifest';
import { useManifests, type SidePanel } from '../manifests-store';
import type { useEditorActions } from './use-editor-actions';

const useStyles = makeStyles({
  actions: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, padding: `0 ${tokens.spacingHorizontalS}`, flexShrink: 0 },
  divider: { width: '1px', alignSelf: 'stretch', margin: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXS}`, backgroundColor: tokens.colorNeutralStroke2 },
});

/** Why Apply is (not) offered for a file of this kind: the tooltip says what will happen. */
function applyHint(kind: ManifestKind | undefined): { enabled: boolean; hint: string } {
  switch (kind) {
    case 'deployment':
      return { enabled: true, hint: 'Preview the plan, then run this deployment (as in the editor, saved or not) on this machine' };
    case 'template':
      return { enabled: true, hint: "Expand the template with its .env and modules' module.json for this machine, then preview the plan and apply it" };
    case 'layered':
      return { enabled: false, hint: 'A layered deployment applies on top of a base deployment in IoT Hub; apply a full deployment here' };
    case 'unknown':
      return { enabled: false, hint: 'Not a deployment manifest: there is no modulesContent to apply' };
    case undefined:
      return { enabled: false, hint: 'Checking the file…' };
  }
}

type PanelId = SidePanel | 'routes';

const PANELS: readonly { readonly id: PanelId; readonly label: string; readonly hint: string; readonly icon: ReactElement; readonly manifestOnly: boolean }[] = [
  { id: 'history', label: 'History', hint: 'Saved versions of this file', icon: <HistoryRegular />, manifestOnly: false },
  { id: 'routes', label: 'Routes', hint: 'The $edgeHub routes as a graph under the text; click a route to select it', icon: <FlowchartRegular />, manifestOnly: true },
  { id: 'modules', label: 'Modules', hint: 'The $edgeAgent modules as a form beside the text, kept in step with it', icon: <CubeRegular />, manifestOnly: true },
];

function toggle(id: PanelId): void {
  const store = useManifests.getState();
  if (id === 'routes') store.toggleRoutes();
  else store.togglePanel(id);
}

/** Save, the panels around the editor (History, Routes, Modules) and Apply to local runtime, for the active file. */
export function EditorToolbar({ actions, compact = false }: { actions: ReturnType<typeof useEditorActions>; compact?: boolean }) {
  const styles = useStyles();
  const active = useManifests((s) => s.active);
  const panel = useManifests((s) => s.panel);
  const routesOpen = useManifests((s) => s.routesOpen);
  const kind = useManifests((s) => (s.active ? s.kinds[s.active] : undefined));
  const dirty = useManifests((s) => (s.active ? s.buffers[s.active]?.dirty === true || s.buffers[s.active]?.disk.kind === 'deleted' : false));
  // Decided by the content (use-problems judges every open JSON file), not by the name.
  const manifest = active !== null && kind !== undefined;
  const apply = applyHint(kind);

  return (
    <div className={styles.actions}>
      <Tooltip content="Save (Ctrl+S)" relationship="label">
        <HostButton appearance="subtle" size="small" icon={<SaveRegular />} disabled={!active || !dirty || actions.saving} onClick={() => active && void actions.save(active)} data-testid="save-file">
          {compact ? undefined : 'Save'}
        </HostButton>
      </Tooltip>
      <span className={styles.divider} />
      {PANELS.filter((p) => manifest || !p.manifestOnly).map((p) => (
        <Tooltip key={p.id} content={compact ? `${p.label}: ${p.hint}` : p.hint} relationship="description">
          <ToggleButton appearance="subtle" size="small" icon={p.icon} aria-label={p.label} checked={p.id === 'routes' ? routesOpen : panel === p.id} onClick={() => toggle(p.id)} data-testid={`toggle-${p.id}`}>
            {compact ? undefined : p.label}
          </ToggleButton>
        </Tooltip>
      ))}
      {manifest && (
        <>
          <span className={styles.divider} />
          <Tooltip content={apply.hint} relationship="description">
            <HostButton
              appearance="subtle"
              size="small"
              icon={<PlayRegular />}
              disabledFocusable={!apply.enabled || actions.applying}
              onClick={() => active && actions.apply(active)}
              data-testid="apply-local"
            >
              {actions.applying ? 'Expanding…' : compact ? 'Apply' : 'Apply to local runtime'}
            </HostButton>
          </Tooltip>
          <DeployToDeviceEntry compact={compact} />
        </>
      )}
    </div>
  );
}
