import type { EdgeHubState, Outbox } from '../../../../shared/ipc/edgehub.contract';
import type { Tone } from '../../../../shared/runtime/runtime-state';

/** A state as the screen says it: the word (the badge), its tone (renderer/README.md's colours) and a sentence. */
export interface StatusWord {
  readonly word: string;
  readonly tone: Tone;
  readonly sentence: string;
}

export type UpstreamState = Outbox['upstream'];

/** The edge hub's own words: `running` ok, `starting` busy, `failed` danger, `off` neutral. */
export function edgeHubWord(state: EdgeHubState): StatusWord {
  switch (state.state) {
    case 'running':
      return { word: 'running', tone: 'ok', sentence: `The edge hub takes module connections on MQTT port ${state.mqttPort} (HTTPS ${state.httpsPort}).` };
    case 'starting':
      return { word: 'starting', tone: 'busy', sentence: 'The edge hub is starting.' };
    case 'failed':
      return { word: 'failed', tone: 'danger', sentence: `The edge hub could not start: ${state.reason}` };
    case 'off':
      return { word: 'off', tone: 'neutral', sentence: `The edge hub is not running: ${state.reason}` };
    default:
      return unreachable(state);
  }
}

/**
 * The upstream link (to IoT Hub or the local hub) in the same tones: `connected` ok, `connecting` busy, `offline`
 * warning (messages are kept and the hub retries by itself, like a module in backoff), `off` neutral.
 */
export function upstreamWord(upstream: UpstreamState, formatTime: (iso: string) => string): StatusWord {
  switch (upstream.state) {
    case 'connected':
      return { word: 'connected', tone: 'ok', sentence: `Connected to ${upstream.hubHost} since ${formatTime(upstream.since)}.` };
    case 'connecting':
      return { word: 'connecting', tone: 'busy', sentence: `Connecting to ${upstream.hubHost}…` };
    case 'offline':
      return {
        word: 'offline',
        tone: 'warning',
        sentence: `Cannot reach ${upstream.hubHost}: ${upstream.lastError}. Messages for $upstream are kept; next try at ${formatTime(upstream.retryAt)}.`,
      };
    case 'off':
      return { word: 'off', tone: 'neutral', sentence: `No upstream: ${upstream.reason}` };
    default:
      return unreachable(upstream);
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled state ${JSON.stringify(value)}`);
}

/** `850 ms`, `12 s`, `4 min 5 s`, `2 h 3 min`: the age of the oldest waiting message. */
export function formatAge(ms: number): string {
  if (ms <= 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** `12.5/s`, `1,204/s`: a rate as the charts and the route graph say it. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return `${Math.round(perSecond).toLocaleString()}/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(1).replace(/\.0$/, '')}/s`;
  return `${perSecond.toFixed(2).replace(/\.?0+$/, '')}/s`;
}

/** `1.2 MB`: bytes on disk. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The host's reason as a sentence of its own: a capital first letter and a full stop. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
