import type { DriftReport } from '../../../../shared/ipc/drift.contract';

/** The three-way table's rows: one per module and field, with the three values as text and which cells differ. */
export interface DriftRow {
  readonly key: string;
  readonly module: string;
  readonly field: string;
  readonly approved: string;
  readonly desired: string;
  readonly running: string;
  readonly verdict: string;
  /** The cell that differs from the one before it: desired (from approved) or running (from desired). */
  readonly highlight: 'desired' | 'running' | 'module' | null;
}

export const VERDICT_WORDS: Record<string, string> = {
  'in-sync': 'In sync',
  'desired-differs': 'Desired differs from approved',
  'running-differs': 'Running differs from desired',
  missing: 'Missing',
  extra: 'Not approved',
};

/** A value as a short text: strings as they are, objects as JSON, unknown as an em dash. */
export function cellText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return '{}';
  return JSON.stringify(value);
}

export function driftRows(report: DriftReport): DriftRow[] {
  return report.modules.flatMap((m) => {
    const presence = (present: boolean) => (present ? 'present' : 'absent');
    const whole: DriftRow[] =
      m.verdict === 'missing' || m.verdict === 'extra'
        ? [
            {
              key: `${m.name}/module`,
              module: m.name,
              field: 'module',
              approved: presence(m.presence.approved),
              desired: presence(m.presence.desired),
              running: presence(m.presence.running),
              verdict: m.verdict,
              highlight: 'module',
            },
          ]
        : [];
    return [
      ...whole,
      ...m.fields.map(
        (f): DriftRow => ({
          key: `${m.name}/${f.field}`,
          module: m.name,
          field: f.field,
          approved: cellText(f.approved),
          desired: cellText(f.desired),
          running: cellText(f.running),
          verdict: f.verdict,
          highlight: f.verdict === 'desired-differs' ? 'desired' : f.verdict === 'running-differs' ? 'running' : null,
        }),
      ),
    ];
  });
}

/** Where the desired column comes from, in words. */
export function desiredSourceWords(desired: DriftReport['desired']): string {
  const version = desired.version !== undefined ? `, version ${desired.version}` : '';
  switch (desired.source) {
    case 'hub':
      return `Desired: ${desired.deviceId ?? 'the device'}'s $edgeAgent/$edgeHub twins on the hub${version}`;
    case 'cloud':
      return `Desired: the hub's deployment, as this machine's runtime runs it${version}`;
    case 'local-runtime':
      return `Desired: this machine's applied deployment${version}`;
    default:
      return 'Desired: no deployment applied';
  }
}
