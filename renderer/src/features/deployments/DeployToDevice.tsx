import {
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { CloudArrowUpRegular } from '@fluentui/react-icons';
import { DiffEditor } from '@monaco-editor/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { create } from 'zustand';
import { HostButton } from '../../app/HostButton';
import { useContributeCommands } from '../../app/use-commands';
import type { ContributedCommand } from '../../app/commands';
import { unwrap } from '../../ipc/client';
import { hubProblem } from '../fleet/hub-error';
import { BASE_OPTIONS } from '../manifests/editor/monaco-setup';
import { useThemeMode } from '../manifests/editor/use-theme-mode';
import { baseName } from '../manifests/file-kinds';
import { useManifests } from '../manifests/manifests-store';
import { useWorkspaceClient } from '../manifests/queries';
import { checkManifest, edgeDesiredText, manifestEdgeText } from './deploy-helpers';
import { editorManifest } from './editor-source';
import { deploymentKeys, useCloudClient, useEdgeDevices, useEdgeTwins } from './queries';

/** Which file the "Deploy to device…" dialog is open for (the palette and the toolbar open it). */
export const useDeployToDevice = create<{ path: string | null; open(path: string): void; close(): void }>((set) => ({
  path: null,
  open: (path) => set({ path }),
  close: () => set({ path: null }),
}));

const useStyles = makeStyles({
  surface: { width: 'min(1100px, calc(100vw - 48px))', maxWidth: 'none' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  diff: { height: 'min(420px, calc(100vh - 380px))', minHeight: '180px', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, overflow: 'hidden' },
  heads: { display: 'grid', gridTemplateColumns: '1fr 1fr', color: tokens.colorNeutralForeground3 },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

/**
 * "Deploy to device…" beside Apply to local runtime: a toolbar button and a palette action for the manifest open in
 * the editor, and the dialog they open. Mounted by the editor's toolbar while a manifest is active.
 */
export function DeployToDeviceEntry({ compact = false }: { compact?: boolean }) {
  const active = useManifests((s) => s.active);
  const kind = useManifests((s) => (s.active ? s.kinds[s.active] : undefined));
  const openFor = useDeployToDevice((s) => s.path);
  const deployable = active !== null && (kind === 'deployment' || kind === 'template');
  const commands = useMemo<readonly ContributedCommand[]>(
    () =>
      deployable && active
        ? [{ id: 'deployments.deployToDevice', title: `Deploy ${baseName(active)} to a device…`, group: 'Deployments', keywords: 'set-modules edge device hub cloud diff', needsHost: true, run: () => useDeployToDevice.getState().open(active) }]
        : [],
    [deployable, active],
  );
  useContributeCommands('deployments.editor', commands);
  const hint = deployable ? 'Send this deployment to an edge device of the connected hub (az iot edge set-modules), after a diff against what it has now' : 'Only a full deployment or a template can be sent to a device';
  return (
    <>
      <Tooltip content={hint} relationship="description">
        <HostButton appearance="subtle" size="small" icon={<CloudArrowUpRegular />} disabledFocusable={!deployable} onClick={() => active && useDeployToDevice.getState().open(active)} data-testid="deploy-to-device">
          {compact ? undefined : 'Deploy to device…'}
        </HostButton>
      </Tooltip>
      {openFor && <DeployToDeviceDialog path={openFor} />}
    </>
  );
}

function DeployToDeviceDialog({ path }: { path: string }) {
  const styles = useStyles();
  const mode = useThemeMode();
  const workspace = useWorkspaceClient();
  const cloud = useCloudClient();
  const queryClient = useQueryClient();
  const close = () => useDeployToDevice.getState().close();
  const [deviceId, setDeviceId] = useState<string>();

  const prepared = useQuery({
    queryKey: ['deployments', 'prepare', path],
    gcTime: 0,
    retry: false,
    queryFn: async () => {
      const source = await editorManifest(workspace, path);
      if (!source.ok) return { ok: false as const, message: source.message };
      const check = checkManifest(source.text);
      if (!check.ok) return { ok: false as const, message: `${source.name} cannot be sent. ${check.message}` };
      return { ok: true as const, name: source.name, content: check.content, sent: manifestEdgeText(check.content) };
    },
  });
  const devices = useEdgeDevices(true);
  const twins = useEdgeTwins(deviceId);
  const deploy = useMutation({
    mutationFn: async () => {
      if (!deviceId || !prepared.data?.ok) throw new Error('nothing to send');
      return unwrap(cloud.setModules({ deviceId, content: prepared.data.content }));
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: deploymentKeys.edgeTwins(deviceId ?? '') }),
  });

  const failure = deploy.error ? deployFailure(deploy.error, deviceId ?? '') : undefined;
  const ready = prepared.data?.ok === true && deviceId !== undefined && twins.isSuccess;
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && close()} modalType="modal">
      <DialogSurface className={styles.surface} data-testid="deploy-device-dialog">
        <DialogBody>
          <DialogTitle>Deploy {prepared.data?.ok ? prepared.data.name : baseName(path)} to a device</DialogTitle>
          <DialogContent className={styles.content}>
            {prepared.isPending && <Spinner size="tiny" label="Checking the deployment…" />}
            {prepared.data && !prepared.data.ok && (
              <MessageBar intent="error">
                <MessageBarBody data-testid="deploy-device-invalid">{prepared.data.message}</MessageBarBody>
              </MessageBar>
            )}
            <Field label="Edge device" hint={devices.isSuccess && devices.data.length === 0 ? 'The hub has no edge device: create one in Fleet (IoT Edge device).' : undefined} validationMessage={devices.error ? `${hubProblem(devices.error, 'list the edge devices').title}: ${hubProblem(devices.error).message}` : undefined}>
              <Select value={deviceId ?? ''} onChange={(_, d) => { setDeviceId(d.value || undefined); deploy.reset(); }} disabled={!devices.isSuccess} data-testid="deploy-device-select">
                <option value="">{devices.isPending ? 'Loading the edge devices…' : 'Choose an edge device'}</option>
                {devices.data?.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </Select>
            </Field>
            {deviceId && twins.isPending && <Spinner size="tiny" label={`Reading what ${deviceId} has now…`} />}
            {twins.error && (
              <MessageBar intent="error">
                <MessageBarBody>Could not read the twins of {deviceId}: {hubProblem(twins.error).message}</MessageBarBody>
              </MessageBar>
            )}
            {ready && twins.data && prepared.data?.ok && (
              <>
                <div className={styles.heads}>
                  <Caption1>{deviceId} has now ($edgeAgent, $edgeHub desired)</Caption1>
                  <Caption1>Will be sent</Caption1>
                </div>
                <div className={styles.diff} data-testid="deploy-device-diff">
                  <DiffEditor
                    original={edgeDesiredText(twins.data)}
                    modified={prepared.data.sent}
                    language="json"
                    theme={mode === 'dark' ? 'gatehouse-dark' : 'gatehouse-light'}
                    options={{ ...BASE_OPTIONS, readOnly: true, originalEditable: false, renderSideBySide: true, useInlineViewWhenSpaceIsLimited: true, renderOverviewRuler: false }}
                    loading={<Spinner size="small" />}
                  />
                </div>
              </>
            )}
            {deploy.isSuccess && (
              <MessageBar intent="success">
                <MessageBarBody data-testid="deploy-device-result">
                  Sent to {deploy.data.deviceId}. The device has {deploy.data.modules.length} module identit{deploy.data.modules.length === 1 ? 'y' : 'ies'}: {deploy.data.modules.map((m) => String(m['moduleId'])).join(', ')}. Its edge agent applies the new desired state when it next syncs.
                </MessageBarBody>
              </MessageBar>
            )}
            {failure && (
              <MessageBar intent="error">
                <MessageBarBody data-testid="deploy-device-error">{failure}</MessageBarBody>
              </MessageBar>
            )}
            {!deploy.isSuccess && ready && <Body1>Confirm to replace the modules and routes of {deviceId} with these.</Body1>}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={close} data-testid="deploy-device-close">
              {deploy.isSuccess ? 'Close' : 'Cancel'}
            </Button>
            {!deploy.isSuccess && (
              <HostButton appearance="primary" disabled={!ready || deploy.isPending} onClick={() => deploy.mutate()} data-testid="deploy-device-confirm">
                {deploy.isPending ? 'Deploying…' : deviceId ? `Deploy to ${deviceId}` : 'Deploy'}
              </HostButton>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** "Could not deploy to gw1: …"; an INVALID_MANIFEST lists the host's first diagnostics. */
export function deployFailure(error: unknown, deviceId: string): string {
  const problem = hubProblem(error, `deploy to ${deviceId}`);
  const details = (error as { details?: { diagnostics?: { code: string; message: string; pointer?: string }[] } } | null)?.details;
  const listed = (details?.diagnostics ?? []).slice(0, 3).map((d) => `${d.code} at ${d.pointer || '/'}: ${d.message}`);
  return `${problem.title}: ${problem.message}${listed.length > 1 ? ` (${listed.join('; ')})` : ''}.`.replace(/\.\.$/, '.');
}
