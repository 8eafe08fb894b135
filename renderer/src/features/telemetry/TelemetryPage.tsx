import { Badge, Button, Caption1, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Subtitle1, Tab, TabList, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useMemo } from 'react';
import type { EdgeHubState } from '../../../../shared/ipc/edgehub.contract';
import type { ContributedCommand } from '../../app/commands';
import { useContributeCommands } from '../../app/use-commands';
import { TONE_COLOR } from '../runtime';
import { ChartsTab } from './ChartsTab';
import { asSentence, edgeHubWord, upstreamWord } from './hub-words';
import { MessageInspector } from './MessageInspector';
import { OutboxPanel } from './OutboxPanel';
import { useEdgeHubState } from './queries';
import { RecordReplay } from './RecordReplay';
import { useTelemetryUi, type TelemetryTab } from './telemetry-store';
import { clockTime } from './time-format';
import { useRecording } from './use-recording';
import { useTelemetryFeed } from './use-telemetry-feed';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  sentence: { color: tokens.colorNeutralForeground2, flex: '1 1 320px', minWidth: 0 },
  tabs: { borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  messages: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
});

const TAB_LABEL: Record<TelemetryTab, string> = { charts: 'Charts', messages: 'Messages', outbox: 'Outbox' };

function StateBadge({ state }: { state: EdgeHubState }) {
  const word = edgeHubWord(state);
  return (
    <Badge appearance="filled" color={TONE_COLOR[word.tone]} data-testid="telemetry-hub-state" data-state={state.state} data-tone={word.tone} title={word.sentence}>
      {word.word}
    </Badge>
  );
}

/** The header's second badge while the hub runs: the upstream link (the Outbox tab has the whole sentence). */
function UpstreamBadge() {
  const { snapshot } = useTelemetryFeed({ messages: false });
  if (!snapshot.outbox) return null;
  const word = upstreamWord(snapshot.outbox.upstream, clockTime);
  return (
    <Badge appearance="tint" color={TONE_COLOR[word.tone]} title={word.sentence} data-testid="telemetry-upstream-state">
      upstream {word.word}
    </Badge>
  );
}

/**
 * The Telemetry area: what the local edge hub routes, live. Only the hub's own data (`edgehub.*`): when it does not
 * run, the area says so with its state and reason and shows nothing else.
 */
export function TelemetryPage() {
  const styles = useStyles();
  const state = useEdgeHubState();
  const tab = useTelemetryUi((s) => s.tab);
  const setUi = useTelemetryUi((s) => s.set);
  const hub = state.data;
  const word = hub ? edgeHubWord(hub) : undefined;
  useTelemetryCommands(hub?.state === 'running');
  return (
    <div className={styles.root} data-testid="telemetry-page">
      <div className={styles.header}>
        <Subtitle1 as="h1">Telemetry</Subtitle1>
        {hub && <StateBadge state={hub} />}
        {hub?.state === 'running' && <UpstreamBadge />}
        {word && hub?.state === 'running' && (
          <Caption1 className={styles.sentence} data-testid="telemetry-hub-sentence">
            {word.sentence}
            {` Running since ${clockTime(hub.since)}.`}
          </Caption1>
        )}
      </div>
      {state.isPending && <Spinner size="small" label="Asking the edge hub…" />}
      {state.error && (
        <MessageBar intent="error" layout="multiline" data-testid="telemetry-hub-error">
          <MessageBarBody>
            <MessageBarTitle>Could not read the edge hub’s state</MessageBarTitle>
            {state.error.message}
          </MessageBarBody>
          <Button icon={<ArrowClockwiseRegular />} onClick={() => void state.refetch()}>
            Try again
          </Button>
        </MessageBar>
      )}
      {hub && hub.state !== 'running' && <HubNotRunning state={hub} />}
      {hub?.state === 'running' && (
        <>
          <TabList className={styles.tabs} selectedValue={tab} onTabSelect={(_e, d) => setUi({ tab: d.value as TelemetryTab })} aria-label="Telemetry views">
            {(Object.keys(TAB_LABEL) as TelemetryTab[]).map((t) => (
              <Tab key={t} value={t} data-testid={`telemetry-tab-${t}`}>
                {TAB_LABEL[t]}
              </Tab>
            ))}
          </TabList>
          {tab === 'charts' && <ChartsTab />}
          {tab === 'messages' && (
            <div className={styles.messages}>
              <RecordReplay />
              <MessageInspector />
            </div>
          )}
          {tab === 'outbox' && <OutboxPanel />}
        </>
      )}
    </div>
  );
}

function HubNotRunning({ state }: { state: Exclude<EdgeHubState, { state: 'running' }> }) {
  const intent = state.state === 'failed' ? 'error' : state.state === 'starting' ? 'info' : 'warning';
  const title = state.state === 'starting' ? 'The edge hub is starting' : state.state === 'failed' ? 'The edge hub could not start' : 'The edge hub is off';
  return (
    <MessageBar intent={intent} layout="multiline" data-testid="telemetry-hub-not-running" data-state={state.state}>
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {'reason' in state && <span data-testid="telemetry-hub-reason">{asSentence(state.reason)} </span>}
        Charts, messages and the outbox appear once it runs.
      </MessageBarBody>
    </MessageBar>
  );
}


/** The area's actions in the palette while the hub runs: start or stop recording, and each view. */
function useTelemetryCommands(running: boolean) {
  const { start, stop } = useRecording();
  const startRecording = start.mutate;
  const stopRecording = stop.mutate;
  const recording = useTelemetryUi((s) => s.recording);
  const path = useTelemetryUi((s) => s.path);
  const commands = useMemo((): ContributedCommand[] => {
    if (!running) return [];
    const show = (tab: TelemetryTab) => () => useTelemetryUi.getState().set({ tab });
    return [
      recording
        ? { id: 'telemetry.recordStop', title: `Stop recording to ${recording.path}`, group: 'Telemetry', keywords: 'record ndjson', needsHost: true, run: () => stopRecording() }
        : { id: 'telemetry.recordStart', title: `Record the edge hub's messages to ${path}`, group: 'Telemetry', keywords: 'record ndjson capture', needsHost: true, run: () => path.trim() !== '' && startRecording(path.trim()) },
      { id: 'telemetry.showCharts', title: 'Show the telemetry charts', group: 'Telemetry', keywords: 'rates messages per second fields', run: show('charts') },
      { id: 'telemetry.showMessages', title: 'Inspect the edge hub\'s messages', group: 'Telemetry', keywords: 'inspector replay record', run: show('messages') },
      { id: 'telemetry.showOutbox', title: 'Show the outbox (queues and upstream)', group: 'Telemetry', keywords: 'store forward queue depth drain upstream', run: show('outbox') },
    ];
  }, [running, recording, path, startRecording, stopRecording]);
  useContributeCommands('telemetry', commands);
}
