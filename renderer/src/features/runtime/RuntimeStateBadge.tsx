import { Badge, type BadgeProps } from '@fluentui/react-components';
import type { RuntimeState } from '../../../../shared/ipc/status.contract';
import { moduleTone, type ModuleRuntimeStatus, type Tone } from '../../../../shared/runtime/runtime-state';

/** The shared tones (shared/runtime/runtime-state.ts) as Fluent colours: every runtime and module badge uses this. */
export const TONE_COLOR: Readonly<Record<Tone, NonNullable<BadgeProps['color']>>> = {
  ok: 'success',
  warning: 'warning',
  danger: 'danger',
  neutral: 'subtle',
  busy: 'informative',
};

/** The runtime's word in its colour, as the host derived it; the sentence is its title. */
export function RuntimeStateBadge({ state, testId, appearance = 'filled' }: { state: RuntimeState | undefined; testId?: string; appearance?: BadgeProps['appearance'] }) {
  return (
    <Badge appearance={appearance} color={state ? TONE_COLOR[state.tone] : 'subtle'} data-testid={testId} data-tone={state?.tone} title={state?.summary}>
      {state?.state ?? '…'}
    </Badge>
  );
}

/** A module's IoT Edge status in the shared tones. */
export function ModuleStatusBadge({ status, testId }: { status: ModuleRuntimeStatus; testId?: string }) {
  return (
    <Badge appearance="tint" color={TONE_COLOR[moduleTone(status)]} data-testid={testId}>
      {status}
    </Badge>
  );
}
