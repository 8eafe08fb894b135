/**
 * A moment for a sentence ("Data shown is from 14:03", "Restored unsaved changes from 12 Mar, 09:15"): the local
 * time of day when it is today, the date too otherwise.
 */
export function localTime(at: number, now: number, locale?: string): string {
  const date = new Date(at);
  if (date.toDateString() === new Date(now).toDateString()) return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleString(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
