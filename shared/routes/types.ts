/**
 * Public types of the route language: compiled routes, their sources and sinks, messages and errors.
 * Behaviour follows edgeHub (Azure/iotedge `Microsoft.Azure.Devices.Routing.Core`); see EDGE-CONTRACTS.md §6.
 */
import type { ExprNode } from './ast';
import type { MessageContext } from './message-context';

/**
 * A compile error. `column` is 1-based and counts characters from the start of the compiled text (for a route
 * spread over several lines it is the character offset + 1). `column` 0 means the error is not about a position
 * in the text (e.g. a bad `priority` in a route object). `length` is the length of the offending text.
 */
export interface RouteError {
  readonly message: string;
  readonly column: number;
  readonly length?: number;
  /**
   * `parse`: edgeHub rejects the route while reading the `$edgeHub` desired properties (syntax, sink, route entry),
   * so the whole configuration fails (lastDesiredStatus 400). `compile`: the route parses but its condition does
   * not compile (types, functions, `$body` paths); edgeHub's router rejects it when it adds the route.
   */
  readonly phase: 'parse' | 'compile';
  /** Which member of a manifest route entry is wrong (parseRouteEntry only). */
  readonly field?: 'name' | 'value' | 'route' | 'priority' | 'timeToLiveSecs';
}

/** Something edgeHub accepts but that probably does not do what the author meant. */
export interface RouteWarning {
  readonly message: string;
  readonly column: number;
  readonly length?: number;
}

/**
 * What a route listens to. `prefix` is the normalized source edgeHub matches with a case-insensitive
 * "starts with" against the message source plus a trailing `/` (e.g. `/messages/modules/m1/`).
 */
export type RouteSource = {
  readonly text: string;
  readonly prefix: string;
  /** `prefix` case-folded like .NET OrdinalIgnoreCase (upper case per code unit); what evaluation compares. */
  readonly foldedPrefix: string;
} & (
  | { readonly kind: 'all' } // /* : every message, including twin change notifications
  | { readonly kind: 'allMessages' } // /messages, /messages/* : device and module telemetry
  | { readonly kind: 'allModules' } // /messages/modules, /messages/modules/*
  | { readonly kind: 'module'; readonly module: string } // /messages/modules/<m>[/*]
  | { readonly kind: 'moduleOutputs'; readonly module: string } // /messages/modules/<m>/outputs[/*]
  | { readonly kind: 'moduleOutput'; readonly module: string; readonly output: string } // .../outputs/<o>
  | { readonly kind: 'twinChangeNotifications' } // /twinChangeNotifications
  | { readonly kind: 'other' } // anything else: compiles, but no edgeHub message source starts with it
);

export type RouteSink =
  | { readonly kind: 'upstream' }
  | { readonly kind: 'moduleInput'; readonly module: string; readonly input: string; readonly address: string };

/** Static type of a condition expression (QueryValue in edgeHub is `query`: a `$body` value of any JSON type). */
export type StaticType = 'string' | 'number' | 'bool' | 'null' | 'undefined' | 'query';

/** Three-valued result of a condition: `undefined` is edgeHub's `Bool.Undefined` (the route does not fire). */
export type RouteBool = boolean | undefined;

export interface CompiledCondition {
  /** The condition text as written (for a route: the raw text between WHERE and INTO, trimmed to its tokens). */
  readonly text: string;
  readonly ast: ExprNode;
  /** Static type of the whole condition; only `bool`, `query` and `null` conditions can ever be true/false. */
  readonly resultType: StaticType;
  /** Application property names the condition reads (bare names and `$names`, as written). */
  readonly properties: readonly string[];
  /** System property names the condition reads, without `$` (e.g. `connectionModuleId`). */
  readonly systemProperties: readonly string[];
  /** Whether evaluation may decode and parse the message body (`$body.` queries). */
  readonly readsBody: boolean;
  /** Evaluates the precompiled closure tree; prefer `evaluateCondition`. */
  readonly test: (ctx: MessageContext) => RouteBool;
}

/** Modules and endpoints a route names, for the manifest validator ("route names a module that is not deployed"). */
export interface RouteReferences {
  readonly sourceModule?: string;
  readonly sourceOutput?: string;
  readonly sinkModule?: string;
  readonly sinkInput?: string;
  /** Distinct module names (source first, then sink). */
  readonly modules: readonly string[];
}

export interface CompiledRoute {
  readonly text: string;
  readonly source: RouteSource;
  readonly sink: RouteSink;
  readonly condition: CompiledCondition | undefined;
  readonly references: RouteReferences;
  readonly warnings: readonly RouteWarning[];
}

/** Where a message entered the hub (edgeHub `RoutingMessageConverter.GetMessageSource`). */
export type MessageSource =
  | { readonly kind: 'device'; readonly deviceId: string }
  | { readonly kind: 'module'; readonly moduleId: string; readonly output?: string }
  | { readonly kind: 'twinChangeNotification'; readonly deviceId?: string; readonly moduleId?: string };

/**
 * A message as routing sees it. Property bags are looked up case-insensitively, as edgeHub does. A `null` value
 * is a property that exists without a value (possible over AMQP); it is "defined" but not a string.
 * Keys of `systemProperties` are edgeHub's internal names: `contentType`, `contentEncoding`, `messageId`,
 * `connectionDeviceId`, `connectionModuleId`, `outputName`, ... (see EDGE-CONTRACTS.md §6.2).
 */
export interface RouteMessage {
  readonly body: Uint8Array | string;
  readonly properties: Readonly<Record<string, string | null>>;
  readonly systemProperties: Readonly<Record<string, string | null>>;
  readonly source: MessageSource;
}

export interface CompileOptions {
  /**
   * edgeHub creates route sources as custom sources, so `twin_change_includes` is always an "invalid built-in
   * function" in deployed routes (its `IsValidMessageSource` wants a TwinChangeEventMessageSource). Set this to
   * allow it in `FROM /twinChangeNotifications` routes and bare conditions, as edgeHub's own unit tests do.
   */
  readonly enableTwinChangeIncludes?: boolean;
}
