/**
 * What every check receives: the located document, the mode (a deployment that goes to IoT Hub as is,
 * or a template that the tooling expands first) and a sink for diagnostics. Checks are pure
 * functions of (context, pointer, value); they only append diagnostics.
 */
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './diagnostic-codes.js';
import type { Diagnostic, QuickFix } from './diagnostic.js';
import type { JsonDocument, RangePart } from './json-document.js';
import type { Range } from './source-text.js';

export type CheckMode = 'deployment' | 'template';

export interface ReportOptions {
  readonly part?: RangePart;
  readonly fix?: QuickFix;
  /** An explicit range (e.g. a position inside a string); otherwise derived from the pointer. */
  readonly range?: Range;
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];

  /**
   * @param env the variables a template is expanded with (`.env` and the environment); undefined when they are
   * not known, which leaves variables unjudged.
   */
  constructor(
    readonly doc: JsonDocument,
    readonly mode: CheckMode,
    readonly env?: Readonly<Record<string, string>>,
  ) {}

  get isTemplate(): boolean {
    return this.mode === 'template';
  }

  report(code: DiagnosticCode, pointer: string, message: string, options: ReportOptions = {}): void {
    const range = options.range ?? this.doc.rangeOf(pointer, options.part ?? 'auto');
    this.diagnostics.push({
      code,
      severity: DIAGNOSTIC_CODES[code].severity,
      message,
      pointer,
      ...range,
      ...(options.fix ? { fix: options.fix } : {}),
    });
  }

  /** Reports at `length` characters from `index` inside the decoded string at `pointer`. */
  reportInString(code: DiagnosticCode, pointer: string, index: number, length: number, message: string, fix?: QuickFix): void {
    this.report(code, pointer, message, { range: this.doc.rangeInString(pointer, index, length), ...(fix ? { fix } : {}) });
  }

  /** The raw source text of the value at a pointer (e.g. a number exactly as written). */
  rawText(pointer: string): string | undefined {
    const node = this.doc.nodeAt(pointer);
    return node ? this.doc.source.text.slice(node.offset, node.offset + node.length) : undefined;
  }

  /** True when some diagnostic already sits at this pointer (used to avoid double reports). */
  hasDiagnosticAt(pointer: string): boolean {
    return this.diagnostics.some((d) => d.pointer === pointer);
  }
}

/** True for a string that still contains a `${…}` placeholder (template syntax). */
export function hasPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^}]*\}/.test(value);
}

/**
 * In a template: true when the text holds something the tooling or the project's pipeline substitutes
 * before deployment: `${VAR}`, `$VAR` (the VS Code tools and iotedgedev expand both), or an
 * Azure-pipeline style `<Token>` (used by the Azure/iotedge end-to-end templates) or a replace-tokens
 * style `#{Token}#` / `#Token#`, or an `__UPPER_CASE` token (Azure ML deployment templates).
 */
export function hasTemplateToken(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.replace(/\$(upstream|edgeHub|edgeAgent)\b/gi, '');
  return (
    /\$\{[^}]*\}/.test(text) ||
    /\$[A-Za-z_]\w*/.test(text) ||
    /<[A-Za-z_][\w.-]*>/.test(text) ||
    /#\{?[A-Za-z_][\w.]*\}?#/.test(text) ||
    /(^|[^A-Za-z0-9_])__[A-Z][A-Z0-9_]*/.test(text)
  );
}

/** Replaces template tokens by a same-length filler, keeping offsets (and usually JSON validity) intact. */
export function maskTemplateTokens(text: string): string {
  return text.replace(/\$\{[^}]*\}|<[A-Za-z_][\w.-]*>/g, (m) => '0'.padEnd(m.length, ' '));
}

/** True for a whole-string bare variable such as `$CONTAINER_REGISTRY_PASSWORD`. */
export function isBareVariable(value: unknown): boolean {
  return typeof value === 'string' && /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value.trim()) && !RESERVED_DOLLAR_WORDS.has(value.trim().toLowerCase());
}

/** `$` words that are IoT Edge syntax, not variables. */
export const RESERVED_DOLLAR_WORDS = new Set(['$upstream', '$edgeagent', '$edgehub', '$schema-template']);

/** A placeholder that the tooling or a pipeline substitutes: `${VAR}`, `$VAR`, or `<placeholder>`. */
export function isPlaceholderText(value: string): boolean {
  const t = value.trim();
  return /^\$\{[^}]+\}$/.test(t) || /^\$[A-Za-z_]\w*$/.test(t) || /^<[^<>]+>$/.test(t) || /^\{\{[^{}]+\}\}$/.test(t) || /^#\{[^}]+\}#?$/.test(t) || /^__[A-Z][A-Z0-9_]*$/.test(t);
}
