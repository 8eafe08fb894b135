import { joinCreateOptions } from '../manifest/create-options';
import { secretEnv, secretShape } from './secret-scan';
import { desiredOf, modulesContentOf } from './modules-content';

/**
 * Drift (issue 13): the approved deployment ↔ the desired state on the device ↔ what runs, module by module and field
 * by field. Pure: the service gathers the three states, this compares them.
 */

/** One module's state as far as it is known; a field left out is unknown (never compared). */
export interface DriftModuleState {
  readonly image?: string;
  /** Environment variables by name (IoT Edge's `env: {NAME: {value}}`, flattened). */
  readonly env?: Readonly<Record<string, string>>;
  /** Parsed createOptions (chunks joined); `{}` when the manifest has none. */
  readonly createOptions?: unknown;
  /** `running` / `stopped` (desired), or the runtime status (running side). */
  readonly status?: string;
  readonly version?: string;
  /** `$edgeHub` only: routes by name (their text). */
  readonly routes?: Readonly<Record<string, string>>;
}

/** Modules by name; `$edgeHub` carries the routes. */
export type DriftState = Readonly<Record<string, DriftModuleState>>;

export const DRIFT_FIELDS = ['image', 'env', 'createOptions', 'status', 'version', 'routes'] as const;
export type DriftField = (typeof DRIFT_FIELDS)[number];

/**
 * `in-sync`; `desired-differs`: the device's desired state is not the approved one; `running-differs`: what runs is
 * not what is desired; `missing`: approved (or desired) but absent further along; `extra`: present but never approved
 * (or not desired, yet running).
 */
export type DriftVerdict = 'in-sync' | 'desired-differs' | 'running-differs' | 'missing' | 'extra';

export interface DriftFieldResult {
  readonly field: DriftField;
  /** `undefined`: the state has no such module or the value is unknown. */
  readonly approved?: unknown;
  readonly desired?: unknown;
  readonly running?: unknown;
  readonly verdict: DriftVerdict;
}

export interface DriftModuleResult {
  readonly name: string;
  readonly presence: { readonly approved: boolean; readonly desired: boolean; readonly running: boolean };
  /** The module's worst verdict (missing/extra first, then desired-differs, then running-differs). */
  readonly verdict: DriftVerdict;
  readonly fields: readonly DriftFieldResult[];
}

export interface DriftResult {
  /** True when any module is not in sync. */
  readonly drifted: boolean;
  readonly modules: readonly DriftModuleResult[];
}

const RANK: Record<DriftVerdict, number> = { 'in-sync': 0, 'running-differs': 1, 'desired-differs': 2, extra: 3, missing: 4 };

/** JSON with sorted object keys: two values are equal when their canonical forms are. */
export function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** A runtime status matches a desired status when the module does what it should: running ↔ running, stopped ↔ stopped. */
function statusMatches(desired: unknown, running: unknown): boolean {
  if (desired === 'stopped') return running === 'stopped' || running === 'dead' || running === 'failed';
  return desired === running;
}

/** Running env is compared only on the names the approved or desired state sets (a container has PATH, IOTEDGE_*, …). */
function runningEnvView(running: Readonly<Record<string, string>> | undefined, names: readonly string[]): Record<string, string> | undefined {
  if (!running) return undefined;
  const view: Record<string, string> = {};
  for (const n of names) if (n in running) view[n] = running[n]!;
  return view;
}

function fieldsOf(a: DriftModuleState | undefined, d: DriftModuleState | undefined, r: DriftModuleState | undefined, name: string): DriftFieldResult[] {
  const fields = name === '$edgeHub' ? (['routes'] as const) : DRIFT_FIELDS.filter((f) => f !== 'routes');
  return fields.map((field) => {
    const approved = a?.[field];
    const desired = d?.[field];
    let running: unknown = r?.[field];
    if (field === 'env') running = runningEnvView(r?.env, [...Object.keys(a?.env ?? {}), ...Object.keys(d?.env ?? {})]);
    let verdict: DriftVerdict = 'in-sync';
    if (a && d && !same(approved, desired)) verdict = 'desired-differs';
    else if (d && r && running !== undefined && !(field === 'status' ? statusMatches(desired, running) : same(desired, running))) verdict = 'running-differs';
    return { field, ...(a ? { approved } : {}), ...(d ? { desired } : {}), ...(r && running !== undefined ? { running } : {}), verdict };
  });
}

/** Compares the three states. `running` may omit `$edgeHub` (its routes unknown): then they are not compared. */
export function compareDrift(approved: DriftState, desired: DriftState, running: DriftState): DriftResult {
  const names = [...new Set([...Object.keys(approved), ...Object.keys(desired), ...Object.keys(running)])].sort((x, y) =>
    x === '$edgeHub' ? -1 : y === '$edgeHub' ? 1 : x < y ? -1 : x > y ? 1 : 0,
  );
  const modules = names.map((name): DriftModuleResult => {
    const a = approved[name];
    const d = desired[name];
    const r = running[name];
    // $edgeHub always "runs" on the console: its presence is that of the approved/desired routes.
    const presence = { approved: a !== undefined, desired: d !== undefined, running: r !== undefined || (name === '$edgeHub' && d !== undefined) };
    const fields = fieldsOf(a, d, r, name);
    let verdict: DriftVerdict;
    if (presence.approved && !presence.desired) verdict = 'missing';
    else if (!presence.approved && presence.desired) verdict = 'extra';
    else if (!presence.approved && !presence.desired) verdict = 'extra';
    else if (!presence.running && d?.status !== 'stopped') verdict = 'missing';
    else verdict = fields.reduce<DriftVerdict>((worst, f) => (RANK[f.verdict] > RANK[worst] ? f.verdict : worst), 'in-sync');
    return { name, presence, verdict, fields };
  });
  return { drifted: modules.some((m) => m.verdict !== 'in-sync'), modules };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseCreateOptions(settings: Json): unknown {
  const text = joinCreateOptions(settings);
  if (!text || !text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** IoT Edge's `env: {NAME: {value}}` as `{NAME: value}`. */
export function flattenEnv(env: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(env)) return out;
  for (const [k, v] of Object.entries(env)) out[k] = isObject(v) && v.value !== undefined ? String(v.value) : String(v);
  return out;
}

/** The custom modules of `$edgeAgent` desired properties and the routes of `$edgeHub` desired properties, as a DriftState. */
export function driftStateFromDesired(agentDesired: unknown, hubDesired: unknown): DriftState {
  const state: Record<string, DriftModuleState> = {};
  const agent = isObject(agentDesired) ? agentDesired : {};
  for (const [name, m] of Object.entries(isObject(agent.modules) ? agent.modules : {})) {
    const module = isObject(m) ? m : {};
    const settings = isObject(module.settings) ? module.settings : {};
    state[name] = {
      image: typeof settings.image === 'string' ? settings.image : '',
      env: flattenEnv(module.env),
      createOptions: parseCreateOptions(settings),
      status: typeof module.status === 'string' ? module.status : 'running',
      version: typeof module.version === 'string' ? module.version : '1.0',
    };
  }
  if (isObject(hubDesired)) {
    const routes: Record<string, string> = {};
    for (const [name, r] of Object.entries(isObject(hubDesired.routes) ? hubDesired.routes : {})) {
      routes[name] = typeof r === 'string' ? r : isObject(r) && typeof r.route === 'string' ? r.route : canonical(r);
    }
    state.$edgeHub = { routes };
  }
  return state;
}

/** A deployment manifest's text as a DriftState; undefined when it is not a deployment. */
export function driftStateFromManifest(text: string): DriftState | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  const content = modulesContentOf(document);
  if (!content) return undefined;
  return driftStateFromDesired(desiredOf(content.$edgeAgent), desiredOf(content.$edgeHub) ?? {});
}

export const MASKED = '••••••••';

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') {
    // "NAME=value" entries (createOptions Env) are masked by name and shape, other strings by shape.
    const eq = value.indexOf('=');
    if (eq > 0 && secretEnv(value.slice(0, eq), value.slice(eq + 1))) return `${value.slice(0, eq)}=${MASKED}`;
    return secretShape(value) ? MASKED : value;
  }
  if (Array.isArray(value)) return value.map(maskDeep);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  return value;
}

function maskEnv(env: unknown): unknown {
  if (!isObject(env)) return env;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' && secretEnv(k, v) ? MASKED : maskDeep(v)]));
}

/**
 * The result with every secret value masked (env values by name and shape, other strings by shape): compared
 * before, so a changed secret still shows as a difference, without its value.
 */
export function maskDriftSecrets(result: DriftResult): DriftResult {
  const mask = (field: DriftField, v: unknown) => (v === undefined ? undefined : field === 'env' ? maskEnv(v) : maskDeep(v));
  return {
    ...result,
    modules: result.modules.map((m) => ({
      ...m,
      fields: m.fields.map((f) => ({
        ...f,
        ...('approved' in f ? { approved: mask(f.field, f.approved) } : {}),
        ...('desired' in f ? { desired: mask(f.field, f.desired) } : {}),
        ...('running' in f ? { running: mask(f.field, f.running) } : {}),
      })),
    })),
  };
}
