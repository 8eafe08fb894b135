/**
 * Diagnostics about the JSON text itself: byte-order mark, emptiness, syntax errors (located at the
 * failing character), comments, trailing commas and duplicate keys. Shared by validation and template
 * expansion (the tools that expand templates parse them as strict JSON too).
 */
import type { CheckContext } from './check-context.js';
import type { DiagnosticCode } from './diagnostic-codes.js';
import { encodeSegment } from './json-pointer.js';
import type { SyntaxProblem } from './json-syntax.js';

const SYNTAX_CODES: Record<SyntaxProblem['kind'], DiagnosticCode> = { error: 'GH1001', comment: 'GH1002', 'trailing-comma': 'GH1003', 'too-deep': 'GH1007' };

export function reportDocument(ctx: CheckContext): void {
  const { doc } = ctx;
  if (doc.source.hadBom) {
    ctx.report('GH1005', '', 'The file starts with a UTF-8 byte-order mark. IoT Edge and the VS Code tools accept it, but iotedgedev (Python json.loads) does not; save as UTF-8 without BOM.', {
      range: { line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
  }
  if (doc.source.text.trim() === '') {
    ctx.report('GH1006', '', 'The file is empty; a deployment manifest is a JSON object with "modulesContent".');
    return;
  }
  for (const problem of doc.syntax) {
    const code = SYNTAX_CODES[problem.kind];
    const pointer = doc.pointerAt(problem.offset);
    ctx.report(code, pointer, problem.message, { range: doc.source.rangeAt(problem.offset, problem.length) });
  }
  for (const duplicate of doc.duplicates) {
    const winner = doc.source.positionAt(duplicate.winner.offset);
    ctx.report('GH1004', `${duplicate.objectPointer}/${encodeSegment(duplicate.key)}`, `Duplicate key "${duplicate.key}": it appears again at line ${winner.line}, and JSON readers keep only the last value, so this one is ignored. Remove or merge one of them.`, {
      range: doc.source.rangeAt(duplicate.ignored.offset, duplicate.ignored.length),
    });
  }
}
