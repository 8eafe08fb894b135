import { stalenessOf, type Staleness } from './staleness';
import { asRecord, numberAt, stringAt, type JsonRecord } from './twin-reader';

/**
 * The `$edgeAgent` module twin as a table: one row per module the deployment wants (systemModules + modules) and
 * per module the agent still reports without it being wanted, desired against reported (EDGE-CONTRACTS.md §1.1,
 * §4.1). A row is stale while the agent has not applied the twin's desired version: its report is for an older
 * version, missing, or the agent refused the new one (`lastDesiredStatus.code` not 200).
 */

export interface DesiredModule {
  readonly image?: string;
  readonly version?: string;
  readonly status?: string;
  readonly restartPolicy?: string;
}

export interface ReportedModule {
  readonly image?: string;
  readonly version?: string;
  /** The desired status the agent echoes. */
  readonly status?: string;
  /** IoT Edge's word: running, backoff, unhealthy, stopped, failed, dead, unknown. */
  readonly runtimeStatus?: string;
  readonly statusDescription?: string;
  readonly exitCode?: number;
  readonly lastStartTimeUtc?: string;
  readonly lastExitTimeUtc?: string;
  readonly restartCount?: number;
}

/** A member where the agent's report disagrees with the desired module (`presence`: one side has no module). */
export interface ModuleDifference {
  readonly field: 'presence' | 'image' | 'version' | 'status';
  readonly desired?: string;
  readonly reported?: string;
}

export interface EdgeAgentModuleRow {
  readonly name: string;
  readonly system: boolean;
  /** Absent: reported but no longer desired (the agent should remove it). */
  readonly desired?: DesiredModule;
  /** Absent: desired but not reported (not created yet, or the agent has not reported). */
  readonly reported?: ReportedModule;
  readonly differences: readonly ModuleDifference[];
  /** Why this row's report cannot be taken as the desired state; null when the agent is current. */
  readonly stale: Exclude<Staleness, { kind: 'current' }> | null;
}

export interface EdgeAgentTable {
  readonly staleness: Staleness;
  readonly rows: readonly EdgeAgentModuleRow[];
}

const SYSTEM = ['edgeAgent', 'edgeHub'] as const;

function desiredModule(value: unknown): DesiredModule {
  const m = asRecord(value);
  const image = stringAt(asRecord(m?.settings), 'image');
  const version = stringAt(m, 'version');
  const status = stringAt(m, 'status');
  const restartPolicy = stringAt(m, 'restartPolicy');
  return { ...(image !== undefined ? { image } : {}), ...(version !== undefined ? { version } : {}), ...(status !== undefined ? { status } : {}), ...(restartPolicy !== undefined ? { restartPolicy } : {}) };
}

function reportedModule(value: unknown): ReportedModule {
  const m = asRecord(value);
  const pick = <T>(key: string, read: (r: JsonRecord | undefined, k: string) => T | undefined) => {
    const v = read(m, key);
    return v === undefined ? {} : { [key]: v };
  };
  const image = stringAt(asRecord(m?.settings), 'image');
  return {
    ...(image !== undefined ? { image } : {}),
    ...pick('version', stringAt),
    ...pick('status', stringAt),
    ...pick('runtimeStatus', stringAt),
    ...pick('statusDescription', stringAt),
    ...pick('exitCode', numberAt),
    ...pick('lastStartTimeUtc', stringAt),
    ...pick('lastExitTimeUtc', stringAt),
    ...pick('restartCount', numberAt),
  } as ReportedModule;
}

/** `{name: module}` of a section (`systemModules`, `modules`); a null module is a removal in a patch: skipped. */
function section(props: JsonRecord, key: string): [string, unknown][] {
  return Object.entries(asRecord(props[key]) ?? {}).filter(([, v]) => v !== null && v !== undefined);
}

/** An image as the agent reports it: with no tag, `:latest` is appended (EDGE-CONTRACTS.md §1.2). */
function normalizedImage(image: string): string {
  const trimmed = image.trim();
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') || trimmed.startsWith('$') ? trimmed : `${trimmed}:latest`;
}

function differencesOf(desired: DesiredModule | undefined, reported: ReportedModule | undefined, system: boolean, name: string): ModuleDifference[] {
  if (!desired) return [{ field: 'presence', reported: 'reported' }];
  if (!reported) return [{ field: 'presence', desired: 'desired' }];
  const out: ModuleDifference[] = [];
  if (desired.image !== undefined && reported.image !== undefined && normalizedImage(desired.image) !== normalizedImage(reported.image)) {
    out.push({ field: 'image', desired: desired.image, reported: reported.image });
  }
  // edgeAgent and edgeHub entries carry no version in the report (§4.1).
  if (!system && desired.version !== undefined && reported.version !== undefined && desired.version !== reported.version) {
    out.push({ field: 'version', desired: desired.version, reported: reported.version });
  }
  // edgeAgent is always running: its status is neither desired nor reported.
  if (name !== 'edgeAgent' && desired.status !== undefined && reported.status !== undefined && desired.status !== reported.status) {
    out.push({ field: 'status', desired: desired.status, reported: reported.status });
  }
  return out;
}

/** The table for a `$edgeAgent` twin's `properties.desired` and `properties.reported`. */
export function edgeAgentModuleTable(desiredProps: unknown, reportedProps: unknown): EdgeAgentTable {
  const desired = asRecord(desiredProps) ?? {};
  const reported = asRecord(reportedProps) ?? {};
  const staleness = stalenessOf(desired, reported);
  const stale = staleness.kind === 'current' ? null : staleness;
  const wanted = new Map<string, { system: boolean; module: DesiredModule }>();
  for (const [name, value] of section(desired, 'systemModules')) wanted.set(name, { system: true, module: desiredModule(value) });
  for (const [name, value] of section(desired, 'modules')) if (!wanted.has(name)) wanted.set(name, { system: false, module: desiredModule(value) });
  const seen = new Map<string, { system: boolean; module: ReportedModule }>();
  for (const [name, value] of section(reported, 'systemModules')) seen.set(name, { system: true, module: reportedModule(value) });
  for (const [name, value] of section(reported, 'modules')) if (!seen.has(name)) seen.set(name, { system: false, module: reportedModule(value) });

  const names = [...new Set([...wanted.keys(), ...seen.keys()])];
  const rank = (name: string) => {
    const system = SYSTEM.indexOf(name as (typeof SYSTEM)[number]);
    if (system >= 0) return system;
    if (wanted.get(name)?.system ?? seen.get(name)?.system) return 2;
    return wanted.has(name) ? 3 : 4;
  };
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const rows = names.map((name): EdgeAgentModuleRow => {
    const d = wanted.get(name);
    const r = seen.get(name);
    const system = d?.system ?? r?.system ?? false;
    return {
      name,
      system,
      ...(d ? { desired: d.module } : {}),
      ...(r ? { reported: r.module } : {}),
      differences: differencesOf(d?.module, r?.module, system, name),
      stale,
    };
  });
  return { staleness, rows };
}
