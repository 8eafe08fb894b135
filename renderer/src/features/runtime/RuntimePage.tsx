import {
  Body1,
  Caption1,
  Card,
  CardHeader,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Subtitle2,
  Text,
  Title2,
  Toast,
  ToastBody,
  Toaster,
  ToastTitle,
  tokens,
  useId,
  useToastController,
} from '@fluentui/react-components';
import { ArrowUploadRegular, BoxArrowUpRegular, PlayRegular } from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import type { ModuleRow } from '../../../../shared/ipc/runtime.contract';
import { HostButton } from '../../app/HostButton';
import { GAVE_UP_TEXT, nextRetryText, pastText, summaryBesideProblems } from './format';
import { ModuleStatusDialog, type StatusRequest } from './ModuleStatusDialog';
import { useNow } from './use-now';
import { ApplyDialog } from './ApplyDialog';
import { useApplyStore } from './apply-store';
import { ModuleDrawer, type DrawerTab } from './ModuleDrawer';
import { ModulesTable } from './ModulesTable';
import { useRuntimeActions, useRuntimeSnapshot } from './queries';
import { RuntimeStateBadge } from './RuntimeStateBadge';
import { SideloadDialog } from './SideloadDialog';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1280px' },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  grow: { flex: 1 },
  facts: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap', color: tokens.colorNeutralForeground2 },
  // Room for three-digit step numbers in the monospace font: steps 10+ are never clipped.
  plan: { margin: 0, paddingLeft: '6ch', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  empty: { padding: tokens.spacingVerticalXXL, textAlign: 'center', color: tokens.colorNeutralForeground2 },
  sample: { display: 'flex', flexDirection: 'column', alignItems: 'center', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalL },
  summary: { color: tokens.colorNeutralForeground2, marginTop: `-${tokens.spacingVerticalS}` },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  when: { color: tokens.colorNeutralForeground2, display: 'block' },
  detail: { whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, margin: `${tokens.spacingVerticalXS} 0 0` },
});

/** What failed, per module: a sentence, when (local time), when it is tried again, and the engine's words on demand. */
function Problems({ modules }: { modules: readonly ModuleRow[] }) {
  const styles = useStyles();
  const now = useNow();
  const failed = modules.filter((m) => m.problem);
  if (!failed.length) return null;
  return (
    <MessageBar intent="error" layout="multiline" data-testid="runtime-problems">
      <MessageBarBody>
        <MessageBarTitle>{failed.length === 1 ? 'A step of the deployment failed' : `Steps of ${failed.length} modules failed`}</MessageBarTitle>
        <ul className={styles.problems}>
          {failed.map((m) => (
            <li key={m.name} data-testid={`problem-${m.name}`}>
              {m.problem?.summary}
              <Caption1 className={styles.when}>
                Failed at {pastText(m.problem?.at, now)}.{' '}
                {m.problem?.gaveUp ? GAVE_UP_TEXT : m.nextRetryAt ? `Next attempt at ${nextRetryText(m.nextRetryAt, now)}.` : ''}
              </Caption1>
              {m.problem?.detail && (
                <details>
                  <summary>Details</summary>
                  <pre className={styles.detail}>{m.problem.detail}</pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}

export function RuntimePage() {
  const styles = useStyles();
  const snapshot = useRuntimeSnapshot();
  const openApply = useApplyStore((s) => s.open);
  const fileInput = useRef<HTMLInputElement>(null);
  const [sideloadOpen, setSideloadOpen] = useState(false);
  const [drawer, setDrawer] = useState<{ module: string; tab: DrawerTab }>();
  const [statusRequest, setStatusRequest] = useState<StatusRequest>();
  const data = snapshot.data;
  const now = useNow();
  const { restart, runSample } = useRuntimeActions();
  const toasterId = useId('runtime-actions');
  const { dispatchToast } = useToastController(toasterId);

  /** Restart, and say what happened: restarted, started (it was not running), or why not. */
  const onRestart = (name: string) =>
    restart.mutate(name, {
      onSuccess: ({ outcome }) =>
        dispatchToast(
          <Toast data-testid="restart-toast">
            <ToastTitle>{outcome === 'started' ? `Started ${name}` : `Restarted ${name}`}</ToastTitle>
            <ToastBody>
              {outcome === 'started' ? 'It was not running; its container was started now, without waiting for its backoff.' : 'Its container was stopped and started.'} At{' '}
              {new Date().toLocaleTimeString()}.
            </ToastBody>
          </Toast>,
          { intent: 'success' },
        ),
      onError: (error) =>
        dispatchToast(
          <Toast data-testid="restart-toast">
            <ToastTitle>{name} was not restarted</ToastTitle>
            <ToastBody>{error.message}</ToastBody>
          </Toast>,
          { intent: 'error' },
        ),
    });

  // The problems box below names each failure (with its times and details); the sentence says the rest once.
  const problems = data?.modules.flatMap((m) => (m.problem ? [m.problem.summary, ...(m.problem.gaveUp ? [GAVE_UP_TEXT] : [])] : [])) ?? [];
  const agentReason = data?.agent.state === 'failing' && problems.length === 0 ? data.agent.reason : undefined;
  const summary = data ? summaryBesideProblems(data.state.summary, agentReason ? [agentReason] : problems) : '';

  const pickFile = async (file: File | undefined) => {
    if (file) openApply(await file.text(), file.name);
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <Title2 as="h1">Runtime</Title2>
        {data && <RuntimeStateBadge state={data.state} testId="agent-state" />}
        <span className={styles.grow} />
        <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="apply-file" onChange={(e) => void pickFile(e.target.files?.[0])} />
        <HostButton icon={<ArrowUploadRegular />} appearance="primary" onClick={() => fileInput.current?.click()}>
          Apply deployment file…
        </HostButton>
        <HostButton icon={<BoxArrowUpRegular />} onClick={() => setSideloadOpen(true)} data-testid="open-sideload">
          Sideload image…
        </HostButton>
      </div>
      {data && (
        <Body1 className={styles.summary} data-testid="runtime-summary">
          {summary}
        </Body1>
      )}
      {snapshot.isPending && <Spinner label="Asking the agent…" />}
      {data && (
        <div className={styles.facts}>
          <Text data-testid="runtime-engine">
            Engine: {data.engine.state === 'available' ? `Docker ${data.engine.version} (API ${data.engine.apiVersion})` : data.engine.state === 'unavailable' ? 'unavailable' : 'checking…'}
          </Text>
          <Text>Network: {data.network}</Text>
          <Text data-testid="runtime-deployment">Deployment: {data.version ? `v${data.version}, applied ${pastText(data.appliedAt, now)}` : 'none yet'}</Text>
        </div>
      )}
      {data?.agent.state === 'reconciling' && data.agent.total !== undefined && (
        <Field validationState="none" validationMessage={data.agent.step} data-testid="apply-progress">
          <ProgressBar value={(data.agent.done ?? 0) / Math.max(1, data.agent.total)} />
        </Field>
      )}
      {data?.engine.state === 'unavailable' && (
        <MessageBar intent="error">
          <MessageBarBody>{data.engine.reason} The agent resumes when the engine answers again.</MessageBarBody>
        </MessageBar>
      )}
      {data && data.foreignRuntime.length > 0 && (
        <MessageBar intent="warning" data-testid="runtime-foreign-runtime">
          <MessageBarBody>
            A real IoT Edge runtime uses this engine ({data.foreignRuntime.join(', ')}). Gatehouse never touches its containers; applying a deployment needs an
            explicit override.
          </MessageBarBody>
        </MessageBar>
      )}
      {data && <Problems modules={data.modules} />}
      {agentReason && (
        <MessageBar intent="error" data-testid="runtime-agent-failure">
          <MessageBarBody>{agentReason}</MessageBarBody>
        </MessageBar>
      )}
      <Card>
        <CardHeader header={<Subtitle2 as="h2">Modules</Subtitle2>} description={<Caption1>Custom modules of the applied deployment, as the agent reconciles them on this machine's engine.</Caption1>} />
        {data && data.modules.length > 0 ? (
          <ModulesTable modules={data.modules} version={data.version} onOpen={(module, tab) => setDrawer({ module, tab })} onRestart={onRestart} onSetStatus={setStatusRequest} />
        ) : (
          <div className={styles.empty} data-testid="runtime-empty">
            <Body1 block>No deployment applied yet. Apply a deployment file, open one in Manifests and apply it from there, or run the sample.</Body1>
            <div className={styles.sample}>
              <HostButton icon={<PlayRegular />} appearance="primary" disabled={runSample.isPending} onClick={() => runSample.mutate()} data-testid="run-sample">
                {runSample.isPending ? 'Building the sample images…' : 'Run the sample'}
              </HostButton>
              <Caption1>
                A temperature sensor, a filter that forwards readings above a threshold, and a route to $upstream: modules written with azure-iot-device, built on this
                machine (no registry needed).
              </Caption1>
              {runSample.isPending && <Spinner size="tiny" label="Building images, then applying the sample deployment" />}
              {runSample.error && (
                <MessageBar intent="error" data-testid="run-sample-error">
                  <MessageBarBody>The sample did not start: {runSample.error.message}</MessageBarBody>
                </MessageBar>
              )}
            </div>
          </div>
        )}
      </Card>
      {data && data.notManaged.length > 0 && (
        <Card>
          <CardHeader
            header={<Subtitle2 as="h2">Not managed here</Subtitle2>}
            description={<Caption1>Containers on this engine with IoT Edge&apos;s labels that this Gatehouse did not create. Shown read-only; never stopped, removed or recreated.</Caption1>}
          />
          <ul className={styles.plan} data-testid="not-managed">
            {data.notManaged.map((c) => (
              <li key={c.containerId}>
                {c.name} ({c.state}, {c.image}) — {c.apparentOwner}
              </li>
            ))}
          </ul>
        </Card>
      )}
      {data && data.lastPlan.length > 0 && (
        <Card>
          <CardHeader header={<Subtitle2 as="h2">Last plan</Subtitle2>} description={<Caption1>The steps of the agent's last reconcile that changed something, in order.</Caption1>} />
          <ol className={styles.plan} data-testid="last-plan">
            {data.lastPlan.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ol>
        </Card>
      )}
      <ApplyDialog />
      <SideloadDialog open={sideloadOpen} onClose={() => setSideloadOpen(false)} />
      <ModuleDrawer
        module={drawer?.module}
        row={data?.modules.find((m) => m.name === drawer?.module)}
        version={data?.version ?? 0}
        tab={drawer?.tab ?? 'details'}
        onTab={(tab) => drawer && setDrawer({ ...drawer, tab })}
        onClose={() => setDrawer(undefined)}
        onRestart={onRestart}
      />
      <ModuleStatusDialog request={statusRequest} onClose={() => setStatusRequest(undefined)} />
      <Toaster toasterId={toasterId} position="bottom-end" />
    </div>
  );
}
