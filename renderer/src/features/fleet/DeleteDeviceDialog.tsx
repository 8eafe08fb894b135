import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { HostButton } from '../../app/HostButton';
import { useFleetActions } from './queries';

/** Deleting a device names it, says what goes with it, and asks first. */
export function DeleteDeviceDialog({ deviceId, moduleCount, onClose }: { deviceId: string; moduleCount: number; onClose: (deleted: boolean) => void }) {
  const { remove } = useFleetActions();
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose(false)}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Delete device {deviceId}?</DialogTitle>
          <DialogContent data-testid="delete-device-text">
            {deviceId} is removed from the hub with its twin{moduleCount > 0 ? ` and its ${moduleCount} module identit${moduleCount === 1 ? 'y' : 'ies'}` : ''}. Anything that connects with its keys or
            certificate is refused from then on. This cannot be undone.
            {remove.error && (
              <MessageBar intent="error" data-testid="delete-error">
                <MessageBarBody>{remove.error.message}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => onClose(false)} data-testid="delete-device-cancel">
              Cancel
            </Button>
            <HostButton
              appearance="primary"
              icon={<DeleteRegular />}
              disabled={remove.isPending}
              onClick={() => remove.mutate(deviceId, { onSuccess: () => onClose(true) })}
              data-testid="delete-device-confirm"
            >
              {remove.isPending ? 'Deleting…' : `Delete ${deviceId}`}
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
