import {
  Button,
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
  tokens,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { HostButton } from '../../app/HostButton';
import { hubProblem } from './hub-error';
import { useFleetActions } from './queries';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

const THUMBPRINT = /^[0-9A-Fa-f:]{40,95}$/;
const DEVICE_ID = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;

/** A new device identity: its id, IoT Edge or not, and how it authenticates (SAS keys from the hub, or X.509 thumbprints). */
export function CreateDeviceDialog({ onClose }: { onClose: (created?: string) => void }) {
  const styles = useStyles();
  const { create } = useFleetActions();
  const [deviceId, setDeviceId] = useState('');
  const [edge, setEdge] = useState(true);
  const [auth, setAuth] = useState<'sas' | 'selfSigned'>('sas');
  const [primary, setPrimary] = useState('');
  const [secondary, setSecondary] = useState('');
  const [touched, setTouched] = useState(false);
  const id = deviceId.trim();
  const idError = !id ? 'Give the device an id.' : DEVICE_ID.test(id) ? undefined : "At most 128 letters, digits and - . % _ * ? ! ( ) , : = @ $ '";
  const primaryError = auth === 'selfSigned' && !THUMBPRINT.test(primary.trim()) ? 'The hex SHA-1 or SHA-256 thumbprint of the device certificate.' : undefined;
  const secondaryError = auth === 'selfSigned' && secondary.trim() && !THUMBPRINT.test(secondary.trim()) ? 'A hex thumbprint, or empty (then the primary is used).' : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (idError || primaryError || secondaryError) return;
    const authentication = auth === 'sas' ? { type: 'sas' as const } : { type: 'selfSigned' as const, primaryThumbprint: primary.trim(), ...(secondary.trim() ? { secondaryThumbprint: secondary.trim() } : {}) };
    create.mutate({ deviceId: id, edgeEnabled: edge, auth: authentication }, { onSuccess: () => onClose(id) });
  };

  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <form onSubmit={submit}>
          <DialogBody>
            <DialogTitle>New device</DialogTitle>
            <DialogContent className={styles.form}>
              <Field label="Device id" required validationState={touched && idError ? 'error' : 'none'} validationMessage={touched ? idError : undefined}>
                <Input value={deviceId} onChange={(_e, d) => setDeviceId(d.value)} autoFocus data-testid="create-device-id" />
              </Field>
              <Checkbox checked={edge} onChange={(_e, d) => setEdge(d.checked === true)} label="IoT Edge device (runs edgeAgent and edgeHub)" data-testid="create-device-edge" />
              <Field label="Authentication">
                <RadioGroup value={auth} onChange={(_e, d) => setAuth(d.value as 'sas' | 'selfSigned')}>
                  <Radio value="sas" label="Symmetric keys (the hub generates them)" data-testid="create-auth-sas" />
                  <Radio value="selfSigned" label="X.509 self-signed (certificate thumbprints)" data-testid="create-auth-x509" />
                </RadioGroup>
              </Field>
              {auth === 'selfSigned' && (
                <>
                  <Field label="Primary thumbprint" required validationState={touched && primaryError ? 'error' : 'none'} validationMessage={touched ? primaryError : undefined}>
                    <Input value={primary} onChange={(_e, d) => setPrimary(d.value)} data-testid="create-thumb-primary" />
                  </Field>
                  <Field label="Secondary thumbprint" validationState={touched && secondaryError ? 'error' : 'none'} validationMessage={touched ? secondaryError : undefined}>
                    <Input value={secondary} onChange={(_e, d) => setSecondary(d.value)} data-testid="create-thumb-secondary" />
                  </Field>
                </>
              )}
              {create.error && (
                <MessageBar intent="error" layout="multiline" data-testid="create-error">
                  <MessageBarBody>
                    {hubProblem(create.error, `create device ${id}`).code === 'CONFLICT' ? `A device named ${id} exists already. ` : ''}
                    {create.error.message}
                  </MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => onClose()}>Cancel</Button>
              <HostButton type="submit" appearance="primary" disabled={create.isPending} data-testid="create-device-submit">
                {create.isPending ? 'Creating…' : id ? `Create ${id}` : 'Create'}
              </HostButton>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
