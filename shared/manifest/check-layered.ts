/**
 * Checks of a layered deployment's modulesContent. Each twin sets paths: `properties.desired.modules.<name>`
 * (a whole module; also just its `.settings` or `.settings.image`), `properties.desired.routes.<name>` (one route),
 * `properties.desired.runtime.settings[.registryCredentials.<name>]`, or `properties.desired` for a
 * custom module twin. The base deployment is not known here, so route targets are not checked against
 * deployed modules.
 */
import { CheckContext } from './check-context.js';
import { checkModuleName } from './check-edge-agent.js';
import { checkRouteValue, type RouteEntry } from './check-edge-hub.js';
import { checkImageValue, checkModule, checkSettings } from './check-module.js';
import { checkPlaceholders } from './check-placeholders.js';
import { checkMisplacedCredentials, checkRegistryCredential, checkRegistryCredentials } from './check-registry.js';
import { checkRoutes } from './check-routes.js';
import { checkTwinLimits, checkTwinLimitsAt } from './check-twin-limits.js';
import { childPointer } from './json-pointer.js';
import { findProperty, isObject } from './newtonsoft-compat.js';

const DESIRED = 'properties.desired';
const PREFIX = `${DESIRED}.`;

export interface LayeredFacts {
  readonly routes: readonly RouteEntry[];
  /** Per twin: path key (without the `properties.desired.` prefix, or `""` for the whole twin) → value. */
  readonly layers: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export function checkLayeredContent(ctx: CheckContext, pointer: string, modulesContent: Record<string, unknown>): LayeredFacts {
  const routes: RouteEntry[] = [];
  const layers: Record<string, Record<string, unknown>> = {};
  for (const [twin, content] of Object.entries(modulesContent)) {
    const twinPointer = childPointer(pointer, twin);
    if (!isObject(content)) {
      ctx.report('GH2005', twinPointer, `The twin "${twin}" must be an object of "properties.desired.<path>" keys.`);
      continue;
    }
    const paths: Record<string, unknown> = {};
    layers[twin] = paths;
    for (const [key, value] of Object.entries(content)) {
      const at = childPointer(twinPointer, key);
      if (key === DESIRED) {
        paths[''] = value;
        if (twin === '$edgeAgent' || twin === '$edgeHub') {
          ctx.report('GH7002', at, `A layered deployment normally sets paths such as "properties.desired.${twin === '$edgeAgent' ? 'modules.<name>' : 'routes.<name>'}"; setting the whole ${twin} twin here replaces what the base deployment sets.`, { part: 'key' });
        }
        if (isObject(value)) checkTwinLimits(ctx, twin, at, value);
        continue;
      }
      if (!key.startsWith(PREFIX) || key.length === PREFIX.length) {
        ctx.report('GH7001', at, `"${key}" is not a twin path: layered deployment keys are "properties.desired" or "properties.desired.<path>" (for example "properties.desired.modules.${twin === '$edgeAgent' ? 'myModule' : 'x'}"). IoT Hub refuses the configuration.`, { part: 'key' });
        continue;
      }
      const path = key.slice(PREFIX.length).split('.');
      paths[path.join('.')] = value;
      if (path.some((segment) => segment === '')) {
        ctx.report('GH7001', at, `"${key}" has an empty path segment (".."); IoT Hub refuses the configuration.`, { part: 'key' });
        continue;
      }
      checkTwinLimitsAt(ctx, at, value, path.length);
      if (twin === '$edgeAgent') checkAgentPath(ctx, at, path, value);
      if (twin === '$edgeHub' && path[0] === 'routes' && path.length === 2) {
        const entry = checkRouteValue(ctx, at, path[1] ?? '', value, undefined);
        if (entry) routes.push(entry);
      }
    }
  }
  checkRoutes(ctx, routes, undefined);
  checkPlaceholders(ctx, pointer, modulesContent);
  return { routes, layers };
}

function checkAgentPath(ctx: CheckContext, at: string, path: readonly string[], value: unknown): void {
  const [head, name, part, leaf] = path;
  const isModule = (head === 'modules' && name !== undefined) || (head === 'systemModules' && (name === 'edgeAgent' || name === 'edgeHub'));
  if (isModule && name !== undefined && path.length === 2) {
    if (head === 'modules') checkModuleName(ctx, at, name);
    checkModule(ctx, at, name, value, head === 'modules' ? 'custom' : (name as 'edgeAgent' | 'edgeHub'));
  } else if (isModule && name !== undefined && part === 'settings' && path.length === 3) {
    if (isObject(value)) checkSettings(ctx, at, name, value);
  } else if (isModule && name !== undefined && part === 'settings' && leaf === 'image' && path.length === 4) {
    checkImageValue(ctx, at, name, value);
  } else if (path.length === 2 && path.join('.') === 'runtime.settings' && isObject(value)) {
    checkMisplacedCredentials(ctx, at, value);
    const credentials = findProperty(value, 'registryCredentials');
    if (credentials) checkRegistryCredentials(ctx, childPointer(at, credentials.key), credentials.value);
  } else if (path.length === 4 && path.slice(0, 3).join('.') === 'runtime.settings.registryCredentials') {
    checkRegistryCredential(ctx, at, path[3] ?? '', value);
  }
}
