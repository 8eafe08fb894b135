/**
 * `compileRoute` and `compileCondition`: parse, resolve the source and sink, type-check and precompile the
 * condition. A route is accepted exactly when edgeHub would both parse it (config parsing, RouteFactory) and
 * compile it (router, RouteCompiler with all flags); the first error is returned with its column.
 */
import { err, ok, type Result } from '../errors';
import type { ExprNode, RouteNode } from './ast';
import { compileExpression, newCompileState, type CompileState } from './compile';
import { parseConditionText, parseRouteText } from './route-parser';
import { resolveSink } from './sink';
import { classifySource, sourceWarnings } from './source';
import type { CompiledCondition, CompiledRoute, CompileOptions, RouteBool, RouteError, RouteReferences, RouteSink, RouteSource, RouteWarning, StaticType } from './types';
import type { MessageContext } from './message-context';

const NEVER_TRUE: ReadonlySet<StaticType> = new Set(['string', 'number', 'undefined', 'null']);

function finishCondition(expr: ExprNode | undefined, text: string, state: CompileState): Result<CompiledCondition, RouteError> {
  if (expr === undefined) {
    // edgeHub's `EOF` alternative: an empty condition evaluates to Undefined
    return ok({ text, ast: { kind: 'literal', token: { kind: 'UNDEFINED', text: '', start: 0, end: 0 }, start: 0, end: 0 }, resultType: 'undefined', properties: [], systemProperties: [], readsBody: false, test: () => undefined });
  }
  const compiled = compileExpression(expr, state);
  const first = state.errors[0];
  if (first) return err(first);
  const fn = compiled.fn;
  let test: (ctx: MessageContext) => RouteBool;
  switch (compiled.type) {
    case 'bool': test = fn as (ctx: MessageContext) => RouteBool; break;
    case 'query': test = (ctx) => { const v = fn(ctx); return typeof v === 'boolean' ? v : undefined; }; break;
    case 'null': test = () => false; break;
    default: test = () => undefined;
  }
  return ok({
    text,
    ast: expr,
    resultType: compiled.type,
    properties: [...state.properties],
    systemProperties: [...state.systemProperties],
    readsBody: state.readsBody,
    test,
  });
}

/** Compiles a bare condition (the WHERE part). Columns in errors are relative to `text`. */
export function compileCondition(text: string, options: CompileOptions = {}): Result<CompiledCondition, RouteError> {
  const parsed = parseConditionText(text);
  if (!parsed.ok) return parsed;
  return finishCondition(parsed.value, text, newCompileState(options.enableTwinChangeIncludes === true));
}

function references(source: RouteSource, sink: RouteSink): RouteReferences {
  const sourceModule = source.kind === 'module' || source.kind === 'moduleOutputs' || source.kind === 'moduleOutput' ? source.module : undefined;
  const sourceOutput = source.kind === 'moduleOutput' ? source.output : undefined;
  const sinkModule = sink.kind === 'moduleInput' ? sink.module : undefined;
  const modules = [...new Set([sourceModule, sinkModule].filter((m): m is string => m !== undefined))];
  return {
    ...(sourceModule !== undefined ? { sourceModule } : {}),
    ...(sourceOutput !== undefined ? { sourceOutput } : {}),
    ...(sinkModule !== undefined ? { sinkModule, sinkInput: (sink as { input: string }).input } : {}),
    modules,
  };
}

function routeWarnings(node: RouteNode, source: RouteSource, condition: CompiledCondition | undefined): RouteWarning[] {
  const warnings = sourceWarnings(source, node);
  const first = node.trailing[0];
  const last = node.trailing[node.trailing.length - 1];
  if (first && last) {
    warnings.push({ message: `text after the sink at column ${first.start + 1} is ignored by edgeHub: '${first.text}${node.trailing.length > 1 ? ' ...' : ''}'`, column: first.start + 1, length: last.end - first.start });
  }
  if (condition && node.condition && NEVER_TRUE.has(condition.resultType)) {
    warnings.push({
      message: `the condition is a ${condition.resultType} value, not a comparison, so the route never fires`,
      column: node.condition.start + 1,
      length: node.condition.end - node.condition.start,
    });
  }
  return warnings;
}

/** Compiles `[SELECT *] FROM <source> [WHERE <condition>] INTO <sink>`. Columns in errors are relative to `text`. */
export function compileRoute(text: string, options: CompileOptions = {}): Result<CompiledRoute, RouteError> {
  const parsed = parseRouteText(text);
  if (!parsed.ok) return parsed;
  const node = parsed.value;
  const source = classifySource(node.sourceText);
  const resolved = resolveSink(node.sink);
  if (!resolved.ok) return resolved;
  let condition: CompiledCondition | undefined;
  if (node.condition) {
    const allowTwin = options.enableTwinChangeIncludes === true && source.kind === 'twinChangeNotifications';
    const compiled = finishCondition(node.condition.expr, text.slice(node.condition.start, node.condition.end), newCompileState(allowTwin));
    if (!compiled.ok) return compiled;
    condition = compiled.value;
  }
  return ok({
    text,
    source,
    sink: resolved.value.sink,
    condition,
    references: references(source, resolved.value.sink),
    warnings: [...routeWarnings(node, source, condition), ...resolved.value.warnings],
  });
}
