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

export type Tone = 'success' | 'warning' | 'danger' | 'informative' | 'subtle';

export function statusTone(status: ModuleRow['runtimeStatus']): Tone {
  switch (status) {
    case 'running':
      return 'success';
    case 'backoff':
    case 'unhealthy':
      return 'warning';
    case 'failed':
    case 'dead':
      return 'danger';
    case 'stopped':
      return 'subtle';
    case 'unknown':
      return 'informative';
  }
}

/** The line above the plan preview: how many steps, and how many of them stop or delete containers. */
export function planSummary(steps: readonly Pick<PlanStep, 'destructive'>[]): string {
  if (!steps.length) return 'Everything already runs as this deployment says: nothing to do.';
  const destructive = steps.filter((s) => s.destructive).length;
  const warning = destructive ? ` ${destructive} of them ${destructive === 1 ? 'is' : 'are'} destructive (they stop or delete containers).` : '';
  return `The agent will run ${steps.length} step(s), in this order:${warning}`;
}
