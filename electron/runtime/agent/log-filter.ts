import type { LogLine } from '../drivers/driver';

/**
 * GetModuleLogs filters (doc/built-in-logs-pull.md): `since`/`until` as a UNIX timestamp, an RFC 3339 time or a
 * duration ("1d", "90m", "2 days 3 hours 2 minutes"); `loglevel` keeps lines whose syslog level `<n>` is ≤ it;
 * `regex` keeps matching lines.
 */
const UNITS: Readonly<Record<string, number>> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800,
};

/** A time filter value → a Date, relative to `now` for durations; undefined when it is not one of the forms. */
export function parseLogTime(value: string | number, now: number): Date | undefined {
  if (typeof value === 'number' || /^\d+$/.test(value.trim())) return new Date(Number(value) * 1000);
  const text = value.trim();
  const duration = /^(\d+(?:\.\d+)?)\s*([a-z]+)(?:\s*,?\s*|$)/i;
  let rest = text;
  let seconds = 0;
  let matched = false;
  while (rest.length) {
    const m = duration.exec(rest);
    const unit = m?.[2] ? UNITS[m[2].toLowerCase()] : undefined;
    if (!m || unit === undefined) break;
    seconds += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
    matched = true;
  }
  if (matched && rest.length === 0) return new Date(now - seconds * 1000);
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

/** `<6> 2026-11-27 10:00:00.000 +00:00 text` → 6; undefined without a syslog prefix. */
export function syslogLevel(line: string): number | undefined {
  const m = /^<([0-7])>/.exec(line);
  return m ? Number(m[1]) : undefined;
}

export interface LineFilter {
  readonly loglevel?: number;
  readonly regex?: RegExp;
}

export function filterLines(lines: readonly LogLine[], filter: LineFilter): LogLine[] {
  return lines.filter((l) => {
    if (filter.loglevel !== undefined) {
      const level = syslogLevel(l.line);
      if (level === undefined || level > filter.loglevel) return false;
    }
    return filter.regex ? filter.regex.test(l.line) : true;
  });
}
