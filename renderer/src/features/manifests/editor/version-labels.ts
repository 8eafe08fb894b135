import type { HistoryVersion, VersionReason } from '../../../../../shared/ipc/workspace.contract';

const WHAT: Record<VersionReason, string> = { save: 'Saved', restore: 'Restored', disk: 'Found on disk' };

/** Bytes for people: 812 B, 4.3 KB, 1.2 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** When a version was kept: the time (with seconds) today, "Yesterday, 10:42", else the date and time. */
export function formatWhen(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const day = (d: Date) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
  if (day(at) === day(now)) return `Today, ${time}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (day(at) === day(yesterday)) return `Yesterday, ${time}`;
  return at.toLocaleString(undefined, { day: 'numeric', month: 'short', year: at.getFullYear() === now.getFullYear() ? undefined : 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function describeVersion(version: HistoryVersion, now = new Date()): { when: string; what: string; size: string } {
  return { when: formatWhen(version.savedAt, now), what: WHAT[version.reason], size: formatSize(version.size) };
}
