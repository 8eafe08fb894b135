/**
 * A bound on the diagnostics of one file. A hostile or generated manifest can yield hundreds of thousands
 * of them (every route naming an undeployed module, every comment); past a screenful nobody reads them,
 * and the editor, the CLI's output and IPC all pay for each one. The first MAX_DIAGNOSTICS by position are
 * kept, and one GH1008 note at the first left-out position says how many of each severity were left out.
 */
import { DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { countDiagnostics, type Diagnostic } from './diagnostic.js';

export const MAX_DIAGNOSTICS = 1000;

/** `sorted` must be in position order (sortDiagnostics). Returns it unchanged when within the limit. */
export function capDiagnostics(sorted: readonly Diagnostic[], max = MAX_DIAGNOSTICS): readonly Diagnostic[] {
  if (sorted.length <= max) return sorted;
  const kept = sorted.slice(0, max);
  const left = sorted.slice(max);
  const first = left[0] as Diagnostic;
  const counts = countDiagnostics(left);
  const parts = (['error', 'warning', 'info'] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`);
  const note: Diagnostic = {
    code: 'GH1008',
    severity: DIAGNOSTIC_CODES.GH1008.severity,
    message: `${left.length} more diagnostics from here on were left out (${parts.join(', ')}); only the first ${max} of a file are listed. Fix these and check again to see the rest.`,
    pointer: first.pointer,
    line: first.line,
    column: first.column,
    endLine: first.line,
    endColumn: first.column,
  };
  return [...kept, note];
}
