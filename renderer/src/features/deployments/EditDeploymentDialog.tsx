import {
  Button,
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
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HubDocument } from '../../../../shared/ipc/cloud.contract';
import { HostButton } from '../../app/HostButton';
import { unwrap } from '../../ipc/client';
import { hubProblem } from '../fleet/hub-error';
import { conditionProblem, editableFields as fieldsOf, parsePairs, type EditableFields as Fields } from './deploy-helpers';
import { deploymentKeys, useCloudClient } from './queries';
import { TargetConditionField } from './TargetConditionField';

const useStyles = makeStyles({
  surface: { width: 'min(860px, calc(100vw - 48px))', maxWidth: 'none' },
  // Children keep their height: the dialog scrolls rather than squashing a message bar over the fields.
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '& > *': { flexShrink: 0 } },
  code: { fontFamily: tokens.fontFamilyMonospace },
  pre: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, backgroundColor: tokens.colorNeutralBackground3, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, overflow: 'auto', maxHeight: '160px', margin: 0 },
});

/**
 * Edit a deployment at scale: what IoT Hub lets change after creation (target condition with the live count,
 * priority, labels, metric queries), written with the etag it was read with. The content is shown, not editable:
 * IoT Hub refuses to change it, and the way to send new content is a new deployment with a higher priority.
 */
export function EditDeploymentDialog({ doc, onClose }: { doc: HubDocument; onClose: (saved?: boolean) => void }) {
  const styles = useStyles();
  const cloud = useCloudClient();
  const queryClient = useQueryClient();
  const id = String(doc['id']);
  const [base, setBase] = useState<Fields>(() => fieldsOf(doc));
  const [condition, setCondition] = useState(base.condition);
  const [priority, setPriority] = useState(base.priority);
  const [labels, setLabels] = useState(base.labels);
  const [metrics, setMetrics] = useState(base.metrics);
  const [reloaded, setReloaded] = useState(false);

  const local = condition.trim() === '' ? undefined : conditionProblem(condition);
  const priorityProblem = /^\d+$/.test(priority.trim()) ? undefined : 'A priority is a whole number, 0 or more (the higher wins).';
  const labelPairs = parsePairs(labels, 'label');
  const metricPairs = parsePairs(metrics, 'metric');
  const changed = condition !== base.condition || priority !== base.priority || labels !== base.labels || metrics !== base.metrics;

  const save = useMutation({
    mutationFn: () =>
      unwrap(
        cloud.deploymentUpdate({
          deploymentId: id,
          etag: base.etag,
          targetCondition: condition.trim(),
          priority: Number(priority),
          labels: labelPairs.ok ? labelPairs.value : {},
          metrics: metricPairs.ok ? metricPairs.value : {},
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: deploymentKeys.list() });
      onClose(true);
    },
  });
  const reload = useMutation({
    mutationFn: () => unwrap(cloud.deploymentShow({ deploymentId: id })),
    onSuccess: async (fresh) => {
      const next = fieldsOf(fresh);
      setBase(next);
      setCondition(next.condition);
      setPriority(next.priority);
      setLabels(next.labels);
      setMetrics(next.metrics);
      setReloaded(true);
      save.reset();
      await queryClient.invalidateQueries({ queryKey: deploymentKeys.list() });
    },
  });

  const problem = save.error ? hubProblem(save.error, `save ${id}`) : undefined;
  const reloadProblem = reload.error ? hubProblem(reload.error, `reload ${id}`) : undefined;
  const ready = changed && condition.trim() !== '' && !local && !priorityProblem && labelPairs.ok && metricPairs.ok;
  const content = JSON.stringify((doc['content'] as HubDocument | undefined) ?? {}, null, 2);

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface className={styles.surface} data-testid="edit-deployment-dialog">
        <DialogBody>
          <DialogTitle>Edit deployment {id}</DialogTitle>
          <DialogContent className={styles.content}>
            {reloaded && !problem && (
              <MessageBar intent="success">
                <MessageBarBody data-testid="edit-deployment-reloaded">Reloaded the hub&apos;s current values. Make your changes again and save.</MessageBarBody>
              </MessageBar>
            )}
            {problem && (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody data-testid="edit-deployment-error" data-code={problem.code}>
                  <MessageBarTitle>{problem.title}</MessageBarTitle>
                  {problem.code === 'CONFLICT' ? `Someone changed ${id} after this dialog read it; nothing was saved. Reload to see the hub's current values.` : problem.message}
                </MessageBarBody>
                {problem.code === 'CONFLICT' && (
                  <MessageBarActions>
                    <Button onClick={() => reload.mutate()} disabled={reload.isPending} data-testid="edit-deployment-reload">
                      {reload.isPending ? 'Reloading…' : 'Reload'}
                    </Button>
                  </MessageBarActions>
                )}
              </MessageBar>
            )}
            {reloadProblem && (
              <MessageBar intent="error">
                <MessageBarBody>
                  {reloadProblem.title}: {reloadProblem.message}
                </MessageBarBody>
              </MessageBar>
            )}
            <TargetConditionField value={condition} onChange={setCondition} testIds={{ input: 'edit-deployment-condition', pointer: 'edit-condition-pointer', count: 'edit-target-count' }} />
            <Field label="Priority" validationMessage={priorityProblem} hint="Higher wins where two target a device.">
              <Input value={priority} onChange={(_, d) => setPriority(d.value)} inputMode="numeric" data-testid="edit-deployment-priority" />
            </Field>
            <Field label="Labels" hint="name=value, separated by commas" validationMessage={labelPairs.ok ? undefined : labelPairs.message}>
              <Input value={labels} onChange={(_, d) => setLabels(d.value)} placeholder="team=sensors, ring=1" data-testid="edit-deployment-labels" />
            </Field>
            <Field label="Metric queries" hint="name=SELECT deviceId FROM devices.modules WHERE …, one per line" validationMessage={metricPairs.ok ? undefined : metricPairs.message}>
              <Textarea value={metrics} onChange={(_, d) => setMetrics(d.value)} resize="vertical" className={styles.code} data-testid="edit-deployment-metrics" />
            </Field>
            <Field label="Content (read-only)">
              <MessageBar intent="info" layout="multiline" data-testid="edit-deployment-content-note">
                <MessageBarBody>
                  IoT Hub does not allow changing a deployment&apos;s content. To send new modules or routes, create a new deployment with a higher priority for the same devices: it takes over, and this one stays underneath.
                </MessageBarBody>
              </MessageBar>
              <pre className={styles.pre} data-testid="edit-deployment-content">
                {content}
              </pre>
            </Field>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => onClose()}>Cancel</Button>
            <HostButton appearance="primary" disabled={!ready || save.isPending} onClick={() => save.mutate()} data-testid="edit-deployment-save">
              {save.isPending ? 'Saving…' : 'Save'}
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
