import { Button, type ButtonProps } from '@fluentui/react-components';
import { useHostActionsEnabled } from '../ipc/host';

/**
 * A Button whose action calls the host (save, apply, restart, sideload…). While the console is disconnected it
 * is disabled, yet stays focusable so its tooltip still reads; the banner at the top says why. Everything else
 * is the Fluent Button (a ref passes through as a prop, so Tooltip and Menu triggers work).
 */
export function HostButton({ disabledFocusable, ...props }: ButtonProps) {
  const connected = useHostActionsEnabled();
  return <Button {...props} disabledFocusable={disabledFocusable === true || (!connected && props.disabled !== true)} data-host-action={connected ? 'enabled' : 'disconnected'} />;
}
