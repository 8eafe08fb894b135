/**
 * Automatic configurations ("deployments at scale", HUB-CONTRACTS.md §2.7) assigned to twins, pure: which
 * configuration applies where, and the desired documents that result. Metrics are in
 * configuration-assignment-metrics.ts.
 *
 * Rules (IoT Hub's, as documented; "unverified" against a live hub):
 * - Edge deployments (`content.modulesContent`) target edge devices (`capabilities.iotEdge = true`; `*` = all of
 *   them). Of the base deployments whose condition matches a device, ONE applies: the highest `priority`; on equal
 *   priorities the most recently created (`createdTimeUtc`) — "Deployments with lower priorities are not applied,
 *   nor are they merged. If a device is targeted with two or more deployments with equal priority, the most
 *   recently created deployment (determined by the creation timestamp) applies."
 *   (learn.microsoft.com/azure/iot-edge/module-deployment-monitoring, "Priority"). A last tie on the timestamp
 *   goes to the greater id, so the choice never depends on input order.
 * - Layered deployments (a module content key `properties.desired.<path>`, the classification of
 *   learn.microsoft.com/cli/azure/iot/edge/deployment) stack on the device's base deployment: "Any edge device
 *   targeted by a layered deployment first needs a base deployment applied to it" and "must have a higher
 *   priority than the base deployment for that device" (same page). So a layer applies only to a device with an
 *   applied base of lower priority; layers apply in priority order (ties: older first, so newer wins), merged by
 *   the manifest core's `effectiveManifest` (shared/manifest/layered.ts).
 * - Device configurations (`content.deviceContent`) target device twins, module configurations
 *   (`content.moduleContent`; target condition optionally written `FROM devices.modules WHERE …`) target module
 *   twins except the edge system modules (`$edgeAgent`, `$edgeHub`, owned by edge deployments). Per twin, the
 *   same priority rule picks one; its `properties.desired.<path>` keys make a desired patch.
 */
import { effectiveManifest, type DeploymentLayer, type ModulesContent } from '../../../shared/manifest';
import { matchesCondition, parseCondition, type Condition, type QueryError } from '../../../shared/query';

export type JsonObject = Record<string, unknown>;

/** What assignment reads of a configuration (§2.7); the registry's configuration record has these fields. */
export interface AssignableConfiguration {
  readonly id: string;
  readonly priority: number;
  readonly targetCondition: string;
  readonly createdTimeUtc: string;
  readonly content: Readonly<Record<string, unknown>>;
  readonly metrics?: { readonly queries?: Readonly<Record<string, string>> };
}

/** Twins as the query language sees them (§2.6 JSON): device twins, and module twins with `moduleId`. */
export interface TwinDocuments {
  readonly devices: readonly JsonObject[];
  readonly modules: readonly JsonObject[];
}

export type ConfigurationKind = 'edge' | 'layered' | 'device' | 'module';

export interface EdgeAssignment {
  readonly deviceId: string;
  readonly baseId: string;
  /** Applied layered deployments, in the order they were stacked (lowest priority first). */
  readonly layerIds: readonly string[];
  /** The desired properties of each module twin: `$edgeAgent`, `$edgeHub` and custom modules. */
  readonly desired: Readonly<Record<string, JsonObject>>;
}

export interface TwinAssignment {
  readonly configurationId: string;
  /** A patch for the twin's desired properties (the configuration's `properties.desired.<path>` values). */
  readonly desired: JsonObject;
}

export type TargetStatus = 'Targeted' | 'Applied';

export interface ConfigurationAssignment {
  /** Edge devices with an applied base deployment, by device id. */
  readonly edge: ReadonlyMap<string, EdgeAssignment>;
  /** Device configurations, by device id. */
  readonly devices: ReadonlyMap<string, TwinAssignment>;
  /** Module configurations, by `deviceId/moduleId`. */
  readonly modules: ReadonlyMap<string, TwinAssignment>;
  /**
   * Per configuration id: every twin its condition matches, `Applied` where it applies, else `Targeted`. Twins are
   * named by device id (edge, layered and device configurations) or `deviceId/moduleId` (module configurations).
   */
  readonly status: ReadonlyMap<string, ReadonlyMap<string, TargetStatus>>;
  /** The kind of every configuration that has one. */
  readonly kinds: ReadonlyMap<string, ConfigurationKind>;
  /** Configurations assigned nowhere because their target condition does not parse or their content has no kind. */
  readonly invalid: ReadonlyMap<string, QueryError>;
}

const DESIRED = 'properties.desired';
const SYSTEM_MODULES = new Set(['$edgeAgent', '$edgeHub']);
const MODULE_PREFIX = /^\s*FROM\s+devices\.modules\s+WHERE\s+/i;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `edge` / `layered` for `modulesContent` (layered when a module key is `properties.desired.<path>`), etc. */
export function configurationKind(configuration: Pick<AssignableConfiguration, 'content'>): ConfigurationKind | undefined {
  const { content } = configuration;
  if (isObject(content['modulesContent'])) {
    const layered = Object.values(content['modulesContent']).some((twin) => isObject(twin) && Object.keys(twin).some((k) => k.startsWith(`${DESIRED}.`)));
    return layered ? 'layered' : 'edge';
  }
  if (isObject(content['deviceContent'])) return 'device';
  if (isObject(content['moduleContent'])) return 'module';
  return undefined;
}

/** The WHERE part of a target condition: module configurations may be written `FROM devices.modules WHERE …`. */
export function targetWhere(kind: ConfigurationKind, targetCondition: string): { text: string; shift: number } {
  const prefix = kind === 'module' ? MODULE_PREFIX.exec(targetCondition) : null;
  return prefix === null ? { text: targetCondition, shift: 0 } : { text: targetCondition.slice(prefix[0].length), shift: prefix[0].length };
}

/** Higher priority first; then the most recently created; then the greater id. */
export function compareRank(a: AssignableConfiguration, b: AssignableConfiguration): number {
  const time = (c: AssignableConfiguration) => {
    const t = Date.parse(c.createdTimeUtc);
    return Number.isNaN(t) ? -Infinity : t;
  };
  return b.priority - a.priority || time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

interface Prepared {
  readonly configuration: AssignableConfiguration;
  readonly kind: ConfigurationKind;
  readonly condition: Condition;
}

function prepare(configurations: readonly AssignableConfiguration[], invalid: Map<string, QueryError>): Prepared[] {
  const prepared: Prepared[] = [];
  for (const configuration of configurations) {
    const kind = configurationKind(configuration);
    if (kind === undefined) {
      invalid.set(configuration.id, { message: 'content holds none of modulesContent, deviceContent, moduleContent', offset: 0, length: 0 });
      continue;
    }
    // The `FROM devices.modules WHERE` prefix becomes blanks, so errors point into the original text.
    const where = targetWhere(kind, configuration.targetCondition);
    const parsed = parseCondition(' '.repeat(where.shift) + where.text);
    if (parsed.ok) prepared.push({ configuration, kind, condition: parsed.value });
    else invalid.set(configuration.id, parsed.error);
  }
  // Ranked once: every "first match" below is then the winner.
  return prepared.sort((a, b) => compareRank(a.configuration, b.configuration));
}

/** The desired documents of a device's base deployment with its layers stacked (lowest priority first). */
function edgeDesired(base: AssignableConfiguration, layers: readonly AssignableConfiguration[]): Record<string, JsonObject> {
  const toLayer = (c: AssignableConfiguration): DeploymentLayer => ({ id: c.id, priority: c.priority, modulesContent: c.content['modulesContent'] as JsonObject });
  const manifest = effectiveManifest({ modulesContent: base.content['modulesContent'] as ModulesContent }, layers.map(toLayer));
  const desired: Record<string, JsonObject> = {};
  for (const [twin, content] of Object.entries(manifest.modulesContent)) {
    const value = isObject(content) ? content[DESIRED] : undefined;
    if (isObject(value)) desired[twin] = value;
  }
  return desired;
}

/** A desired patch from `properties.desired.<path>` keys, with the same merge as layered deployments. */
function desiredPatch(content: unknown): JsonObject {
  const manifest = effectiveManifest({ modulesContent: {} }, [{ priority: 0, modulesContent: { twin: isObject(content) ? content : {} } }]);
  const twin = manifest.modulesContent['twin'];
  const value = isObject(twin) ? twin[DESIRED] : undefined;
  return isObject(value) ? value : {};
}

function twinId(doc: JsonObject, withModule: boolean): string | undefined {
  const { deviceId, moduleId } = doc;
  if (typeof deviceId !== 'string') return undefined;
  if (!withModule) return deviceId;
  return typeof moduleId === 'string' ? `${deviceId}/${moduleId}` : undefined;
}

/** Assigns every configuration to the twins it applies to, and computes their desired documents. */
export function assignConfigurations(configurations: readonly AssignableConfiguration[], twins: TwinDocuments): ConfigurationAssignment {
  const invalid = new Map<string, QueryError>();
  const ranked = prepare(configurations, invalid);
  const status = new Map<string, Map<string, TargetStatus>>(configurations.filter((c) => !invalid.has(c.id)).map((c) => [c.id, new Map()]));
  const mark = (id: string, twin: string, s: TargetStatus) => status.get(id)?.set(twin, s);
  const edge = new Map<string, EdgeAssignment>();
  const devices = new Map<string, TwinAssignment>();
  const modules = new Map<string, TwinAssignment>();

  for (const doc of twins.devices) {
    const deviceId = twinId(doc, false);
    if (deviceId === undefined) continue;
    const matching = ranked.filter((p) => matchesCondition(p.condition, doc));
    const isEdge = isObject(doc['capabilities']) && doc['capabilities']['iotEdge'] === true;

    const bases = isEdge ? matching.filter((p) => p.kind === 'edge') : [];
    const layers = isEdge ? matching.filter((p) => p.kind === 'layered') : [];
    const base = bases[0];
    for (const p of [...bases, ...layers]) mark(p.configuration.id, deviceId, 'Targeted');
    if (base !== undefined) {
      mark(base.configuration.id, deviceId, 'Applied');
      const applied = layers.filter((l) => l.configuration.priority > base.configuration.priority).reverse();
      for (const l of applied) mark(l.configuration.id, deviceId, 'Applied');
      const layerConfigs = applied.map((l) => l.configuration);
      edge.set(deviceId, { deviceId, baseId: base.configuration.id, layerIds: layerConfigs.map((c) => c.id), desired: edgeDesired(base.configuration, layerConfigs) });
    }

    const deviceConfigs = matching.filter((p) => p.kind === 'device');
    for (const p of deviceConfigs) mark(p.configuration.id, deviceId, 'Targeted');
    const winner = deviceConfigs[0];
    if (winner !== undefined) {
      mark(winner.configuration.id, deviceId, 'Applied');
      devices.set(deviceId, { configurationId: winner.configuration.id, desired: desiredPatch(winner.configuration.content['deviceContent']) });
    }
  }

  const moduleConfigs = ranked.filter((p) => p.kind === 'module');
  for (const doc of moduleConfigs.length === 0 ? [] : twins.modules) {
    const key = twinId(doc, true);
    if (key === undefined || SYSTEM_MODULES.has(String(doc['moduleId']))) continue;
    const matching = moduleConfigs.filter((p) => matchesCondition(p.condition, doc));
    for (const p of matching) mark(p.configuration.id, key, 'Targeted');
    const winner = matching[0];
    if (winner !== undefined) {
      mark(winner.configuration.id, key, 'Applied');
      modules.set(key, { configurationId: winner.configuration.id, desired: desiredPatch(winner.configuration.content['moduleContent']) });
    }
  }
  const kinds = new Map(configurations.flatMap((c) => {
    const kind = configurationKind(c);
    return kind === undefined ? [] : [[c.id, kind] as const];
  }));
  return { edge, devices, modules, status, kinds, invalid };
}
