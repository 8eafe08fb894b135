const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `14:03:07` in the reader's time zone; an unreadable time is shown as it came. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `14:03:07.412`: a message's time in the inspector. */
export function clockTimeMs(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${clockTime(iso)}.${pad(date.getMilliseconds(), 3)}`;
}
