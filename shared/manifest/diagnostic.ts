/**
 * Diagnostics as data: a stable code, a severity, a message that says what to do, and where it is
 * (a JSON pointer plus a 1-based line/column range in the source text). A quick fix, when the fix is
 * certain, is a list of JSON Patch (RFC 6902) operations on the document; the editor applies them.
 */
import type { DiagnosticCode } from './diagnostic-codes.js';
import type { Range } from './source-text.js';

export type Severity = 'error' | 'warning' | 'info';

/** A JSON Patch operation. `path` (and `from` for move) are JSON pointers into the whole document. */
export type PatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move'; readonly from: string; readonly path: string };

export interface QuickFix {
  /** A short imperative label, e.g. `Convert createOptions to a string`. */
  readonly title: string;
  readonly edits: readonly PatchOperation[];
}

export interface Diagnostic extends Range {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** JSON pointer of the value (or, for a missing property, of the object that lacks it). */
  readonly pointer: string;
  readonly fix?: QuickFix;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sorts by position, then severity, then code; stable for equal keys. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.code.localeCompare(b.code),
  );
}

/** Removes exact duplicates (same code, pointer and position). */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const result: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}|${d.pointer}|${d.line}:${d.column}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(d);
  }
  return result;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export interface DiagnosticCounts {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticCounts {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}
