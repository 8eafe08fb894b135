/**
 * Pure figures for `npm run bench:hub`: percentiles of latency samples, rates, and the one JSON line. No I/O.
 */

/** The p-th percentile (0–100) by the nearest-rank method: the smallest sample with at least p% of samples ≤ it. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in 0–100`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Messages per second over `elapsedMs`; 0 for no time or no messages. */
export function ratePerSec(count: number, elapsedMs: number): number {
  return count > 0 && elapsedMs > 0 ? count / (elapsedMs / 1000) : 0;
}

/** ours ÷ theirs, rounded to 3 decimals; null when either side was not measured (a figure cannot be compared). */
export function ratio(ours: number | undefined, theirs: number | undefined): number | null {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return null;
  return round(ours / theirs, 3);
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Bytes → MiB (what `MB` means in the figures: RSS as /proc reports it, in 1024² units). */
export function mib(bytes: number): number {
  return bytes / (1024 * 1024);
}

/** VmRSS of a /proc/<pid>/status text, in bytes; undefined when absent (the process is gone, or not Linux). */
export function parseVmRss(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * CPU time (user + system) a process has used, in clock ticks, from the text of /proc/<pid>/stat; undefined when it
 * is not that. The command name (field 2) is in parentheses and may itself hold spaces or parentheses: fields are
 * counted after its last `)`. utime and stime are fields 14 and 15.
 */
export function parseProcCpuTicks(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isSafeInteger(utime) && Number.isSafeInteger(stime) && utime >= 0 && stime >= 0 ? utime + stime : undefined;
}

export interface HubBenchOptions {
  readonly json: boolean;
  /** Counted messages of the QoS 0 and QoS 1 throughput runs. */
  readonly qos0: number;
  readonly qos1: number;
  /** Messages sent and not yet received, at most. */
  readonly window: number;
  /** Latency run: messages and their fixed rate (messages/s). */
  readonly latency: number;
  readonly rate: number;
  /** Messages queued for `$upstream` during the outage; 0 skips the drain. */
  readonly drain: number;
  /** The drain is timed for at most this long (seconds) once the upstream is back. */
  readonly drainSecs: number;
  /** Skip the mosquitto comparison. */
  readonly noMosquitto: boolean;
}

export const HUB_BENCH_DEFAULTS: HubBenchOptions = { json: false, qos0: 10_000, qos1: 5000, window: 1000, latency: 1000, rate: 200, drain: 100_000, drainSecs: 20, noMosquitto: false };

const COUNTS = ['qos0', 'qos1', 'window', 'latency', 'rate', 'drain', 'drain-secs'] as const;

/** `--json`, `--qos0 N`, `--qos1 N`, `--window N`, `--latency N`, `--rate N`, `--drain N`, `--drain-secs N`, `--no-mosquitto`; an error names a bad one. */
export function parseHubBenchArgs(argv: readonly string[]): { ok: true; value: HubBenchOptions } | { ok: false; error: string } {
  const options: { -readonly [K in keyof HubBenchOptions]: HubBenchOptions[K] } = { ...HUB_BENCH_DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') options.json = true;
    else if (arg === '--no-mosquitto') options.noMosquitto = true;
    else if (arg.startsWith('--') && (COUNTS as readonly string[]).includes(arg.slice(2))) {
      const name = arg.slice(2) as (typeof COUNTS)[number];
      const value = Number(argv[++i]);
      const least = name === 'drain' ? 0 : 1;
      if (!Number.isInteger(value) || value < least || value > 10_000_000) return { ok: false, error: `${arg} needs a whole number from ${least} to 10000000` };
      options[name === 'drain-secs' ? 'drainSecs' : name] = value;
    } else return { ok: false, error: `unknown option ${arg} (options: --json, --no-mosquitto, ${COUNTS.map((c) => `--${c} N`).join(', ')})` };
  }
  return { ok: true, value: options };
}
