import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input, MessageBar, MessageBarBody, ProgressBar, Text } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { runtimeContract } from '../../../../shared/ipc';
import { subscribeEvent } from '../../ipc/client';
import { HostButton } from '../../app/HostButton';
import { useHost } from '../../ipc/host';
import { useRuntimeActions } from './queries';

/** Offline sideloading: load images from a `docker save` tarball on this machine, with progress. */
export function SideloadDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [path, setPath] = useState('');
  const [progress, setProgress] = useState<{ bytes: number; total: number; message?: string }>();
  const { sideload } = useRuntimeActions();
  const { transport } = useHost();

  useEffect(
    () =>
      subscribeEvent(transport, runtimeContract, 'sideloadProgress', (p) => {
        setProgress({ bytes: p.bytes, total: p.total, message: p.message });
      }),
    [transport],
  );

  const close = () => {
    sideload.reset();
    setProgress(undefined);
    onClose();
  };

  return (
    <Dialog open={open} onOpenChange={(_e, d) => !d.open && close()}>
      <DialogSurface data-testid="sideload-dialog">
        <DialogBody>
          <DialogTitle>Sideload an image</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <Text>Load images brought on a USB stick: a tarball made with <code>docker save</code>, as a path on this machine.</Text>
            <Field label="Image tarball">
              <Input value={path} onChange={(_e, d) => setPath(d.value)} placeholder="/media/usb/images.tar" data-testid="sideload-path" />
            </Field>
            {sideload.isPending && (
              <Field validationMessage={progress?.message ?? 'Sending…'} validationState="none">
                <ProgressBar value={progress ? progress.bytes / Math.max(1, progress.total) : undefined} />
              </Field>
            )}
            {sideload.isSuccess && (
              <MessageBar intent="success">
                <MessageBarBody data-testid="sideload-result">Loaded {sideload.data.loaded.join(', ')}</MessageBarBody>
              </MessageBar>
            )}
            {sideload.isError && (
              <MessageBar intent="error">
                <MessageBarBody>{sideload.error.message}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Close</Button>
            <HostButton appearance="primary" disabled={!path.trim() || sideload.isPending} onClick={() => sideload.mutate(path.trim())} data-testid="sideload-confirm">
              Load
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
