/**
 * Compiles a condition syntax tree into a tree of closures, checking types the way edgeHub's ConditionVisitor
 * does. Like edgeHub (which compiles with RouteCompilerFlags.All when the router adds a route), `$body.` queries
 * are always enabled; `twin_change_includes` is not (see CompileOptions).
 */
import type { CallNode, ExprNode, LiteralNode, SysPropertyNode } from './ast';
import { applyBuiltin, BUILTIN_NAMES, constant, findBuiltin, type Compiled } from './builtins';
import { compileNewtonsoftPath, OBJECT, validateJsonPath } from './json-path';
import { compileBinary, compileUnary } from './operators';
import { startsWithIgnoreCase } from './text';
import type { RouteError } from './types';
import { MISSING, NULL_STRING, typeName } from './values';

const UNDEFINED: Compiled = constant('undefined', undefined);
const TWIN_PREFIXES = ['properties.reported.', 'properties.desired.', 'tags.'];

export interface CompileState {
  readonly errors: RouteError[];
  readonly allowTwinChangeIncludes: boolean;
  readonly properties: Set<string>;
  readonly systemProperties: Set<string>;
  readsBody: boolean;
}

export function newCompileState(allowTwinChangeIncludes: boolean): CompileState {
  return { errors: [], allowTwinChangeIncludes, properties: new Set(), systemProperties: new Set(), readsBody: false };
}

function report(state: CompileState, error: Omit<RouteError, 'phase'>): Compiled {
  state.errors.push({ ...error, phase: 'compile' });
  return UNDEFINED;
}

/** ConditionVisitor.Unescape: `\uXXXX` first, then `\"`, `\'` and `\\` (two passes, as edgeHub does). */
function unescape(raw: string): string {
  return raw
    .replace(/\\[Uu]([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\(["'\\])/g, '$1');
}

/** `long.TryParse(hex, NumberStyles.HexNumber)` converted to double; undefined when it overflows 64 bits. */
function parseHex(digits: string): number | undefined {
  const significant = digits.replace(/^0+/, '');
  if (significant.length > 16) return undefined;
  return Number(BigInt.asIntN(64, BigInt(`0x${significant || '0'}`)));
}

function compileLiteral(node: LiteralNode): Compiled {
  const { kind, text } = node.token;
  switch (kind) {
    case 'TRUE': return constant('bool', true);
    case 'FALSE': return constant('bool', false);
    case 'NULL': return constant('null', null);
    case 'STRING': return constant('string', unescape(text.slice(1, -1)));
    case 'HEX': {
      const value = parseHex(text.slice(2));
      return value === undefined ? UNDEFINED : constant('number', value);
    }
    case 'INTEGER': case 'REAL': return constant('number', Number(text));
    default: return UNDEFINED;
  }
}

/** `$body.<path>`: a QueryValue read from the JSON body, or Undefined (with an error) for a bad path. */
function compileBodyQuery(path: string, node: SysPropertyNode, state: CompileState): Compiled {
  const fail = (why: string) => report(state, { message: `invalid $body query '${node.name}' at column ${node.start + 1}: ${why}`, column: node.start + 1, length: node.end - node.start });
  if (path === '') return fail('the path is empty');
  const invalid = validateJsonPath(path);
  if (invalid) return fail(invalid);
  const compiled = compileNewtonsoftPath(path);
  state.readsBody = true;
  return { type: 'query', fn: (ctx) => { const v = ctx.queryBody(compiled); return v === OBJECT ? undefined : v; } };
}

function systemProperty(name: string, state: CompileState): Compiled {
  if (name.includes('[') || name.includes(']')) return UNDEFINED; // not a valid system property name
  state.systemProperties.add(name);
  return { type: 'string', fn: (ctx) => ctx.systemProperty(name) };
}

function compileSysProperty(node: SysPropertyNode, state: CompileState): Compiled {
  const name = node.name;
  const body = startsWithIgnoreCase(name, '$body.') ? compileBodyQuery(name.slice('$body.'.length), node, state) : undefined;
  if (node.escaped) return body ?? systemProperty(name.slice(1), state); // `{$x}` skips application properties
  if (name.includes('[') || name.includes(']')) return body ?? UNDEFINED;
  const isBody = body !== undefined && body.type === 'query';
  const alternative = isBody ? body : systemProperty(name.slice(1), state);
  state.properties.add(name);
  const alt = alternative.fn;
  // An application property literally named `$name` takes precedence over the system property / body query.
  if (isBody) {
    return { type: 'query', fn: (ctx) => { const v = ctx.appProperty(name); return v === undefined ? alt(ctx) : v === null ? NULL_STRING : v; } };
  }
  return { type: 'string', fn: (ctx) => { const v = ctx.appProperty(name); return v === undefined ? alt(ctx) : v; } };
}

function compileTwinChangeIncludes(node: CallNode, state: CompileState): Compiled {
  const column = node.nameStart + 1;
  if (!state.allowTwinChangeIncludes) {
    return report(state, {
      message: `invalid built-in function '${node.name}' at column ${column}: edgeHub compiles route sources as custom sources, so twin_change_includes is never available in deployed routes`,
      column,
      length: node.name.length,
    });
  }
  const path = node.argsText;
  const fail = (why: string) => report(state, { message: `invalid arguments to built-in function '${node.name}' at column ${column}: ${why}`, column, length: node.name.length });
  if (path === '') return fail('the argument cannot be empty');
  const invalid = validateJsonPath(path);
  if (invalid) return fail(invalid);
  if (!TWIN_PREFIXES.some((p) => startsWithIgnoreCase(path, p))) return fail(`'${path}' is not supported; it must start with ${TWIN_PREFIXES.map((p) => `'${p}'`).join(', ')}`);
  const compiled = compileNewtonsoftPath(path);
  state.readsBody = true;
  return { type: 'bool', fn: (ctx) => { const v = ctx.queryBody(compiled); return v === undefined ? undefined : v !== MISSING; } };
}

function compileCall(node: CallNode, state: CompileState): Compiled {
  if (node.name.toLowerCase() === 'twin_change_includes') return compileTwinChangeIncludes(node, state);
  const column = node.nameStart + 1;
  const builtin = findBuiltin(node.name);
  if (!builtin) {
    return report(state, { message: `invalid built-in function '${node.name}' at column ${column}; expected one of ${BUILTIN_NAMES.join(', ')}`, column, length: node.name.length });
  }
  const args = node.args.map((a) => compileExpression(a, state));
  const result = applyBuiltin(builtin, args);
  if (result) return result;
  const given = `${node.name}(${args.map((a) => typeName(a.type)).join(', ')})`;
  return report(state, { message: `invalid arguments to built-in function '${node.name}' at column ${column}: ${given}; expected ${builtin.signatures.join(' or ')}`, column, length: node.name.length });
}

export function compileExpression(node: ExprNode, state: CompileState): Compiled {
  switch (node.kind) {
    case 'literal': return compileLiteral(node);
    case 'property': {
      const name = node.name;
      state.properties.add(name);
      return { type: 'string', fn: (ctx) => ctx.appProperty(name) };
    }
    case 'sysProperty': return compileSysProperty(node, state);
    case 'call': return compileCall(node, state);
    case 'unary': return compileUnary(node, compileExpression(node.operand, state), (e) => report(state, e));
    case 'binary': {
      const left = compileExpression(node.left, state);
      const right = compileExpression(node.right, state);
      return compileBinary(node, left, right, (e) => report(state, e));
    }
    case 'error': return report(state, { message: node.message, column: node.at + 1, length: node.length });
  }
}
