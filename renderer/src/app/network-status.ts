import type { Connectivity, ConnectivityTarget } from '../../../shared/ipc/status.contract';
import { localTime } from './format-time';

export type NetworkTone = 'ok' | 'warn' | 'bad' | 'idle' | 'busy';

/** The status bar's network item: the host's answer (can it reach what the deployment needs), never the browser's. */
export interface NetworkItem {
  readonly tone: NetworkTone;
  /** The status word alone ("Offline"): the Overview's badge; in the status bar never shortened. */
  readonly word: string;
  /** What follows the word ("cannot reach …"), shortened with an ellipsis where room is short. */
  readonly detail?: string;
  /** `word: detail`, the whole text. */
  readonly label: string;
  /** The host's sentence, then one line per target (address, state, reason, local check time). */
  readonly lines: readonly string[];
}

const TARGET_WORD: Record<ConnectivityTarget['state'], string> = {
  checking: 'checking…',
  reachable: 'reachable',
  unreachable: 'unreachable',
  'not-checked': 'not checked',
  'not-needed': 'not needed',
};

/** `cannot reach a.example` or `cannot reach a.example +2`: the first needed target that did not answer. */
function cannotReach(connectivity: Connectivity): string {
  const down = connectivity.targets.filter((t) => t.needed && t.state === 'unreachable');
  return `cannot reach ${down[0]?.address ?? 'a registry'}${down.length > 1 ? ` +${down.length - 1}` : ''}`;
}

export function targetLine(target: ConnectivityTarget, now: number): string {
  const kind = target.kind === 'hub' ? (target.address === 'local' ? 'IoT hub' : `IoT hub ${target.address}`) : `Registry ${target.address}`;
  const parts = [TARGET_WORD[target.state], ...(target.reason ? [target.reason] : [])];
  const checked = target.checkedAt ? ` — checked ${localTime(Date.parse(target.checkedAt), now)}` : '';
  return `${kind}: ${parts.join('; ')}${checked}`;
}

export function networkItem(connectivity: Connectivity | undefined, now: number): NetworkItem {
  if (!connectivity) return { tone: 'idle', word: 'Network…', label: 'Network…', lines: ['Waiting for the host.'] };
  const lines = [connectivity.summary, ...connectivity.targets.map((t) => targetLine(t, now))];
  const item = (tone: NetworkTone, word: string, detail?: string): NetworkItem => ({ tone, word, ...(detail ? { detail } : {}), label: detail ? `${word}: ${detail}` : word, lines });
  switch (connectivity.state) {
    case 'not-needed':
      return item('idle', 'No network needed');
    case 'checking':
      return item('busy', 'Checking network…');
    case 'online':
      return item('ok', 'Online');
    case 'partial':
      return item('warn', 'Partly offline', cannotReach(connectivity));
    case 'offline':
      return item('bad', 'Offline', cannotReach(connectivity));
    case 'unknown':
      return item('idle', 'Network not checked');
    default: {
      const never: never = connectivity.state;
      return never;
    }
  }
}
