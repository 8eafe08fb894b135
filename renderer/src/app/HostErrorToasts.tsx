import { Toast, ToastBody, Toaster, ToastTitle, useId, useToastController } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/**
 * A call that fails because the console is disconnected says so, wherever it came from (a shortcut, a dialog
 * left open, a call in flight when the connection dropped): every mutation failing with DISCONNECTED shows a toast.
 */
export function HostErrorToasts() {
  const queryClient = useQueryClient();
  const toasterId = useId('host-errors');
  const { dispatchToast } = useToastController(toasterId);
  useEffect(
    () =>
      queryClient.getMutationCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'error') return;
        const error = event.action.error as { code?: unknown; message?: unknown } | null;
        if (error?.code !== 'DISCONNECTED') return;
        dispatchToast(
          <Toast data-testid="disconnected-toast">
            <ToastTitle>Not done: no connection to the Gatehouse host</ToastTitle>
            <ToastBody>{String(error.message)}</ToastBody>
          </Toast>,
          { intent: 'error' },
        );
      }),
    [queryClient, dispatchToast],
  );
  return <Toaster toasterId={toasterId} position="bottom-end" />;
}
