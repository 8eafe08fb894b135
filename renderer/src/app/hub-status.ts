import type { HubStatus } from '../../../shared/ipc/status.contract';
import { localTime } from './format-time';
import type { NetworkTone } from './network-status';

/** The status bar's and the Overview's hub item: the console's connection to its IoT Hub as the host checked it. */
export interface HubItem {
  readonly tone: NetworkTone;
  /** The state word alone (the Overview's badge). */
  readonly state: string;
  /** The status bar's word ("Hub", "Hub: unreachable"). */
  readonly word: string;
  /** What follows the word: the hub's name. */
  readonly detail?: string;
  /** One sentence (the Overview's card). */
  readonly sentence: string;
  /** The tooltip. */
  readonly lines: readonly string[];
}

const where = (hub: { hostName: string; kind: 'local' | 'cloud' }) => (hub.kind === 'local' ? `the local hub on ${hub.hostName}` : `IoT Hub ${hub.hostName}`);

export function hubItem(hub: HubStatus | undefined, now: number): HubItem {
  if (!hub) return { tone: 'idle', state: '…', word: 'Hub…', sentence: 'Waiting for the host.', lines: ['Waiting for the host.'] };
  switch (hub.state) {
    case 'connecting':
      return { tone: 'busy', state: 'connecting', word: 'Hub: connecting', detail: hub.hostName, sentence: `Connecting to ${where(hub)}…`, lines: [`Connecting to ${where(hub)}…`] };
    case 'connected': {
      const devices = `${hub.devices} device${hub.devices === 1 ? '' : 's'}`;
      const sentence = `Connected to ${where(hub)}: ${devices}.`;
      return {
        tone: 'ok',
        state: 'connected',
        word: 'Hub',
        detail: hub.kind === 'local' ? `${hub.hostName} (local)` : hub.hostName,
        sentence,
        lines: [sentence, `Checked ${localTime(Date.parse(hub.checkedAt), now)}`],
      };
    }
    case 'unreachable':
      return {
        tone: 'bad',
        state: 'unreachable',
        word: 'Hub: unreachable',
        detail: hub.hostName,
        sentence: hub.reason,
        lines: [`Cannot reach ${where(hub)}.`, hub.reason, `Checked ${localTime(Date.parse(hub.checkedAt), now)}`],
      };
    case 'off':
      return { tone: 'idle', state: 'off', word: 'Hub: off', sentence: hub.reason, lines: [hub.reason] };
    default: {
      const never: never = hub;
      return never;
    }
  }
}
