/**
 * Numbers over time for the charts, bounded: a chart keeps only the last `windowMs` (by the data's own clock, so a
 * paused or slow tab never grows it) and at most `maxRows` rows however fast rows come.
 */

/** One moment: `t` (ms since epoch) and a value per series present then. */
export interface SeriesRow {
  readonly t: number;
  readonly values: Readonly<Record<string, number>>;
}

/** The default span of every live chart. */
export const WINDOW_MS = 120_000;

export class TimeSeries {
  /** Rows in time order from `head` on (dropping advances `head`; the array is compacted now and then, not per row). */
  private rows: SeriesRow[] = [];
  private head = 0;
  /** Series keys in first-seen order (a series keeps its colour while it is shown). */
  private readonly seen = new Map<string, number>();

  constructor(
    readonly windowMs: number = WINDOW_MS,
    readonly maxRows: number = 2_000,
  ) {}

  /** Adds a row; rows older than the window before the newest row, and beyond `maxRows`, fall out. */
  push(t: number, values: Readonly<Record<string, number>>): void {
    if (!Number.isFinite(t)) return;
    // Rows come in time order; one from before the newest (another clock, a replay) is kept in order.
    let at = this.rows.length;
    while (at > this.head && this.rows[at - 1]!.t > t) at--;
    this.rows.splice(at, 0, { t, values });
    for (const key of Object.keys(values)) if (!this.seen.has(key)) this.seen.set(key, this.seen.size);
    this.trim();
  }

  private trim(): void {
    const newest = this.rows[this.rows.length - 1]?.t;
    if (newest === undefined) return;
    while (this.head < this.rows.length && this.rows[this.head]!.t < newest - this.windowMs) this.head++;
    this.head = Math.max(this.head, this.rows.length - this.maxRows);
    if (this.head >= this.maxRows) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }

  get length(): number {
    return this.rows.length - this.head;
  }

  /** A copy of the rows in time order. */
  snapshot(): SeriesRow[] {
    return this.rows.slice(this.head);
  }

  /** Keys that have a value in the rows kept, in first-seen order. */
  keys(): string[] {
    const present = new Set<string>();
    for (let i = this.head; i < this.rows.length; i++) for (const key of Object.keys(this.rows[i]!.values)) present.add(key);
    return [...this.seen.keys()].filter((key) => present.has(key));
  }

  clear(): void {
    this.rows = [];
    this.head = 0;
    this.seen.clear();
  }
}

/** The newest value of a series in the rows (undefined when it has none). */
export function latestValue(rows: readonly SeriesRow[], key: string): number | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const value = rows[i]!.values[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Rows as recharts takes them: `{ t, [key]: value }`, only the keys asked for (rows with none of them are left out).
 * `missing`: the value of a key a row lacks (0 for rates: a source the hub did not count in a second sent nothing).
 */
export function chartRows(rows: readonly SeriesRow[], keys: readonly string[], missing?: number): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (const row of rows) {
    let point: Record<string, number> | undefined;
    for (const key of keys) {
      const value = row.values[key] ?? missing;
      if (value === undefined) continue;
      point ??= { t: row.t };
      point[key] = value;
    }
    if (point) out.push(point);
  }
  return out;
}

/** Keys with a value in the rows, in the order they first appear. */
export function rowKeys(rows: readonly SeriesRow[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row.values)) keys.add(key);
  return [...keys];
}

/** Ticks every `stepMs` on whole multiples of it (14:03:00, 14:03:30…) inside [end - windowMs, end]. */
export function windowTicks(end: number, windowMs: number, stepMs = 30_000): number[] {
  const ticks: number[] = [];
  for (let t = Math.ceil((end - windowMs) / stepMs) * stepMs; t <= end; t += stepMs) ticks.push(t);
  return ticks;
}

/**
 * At most `max` rows for drawing, evenly spread over the rows and always keeping the newest (a chart 1,000 px wide
 * shows no more; recharts' cost grows with points × series). Fewer rows than `max` are returned as they are.
 */
export function thinRows(rows: readonly SeriesRow[], max: number): readonly SeriesRow[] {
  if (rows.length <= max || max < 2) return rows;
  const out: SeriesRow[] = [];
  const step = (rows.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(rows[Math.round(i * step)]!);
  return out;
}
