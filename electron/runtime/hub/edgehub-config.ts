import { err, ok, type Result } from '../../../shared/errors';
import type { RouteConfigStatus } from '../../../shared/ipc/edgehub.contract';
import { parseRouteEntry, type CompiledRoute } from '../../../shared/routes';
import { moduleInputEndpoint, UPSTREAM_ENDPOINT } from './hub-model';

/**
 * `$edgeHub` → `properties.desired` as edgeHub's EdgeHubConfigParser reads it (EDGE-CONTRACTS.md §1.3, §6, §7.3):
 * - `schemaVersion` is required and parsed like .NET `Version` (`major.minor[.build[.revision]]`); major must be 1 and
 *   minor 0–3 (`LatestSchemaVersion = 1.3`); `1.1.7` counts as 1.1.
 * - 1.0: `routes` (`{name: "route"}`) and `storeAndForwardConfiguration` are optional; null/blank routes are skipped.
 * - 1.1+: `routes` and `storeAndForwardConfiguration` are required; a route may be `{route, priority, timeToLiveSecs}`.
 * - 1.2 adds `mqttBroker` (checked to be an object; its bridges and authorizations are not applied here), 1.3 adds
 *   `integrity` (accepted; the signature is not verified here).
 * The parse is ATOMIC: one bad route (syntax, sink, priority, or a condition that does not compile) fails the whole
 * configuration with `{code: 400, description: "Error while parsing desired properties - <message>"}` and the caller
 * keeps the routes in force. Pure: no I/O.
 */

export const DESIRED_ERROR_PREFIX = 'Error while parsing desired properties - ';

/** One route in force: what the router evaluates and what the UI shows. */
export interface HubRoute {
  readonly name: string;
  readonly text: string;
  /** 0–9, or 2000000000 (the default); lower is served first. */
  readonly priority: number;
  /** Seconds; 0 = the global `storeAndForwardConfiguration.timeToLiveSecs`. */
  readonly ttlSecs: number;
  /** `$upstream` or `module/<m>/<input>` (hub-model.ts). */
  readonly endpoint: string;
  readonly route: CompiledRoute;
}

export interface EdgeHubConfig {
  readonly schemaVersion: string;
  readonly routes: readonly HubRoute[];
  /**
   * `storeAndForwardConfiguration.timeToLiveSecs`; undefined when absent (schema 1.0) or not positive (edgeHub's
   * local default `-1`): messages then never expire unless their route has its own TTL.
   */
  readonly timeToLiveSecs: number | undefined;
  /** `storeAndForwardConfiguration.storeLimits.maxSizeBytes`, when given. */
  readonly maxStoreBytes: number | undefined;
}

export interface DesiredStatus {
  readonly code: 200 | 400;
  readonly description: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(message: string): Result<never, DesiredStatus> {
  return err({ code: 400, description: `${DESIRED_ERROR_PREFIX}${message}` });
}

/** Newtonsoft's case-insensitive member match (exact first). */
function member(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/** `new Version(text)`: 2 to 4 non-negative integer components. */
function parseVersion(value: unknown): { major: number; minor: number } | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9})){0,2}\s*$/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** An integer JSON value (Newtonsoft also takes an integral numeric string); undefined otherwise. */
function integer(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

interface StoreAndForward {
  readonly timeToLiveSecs: number | undefined;
  readonly maxStoreBytes: number | undefined;
}

function parseStoreAndForward(value: unknown, required: boolean): Result<StoreAndForward, DesiredStatus> {
  if (value === undefined || value === null) {
    return required ? fail('Required property storeAndForwardConfiguration is missing') : ok({ timeToLiveSecs: undefined, maxStoreBytes: undefined });
  }
  if (!isObject(value)) return fail('storeAndForwardConfiguration must be an object');
  const rawTtl = member(value, 'timeToLiveSecs');
  const ttl = rawTtl === undefined || rawTtl === null ? undefined : integer(rawTtl);
  if (rawTtl !== undefined && rawTtl !== null && ttl === undefined) return fail(`storeAndForwardConfiguration.timeToLiveSecs ${JSON.stringify(rawTtl)} is not an integer`);
  let maxStoreBytes: number | undefined;
  const limits = member(value, 'storeLimits');
  if (limits !== undefined && limits !== null) {
    if (!isObject(limits)) return fail('storeAndForwardConfiguration.storeLimits must be an object');
    const raw = member(limits, 'maxSizeBytes');
    maxStoreBytes = integer(raw);
    if (maxStoreBytes === undefined || maxStoreBytes < 0) return fail(`storeAndForwardConfiguration.storeLimits.maxSizeBytes ${JSON.stringify(raw)} is not a non-negative integer`);
  }
  return ok({ timeToLiveSecs: ttl !== undefined && ttl > 0 ? ttl : undefined, maxStoreBytes });
}

function parseRoutes(value: unknown, schemaVersion: string, required: boolean): Result<HubRoute[], DesiredStatus> {
  if (value === undefined || value === null) return required ? fail('Required property routes is missing') : ok([]);
  if (!isObject(value)) return fail('routes must be an object of named routes');
  const routes: HubRoute[] = [];
  for (const [name, entry] of Object.entries(value)) {
    const parsed = parseRouteEntry(name, entry, { schemaVersion });
    if (!parsed.ok) return fail(`Error parsing route ${name} - ${parsed.error.message}`);
    const spec = parsed.value;
    if (spec.kind === 'skipped') continue;
    const sink = spec.route.sink;
    let endpoint: string;
    switch (sink.kind) {
      case 'upstream':
        endpoint = UPSTREAM_ENDPOINT;
        break;
      case 'moduleInput':
        if (sink.module === '' || sink.input === '') return fail(`Error parsing route ${name} - the endpoint ${sink.address} has an empty module or input name`);
        endpoint = moduleInputEndpoint(sink.module, sink.input);
        break;
      default:
        return fail(`Error parsing route ${name} - its sink is not $upstream or a module input`);
    }
    routes.push({ name, text: spec.text, priority: spec.priority, ttlSecs: spec.timeToLiveSecs, endpoint, route: spec.route });
  }
  return ok(routes);
}

/** Parses and compiles the whole `$edgeHub` desired document, or says why not (400). `$version`/`$metadata` are ignored. */
export function parseEdgeHubDesired(desired: unknown): Result<EdgeHubConfig, DesiredStatus> {
  try {
    if (!isObject(desired)) return fail('the desired properties are not a JSON object');
    const rawVersion = member(desired, 'schemaVersion');
    if (rawVersion === undefined || rawVersion === null || rawVersion === '') return fail('EdgeHub config missing SchemaVersion');
    const version = parseVersion(rawVersion);
    if (!version) return fail(`Invalid SchemaVersion ${JSON.stringify(rawVersion)}`);
    if (version.major !== 1 || version.minor > 3) return fail(`unsupported SchemaVersion ${String(rawVersion)}; expected 1.0 to 1.3`);
    const schemaVersion = `${version.major}.${version.minor}`;
    const v11 = version.minor >= 1;
    if (version.minor >= 2) {
      const broker = member(desired, 'mqttBroker');
      if (broker !== undefined && broker !== null && !isObject(broker)) return fail('mqttBroker must be an object');
    }
    const storeAndForward = parseStoreAndForward(member(desired, 'storeAndForwardConfiguration'), v11);
    if (!storeAndForward.ok) return storeAndForward;
    const routes = parseRoutes(member(desired, 'routes'), schemaVersion, v11);
    if (!routes.ok) return routes;
    return ok({ schemaVersion, routes: routes.value, ...storeAndForward.value });
  } catch (cause) {
    // The route core never throws by contract; this keeps a bug there from taking the hub down.
    return fail(`internal error: ${String(cause)}`);
  }
}

/** The contract's view (shared/ipc/edgehub.contract.ts) of the routes in force and the last desired status. */
export function routeConfigStatus(config: EdgeHubConfig | undefined, status: DesiredStatus, lastDesiredVersion: number | undefined): RouteConfigStatus {
  return {
    code: status.code,
    description: status.description,
    ...(lastDesiredVersion === undefined ? {} : { lastDesiredVersion }),
    routes: (config?.routes ?? []).map((r) => ({ name: r.name, text: r.text, priority: r.priority, ttlSecs: r.ttlSecs, endpoint: r.endpoint })),
  };
}
