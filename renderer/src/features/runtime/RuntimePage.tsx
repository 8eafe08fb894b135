import { Body1, Caption1, Card, CardHeader, Field, makeStyles, MessageBar, MessageBarBody, ProgressBar, Spinner, Subtitle2, Text, Title2, tokens } from '@fluentui/react-components';
import { ArrowUploadRegular, BoxArrowUpRegular } from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import { HostButton } from '../../app/HostButton';
import { ApplyDialog } from './ApplyDialog';
import { useApplyStore } from './apply-store';
import { ModuleDrawer, type DrawerTab } from './ModuleDrawer';
import { ModulesTable } from './ModulesTable';
import { useRuntimeSnapshot } from './queries';
import { RuntimeStateBadge } from './RuntimeStateBadge';
import { SideloadDialog } from './SideloadDialog';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1280px' },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  grow: { flex: 1 },
  facts: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap', color: tokens.colorNeutralForeground2 },
  plan: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  empty: { padding: tokens.spacingVerticalXXL, textAlign: 'center', color: tokens.colorNeutralForeground2 },
});

export function RuntimePage() {
  const styles = useStyles();
  const snapshot = useRuntimeSnapshot();
  const openApply = useApplyStore((s) => s.open);
  const fileInput = useRef<HTMLInputElement>(null);
  const [sideloadOpen, setSideloadOpen] = useState(false);
  const [drawer, setDrawer] = useState<{ module: string; tab: DrawerTab }>();
  const data = snapshot.data;

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
      {snapshot.isPending && <Spinner label="Asking the agent…" />}
      {data && (
        <div className={styles.facts}>
          <Text data-testid="runtime-engine">
            Engine: {data.engine.state === 'available' ? `Docker ${data.engine.version} (API ${data.engine.apiVersion})` : data.engine.state === 'unavailable' ? 'unavailable' : 'checking…'}
          </Text>
          <Text>Network: {data.network}</Text>
          <Text>Deployment: {data.version ? `v${data.version}, applied ${new Date(data.appliedAt ?? '').toLocaleString()}` : 'none yet'}</Text>
          {data.version > 0 && <Text>Last status: {data.lastDesiredStatus.code}</Text>}
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
      {data?.agent.state === 'failing' && (
        <MessageBar intent="warning">
          <MessageBarBody>{data.agent.reason}</MessageBarBody>
        </MessageBar>
      )}
      <Card>
        <CardHeader header={<Subtitle2 as="h2">Modules</Subtitle2>} description={<Caption1>Custom modules of the applied deployment, as the agent reconciles them on this machine's engine.</Caption1>} />
        {data && data.modules.length > 0 ? (
          <ModulesTable modules={data.modules} onOpen={(module, tab) => setDrawer({ module, tab })} />
        ) : (
          <Body1 className={styles.empty}>No deployment applied yet. Apply a deployment file, or open one in Manifests and apply it from there.</Body1>
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
      <ModuleDrawer module={drawer?.module} tab={drawer?.tab ?? 'details'} onTab={(tab) => drawer && setDrawer({ ...drawer, tab })} onClose={() => setDrawer(undefined)} />
    </div>
  );
}
