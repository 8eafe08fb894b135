/**
 * Evaluation on the hub's hot path. Routes are precompiled closures; per message the only work is building one
 * MessageContext (shared by all routes: the source path is computed once and the body parsed at most once).
 *
 *   const ctx = createMessageContext(message);
 *   for (const route of routes) if (evaluate(route, ctx)) deliver(route.sink, message);
 */
import { MessageContext } from './message-context';
import { sourceMatches } from './source';
import type { CompiledCondition, CompiledRoute, RouteBool, RouteMessage } from './types';

/** One context per message; pass it to `evaluate` for every route so the body is parsed at most once. */
export function createMessageContext(message: RouteMessage): MessageContext {
  return new MessageContext(message);
}

function contextOf(message: RouteMessage | MessageContext): MessageContext {
  return message instanceof MessageContext ? message : new MessageContext(message);
}

/** Whether the route's source selects the message (case-insensitive prefix match, as edgeHub). */
export function matchesSource(route: CompiledRoute, message: RouteMessage | MessageContext): boolean {
  return sourceMatches(route.source.foldedPrefix, contextOf(message).foldedSource());
}

/**
 * The condition's three-valued result: `true`, `false`, or `undefined` (edgeHub's Bool.Undefined, e.g. a missing
 * property compared with a value). Only `true` routes the message.
 */
export function evaluateCondition(condition: CompiledCondition, message: RouteMessage | MessageContext): RouteBool {
  return condition.test(contextOf(message));
}

/** Whether `message` is routed by `route`: the source matches and the condition (if any) is true. */
export function evaluate(route: CompiledRoute, message: RouteMessage | MessageContext): boolean {
  const ctx = contextOf(message);
  if (!sourceMatches(route.source.foldedPrefix, ctx.foldedSource())) return false;
  return route.condition === undefined || route.condition.test(ctx) === true;
}

/**
 * Routes a message through a route set the way edgeHub's Evaluator does: every matching route yields its sink,
 * and when several routes target the same sink the one with the lowest priority number wins.
 */
export function selectRoutes<R extends { readonly route: CompiledRoute; readonly priority: number }>(
  routes: readonly R[],
  message: RouteMessage | MessageContext,
): R[] {
  const ctx = contextOf(message);
  const bySink = new Map<string, R>();
  for (const entry of routes) {
    if (!evaluate(entry.route, ctx)) continue;
    const sink = entry.route.sink;
    const key = sink.kind === 'upstream' ? '$upstream' : `${sink.module}/${sink.input}`;
    const current = bySink.get(key);
    if (current === undefined || entry.priority < current.priority) bySink.set(key, entry);
  }
  return [...bySink.values()];
}
