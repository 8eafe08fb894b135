import { parseRouteEntry, type RouteSpec } from '../routes';
import { modulesContentOf } from './modules-content';

/** The parts of a deployment document the checks read, found once (tolerant: a part that is missing is empty). */
export interface DeploymentParts {
  readonly document: unknown;
  /** Custom modules (not edgeAgent/edgeHub) with their desired status and image. */
  readonly modules: readonly { readonly name: string; readonly status: string; readonly image: string }[];
  readonly minDockerVersion?: string;
  /** `$edgeHub` routes, each parsed with the route core (a bad one keeps its error). */
  readonly routes: readonly ({ readonly name: string; readonly ok: true; readonly spec: RouteSpec } | { readonly name: string; readonly ok: false; readonly error: string })[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deploymentParts(text: string): DeploymentParts | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(document)) return undefined;
  const content = modulesContentOf(document);
  if (!content) return { document, modules: [], routes: [] };
  const agent = isObject(content.$edgeAgent) && isObject(content.$edgeAgent['properties.desired']) ? content.$edgeAgent['properties.desired'] : {};
  const hub = isObject(content.$edgeHub) && isObject(content.$edgeHub['properties.desired']) ? content.$edgeHub['properties.desired'] : {};
  const modules = Object.entries(isObject(agent.modules) ? agent.modules : {}).map(([name, m]) => {
    const module = isObject(m) ? m : {};
    const settings = isObject(module.settings) ? module.settings : {};
    return { name, status: typeof module.status === 'string' ? module.status : 'running', image: typeof settings.image === 'string' ? settings.image : '' };
  });
  const runtimeSettings = isObject(agent.runtime) && isObject(agent.runtime.settings) ? agent.runtime.settings : {};
  const schemaVersion = typeof hub.schemaVersion === 'string' ? hub.schemaVersion : undefined;
  const routes = Object.entries(isObject(hub.routes) ? hub.routes : {}).map(([name, value]) => {
    const parsed = parseRouteEntry(name, value, schemaVersion ? { schemaVersion } : {});
    return parsed.ok ? { name, ok: true as const, spec: parsed.value } : { name, ok: false as const, error: parsed.error.message };
  });
  return {
    document,
    modules,
    ...(typeof runtimeSettings.minDockerVersion === 'string' ? { minDockerVersion: runtimeSettings.minDockerVersion } : {}),
    routes,
  };
}

/** Routes into `$upstream` with the module (or device telemetry) they take messages from. */
export function upstreamRoutes(parts: DeploymentParts): { readonly name: string; readonly text: string; readonly sourceModule?: string; readonly sourceOutput?: string }[] {
  const found: { name: string; text: string; sourceModule?: string; sourceOutput?: string }[] = [];
  for (const r of parts.routes) {
    if (!r.ok || r.spec.kind !== 'route' || r.spec.route.sink.kind !== 'upstream') continue;
    const refs = r.spec.route.references;
    found.push({ name: r.name, text: r.spec.text, ...(refs.sourceModule ? { sourceModule: refs.sourceModule } : {}), ...(refs.sourceOutput ? { sourceOutput: refs.sourceOutput } : {}) });
  }
  return found;
}
