import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, MessageBar, MessageBarBody, Radio, RadioGroup, tokens } from '@fluentui/react-components';
import { KeyResetRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { HostButton } from '../../app/HostButton';
import { hubProblem } from './hub-error';
import { KEY_CHOICES, keyChoiceLabel, regenerateAction, regenerateConsequence, type KeyChoice } from './keys';
import { useFleetActions } from './queries';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  action: { whiteSpace: 'nowrap', maxWidth: 'none' },
});

/** Regenerating a SAS device's keys names the device, says who is disconnected, and asks first. */
export function RegenerateKeysDialog({ deviceId, initial, onClose }: { deviceId: string; initial: KeyChoice; onClose: (done: KeyChoice | undefined) => void }) {
  const styles = useStyles();
  const { regenerateKeys } = useFleetActions();
  const [which, setWhich] = useState<KeyChoice>(initial);
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose(undefined)}>
      <DialogSurface data-testid="regenerate-keys-dialog">
        <DialogBody>
          <DialogTitle>Regenerate keys of {deviceId}?</DialogTitle>
          <DialogContent className={styles.content}>
            <RadioGroup value={which} onChange={(_e, d) => setWhich(d.value as KeyChoice)} aria-label="Keys to regenerate" layout="horizontal">
              {KEY_CHOICES.map((k) => (
                <Radio key={k} value={k} label={keyChoiceLabel(k)} />
              ))}
            </RadioGroup>
            <span data-testid="regenerate-keys-text">{regenerateConsequence(deviceId, which)}</span>
            {regenerateKeys.error && (
              <MessageBar intent="error" data-testid="regenerate-keys-error">
                <MessageBarBody>{hubProblem(regenerateKeys.error, `regenerate the keys of ${deviceId}`).message}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => onClose(undefined)} data-testid="regenerate-keys-cancel">
              Cancel
            </Button>
            <HostButton
              appearance="primary"
              className={styles.action}
              icon={<KeyResetRegular />}
              disabled={regenerateKeys.isPending}
              onClick={() => regenerateKeys.mutate({ deviceId, which }, { onSuccess: () => onClose(which) })}
              data-testid="regenerate-keys-confirm"
            >
              {regenerateKeys.isPending ? 'Regenerating…' : regenerateAction(which)}
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
