/**
 * Built-in functions of the condition language (edgeHub `query/builtins/*.cs`, registry in ConditionVisitor):
 * names are case-insensitive. Each builtin has "executors" tried in order; the first whose parameter list
 * matches the static argument types is used. Executors marked `qv` also accept `$body` values (QueryValue) in
 * any position and receive all arguments converted to QueryValue; their result is Undefined for wrong runtime
 * types. `twin_change_includes` is handled by the compiler (its argument is a path, not an expression).
 */
import type { MessageContext } from './message-context';
import { lowerInvariant, parseDotnetDouble, upperInvariant } from './text';
import type { StaticType } from './types';
import { dotnetPow, MISSING, NULL_STRING, qvString, toQV, type QV } from './values';

/** A compiled sub-expression: its static type and a closure producing the value representation of that type. */
export interface Compiled {
  readonly type: StaticType;
  readonly fn: (ctx: MessageContext) => unknown;
}

type Params =
  | { readonly kind: 'args'; readonly types: readonly StaticType[] }
  | { readonly kind: 'varargs'; readonly types: readonly StaticType[] }
  | { readonly kind: 'any'; readonly arity: number };

interface Executor {
  readonly params: Params;
  readonly qv?: boolean;
  readonly build: (args: readonly Compiled[]) => Compiled;
}

export interface Builtin {
  readonly name: string;
  /** Human-readable accepted signatures, for error messages. */
  readonly signatures: readonly string[];
  readonly executors: readonly Executor[];
}

const SUPPORTED_BY_QV: ReadonlySet<StaticType> = new Set(['null', 'number', 'string', 'bool']);

function matches(params: Params, given: readonly StaticType[], qv: boolean): boolean {
  const ok = (t: StaticType, g: StaticType) => t === g || (qv && ((g === 'query' && SUPPORTED_BY_QV.has(t)) || (t === 'query' && SUPPORTED_BY_QV.has(g))));
  switch (params.kind) {
    case 'any':
      return given.length === params.arity;
    case 'args':
      return given.length === params.types.length && params.types.every((t, i) => ok(t, given[i] as StaticType));
    case 'varargs': {
      const n = params.types.length - 1;
      const last = params.types[n] as StaticType;
      return given.length >= n && given.every((g, i) => g === (i < n ? params.types[i] : last) || (qv && g === 'query'));
    }
  }
}

function asQuery(arg: Compiled): Compiled {
  if (arg.type === 'query') return arg;
  const { type, fn } = arg;
  return { type: 'query', fn: (ctx) => toQV(type, fn(ctx)) };
}

/** Picks the executor for the argument types; undefined when none accepts them (an "invalid arguments" error). */
export function applyBuiltin(builtin: Builtin, args: readonly Compiled[]): Compiled | undefined {
  const types = args.map((a) => a.type);
  const executor = builtin.executors.find((e) => matches(e.params, types, e.qv === true));
  if (!executor) return undefined;
  return executor.build(executor.qv ? args.map(asQuery) : args);
}

export const constant = (type: StaticType, value: unknown): Compiled => ({ type, fn: () => value });
const args = (...types: StaticType[]): Params => ({ kind: 'args', types });

/** One-argument numeric function over a QueryValue (Undefined unless the argument is a number). */
function math(name: string, f: (x: number) => number): Builtin {
  return {
    name,
    signatures: [`${name}(number)`],
    executors: [{ params: args('number'), qv: true, build: ([a]) => { const g = (a as Compiled).fn; return { type: 'number', fn: (ctx) => { const v = g(ctx); return typeof v === 'number' ? f(v) : NaN; } }; } }],
  };
}

/** Two string arguments; Undefined unless both are non-null strings. */
function strings2(name: string, type: StaticType, f: (a: string, b: string) => unknown, undef: unknown): Builtin {
  return {
    name,
    signatures: [`${name}(string, string)`],
    executors: [{
      params: args('string', 'string'),
      qv: true,
      build: ([a, b]) => {
        const ga = (a as Compiled).fn;
        const gb = (b as Compiled).fn;
        return { type, fn: (ctx) => { const x = qvString(ga(ctx) as QV); const y = qvString(gb(ctx) as QV); return x === undefined || y === undefined ? undef : f(x, y); } };
      },
    }],
  };
}

function string1(name: string, type: StaticType, f: (s: string) => unknown, undef: unknown): Builtin {
  return {
    name,
    signatures: [`${name}(string)`],
    executors: [{ params: args('string'), qv: true, build: ([a]) => { const g = (a as Compiled).fn; return { type, fn: (ctx) => { const s = qvString(g(ctx) as QV); return s === undefined ? undef : f(s); } }; } }],
  };
}

/** `is_<type>`: the QueryValue-aware check, or false for any other single argument. */
function typeCheck(name: string, type: StaticType, test: (v: QV) => boolean | undefined): Builtin {
  return {
    name,
    signatures: [`${name}(any)`],
    executors: [
      { params: args(type), qv: true, build: ([a]) => { const g = (a as Compiled).fn; return { type: 'bool', fn: (ctx) => test(g(ctx) as QV) }; } },
      { params: { kind: 'any', arity: 1 }, build: () => constant('bool', false) },
    ],
  };
}

function substringOf(s: string, start: number, length?: number): string | undefined {
  if (Number.isNaN(start) || start < 0) return undefined;
  if (length === undefined) return start <= s.length ? s.substring(Math.trunc(start)) : undefined;
  if (start >= s.length || Number.isNaN(length) || length < 0 || length > s.length - start) return undefined;
  const from = Math.trunc(start);
  return s.substring(from, from + Math.trunc(length));
}

const substring: Builtin = {
  name: 'substring',
  signatures: ['substring(string, number)', 'substring(string, number, number)'],
  executors: [2, 3].map((arity): Executor => ({
    params: arity === 2 ? args('string', 'number') : args('string', 'number', 'number'),
    qv: true,
    build: (a) => {
      const [gs, gstart, glen] = a.map((x) => x.fn);
      return {
        type: 'string',
        fn: (ctx) => {
          const s = qvString((gs as Compiled['fn'])(ctx) as QV);
          const start = (gstart as Compiled['fn'])(ctx);
          const len = glen ? glen(ctx) : 0;
          if (s === undefined || typeof start !== 'number' || typeof len !== 'number') return undefined;
          return substringOf(s, start, glen ? len : undefined);
        },
      };
    },
  })),
};

const exactDefined = (type: StaticType, test: (v: unknown) => boolean): Executor => ({
  params: args(type),
  build: ([a]) => { const g = (a as Compiled).fn; return { type: 'bool', fn: (ctx) => test(g(ctx)) }; },
});

const BUILTINS: readonly Builtin[] = [
  math('abs', Math.abs),
  math('exp', Math.exp),
  math('ceiling', Math.ceil),
  math('floor', Math.floor),
  math('sign', (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0)),
  math('sqrt', Math.sqrt),
  math('square', (x) => dotnetPow(x, 2)),
  {
    name: 'power',
    signatures: ['power(number, number)'],
    executors: [{ params: args('number', 'number'), qv: true, build: ([a, b]) => { const ga = (a as Compiled).fn; const gb = (b as Compiled).fn; return { type: 'number', fn: (ctx) => { const x = ga(ctx); const y = gb(ctx); return typeof x === 'number' && typeof y === 'number' ? dotnetPow(x, y) : NaN; } }; } }],
  },
  {
    name: 'as_number',
    signatures: ['as_number(string)', 'as_number(number)'],
    executors: [
      { params: args('string'), qv: true, build: ([a]) => { const g = (a as Compiled).fn; return { type: 'number', fn: (ctx) => { const v = g(ctx); return typeof v === 'string' ? parseDotnetDouble(v) : typeof v === 'number' ? v : NaN; } }; } },
      { params: args('number'), build: ([a]) => a as Compiled },
    ],
  },
  typeCheck('is_bool', 'bool', (v) => (v === undefined ? undefined : typeof v === 'boolean')),
  typeCheck('is_number', 'number', (v) => typeof v === 'number' && Number.isFinite(v)),
  typeCheck('is_string', 'string', (v) => typeof v === 'string'),
  {
    name: 'is_defined',
    signatures: ['is_defined(any)'],
    executors: [
      exactDefined('string', (v) => v !== undefined),
      exactDefined('number', (v) => !Number.isNaN(v)),
      exactDefined('bool', (v) => v !== undefined),
      { params: args('undefined'), build: () => constant('bool', false) },
      { params: args('null'), build: () => constant('bool', true) },
      exactDefined('query', (v) => v !== undefined),
    ],
  },
  {
    name: 'is_null',
    signatures: ['is_null(any)'],
    executors: [
      exactDefined('string', (v) => v === null),
      // edgeHub compares the QueryValue by reference with QueryValue.Null, the "nothing selected" singleton:
      // a JSON null (and, quirk, any other selected value) gives true, a path that selects nothing gives false.
      { params: args('query'), build: ([a]) => { const g = (a as Compiled).fn; return { type: 'bool', fn: (ctx) => { const v = g(ctx); return v === undefined ? undefined : v !== MISSING; } }; } },
      { params: args('null'), build: () => constant('bool', true) },
      { params: { kind: 'any', arity: 1 }, build: () => constant('bool', false) },
    ],
  },
  {
    name: 'concat',
    signatures: ['concat(string, string, ...)'],
    executors: [{
      params: { kind: 'varargs', types: ['string', 'string', 'string'] },
      qv: true,
      build: (parts) => {
        const fns = parts.map((p) => p.fn);
        return { type: 'string', fn: (ctx) => { let out = ''; for (const f of fns) { const v = f(ctx); if (typeof v === 'string') out += v; else if (v !== NULL_STRING) return undefined; } return out; } };
      },
    }],
  },
  string1('length', 'number', (s) => s.length, NaN),
  string1('lower', 'string', lowerInvariant, undefined),
  string1('upper', 'string', upperInvariant, undefined),
  substring,
  strings2('index_of', 'number', (s, f) => s.indexOf(f), NaN),
  strings2('starts_with', 'bool', (s, f) => s.startsWith(f), undefined),
  strings2('ends_with', 'bool', (s, f) => s.endsWith(f), undefined),
  strings2('contains', 'bool', (s, f) => s.includes(f), undefined),
];

const BY_NAME = new Map(BUILTINS.map((b) => [b.name, b]));

/** Finds a builtin by case-insensitive name (twin_change_includes is not in this table). */
export function findBuiltin(name: string): Builtin | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** All builtin names, plus twin_change_includes, for editors and error messages. */
export const BUILTIN_NAMES: readonly string[] = [...BUILTINS.map((b) => b.name), 'twin_change_includes'];

