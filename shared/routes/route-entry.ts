/**
 * Manifest route entries (`$edgeHub.properties.desired.routes.<name>`), as edgeHub's config parser reads them
 * (`EdgeHubConfigParser`, `RouteSpec`, `RouteSpecConverter`; EDGE-CONTRACTS.md §1.3):
 * - schema 1.0: values are strings; null or blank values are skipped silently;
 * - schema 1.1+: a string, or an object `{route, priority?, timeToLiveSecs?}`. Member names match
 *   case-insensitively and unknown members (e.g. `_comment`) are ignored, as Newtonsoft does. `priority` is a
 *   uint that must be 0-9 or 2000000000 (the default); `timeToLiveSecs` is a uint, 0 (default) meaning "use the
 *   global storeAndForwardConfiguration.timeToLiveSecs". Anything else is "Malformed route specification".
 * Numbers are converted like Newtonsoft/Convert.ChangeType: numeric strings and booleans are accepted, fractions
 * are rounded half to even, negative or too large values fail.
 */
import { err, ok, type Result } from '../errors';
import { compileRoute } from './route';
import type { CompiledRoute, CompileOptions, RouteError } from './types';

/** `RouteFactory.DefaultPriority`: routes without a priority rank below every explicit one. */
export const DEFAULT_ROUTE_PRIORITY = 2_000_000_000;
const UINT_MAX = 4_294_967_295;

export type RouteSpec =
  | {
      readonly kind: 'route';
      readonly name: string;
      /** The route statement. */
      readonly text: string;
      readonly priority: number;
      readonly timeToLiveSecs: number;
      readonly form: 'string' | 'object';
      readonly route: CompiledRoute;
    }
  | { readonly kind: 'skipped'; readonly name: string; readonly reason: string };

export interface RouteEntryOptions extends CompileOptions {
  /** The `$edgeHub` schemaVersion; `1.0` applies the 1.0 rules, anything else the 1.1+ rules (the default). */
  readonly schemaVersion?: string;
}

function entryError(message: string, field: RouteError['field']): RouteError {
  return { message, column: 0, field, phase: 'parse' };
}

function isSchema10(version: string | undefined): boolean {
  const m = /^\s*(\d+)\.(\d+)(\.\d+){0,2}\s*$/.exec(version ?? '');
  return m !== null && Number(m[1]) === 1 && Number(m[2]) === 0;
}

function roundHalfEven(n: number): number {
  const floor = Math.floor(n);
  const diff = n - floor;
  if (diff !== 0.5) return Math.round(n);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `Convert.ChangeType(value, typeof(uint))` for a JSON value; undefined when it throws. */
export function toUInt32(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const n = Number.isInteger(value) ? value : roundHalfEven(value);
    return n >= 0 && n <= UINT_MAX ? Math.abs(n) : undefined; // Math.abs turns -0 into 0
  }
  if (typeof value === 'string') {
    const m = /^[\t\n\v\f\r ]*([+-]?)(\d+)[\t\n\v\f\r ]*$/.exec(value);
    if (!m) return undefined;
    const n = Number(m[2]);
    if (m[1] === '-' && n !== 0) return undefined;
    return n <= UINT_MAX ? n : undefined;
  }
  return undefined;
}

/** Newtonsoft matches members exactly first, then ignoring case. */
function member(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

function compileEntry(name: string, text: string, priority: number, timeToLiveSecs: number, form: 'string' | 'object', options: CompileOptions): Result<RouteSpec, RouteError> {
  const compiled = compileRoute(text, options);
  if (!compiled.ok) return err({ ...compiled.error, field: 'route' });
  return ok({ kind: 'route', name, text, priority, timeToLiveSecs, form, route: compiled.value });
}

function uintMember(obj: Record<string, unknown>, field: 'priority' | 'timeToLiveSecs', fallback: number): Result<number, RouteError> {
  const raw = member(obj, field);
  if (raw === undefined) return ok(fallback);
  const value = toUInt32(raw);
  if (value === undefined) {
    return err(entryError(`${field} ${JSON.stringify(raw)} is not a valid unsigned 32-bit integer`, field));
  }
  return ok(value);
}

/** Parses one manifest route entry and compiles its route. */
export function parseRouteEntry(name: string, value: unknown, options: RouteEntryOptions = {}): Result<RouteSpec, RouteError> {
  if (isSchema10(options.schemaVersion)) {
    if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
      return ok({ kind: 'skipped', name, reason: 'schema 1.0 skips null or blank routes' });
    }
    if (typeof value !== 'string') return err(entryError(`route '${name}': in schema 1.0 a route must be a string`, 'value'));
    return compileEntry(name, value, DEFAULT_ROUTE_PRIORITY, 0, 'string', options);
  }
  if (name.trim() === '') return err(entryError('Empty route name', 'name'));
  if (typeof value === 'string') {
    if (value.trim() === '') return err(entryError(`route '${name}' is empty`, 'route'));
    return compileEntry(name, value, DEFAULT_ROUTE_PRIORITY, 0, 'string', options);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err(entryError(`Malformed route specification for '${name}': expected a route string or {"route", "priority", "timeToLiveSecs"}`, 'value'));
  }
  const obj = value as Record<string, unknown>;
  const priority = uintMember(obj, 'priority', DEFAULT_ROUTE_PRIORITY);
  if (!priority.ok) return priority;
  const ttl = uintMember(obj, 'timeToLiveSecs', 0);
  if (!ttl.ok) return ttl;
  const route = member(obj, 'route');
  if (route !== undefined && route !== null && typeof route !== 'string') {
    return err(entryError(`route '${name}': the "route" member must be a string`, 'route'));
  }
  if (typeof route !== 'string' || route.trim() === '') return err(entryError(`route '${name}': the "route" member is required and must not be blank`, 'route'));
  if (priority.value > 9 && priority.value !== DEFAULT_ROUTE_PRIORITY) {
    return err(entryError(`Invalid priority for route '${name}': ${priority.value}; priority can only be between 0-9`, 'priority'));
  }
  return compileEntry(name, route, priority.value, ttl.value, 'object', options);
}
