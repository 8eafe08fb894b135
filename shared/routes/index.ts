/**
 * The IoT Edge route language (edgeHub): `[SELECT *] FROM <source> [WHERE <condition>] INTO <sink>`.
 * Pure code: compile routes and conditions with column-accurate errors, read manifest route entries, and
 * evaluate precompiled routes against messages with edgeHub's semantics (three-valued logic, case-insensitive
 * property bags, `$body` JSON queries). See EDGE-CONTRACTS.md §6.
 *
 * Validating a manifest:
 *
 *   const entry = parseRouteEntry(name, value, { schemaVersion });       // string or {route, priority, ttl}
 *   if (!entry.ok) report(entry.error);                                   // phase 'parse': whole config fails
 *   else if (entry.value.kind === 'route') entry.value.route.references;  // modules, output, input named
 *
 * Routing on the hub's hot path (compile once, one context per message):
 *
 *   const routes = texts.map((t) => compileRoute(t)).filter((r) => r.ok).map((r) => r.value);
 *   const ctx = createMessageContext({ body, properties, systemProperties, source });
 *   for (const route of routes) if (evaluate(route, ctx)) deliver(route.sink);
 *
 * Errors are data: `RouteError.column` is 1-based from the start of the compiled text (0 = not positional, e.g.
 * a bad priority), `length` spans the offending text, and `phase` tells where edgeHub would fail: `parse` while
 * reading the `$edgeHub` desired properties (the whole configuration is rejected), `compile` when the router
 * adds the route (the condition's types, functions or `$body` paths). The message names what was expected,
 * e.g. "expected INTO after the condition at column 34, found 'garbage'".
 *
 * Deliberate fidelity points, each pinned by tests: twin_change_includes is never available in deployed routes;
 * `*` is only stripped at the end of a source; application properties are strings, so `temp > 30` does not
 * compile (write `as_number(temp) > 30`); NOT binds tighter than `=`; text after the sink is ignored (warning).
 */
export { compileCondition, compileRoute } from './route';
export { createMessageContext, evaluate, evaluateCondition, matchesSource, selectRoutes } from './evaluate';
export { DEFAULT_ROUTE_PRIORITY, parseRouteEntry, type RouteEntryOptions, type RouteSpec } from './route-entry';
export { MessageContext, messageSourcePath, sourceFromSystemProperties } from './message-context';
export { classifySource, normalizeSource } from './source';
export { BUILTIN_NAMES } from './builtins';
export { tokenize, type Token, type TokenKind } from './lexer';
export type { BinaryOp, ExprNode, UnaryOp } from './ast';
export type {
  CompiledCondition,
  CompiledRoute,
  CompileOptions,
  MessageSource,
  RouteBool,
  RouteError,
  RouteMessage,
  RouteReferences,
  RouteSink,
  RouteSource,
  RouteWarning,
  StaticType,
} from './types';
