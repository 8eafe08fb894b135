import {
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HubDocument } from '../../../../shared/ipc/cloud.contract';
import { HostButton } from '../../app/HostButton';
import { unwrap } from '../../ipc/client';
import { hubProblem } from '../fleet/hub-error';
import { useWorkspaceClient } from '../manifests/queries';
import { baseName } from '../manifests/file-kinds';
import { checkManifest, conditionProblem, effectivePreview, parsePairs } from './deploy-helpers';
import { activeManifestPath, editorManifest } from './editor-source';
import { deploymentKeys, useCloudClient } from './queries';
import { TargetConditionField } from './TargetConditionField';

const useStyles = makeStyles({
  surface: { width: 'min(860px, calc(100vw - 48px))', maxWidth: 'none' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  grid: { display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) minmax(120px, 1fr)', gap: tokens.spacingHorizontalM },
  code: { fontFamily: tokens.fontFamilyMonospace },
  pre: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, overflow: 'auto', maxHeight: '240px', margin: 0 },
});

const ID_PATTERN = /^[a-z0-9][a-z0-9\-:+%_#*?!(),=@;$']{0,127}$/;

/** Create a deployment at scale: id, manifest (the editor's or a file), target condition with a live count, priority, labels, metrics, layered. */
export function CreateDeploymentDialog({ existing, onClose }: { existing: readonly HubDocument[]; onClose: (created?: string) => void }) {
  const styles = useStyles();
  const cloud = useCloudClient();
  const workspace = useWorkspaceClient();
  const queryClient = useQueryClient();
  const editorPath = activeManifestPath();
  const [id, setId] = useState('');
  const [source, setSource] = useState<'editor' | 'file'>(editorPath ? 'editor' : 'file');
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [condition, setCondition] = useState('');
  const [priority, setPriority] = useState('10');
  const [labels, setLabels] = useState('');
  const [metrics, setMetrics] = useState('');
  const [layered, setLayered] = useState(false);

  const local = condition.trim() === '' ? undefined : conditionProblem(condition);

  const manifest = useQuery({
    queryKey: ['deployments', 'create-source', source, source === 'editor' ? editorPath : file?.name, file?.text, layered],
    gcTime: 0,
    retry: false,
    enabled: source === 'editor' ? editorPath !== undefined : file !== undefined,
    queryFn: async () => {
      const read = source === 'editor' && editorPath ? await editorManifest(workspace, editorPath) : file ? { ok: true as const, text: file.text, name: file.name } : { ok: false as const, message: 'Choose a manifest.' };
      if (!read.ok) return { ok: false as const, message: read.message };
      const check = checkManifest(read.text, layered ? 'layered' : 'deployment');
      if (!check.ok) return { ok: false as const, message: `${read.name} cannot be used. ${check.message}` };
      return { ok: true as const, name: read.name, content: check.content };
    },
  });

  const priorityNumber = Number(priority);
  const priorityProblem = /^\d+$/.test(priority.trim()) ? undefined : 'A priority is a whole number, 0 or more (the higher wins).';
  const labelPairs = parsePairs(labels, 'label');
  const metricPairs = parsePairs(metrics, 'metric');
  const idProblem = id === '' ? undefined : ID_PATTERN.test(id) ? (existing.some((d) => d['id'] === id) ? `The hub already has a deployment ${id}.` : undefined) : 'An id has lower-case letters, digits and - : + % _ # * ? ! ( ) , = @ ; $ \' (at most 128).';
  const preview = layered && manifest.data?.ok ? effectivePreview(manifest.data.content, priorityNumber || 0, existing) : undefined;

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        cloud.deploymentCreate({
          deploymentId: id,
          content: manifest.data?.ok ? manifest.data.content : {},
          targetCondition: condition.trim(),
          priority: priorityNumber,
          ...(labelPairs.ok && Object.keys(labelPairs.value).length > 0 ? { labels: labelPairs.value } : {}),
          ...(metricPairs.ok && Object.keys(metricPairs.value).length > 0 ? { metrics: metricPairs.value } : {}),
          ...(layered ? { layered: true } : {}),
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: deploymentKeys.list() });
      onClose(id);
    },
  });
  const createProblem = create.error ? hubProblem(create.error, `create ${id}`) : undefined;
  const ready = id !== '' && !idProblem && manifest.data?.ok === true && condition.trim() !== '' && !local && !priorityProblem && labelPairs.ok && metricPairs.ok;

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface className={styles.surface} data-testid="create-deployment-dialog">
        <DialogBody>
          <DialogTitle>New deployment at scale</DialogTitle>
          <DialogContent className={styles.content}>
            <div className={styles.grid}>
              <Field label="Deployment id" required validationMessage={idProblem}>
                <Input value={id} onChange={(_, d) => setId(d.value)} placeholder="e.g. sensors-prod" data-testid="create-deployment-id" />
              </Field>
              <Field label="Priority" validationMessage={priorityProblem} hint="Higher wins where two target a device.">
                <Input value={priority} onChange={(_, d) => setPriority(d.value)} inputMode="numeric" data-testid="create-deployment-priority" />
              </Field>
            </div>
            <Field label="Manifest">
              <RadioGroup value={source} onChange={(_, d) => setSource(d.value as 'editor' | 'file')} layout="horizontal">
                <Radio value="editor" disabled={!editorPath} label={editorPath ? `Open in the editor: ${baseName(editorPath)}` : 'Open in the editor: none'} data-testid="create-source-editor" />
                <Radio value="file" label="A file…" data-testid="create-source-file" />
              </RadioGroup>
            </Field>
            {source === 'file' && (
              <input
                type="file"
                accept=".json,application/json"
                aria-label="Manifest file"
                data-testid="create-deployment-file"
                onChange={(e) => {
                  const chosen = e.target.files?.[0];
                  if (chosen) void chosen.text().then((text) => setFile({ name: chosen.name, text }));
                }}
              />
            )}
            {manifest.isFetching && <Spinner size="tiny" label="Checking the manifest…" />}
            {manifest.data && !manifest.data.ok && (
              <MessageBar intent="error">
                <MessageBarBody data-testid="create-deployment-invalid">{manifest.data.message}</MessageBarBody>
              </MessageBar>
            )}
            <Checkbox checked={layered} onChange={(_, d) => setLayered(d.checked === true)} label="Layered deployment (adds to the base deployment a device has, by keys like properties.desired.modules.<name>)" data-testid="create-deployment-layered" />
            {layered && manifest.data?.ok && (
              <Field label={preview ? `Effective manifest on a device that also has ${preview.baseId}` : 'Effective manifest'}>
                {preview ? <pre className={styles.pre} data-testid="create-deployment-effective">{preview.text}</pre> : <Caption1>The hub has no base deployment to layer on yet.</Caption1>}
              </Field>
            )}
            <TargetConditionField value={condition} onChange={setCondition} testIds={{ input: 'create-deployment-condition', pointer: 'condition-pointer', count: 'target-count' }} />
            <Field label="Labels" hint="name=value, separated by commas" validationMessage={labelPairs.ok ? undefined : labelPairs.message}>
              <Input value={labels} onChange={(_, d) => setLabels(d.value)} placeholder="team=sensors, ring=1" data-testid="create-deployment-labels" />
            </Field>
            <Field label="Metric queries" hint="name=SELECT deviceId FROM devices.modules WHERE …, one per line" validationMessage={metricPairs.ok ? undefined : metricPairs.message}>
              <Textarea value={metrics} onChange={(_, d) => setMetrics(d.value)} resize="vertical" className={styles.code} data-testid="create-deployment-metrics" />
            </Field>
            {createProblem && (
              <MessageBar intent="error">
                <MessageBarBody data-testid="create-deployment-error">
                  {createProblem.title}: {createProblem.message}
                </MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => onClose()}>Cancel</Button>
            <HostButton appearance="primary" disabled={!ready || create.isPending} onClick={() => create.mutate()} data-testid="create-deployment-confirm">
              {create.isPending ? 'Creating…' : 'Create'}
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
