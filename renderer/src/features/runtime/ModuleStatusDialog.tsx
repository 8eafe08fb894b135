import { Body1, Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, MessageBar, MessageBarBody, Spinner } from '@fluentui/react-components';
import { useEffect } from 'react';
import { HostButton } from '../../app/HostButton';
import { useRuntimeActions } from './queries';

export interface StatusRequest {
  readonly module: string;
  readonly status: 'running' | 'stopped';
  /** The applied deployment's version now: Stop/Start applies the next one. */
  readonly version: number;
  readonly restartPolicy: string;
}

/** What Stop and Start do, said before they are confirmed: each changes the applied deployment, as a new version. */
export function statusChangeText({ module, status, version, restartPolicy }: StatusRequest): string {
  const versions = `deployment v${version} becomes v${version + 1}`;
  return status === 'stopped'
    ? `Stop sets ${module}'s desired status to stopped in the applied deployment: ${versions}. The agent stops its container, and it stays stopped (no restarts) until you Start it or apply a deployment in which it runs.`
    : `Start sets ${module}'s desired status to running in the applied deployment: ${versions}. The agent starts its container and from then on restarts it by its restart policy (${restartPolicy}).`;
}

/** The confirmation for Stop/Start, and its outcome (the new version, or that nothing changed). */
export function ModuleStatusDialog({ request, onClose }: { request: StatusRequest | undefined; onClose: () => void }) {
  const { setStatus } = useRuntimeActions();
  const { reset } = setStatus;
  useEffect(() => reset(), [request, reset]);
  const verb = request?.status === 'stopped' ? 'Stop' : 'Start';
  const done = setStatus.data;
  return (
    <Dialog open={request !== undefined} onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface data-testid="module-status-dialog">
        <DialogBody>
          <DialogTitle>
            {verb} {request?.module}?
          </DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            {request && <Body1 data-testid="module-status-explanation">{statusChangeText(request)}</Body1>}
            {setStatus.isPending && <Spinner size="tiny" label="Applying…" />}
            {done && request && (
              <MessageBar intent="success">
                <MessageBarBody data-testid="module-status-result">
                  {done.changed
                    ? `Deployment v${done.version} applied: ${request.module}'s desired status is now ${request.status}.`
                    : `${request.module} already had desired status ${request.status}: nothing changed (still deployment v${done.version}).`}
                </MessageBarBody>
              </MessageBar>
            )}
            {setStatus.isError && (
              <MessageBar intent="error">
                <MessageBarBody>{setStatus.error.message}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{done ? 'Close' : 'Cancel'}</Button>
            {!done && (
              <HostButton
                appearance="primary"
                disabled={setStatus.isPending}
                onClick={() => request && setStatus.mutate({ name: request.module, status: request.status })}
                data-testid="module-status-confirm"
              >
                {verb} (v{request?.version} → v{(request?.version ?? 0) + 1})
              </HostButton>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
