import {
  Badge,
  Button,
  Caption1,
  Dropdown,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { FlashRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { HostButton } from '../../app/HostButton';
import { TONE_COLOR } from '../runtime';
import { useFleet, type MethodCallRecord } from './fleet-store';
import { hubProblem } from './hub-error';
import { edgeAgentPresets, methodStatusTone, parsePayload } from './method-call';
import { useFleetActions } from './queries';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'flex-end' },
  target: { minWidth: '200px' },
  name: { flex: '1 1 200px' },
  timeout: { width: '130px' },
  presets: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  payload: { fontFamily: tokens.fontFamilyMonospace },
  answer: { margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, maxHeight: '320px', overflow: 'auto' },
  history: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  call: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground2 },
});

function Outcome({ call }: { call: MethodCallRecord }) {
  const styles = useStyles();
  if (call.outcome.kind === 'error') {
    return (
      <MessageBar intent="error" layout="multiline" data-testid="method-error">
        <MessageBarBody>
          <MessageBarTitle>{hubProblem({ code: call.outcome.code, message: call.outcome.message }, `invoke ${call.methodName}`).title}</MessageBarTitle>
          {call.outcome.message}
        </MessageBarBody>
      </MessageBar>
    );
  }
  return (
    <div data-testid="method-answer">
      <Badge appearance="filled" color={TONE_COLOR[methodStatusTone(call.outcome.status)]} data-testid="method-status">
        status {call.outcome.status}
      </Badge>
      <pre className={styles.answer} data-testid="method-payload">
        {JSON.stringify(call.outcome.payload, null, 2)}
      </pre>
    </div>
  );
}

/** A direct method on the device or one of its modules; the agent's methods as presets; this session's calls. */
export function MethodsPanel({ deviceId, moduleIds, edge }: { deviceId: string; moduleIds: readonly string[]; edge: boolean }) {
  const styles = useStyles();
  const history = useFleet((s) => s.history);
  const record = useFleet((s) => s.record);
  const { invoke } = useFleetActions();
  const [moduleId, setModuleId] = useState(edge ? '$edgeAgent' : '');
  const [methodName, setMethodName] = useState(edge ? 'ping' : '');
  const [payload, setPayload] = useState('');
  const [timeout, setTimeoutText] = useState('30');
  const [invalid, setInvalid] = useState<string>();
  const customModule = moduleIds.find((m) => !m.startsWith('$')) ?? 'edgeHub';
  const presets = edge ? edgeAgentPresets(customModule) : [];
  const targets = edge && !moduleIds.includes('$edgeAgent') ? ['$edgeAgent', ...moduleIds] : moduleIds;
  const mine = history.filter((c) => c.deviceId === deviceId);
  const last = mine[0];

  const send = () => {
    const parsed = parsePayload(payload);
    const seconds = Number(timeout);
    if (!methodName.trim()) return setInvalid('Name the method to invoke.');
    if (!parsed.ok) return setInvalid(parsed.message);
    if (!Number.isInteger(seconds) || seconds < 5 || seconds > 300) return setInvalid('The timeout is a whole number of seconds from 5 to 300.');
    setInvalid(undefined);
    const call = { deviceId, ...(moduleId ? { moduleId } : {}), methodName: methodName.trim(), payload: parsed.value, responseTimeoutInSeconds: seconds };
    const at = new Date().toISOString();
    const base = { at, deviceId, ...(moduleId ? { moduleId } : {}), methodName: call.methodName, payload };
    invoke.mutate(call, {
      onSuccess: (answer) => record({ ...base, outcome: { kind: 'answer', status: answer.status, payload: answer.payload } }),
      onError: (error) => {
        const problem = hubProblem(error, `invoke ${call.methodName}`);
        record({ ...base, outcome: { kind: 'error', code: problem.code, message: problem.message } });
      },
    });
  };

  return (
    <div className={styles.root} data-testid="methods-panel">
      {presets.length > 0 && (
        <div className={styles.presets}>
          <Caption1 className={styles.muted}>Presets:</Caption1>
          {presets.map((p) => (
            <Button
              key={p.id}
              size="small"
              onClick={() => {
                setModuleId(p.moduleId);
                setMethodName(p.methodName);
                setPayload(p.payload);
              }}
              data-testid={`preset-${p.id}`}
            >
              {p.label}
            </Button>
          ))}
        </div>
      )}
      <div className={styles.row}>
        <Field label="Target" className={styles.target}>
          <Dropdown value={moduleId || `${deviceId} (device)`} selectedOptions={[moduleId]} onOptionSelect={(_e, d) => setModuleId(d.optionValue ?? '')} data-testid="method-target">
            <Option value="" text={`${deviceId} (device)`}>{`${deviceId} (device)`}</Option>
            {targets.map((m) => (
              <Option key={m} value={m}>
                {m}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Method" className={styles.name} required>
          <Input value={methodName} onChange={(_e, d) => setMethodName(d.value)} data-testid="method-name" />
        </Field>
        <Field label="Timeout (s)" className={styles.timeout}>
          <Input type="number" min={5} max={300} value={timeout} onChange={(_e, d) => setTimeoutText(d.value)} data-testid="method-timeout" />
        </Field>
      </div>
      <Field label="Payload (JSON; empty sends null)">
        <Textarea className={styles.payload} resize="vertical" rows={5} value={payload} onChange={(_e, d) => setPayload(d.value)} data-testid="method-payload-input" />
      </Field>
      <div className={styles.row}>
        <HostButton icon={<FlashRegular />} appearance="primary" onClick={send} disabled={invoke.isPending} data-testid="method-invoke">
          {invoke.isPending ? `Waiting for ${moduleId || deviceId}…` : `Invoke ${methodName.trim() || 'method'} on ${moduleId ? `${deviceId}/${moduleId}` : deviceId}`}
        </HostButton>
      </div>
      {invalid && (
        <MessageBar intent="error" data-testid="method-invalid">
          <MessageBarBody>{invalid}</MessageBarBody>
        </MessageBar>
      )}
      {last && <Outcome call={last} />}
      {mine.length > 0 && (
        <section aria-label="Calls in this session">
          <Subtitle2 as="h3">This session's calls</Subtitle2>
          <ul className={styles.history} data-testid="method-history">
            {mine.map((c) => (
              <li key={c.id} className={styles.call}>
                <Caption1 className={styles.muted}>{new Date(c.at).toLocaleTimeString()}</Caption1>
                <Button
                  size="small"
                  appearance="subtle"
                  onClick={() => {
                    setModuleId(c.moduleId ?? '');
                    setMethodName(c.methodName);
                    setPayload(c.payload);
                  }}
                  aria-label={`Fill the form with ${c.methodName} on ${c.moduleId ?? c.deviceId} again`}
                >
                  {c.methodName} on {c.moduleId ?? c.deviceId}
                </Button>
                {c.outcome.kind === 'answer' ? (
                  <Badge appearance="tint" color={TONE_COLOR[methodStatusTone(c.outcome.status)]}>
                    {c.outcome.status}
                  </Badge>
                ) : (
                  <Badge appearance="tint" color="danger">
                    {c.outcome.code}
                  </Badge>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
