/**
 * `$edgeHub` → `properties.desired` (`EdgeHubConfigParser`, `RouteSpecConverter`, `RouteSpec`):
 * schemaVersion is looked up with its exact name and must be 1.0-1.3 (major.minor); in 1.0 routes are
 * strings and empty ones are skipped; from 1.1 a route is a string or { route, priority, timeToLiveSecs },
 * priority is 0-9 or 2000000000, and one bad route makes edgeHub reject the whole configuration.
 */
import { CheckContext, hasTemplateToken } from './check-context.js';
import { childPointer } from './json-pointer.js';
import { findProperty, isObject, parseDotNetVersion, readUnsigned } from './newtonsoft-compat.js';

export type EdgeHubSchema = '1.0' | '1.1' | '1.2' | '1.3';

/** A route whose text can be compiled, with the pointer of the string that holds the text. */
export interface RouteEntry {
  readonly name: string;
  readonly text: string;
  readonly textPointer: string;
}

export interface EdgeHubFacts {
  readonly schema?: EdgeHubSchema;
  readonly routes: readonly RouteEntry[];
}

const ROUTE_MEMBERS = ['route', 'priority', 'timeToLiveSecs'];
const DEFAULT_PRIORITY = 2000000000;

export function checkEdgeHub(ctx: CheckContext, pointer: string, desired: Record<string, unknown>): EdgeHubFacts {
  const schema = checkHubSchemaVersion(ctx, pointer, desired);
  const routes: RouteEntry[] = [];
  const routesProperty = findProperty(desired, 'routes');
  if (routesProperty && isObject(routesProperty.value)) {
    const routesPointer = childPointer(pointer, routesProperty.key);
    for (const [name, value] of Object.entries(routesProperty.value)) {
      const entry = checkRouteValue(ctx, childPointer(routesPointer, name), name, value, schema);
      if (entry) routes.push(entry);
    }
  }
  return { ...(schema ? { schema } : {}), routes };
}

/** Checks one route value; returns the route text to compile, if there is one. Shared with layered deployments. */
export function checkRouteValue(ctx: CheckContext, at: string, name: string, value: unknown, schema: EdgeHubSchema | undefined): RouteEntry | undefined {
  const legacy = schema === '1.0';
  if (typeof value === 'string') {
    if (value.trim() === '') {
      if (legacy) ctx.report('GH4008', at, `Route "${name}" is empty; edgeHub 1.0 skips it silently. Write the route or remove the entry.`);
      else ctx.report('GH4003', at, emptyRouteMessage(name, schema), { fix: removeFix(at) });
      return undefined;
    }
    return { name, text: value, textPointer: at };
  }
  if (value === null) {
    if (!legacy && schema) ctx.report('GH4002', at, `Route "${name}" is null; edgeHub ${schema} rejects the whole configuration ("Malformed route specification"). Remove the entry.`, { fix: removeFix(at) });
    else if (legacy) ctx.report('GH4008', at, `Route "${name}" is null; edgeHub 1.0 skips it. Remove the entry.`, { fix: removeFix(at) });
    return undefined;
  }
  if (!isObject(value)) {
    ctx.report('GH4002', at, `Route "${name}" must be a string${legacy ? '' : ' or an object { "route": … }'}, not ${Array.isArray(value) ? 'an array' : typeof value}; edgeHub rejects the whole configuration.`);
    return undefined;
  }
  if (legacy) {
    ctx.report('GH4002', at, `Route "${name}" is an object, which needs $edgeHub schemaVersion 1.1 or later; with 1.0 edgeHub cannot read the routes and rejects the configuration. Set schemaVersion to "1.1" (which also requires storeAndForwardConfiguration) or write the route as a string.`);
  }
  for (const key of Object.keys(value)) {
    if (!ROUTE_MEMBERS.some((m) => m.toLowerCase() === key.toLowerCase())) {
      ctx.report('GH4009', childPointer(at, key), `"${key}" is not a route member (route, priority, timeToLiveSecs); edgeHub ignores it.`, { part: 'key' });
    }
  }
  const priority = findProperty(value, 'priority');
  if (priority && !(ctx.isTemplate && hasTemplateToken(priority.value))) checkPriority(ctx, childPointer(at, priority.key), name, priority.value);
  const ttl = findProperty(value, 'timeToLiveSecs');
  if (ttl && !(ctx.isTemplate && hasTemplateToken(ttl.value)) && readUnsigned(ttl.value) === 'invalid') {
    ctx.report('GH4005', childPointer(at, ttl.key), `timeToLiveSecs of route "${name}" must be an integer from 0 to 4294967295 (0 uses the global storeAndForwardConfiguration.timeToLiveSecs); edgeHub rejects the configuration.`);
  }
  const route = findProperty(value, 'route');
  if (!route) return undefined; // the schema reports the missing member
  const routePointer = childPointer(at, route.key);
  if (typeof route.value !== 'string') return undefined; // the schema reports the type
  if (route.value.trim() === '') {
    if (!legacy) ctx.report('GH4003', routePointer, emptyRouteMessage(name, schema, true));
    return undefined;
  }
  return { name, text: route.value, textPointer: routePointer };
}

function checkPriority(ctx: CheckContext, at: string, name: string, value: unknown): void {
  const reading = readUnsigned(value);
  const n = Number(value);
  if (reading === 'invalid' || !((n >= 0 && n <= 9) || n === DEFAULT_PRIORITY)) {
    ctx.report('GH4004', at, `priority of route "${name}" is ${JSON.stringify(value)}; it must be an integer from 0 (highest) to 9 (lowest), or omitted. edgeHub rejects the whole configuration.`);
  }
}

/**
 * From schemaVersion 1.1 on, a route is a RouteSpec whose route text must not be blank; a blank one fails the
 * parse of the whole desired properties (lastDesiredStatus 400), so edgeHub keeps running without any of them.
 */
function emptyRouteMessage(name: string, schema: EdgeHubSchema | undefined, member = false): string {
  const version = schema ? `schemaVersion ${schema}` : 'schemaVersion 1.1 and later';
  return `Route "${name}" ${member ? 'has an empty "route"' : 'is empty'}. With ${version}, edgeHub requires every route text to be non-blank, so it cannot read its desired properties at all and rejects the whole configuration (reported as 400): none of the routes run, not only this one. Write the route or remove the entry (only schemaVersion 1.0 skips empty routes).`;
}

function removeFix(at: string) {
  return { title: 'Remove the route', edits: [{ op: 'remove' as const, path: at }] };
}

function checkHubSchemaVersion(ctx: CheckContext, pointer: string, desired: Record<string, unknown>): EdgeHubSchema | undefined {
  const at = childPointer(pointer, 'schemaVersion');
  const hasRouteObjects = (() => {
    const routes = findProperty(desired, 'routes')?.value;
    return isObject(routes) && Object.values(routes).some(isObject);
  })();
  const suggested = hasRouteObjects || findProperty(desired, 'storeAndForwardConfiguration') ? '1.3' : '1.0';
  if (!Object.prototype.hasOwnProperty.call(desired, 'schemaVersion')) {
    const other = findProperty(desired, 'schemaVersion');
    if (other) {
      ctx.report('GH2023', childPointer(pointer, other.key), `edgeHub looks up "schemaVersion" with exactly this spelling; "${other.key}" is not found and edgeHub rejects the configuration ("EdgeHub config missing SchemaVersion"). Rename it.`, {
        part: 'key',
        fix: { title: 'Rename to "schemaVersion"', edits: [{ op: 'move', from: childPointer(pointer, other.key), path: at }] },
      });
    } else {
      ctx.report('GH2023', at, `$edgeHub has no schemaVersion; edgeHub rejects the configuration ("EdgeHub config missing SchemaVersion"). Add "schemaVersion": "${suggested}".`, {
        fix: { title: `Add schemaVersion "${suggested}"`, edits: [{ op: 'add', path: at, value: suggested }] },
      });
    }
    return undefined;
  }
  const value = desired['schemaVersion'];
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    text = ctx.rawText(at) ?? String(value);
    ctx.report('GH2024', at, `schemaVersion is the number ${text}; it works because it is converted to text, but write it as the string "${text}".`, {
      fix: { title: `Use "${text}"`, edits: [{ op: 'replace', path: at, value: text }] },
    });
  } else {
    ctx.report('GH2023', at, `$edgeHub schemaVersion must be a string such as "1.1", not ${JSON.stringify(value)}; edgeHub rejects the configuration.`);
    return undefined;
  }
  if (ctx.isTemplate && hasTemplateToken(text)) return undefined;
  const version = parseDotNetVersion(text);
  if (!version) {
    ctx.report('GH2023', at, `$edgeHub schemaVersion "${text}" is not a version number (it needs at least major.minor); edgeHub rejects the configuration. Use "${suggested}".`, {
      fix: { title: `Use "${suggested}"`, edits: [{ op: 'replace', path: at, value: suggested }] },
    });
    return undefined;
  }
  if (version.major !== 1 || version.minor > 3) {
    ctx.report('GH2022', at, `$edgeHub schemaVersion "${text}" is not supported: edgeHub accepts 1.0, 1.1, 1.2 and 1.3 and rejects this configuration ("unsupported SchemaVersion"), so no routes run. Use "${suggested}".`, {
      fix: { title: `Use "${suggested}"`, edits: [{ op: 'replace', path: at, value: suggested }] },
    });
    return undefined;
  }
  return `1.${version.minor}` as EdgeHubSchema;
}
