import type { HubDocument } from '../../../../shared/ipc/cloud.contract';
import { effectiveManifest, layerFromConfiguration, validateManifest, type Diagnostic } from '../../../../shared/manifest';
import { parseCondition } from '../../../../shared/query';

/**
 * Pure helpers of the Deployments area: what a device has now, what a deployment would send, target conditions,
 * labels and metric queries as typed, and a configuration as a list row.
 */

const EDGE_TWINS = ['$edgeAgent', '$edgeHub'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{$edgeAgent: desired, $edgeHub: desired}` without the hub's bookkeeping (`$metadata`, `$version`), sorted keys. */
export function edgeDesiredText(twins: { readonly $edgeAgent?: HubDocument | undefined; readonly $edgeHub?: HubDocument | undefined }): string {
  const out: Record<string, unknown> = {};
  for (const id of EDGE_TWINS) {
    const twin = twins[id];
    const desired = isObject(twin) && isObject(twin['properties']) ? (twin['properties'] as Record<string, unknown>)['desired'] : undefined;
    out[id] = isObject(desired) ? stripBookkeeping(desired) : {};
  }
  return JSON.stringify(sortKeys(out), null, 2);
}

/** The same shape for what a manifest will send: each edge twin's `properties.desired`. */
export function manifestEdgeText(content: HubDocument): string {
  const modulesContent = isObject(content['modulesContent']) ? content['modulesContent'] : isObject(content['content']) && isObject((content['content'] as Record<string, unknown>)['modulesContent']) ? ((content['content'] as Record<string, unknown>)['modulesContent'] as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const id of EDGE_TWINS) {
    const twin = modulesContent[id];
    const desired = isObject(twin) ? twin['properties.desired'] : undefined;
    out[id] = isObject(desired) ? desired : {};
  }
  return JSON.stringify(sortKeys(out), null, 2);
}

function stripBookkeeping(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '$metadata' && k !== '$version'));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

export type ManifestCheck =
  | { readonly ok: true; readonly content: HubDocument }
  | { readonly ok: false; readonly message: string; readonly diagnostics: readonly Diagnostic[] };

/** Checks a (expanded) deployment text with the manifest core, as the host will; the first errors with their line/column. */
export function checkManifest(text: string, kind: 'deployment' | 'layered' = 'deployment'): ManifestCheck {
  const report = validateManifest(text, { kind });
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, message: invalidSentence(errors), diagnostics: errors };
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The deployment is not JSON: ${error instanceof Error ? error.message : String(error)}.`, diagnostics: [] };
  }
  if (!isObject(content)) return { ok: false, message: 'The deployment is not a JSON object.', diagnostics: [] };
  return { ok: true, content };
}

/** "The deployment has 3 errors. Ln 4, Col 7: …; Ln 9, Col 3: …" — at most `max` listed. */
export function invalidSentence(diagnostics: readonly Pick<Diagnostic, 'line' | 'column' | 'message' | 'code'>[], max = 3): string {
  const n = diagnostics.length;
  const head = `The deployment has ${n} error${n === 1 ? '' : 's'}`;
  const listed = diagnostics
    .slice(0, max)
    .map((d) => `Ln ${d.line}, Col ${d.column}: ${d.message} (${d.code})`)
    .join('; ');
  const more = n > max ? `; and ${n - max} more` : '';
  return listed ? `${head}. ${listed}${more}.` : `${head}.`;
}

/** The query the live count runs; `*` (every device) counts all devices. */
export function countQuery(condition: string): string {
  const trimmed = condition.trim();
  return trimmed === '' || trimmed === '*' ? 'SELECT COUNT() AS n FROM devices' : `SELECT COUNT() AS n FROM devices WHERE ${trimmed}`;
}

/** The count out of the hub's answer `[{"n": 3}]`. */
export function countFrom(items: readonly HubDocument[]): number | undefined {
  const n = items[0]?.['n'];
  return typeof n === 'number' ? n : undefined;
}

export interface ConditionProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

/** The local syntax check of a target condition (the same grammar the local hub runs); undefined when it reads. */
export function conditionProblem(condition: string): ConditionProblem | undefined {
  const trimmed = condition.trim();
  if (trimmed === '') return { message: 'A target condition is needed (for example tags.environment=\'prod\').', offset: 0, length: 0 };
  if (trimmed === '*') return undefined;
  const parsed = parseCondition(condition);
  if (parsed.ok) return undefined;
  return { message: parsed.error.message, offset: parsed.error.offset, length: parsed.error.length };
}

/** Parses `key=value` pairs, one per line or comma-separated; the first bad one is the error. */
export function parsePairs(text: string, what: 'label' | 'metric'): { ok: true; value: Record<string, string> } | { ok: false; message: string } {
  const value: Record<string, string> = {};
  const parts = what === 'label' ? text.split(/[\n,]/) : text.split('\n');
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    const val = eq > 0 ? part.slice(eq + 1).trim() : '';
    if (!key || !val) return { ok: false, message: `"${part}" is not name=${what === 'label' ? 'value' : 'query'}.` };
    if (key in value) return { ok: false, message: `The ${what} "${key}" is given twice.` };
    value[key] = val;
  }
  return { ok: true, value };
}

export interface DeploymentRow {
  readonly id: string;
  readonly priority: number;
  readonly targetCondition: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly created?: string;
  readonly updated?: string;
  readonly layered: boolean;
  readonly system: { readonly targeted: number; readonly applied: number; readonly reportedSuccessful: number; readonly reportedFailed: number };
  readonly custom: Readonly<Record<string, number>>;
  readonly customQueries: Readonly<Record<string, string>>;
}

function numberAt(record: unknown, key: string): number {
  const v = isObject(record) ? record[key] : undefined;
  return typeof v === 'number' ? v : 0;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Whether a configuration's modulesContent is layered (keys like "properties.desired.modules.x", no full $edgeAgent). */
export function isLayeredContent(modulesContent: unknown): boolean {
  if (!isObject(modulesContent)) return false;
  return Object.values(modulesContent).some((twin) => isObject(twin) && Object.keys(twin).some((k) => k.startsWith('properties.desired.')));
}

/** A configuration as the list shows it; the hub's `0001-01-01` means "never". */
export function deploymentRow(doc: HubDocument): DeploymentRow {
  const system = isObject(doc['systemMetrics']) ? doc['systemMetrics']['results'] : undefined;
  const metrics = isObject(doc['metrics']) ? doc['metrics'] : {};
  const custom = isObject(metrics['results']) ? Object.fromEntries(Object.entries(metrics['results']).map(([k, v]) => [k, typeof v === 'number' ? v : 0])) : {};
  const content = isObject(doc['content']) ? doc['content'] : {};
  const time = (v: unknown) => (typeof v === 'string' && !v.startsWith('0001-') ? v : undefined);
  const created = time(doc['createdTimeUtc']);
  const updated = time(doc['lastUpdatedTimeUtc']);
  return {
    id: typeof doc['id'] === 'string' ? doc['id'] : '',
    priority: typeof doc['priority'] === 'number' ? doc['priority'] : 0,
    targetCondition: typeof doc['targetCondition'] === 'string' ? doc['targetCondition'] : '',
    labels: stringRecord(doc['labels']),
    ...(created ? { created } : {}),
    ...(updated ? { updated } : {}),
    layered: isLayeredContent(content['modulesContent']),
    system: {
      targeted: numberAt(system, 'targetedCount'),
      applied: numberAt(system, 'appliedCount'),
      reportedSuccessful: numberAt(system, 'reportedSuccessfulCount'),
      reportedFailed: numberAt(system, 'reportedFailedCount'),
    },
    custom,
    customQueries: stringRecord(metrics['queries']),
  };
}

/**
 * The effective manifest of a layered deployment over the base deployments the hub has (the highest-priority
 * non-layered one is the base; other layered ones apply too, by priority), as text; undefined when there is no base.
 */
export function effectivePreview(layerContent: HubDocument, priority: number, existing: readonly HubDocument[]): { text: string; baseId: string } | undefined {
  const bases = existing.filter((d) => !isLayeredContent(isObject(d['content']) ? d['content']['modulesContent'] : undefined));
  const base = [...bases].sort((a, b) => Number(b['priority'] ?? 0) - Number(a['priority'] ?? 0))[0];
  const baseLayer = base ? layerFromConfiguration(base) : undefined;
  if (!base || !baseLayer) return undefined;
  const layers = existing
    .filter((d) => d !== base && !bases.includes(d))
    .map((d) => layerFromConfiguration(d))
    .filter((l): l is NonNullable<typeof l> => l !== undefined);
  const mine = layerFromConfiguration({ id: '(this deployment)', priority, content: layerContent });
  if (mine) layers.push(mine);
  const result = effectiveManifest({ modulesContent: baseLayer.modulesContent } as Parameters<typeof effectiveManifest>[0], layers);
  return { text: JSON.stringify(result, null, 2), baseId: String(base['id'] ?? '') };
}

/** What the edit dialog changes, as its text fields hold it (labels and metrics in the form `parsePairs` reads back). */
export interface EditableFields {
  readonly etag: string;
  readonly condition: string;
  readonly priority: string;
  readonly labels: string;
  readonly metrics: string;
}

export function editableFields(doc: HubDocument): EditableFields {
  const labels = (doc['labels'] as Record<string, string> | undefined) ?? {};
  const queries = (doc['metrics'] as { queries?: Record<string, string> } | undefined)?.queries ?? {};
  return {
    etag: String(doc['etag'] ?? '*'),
    condition: String(doc['targetCondition'] ?? ''),
    priority: String(doc['priority'] ?? 0),
    labels: Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    metrics: Object.entries(queries)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
}
