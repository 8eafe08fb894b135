import type { ModuleRow, PlanStep } from '../../../../shared/ipc/runtime.contract';

/** "3 h 12 min", "45 s": how long a running module has been up. */
export function uptime(row: Pick<ModuleRow, 'runtimeStatus' | 'startedAt'>, now: number): string {
  if (row.runtimeStatus !== 'running' || !row.startedAt) return '—';
  const seconds = Math.max(0, Math.floor((now - Date.parse(row.startedAt)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Time of day for today's times, date and time otherwise; IoT Edge's DateTime.MinValue as unknown. */
export function shortTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2) return '—';
  const today = new Date(now).toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** "in 35 s", "in 4 min", "12 s ago", "3 h ago": how far a moment is from now. */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const size = Math.abs(seconds);
  const amount = size < 60 ? `${size} s` : size < 3600 ? `${Math.round(size / 60)} min` : size < 48 * 3600 ? `${Math.round(size / 3600)} h` : `${Math.round(size / 86400)} d`;
  if (size === 0) return 'now';
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}

/** A moment in the reader's local time with how far it is: "14:03:12 (in 35 s)"; a past retry is "any moment now". */
export function nextRetryText(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  return at <= now ? `${shortTime(iso, now)} (any moment now)` : `${shortTime(iso, now)} (${relativeTime(at, now)})`;
}

/**
 * A past moment in local time with how long ago: "14:03:12 (2 min ago)". A moment a little ahead of this page's
 * clock (a clock tick behind, or the host's clock ahead) is "just now", never "in 3 s".
 */
export function pastText(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  return `${shortTime(iso, now)} (${at > now - 1000 ? 'just now' : relativeTime(at, now)})`;
}

/** "12.3 MB": an image size. */
export function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The line above the plan preview: how many steps, and how many of them stop or delete containers. */
export function planSummary(steps: readonly Pick<PlanStep, 'destructive'>[]): string {
  if (!steps.length) return 'Everything already runs as this deployment says: nothing to do.';
  const destructive = steps.filter((s) => s.destructive).length;
  const warning = destructive ? ` ${destructive} of them ${destructive === 1 ? 'is' : 'are'} destructive (they stop or delete containers).` : '';
  return `The agent will run ${steps.length} step(s), in this order:${warning}`;
}

/**
 * What Restart does for a module, said before it is pressed: disabled for a module stopped on purpose (the agent
 * would stop it again; Start is the way) or without a container; for one that is not running it starts it now.
 */
export function restartAvailability(row: Pick<ModuleRow, 'desiredStatus' | 'runtimeStatus' | 'containerId'>): { enabled: boolean; tip: string } {
  if (row.desiredStatus === 'stopped') {
    return {
      enabled: false,
      tip: 'Stopped on purpose (desired status stopped): a restart would not last, the agent stops it again. Use Start, which sets its desired status to running (a new deployment version).',
    };
  }
  if (!row.containerId) return { enabled: false, tip: 'No container yet: the agent creates it as the deployment is applied.' };
  if (row.runtimeStatus === 'running') return { enabled: true, tip: 'Restart: stops and starts its container (as the RestartModule direct method). The deployment does not change.' };
  return { enabled: true, tip: 'Restart: it is not running, so this starts its container now, without waiting for its backoff. The deployment does not change.' };
}

/** A log line's engine timestamp (RFC 3339, UTC, nanoseconds) as local time of day with milliseconds. */
export function logTime(timestamp: string): string {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return '';
  const date = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** What the problems box says under a failure when Gatehouse has stopped retrying a step (the agent's words too). */
export const GAVE_UP_TEXT = 'Gatehouse stopped retrying it: apply the deployment again (or sideload the image) to retry.';

/**
 * The runtime's sentence beside the problems box: `summary` (deriveRuntimeState's, which names every failure so the
 * status bar and the CLI can) without the failures the box already shows, so the Runtime page says each once.
 */
export function summaryBesideProblems(summary: string, shown: readonly string[]): string {
  let text = summary;
  for (const said of shown) {
    const core = said.trim().replace(/[.\s]+$/, '');
    if (core) text = text.split(core).join(' ');
  }
  return text
    .replace(/\s+([.,;:])/g, '$1')
    .replace(/([.;:])(?:\s*[.;])+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
