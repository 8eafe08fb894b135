import { isDeepStrictEqual } from 'node:util';
import type { StoreChange } from './hub-store';
import { etagMatches, hubError, isPlainObject, validConfigurationId, type ConfigurationRecord, type HubResult, type JsonObject } from './hub-model';
import type { RegistryContext } from './registry-context';

/** Configurations and edge deployments (HUB-CONTRACTS.md §2.7, §9 item 16): CRUD with etags and timestamps. */

const CONTENT_KINDS = ['modulesContent', 'deviceContent', 'moduleContent'] as const;

/** Counts a configuration-assignment component computes; zeros until one is wired (`LocalHubRegistry.setConfigurationMetrics`). */
export interface ConfigurationMetricResults {
  readonly systemMetrics: Readonly<Record<string, number | undefined>>;
  readonly metrics: Readonly<Record<string, number>>;
  /** The system metric query texts, when the source has its own (else this file's). */
  readonly systemQueries?: Readonly<Record<string, string>>;
}

export type ConfigurationMetricsSource = (configuration: ConfigurationRecord) => ConfigurationMetricResults | undefined;

/** `PUT /configurations/{c}`: create without If-Match, update with it (`"*"` or the etag). */
export function planPutConfiguration(
  ctx: RegistryContext,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  validateCondition: (condition: string) => string | undefined,
): HubResult<{ changes: StoreChange[]; record: ConfigurationRecord }> {
  if (!validConfigurationId(id)) return hubError('ArgumentInvalid', `"${id}" is not a valid configuration id`);
  if (!isPlainObject(body)) return hubError('ArgumentInvalid', 'the configuration must be a JSON object');
  if (body.id !== undefined && body.id !== id) return hubError('ArgumentInvalid', 'the id in the body does not match the one in the path');
  const current = ctx.store.configuration(id);
  const updating = ifMatch !== undefined;
  if (!updating && current) return hubError('ConfigurationAlreadyExists', `A configuration with ID '${id}' already exists.`);
  if (updating && !current) return hubError('ConfigurationNotFound', `Configuration ${id} not found.`);
  if (current && !etagMatches(ifMatch, current.etag)) return hubError('PreconditionFailed', `The etag of configuration ${id} does not match.`);

  // IoT Hub: "Configuration identifier and Content cannot be updated" (REST Configuration - Create Or Update); only
  // targetCondition, priority, labels and metrics change. An update may resend the content unchanged (the SDK's
  // updateConfiguration sends the whole object), so only a different content is refused.
  if (current && body.content !== undefined && !isDeepStrictEqual(body.content, current.content)) {
    return hubError('ArgumentInvalid', `The content of configuration ${id} cannot be updated: only targetCondition, priority, labels and metrics can. Create a new configuration (with a higher priority) for new content.`);
  }
  const content = body.content ?? current?.content;
  if (!isPlainObject(content)) return hubError('ArgumentInvalid', 'content must be an object');
  const kinds = CONTENT_KINDS.filter((kind) => content[kind] !== undefined && content[kind] !== null);
  if (kinds.length !== 1) return hubError('ArgumentInvalid', 'content must hold exactly one of modulesContent, deviceContent, moduleContent');
  for (const kind of kinds) if (!isPlainObject(content[kind])) return hubError('ArgumentInvalid', `content.${kind} must be an object`);
  const targetCondition = body.targetCondition ?? current?.targetCondition ?? '';
  if (typeof targetCondition !== 'string') return hubError('ArgumentInvalid', 'targetCondition must be a string');
  if (targetCondition.trim() !== '' && targetCondition.trim() !== '*') {
    const problem = validateCondition(targetCondition);
    if (problem) return hubError('ArgumentInvalid', `targetCondition: ${problem}`);
  }
  const priority = body.priority ?? current?.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0) return hubError('ArgumentInvalid', 'priority must be a non-negative integer');
  const labels = body.labels ?? current?.labels ?? {};
  if (!isPlainObject(labels) || !Object.values(labels).every((v) => typeof v === 'string')) return hubError('ArgumentInvalid', 'labels must map strings to strings');
  const metricQueries = isPlainObject(body.metrics) && body.metrics.queries !== undefined ? body.metrics.queries : (current?.metrics.queries ?? {});
  if (!isPlainObject(metricQueries) || !Object.values(metricQueries).every((v) => typeof v === 'string')) return hubError('ArgumentInvalid', 'metrics.queries must map names to query strings');
  const schemaVersion = typeof body.schemaVersion === 'string' ? body.schemaVersion : (current?.schemaVersion ?? '1.0');

  const now = ctx.now();
  const revision = (current?.revision ?? 0) + 1;
  const record: ConfigurationRecord = {
    id,
    schemaVersion,
    labels: labels as Record<string, string>,
    content,
    targetCondition,
    priority,
    createdTimeUtc: current?.createdTimeUtc ?? now,
    lastUpdatedTimeUtc: now,
    etag: Buffer.from(String(revision)).toString('base64'),
    revision,
    metrics: { queries: metricQueries as Record<string, string>, results: {} },
  };
  return { ok: true, value: { changes: [{ kind: 'putConfiguration', record }], record } };
}

export function planDeleteConfiguration(ctx: RegistryContext, id: string, ifMatch: string | undefined): HubResult<StoreChange[]> {
  const current = ctx.store.configuration(id);
  if (!current) return hubError('ConfigurationNotFound', `Configuration ${id} not found.`);
  if (!etagMatches(ifMatch, current.etag)) return hubError('PreconditionFailed', `The etag of configuration ${id} does not match.`);
  return { ok: true, value: [{ kind: 'deleteConfiguration', id }] };
}

/** The configuration as `GET /configurations/{c}` shows it, with its system metrics' queries and counts. */
export function renderConfiguration(record: ConfigurationRecord, source: ConfigurationMetricsSource | undefined): JsonObject {
  const computed = source?.(record);
  const systemQueries = computed?.systemQueries ?? systemMetricQueries(record);
  const systemResults = Object.fromEntries(Object.keys(systemQueries).map((name) => [name, computed?.systemMetrics[name] ?? 0]));
  const results = Object.fromEntries(Object.keys(record.metrics.queries).map((name) => [name, computed?.metrics[name] ?? 0]));
  return {
    id: record.id,
    schemaVersion: record.schemaVersion,
    labels: record.labels,
    content: record.content,
    targetCondition: record.targetCondition,
    createdTimeUtc: record.createdTimeUtc,
    lastUpdatedTimeUtc: record.lastUpdatedTimeUtc,
    priority: record.priority,
    systemMetrics: { results: systemResults, queries: systemQueries },
    metrics: { results, queries: record.metrics.queries },
    etag: record.etag,
  };
}

/** IoT Hub's system metric queries: edge deployments report success/failure through `$edgeAgent`'s reported status. */
function systemMetricQueries(record: ConfigurationRecord): Record<string, string> {
  const id = record.id;
  const condition = record.targetCondition.trim();
  if (record.content.modulesContent !== undefined) {
    const where = condition === '' || condition === '*' ? 'capabilities.iotEdge = true' : `capabilities.iotEdge = true and (${condition})`;
    return {
      targetedCount: `select deviceId from devices where ${where}`,
      appliedCount: `select deviceId from devices.modules where moduleId = '$edgeAgent' and configurations.[[${id}]].status = 'Applied'`,
      reportedSuccessfulCount: `select deviceId from devices.modules where moduleId = '$edgeAgent' and configurations.[[${id}]].status = 'Applied' and properties.desired.$version = properties.reported.lastDesiredVersion and properties.reported.lastDesiredStatus.code = 200`,
      reportedFailedCount: `select deviceId from devices.modules where moduleId = '$edgeAgent' and configurations.[[${id}]].status = 'Applied' and properties.desired.$version = properties.reported.lastDesiredVersion and properties.reported.lastDesiredStatus.code != 200`,
    };
  }
  const from = record.content.moduleContent !== undefined ? 'devices.modules' : 'devices';
  return {
    targetedCount: condition === '' ? `select deviceId from ${from} where false` : `select deviceId from ${from} where ${condition}`,
    appliedCount: `select deviceId from ${from} where configurations.[[${id}]].status = 'Applied'`,
  };
}
