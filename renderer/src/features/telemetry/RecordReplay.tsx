import { Caption1, Combobox, Field, Input, makeStyles, MessageBar, MessageBarBody, Option, Subtitle2, tokens } from '@fluentui/react-components';
import { PlayRegular, RecordRegular, RecordStopRegular } from '@fluentui/react-icons';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { HostButton } from '../../app/HostButton';
import { unwrap } from '../../ipc/client';
import { useRuntimeSnapshot } from '../runtime';
import { useEdgeHubClient, useRoutesInForce } from './queries';
import { replayTargets } from './replay-targets';
import { useTelemetryUi } from './telemetry-store';
import { useRecording } from './use-recording';
import { clockTime } from './time-format';

const useStyles = makeStyles({
  root: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(380px, 1fr))', gap: tokens.spacingHorizontalXL, minWidth: 0 },
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  pair: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: tokens.spacingHorizontalS },
  // Fluent's Combobox wants 250 px; here two share a row.
  combo: { minWidth: 0, width: '100%' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  live: { color: tokens.colorStatusDangerForeground1, fontWeight: tokens.fontWeightSemibold },
});

/** Record what the hub routes to an NDJSON file (every message, full bodies) and replay a recording into a module input. */
export function RecordReplay() {
  const styles = useStyles();
  const edgehub = useEdgeHubClient();
  const routes = useRoutesInForce(true);
  const runtime = useRuntimeSnapshot();
  const ui = useTelemetryUi();
  const { start, stop } = useRecording();
  const replay = useMutation({ mutationFn: (input: { path: string; moduleId: string; input: string }) => unwrap(edgehub.replay(input)) });

  const targets = useMemo(() => replayTargets(routes.data?.routes, runtime.data?.modules.map((m) => m.name) ?? []), [routes.data, runtime.data]);
  const inputs = targets.get(ui.replayModule) ?? [];
  // Until the user picks, the first module input a route feeds is offered (sensor → filter: filter/input1).
  useEffect(() => {
    const first = [...targets].find(([, ins]) => ins.length > 0);
    if (first && useTelemetryUi.getState().replayModule === '') useTelemetryUi.getState().set({ replayModule: first[0], replayInput: first[1][0] ?? '' });
  }, [targets]);
  const replayPath = ui.replayPath || ui.last?.path || '';
  const canReplay = replayPath.trim() !== '' && ui.replayModule.trim() !== '' && ui.replayInput.trim() !== '';

  return (
    <div className={styles.root} data-testid="telemetry-record-replay">
      <section className={styles.card} aria-label="Record">
        <Subtitle2>Record</Subtitle2>
        <Field label="To the file (NDJSON, one message a line, full bodies)">
          <Input value={ui.path} onChange={(_e, d) => ui.set({ path: d.value })} disabled={ui.recording !== undefined} className={styles.mono} data-testid="telemetry-record-path" />
        </Field>
        <div className={styles.row}>
          {ui.recording ? (
            <HostButton icon={<RecordStopRegular />} appearance="primary" onClick={() => stop.mutate()} disabled={stop.isPending} data-testid="telemetry-record-stop">
              Stop recording
            </HostButton>
          ) : (
            <HostButton icon={<RecordRegular />} onClick={() => start.mutate(ui.path.trim())} disabled={ui.path.trim() === '' || start.isPending} data-testid="telemetry-record-start">
              Start recording
            </HostButton>
          )}
          {ui.recording && (
            <Caption1 data-testid="telemetry-recording">
              <span className={styles.live}>● Recording</span> since {clockTime(new Date(ui.recording.since).toISOString())} to <span className={styles.mono}>{ui.recording.path}</span>
            </Caption1>
          )}
          {!ui.recording && ui.last && (
            <Caption1 data-testid="telemetry-recorded" data-messages={ui.last.messages}>
              Recorded {ui.last.messages.toLocaleString()} message{ui.last.messages === 1 ? '' : 's'} to <span className={styles.mono}>{ui.last.path}</span>
            </Caption1>
          )}
        </div>
        {start.error && <Failure what="start recording" error={start.error} testId="telemetry-record-error" />}
        {stop.error && <Failure what="stop recording" error={stop.error} testId="telemetry-record-error" />}
      </section>
      <section className={styles.card} aria-label="Replay">
        <Subtitle2>Replay into a module input</Subtitle2>
        <Field label="The recording">
          <Input value={replayPath} onChange={(_e, d) => ui.set({ replayPath: d.value })} className={styles.mono} placeholder="A recording’s path (.ndjson)" data-testid="telemetry-replay-path" />
        </Field>
        <div className={styles.pair}>
          <Field label="Module">
            <Combobox
              freeform
              className={styles.combo}
              value={ui.replayModule}
              selectedOptions={[ui.replayModule]}
              onChange={(e) => ui.set({ replayModule: e.target.value })}
              onOptionSelect={(_e, d) => ui.set({ replayModule: d.optionValue ?? '', replayInput: (targets.get(d.optionValue ?? '') ?? [])[0] ?? '' })}
              placeholder="Pick or type"
              data-testid="telemetry-replay-module"
            >
              {[...targets.keys()].map((m) => (
                <Option key={m} value={m}>
                  {m}
                </Option>
              ))}
            </Combobox>
          </Field>
          <Field label="Input">
            <Combobox
              freeform
              className={styles.combo}
              value={ui.replayInput}
              selectedOptions={[ui.replayInput]}
              onChange={(e) => ui.set({ replayInput: e.target.value })}
              onOptionSelect={(_e, d) => ui.set({ replayInput: d.optionValue ?? '' })}
              placeholder={inputs.length > 0 ? 'Pick or type' : 'Type the input name'}
              data-testid="telemetry-replay-input"
            >
              {inputs.map((i) => (
                <Option key={i} value={i}>
                  {i}
                </Option>
              ))}
            </Combobox>
          </Field>
        </div>
        <div className={styles.row}>
          <HostButton
            icon={<PlayRegular />}
            disabled={!canReplay || replay.isPending}
            onClick={() => replay.mutate({ path: replayPath.trim(), moduleId: ui.replayModule.trim(), input: ui.replayInput.trim() })}
            data-testid="telemetry-replay-start"
          >
            {replay.isPending ? 'Replaying…' : 'Replay'}
          </HostButton>
          {replay.data && replay.variables && (
            <Caption1 data-testid="telemetry-replayed" data-delivered={replay.data.delivered}>
              Sent {replay.data.delivered.toLocaleString()} message{replay.data.delivered === 1 ? '' : 's'} to {replay.variables.moduleId}/{replay.variables.input}.
            </Caption1>
          )}
        </div>
        {replay.error && <Failure what="replay the recording" error={replay.error} testId="telemetry-replay-error" />}
      </section>
    </div>
  );
}

function Failure({ what, error, testId }: { what: string; error: Error; testId: string }) {
  return (
    <MessageBar intent="error" layout="multiline" data-testid={testId}>
      <MessageBarBody>
        Could not {what}: {error.message}
      </MessageBarBody>
    </MessageBar>
  );
}

