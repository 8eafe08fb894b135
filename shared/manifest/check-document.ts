/**
 * Diagnostics about the JSON text itself: byte-order mark, emptiness, syntax errors (located at the
 * failing character), comments, trailing commas and duplicate keys. Shared by validation and template
 * expansion (the tools that expand templates parse them as strict JSON too).
 */
import type { CheckContext } from './check-context.js';
import type { JsonDocument } from './json-document.js';
import { encodeSegment } from './json-pointer.js';

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
    const code = problem.kind === 'error' ? 'GH1001' : problem.kind === 'comment' ? 'GH1002' : 'GH1003';
    const pointer = pointerAtOffset(doc, problem.offset);
    ctx.report(code, pointer, problem.message, { range: doc.source.rangeAt(problem.offset, problem.length) });
  }
  for (const duplicate of doc.duplicates) {
    const winner = doc.source.positionAt(duplicate.winner.offset);
    ctx.report('GH1004', `${duplicate.objectPointer}/${encodeSegment(duplicate.key)}`, `Duplicate key "${duplicate.key}": it appears again at line ${winner.line}, and JSON readers keep only the last value, so this one is ignored. Remove or merge one of them.`, {
      range: doc.source.rangeAt(duplicate.ignored.offset, duplicate.ignored.length),
    });
  }
}

/** JSON pointer of the innermost node at an offset (for syntax errors). */
function pointerAtOffset(doc: JsonDocument, offset: number): string {
  let node = doc.root;
  const segments: string[] = [];
  while (node && (node.type === 'object' || node.type === 'array')) {
    const child: typeof node | undefined = (node.children ?? []).find((c) => c.offset <= offset && offset <= c.offset + c.length);
    if (!child) break;
    if (child.type === 'property') {
      const key = child.children?.[0]?.value;
      const value = child.children?.[1];
      if (typeof key !== 'string' || !value || offset < value.offset) {
        if (typeof key === 'string') segments.push(key);
        break;
      }
      segments.push(key);
      node = value;
    } else {
      segments.push(String((node.children ?? []).indexOf(child)));
      node = child;
    }
  }
  return segments.map((s) => `/${encodeSegment(s)}`).join('');
}

