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
import { ArrowClockwiseRegular, SendRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { HostButton } from '../../app/HostButton';
import { parseExpiry, parseProperties } from './c2d-message';
import { hubProblem } from './hub-error';
import { useDevice, useFleetActions } from './queries';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'flex-end' },
  waiting: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  body: { fontFamily: tokens.fontFamilyMonospace },
  narrow: { width: '180px' },
  /** Fluent's Dropdown and Input keep a minimum width of their own: inside a narrow field they fill it instead. */
  fill: { width: '100%', minWidth: 0 },
  wide: { flex: '1 1 240px' },
  history: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  sent: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap', minWidth: 0 },
  preview: { fontFamily: tokens.fontFamilyMonospace, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: '420px' },
  muted: { color: tokens.colorNeutralForeground2 },
});

const CONTENT_TYPES = ['', 'application/json', 'text/plain'] as const;

interface Sent {
  readonly at: string;
  readonly messageId: string;
  readonly body: string;
}

/**
 * Cloud-to-device messages for one device (az iot device c2d-message send): the hub queues each until the device
 * listens; how many wait is the hub's own count (`cloudToDeviceMessageCount`), read again after each send.
 */
export function MessagesPanel({ deviceId }: { deviceId: string }) {
  const styles = useStyles();
  const device = useDevice(deviceId);
  const { sendMessage } = useFleetActions();
  const [body, setBody] = useState('');
  const [contentType, setContentType] = useState<string>('application/json');
  const [propertiesText, setPropertiesText] = useState('');
  const [messageId, setMessageId] = useState('');
  const [ttl, setTtl] = useState('3600');
  const [invalid, setInvalid] = useState<string>();
  const [sent, setSent] = useState<readonly Sent[]>([]);
  const waiting = (device.data as { cloudToDeviceMessageCount?: unknown } | undefined)?.cloudToDeviceMessageCount;

  const send = () => {
    const properties = parseProperties(propertiesText);
    const expiry = parseExpiry(ttl);
    if (!properties.ok) return setInvalid(properties.message);
    if (!expiry.ok) return setInvalid(expiry.message);
    if (contentType === 'application/json' && body.trim() !== '') {
      try {
        JSON.parse(body);
      } catch (error) {
        return setInvalid(`The body is not JSON (${(error as Error).message}); choose another content type to send it as it is.`);
      }
    }
    setInvalid(undefined);
    sendMessage.mutate(
      {
        deviceId,
        body,
        properties: properties.value,
        expirySeconds: expiry.value,
        ...(messageId.trim() ? { messageId: messageId.trim() } : {}),
        ...(contentType ? { contentType, contentEncoding: 'utf-8' } : {}),
      },
      { onSuccess: (result) => setSent((list) => [{ at: new Date().toISOString(), messageId: result.messageId, body }, ...list].slice(0, 20)) },
    );
  };

  const problem = sendMessage.isError ? hubProblem(sendMessage.error, `send a message to ${deviceId}`) : undefined;
  return (
    <div className={styles.root} data-testid="messages-panel">
      <div className={styles.waiting}>
        <Caption1 className={styles.muted}>
          The hub keeps each message until {deviceId} listens (at most 50 waiting, IoT Hub&apos;s limit), for its time to live.
        </Caption1>
        {typeof waiting === 'number' && (
          <Badge appearance="tint" color={waiting > 0 ? 'warning' : 'success'} data-testid="c2d-waiting">
            {waiting === 0 ? 'none waiting' : `${waiting} waiting`}
          </Badge>
        )}
        <Button size="small" appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={() => void device.refetch()} data-testid="c2d-refresh" aria-label={`Read again how many messages wait for ${deviceId}`} />
      </div>
      <Field label="Body">
        <Textarea className={styles.body} resize="vertical" rows={5} value={body} onChange={(_e, d) => setBody(d.value)} data-testid="c2d-body" />
      </Field>
      <div className={styles.row}>
        <Field label="Content type" className={styles.narrow}>
          <Dropdown className={styles.fill} value={contentType || 'none'} selectedOptions={[contentType]} onOptionSelect={(_e, d) => setContentType(d.optionValue ?? '')} data-testid="c2d-content-type">
            {CONTENT_TYPES.map((type) => (
              <Option key={type || 'none'} value={type} text={type || 'none'}>
                {type || 'none'}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Message id (empty: a new one)" className={styles.wide}>
          <Input value={messageId} onChange={(_e, d) => setMessageId(d.value)} data-testid="c2d-message-id" />
        </Field>
        <Field label="Time to live (s)" className={styles.narrow}>
          <Input className={styles.fill} type="number" min={1} value={ttl} onChange={(_e, d) => setTtl(d.value)} data-testid="c2d-ttl" />
        </Field>
      </div>
      <Field label="Properties (key=value, one per line)">
        <Textarea className={styles.body} resize="vertical" rows={3} value={propertiesText} onChange={(_e, d) => setPropertiesText(d.value)} data-testid="c2d-properties" />
      </Field>
      <div className={styles.row}>
        <HostButton icon={<SendRegular />} appearance="primary" onClick={send} disabled={sendMessage.isPending} data-testid="c2d-send">
          {sendMessage.isPending ? 'Sending…' : `Send to ${deviceId}`}
        </HostButton>
      </div>
      {invalid && (
        <MessageBar intent="error" data-testid="c2d-invalid">
          <MessageBarBody>{invalid}</MessageBarBody>
        </MessageBar>
      )}
      {problem && !invalid && (
        <MessageBar intent="error" layout="multiline" data-testid="c2d-error">
          <MessageBarBody>
            <MessageBarTitle>{problem.title}</MessageBarTitle>
            {problem.message}
          </MessageBarBody>
        </MessageBar>
      )}
      {sent.length > 0 && (
        <section aria-label="Messages sent in this session">
          <Subtitle2 as="h3">Sent in this session</Subtitle2>
          <ul className={styles.history} data-testid="c2d-history">
            {sent.map((message) => (
              <li key={`${message.at}-${message.messageId}`} className={styles.sent}>
                <Caption1 className={styles.muted}>{new Date(message.at).toLocaleTimeString()}</Caption1>
                <Badge appearance="outline">{message.messageId}</Badge>
                <span className={styles.preview}>{message.body || '(empty body)'}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
