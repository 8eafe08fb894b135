/**
 * Configuration metrics, pure (HUB-CONTRACTS.md §2.7): `systemMetrics` (targetedCount, appliedCount, and for edge
 * and layered deployments reportedSuccessfulCount / reportedFailedCount) and the operator's `metrics.queries`.
 *
 * - targeted: twins the condition matches (edge devices only for edge deployments); applied: twins where the
 *   configuration is the applied one (configuration-assignment.ts).
 * - reported: read from the `$edgeAgent` module twin of each device where the deployment is applied (EDGE-CONTRACTS.md
 *   §4.1): successful when `reported.lastDesiredVersion` equals the twin's `desired.$version` and
 *   `reported.lastDesiredStatus.code` is 200; failed when the versions are equal and the code is another number
 *   (a report about an older desired version says nothing about this one yet).
 * - custom queries run over the twins annotated with `configurations: { <id>: { status: 'Targeted'|'Applied' } }`
 *   (on device twins for device configurations, on the `$edgeAgent` twin for edge and layered deployments, on the
 *   module twin for module configurations), so the usual `configurations.[[id]].status = 'Applied'` works. A
 *   query's result is its number of rows (the value of a lone `COUNT()`); a query that fails to parse gives an error,
 *   not a throw.
 * - `systemMetrics.queries` are texts equivalent to the computed results, for display, as IoT Hub shows them.
 */
import { parseQuery, runQuery, type QueryError } from '../../../shared/query';
import {
  targetWhere,
  type AssignableConfiguration,
  type ConfigurationAssignment,
  type ConfigurationKind,
  type JsonObject,
  type TargetStatus,
  type TwinDocuments,
} from './configuration-assignment';

export interface SystemMetricResults {
  readonly targetedCount: number;
  readonly appliedCount: number;
  readonly reportedSuccessfulCount?: number;
  readonly reportedFailedCount?: number;
}

export interface ConfigurationMetrics {
  readonly systemMetrics: { readonly queries: Readonly<Record<string, string>>; readonly results: SystemMetricResults };
  readonly metrics: {
    readonly results: Readonly<Record<string, number>>;
    /** Queries that did not parse, by metric name (their results are left out). */
    readonly errors: Readonly<Record<string, QueryError>>;
  };
}

const EDGE_AGENT = '$edgeAgent';
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (doc: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), doc);

/** The system metric query texts for a configuration of `kind`, as IoT Hub shows them. */
export function systemMetricQueries(configuration: Pick<AssignableConfiguration, 'id' | 'targetCondition'>, kind: ConfigurationKind): Record<string, string> {
  const where = targetWhere(kind, configuration.targetCondition).text.trim();
  const and = where === '*' ? '' : ` AND (${where})`;
  const status = `configurations.[[${configuration.id}]].status = 'Applied'`;
  switch (kind) {
    case 'edge':
    case 'layered': {
      const applied = `SELECT deviceId FROM devices.modules WHERE moduleId = '${EDGE_AGENT}' AND ${status}`;
      const reported = `${applied} AND properties.desired.$version = properties.reported.lastDesiredVersion AND properties.reported.lastDesiredStatus.code`;
      return {
        targetedCount: `SELECT deviceId FROM devices WHERE capabilities.iotEdge = true${and}`,
        appliedCount: applied,
        reportedSuccessfulCount: `${reported} = 200`,
        reportedFailedCount: `${reported} != 200`,
      };
    }
    case 'device':
      return {
        targetedCount: where === '*' ? 'SELECT deviceId FROM devices' : `SELECT deviceId FROM devices WHERE ${where}`,
        appliedCount: `SELECT deviceId FROM devices WHERE ${status}`,
      };
    case 'module':
      return {
        targetedCount: where === '*' ? 'SELECT deviceId, moduleId FROM devices.modules' : `SELECT deviceId, moduleId FROM devices.modules WHERE ${where}`,
        appliedCount: `SELECT deviceId, moduleId FROM devices.modules WHERE ${status}`,
      };
  }
}

/** Copies of the twins with `configurations` set from the assignment (the inputs are not modified). */
export function annotateTwins(twins: TwinDocuments, assignment: ConfigurationAssignment): TwinDocuments {
  const onDevice = new Map<string, Record<string, { status: TargetStatus }>>();
  const onModule = new Map<string, Record<string, { status: TargetStatus }>>();
  for (const [id, byTwin] of assignment.status) {
    const kind = assignment.kinds.get(id);
    for (const [twin, status] of byTwin) {
      const [map, key] = kind === 'device' ? [onDevice, twin] : kind === 'module' ? [onModule, twin] : [onModule, `${twin}/${EDGE_AGENT}`];
      const entry = map.get(key) ?? {};
      entry[id] = { status };
      map.set(key, entry);
    }
  }
  const annotate = (doc: JsonObject, map: typeof onDevice, key: string | undefined): JsonObject => {
    const configurations = key === undefined ? undefined : map.get(key);
    return configurations === undefined ? doc : { ...doc, configurations };
  };
  return {
    devices: twins.devices.map((d) => annotate(d, onDevice, typeof d['deviceId'] === 'string' ? d['deviceId'] : undefined)),
    modules: twins.modules.map((m) =>
      annotate(m, onModule, typeof m['deviceId'] === 'string' && typeof m['moduleId'] === 'string' ? `${m['deviceId']}/${m['moduleId']}` : undefined),
    ),
  };
}

/** What `$edgeAgent` reported about the desired version it holds: undefined when it has not reported on it. */
function edgeAgentOutcome(agentTwin: JsonObject | undefined): 'success' | 'failed' | undefined {
  const desiredVersion = get(agentTwin, 'properties', 'desired', '$version');
  const lastDesiredVersion = get(agentTwin, 'properties', 'reported', 'lastDesiredVersion');
  const code = get(agentTwin, 'properties', 'reported', 'lastDesiredStatus', 'code');
  if (typeof desiredVersion !== 'number' || desiredVersion !== lastDesiredVersion || typeof code !== 'number') return undefined;
  return code === 200 ? 'success' : 'failed';
}

function customMetrics(queries: Readonly<Record<string, string>>, twins: TwinDocuments): ConfigurationMetrics['metrics'] {
  const results: Record<string, number> = {};
  const errors: Record<string, QueryError> = {};
  for (const [name, text] of Object.entries(queries)) {
    if (typeof text !== 'string') continue;
    const parsed = parseQuery(text);
    if (!parsed.ok) {
      errors[name] = parsed.error;
      continue;
    }
    const query = parsed.value;
    const rows = runQuery(query, query.source === 'devices' ? twins.devices : twins.modules);
    const only = query.select !== 'all' && query.groupBy === undefined && query.select.length === 1 ? query.select[0] : undefined;
    const count = only?.kind === 'count' && isObject(rows[0]) ? rows[0][only.alias] : undefined;
    results[name] = typeof count === 'number' ? count : rows.length;
  }
  return { results, errors };
}

/** The metrics of every configuration, by id, over the twins the assignment was computed from. */
export function configurationMetrics(
  configurations: readonly AssignableConfiguration[],
  assignment: ConfigurationAssignment,
  twins: TwinDocuments,
): Map<string, ConfigurationMetrics> {
  const annotated = annotateTwins(twins, assignment);
  const agents = new Map<string, JsonObject>();
  for (const m of twins.modules) if (m['moduleId'] === EDGE_AGENT && typeof m['deviceId'] === 'string') agents.set(m['deviceId'], m);
  const out = new Map<string, ConfigurationMetrics>();
  for (const configuration of configurations) {
    const kind = assignment.kinds.get(configuration.id);
    const byTwin = assignment.status.get(configuration.id) ?? new Map<string, TargetStatus>();
    const applied = [...byTwin].filter(([, s]) => s === 'Applied').map(([twin]) => twin);
    let results: SystemMetricResults = { targetedCount: byTwin.size, appliedCount: applied.length };
    if (kind === 'edge' || kind === 'layered' || (kind === undefined && 'modulesContent' in configuration.content)) {
      const outcomes = applied.map((deviceId) => edgeAgentOutcome(agents.get(deviceId)));
      results = {
        ...results,
        reportedSuccessfulCount: outcomes.filter((o) => o === 'success').length,
        reportedFailedCount: outcomes.filter((o) => o === 'failed').length,
      };
    }
    out.set(configuration.id, {
      systemMetrics: { queries: kind === undefined ? {} : systemMetricQueries(configuration, kind), results },
      metrics: customMetrics(configuration.metrics?.queries ?? {}, annotated),
    });
  }
  return out;
}
