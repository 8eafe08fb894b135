import { appError, err, ok, type Result } from '../../../shared/errors';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from `now` (`90s`, `30m`, `1h`, `2d`) or an ISO 8601 time. Default one hour. */
export function parseSince(since: string | undefined, now: number): Result<Date> {
  const text = (since ?? '1h').trim();
  const duration = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(text);
  if (duration) return ok(new Date(now - Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!));
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isNaN(time)) return ok(new Date(time));
  return err(appError('BAD_REQUEST', `--since ${text}: a duration such as 30m, 1h or 2d, or an ISO 8601 time`));
}
