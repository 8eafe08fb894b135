import { applyEdits, findNodeAtLocation, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import { modifyBounded, parsePointer, parseTreeBounded, type QuickFix } from '../../../../../shared/manifest';

/**
 * Applies a diagnostic's quick fix (JSON Patch operations on the document) to the source text, keeping the
 * rest of the text as written: values are replaced in place, added properties are formatted like their
 * neighbours, a `move` within one object renames the key where it stands.
 */
const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

export function applyFix(text: string, fix: QuickFix): string {
  let current = text;
  for (const edit of fix.edits) {
    switch (edit.op) {
      case 'add':
      case 'replace':
        current = set(current, edit.path, edit.value);
        break;
      case 'remove':
        current = set(current, edit.path, undefined);
        break;
      case 'move': {
        const renamed = renameKey(current, edit.from, edit.path);
        if (renamed !== undefined) {
          current = renamed;
          break;
        }
        const node = findNodeAtLocation(parseTreeBounded(current) ?? { type: 'null', offset: 0, length: 0 }, toPath(current, edit.from));
        if (!node) break;
        const value: unknown = JSON.parse(current.slice(node.offset, node.offset + node.length));
        current = set(set(current, edit.from, undefined), edit.path, value);
        break;
      }
      default: {
        const never: never = edit;
        throw new Error(`Unknown patch operation ${JSON.stringify(never)}`);
      }
    }
  }
  return current;
}

function set(text: string, pointer: string, value: unknown): string {
  return applyEdits(text, modifyBounded(text, toPath(text, pointer), value, { formattingOptions: FORMAT }));
}

/** JSON pointer → jsonc-parser path: segments that index an array become numbers. */
function toPath(text: string, pointer: string): JSONPath {
  const root = parseTreeBounded(text);
  const path: JSONPath = [];
  for (const segment of parsePointer(pointer)) {
    const parent = root ? findNodeAtLocation(root, path) : undefined;
    path.push(parent?.type === 'array' && /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}

/** `move` from /a/b to /a/c where /a is an object and /a/c is free: rewrite the key text only. */
function renameKey(text: string, from: string, to: string): string | undefined {
  const source = parsePointer(from);
  const target = parsePointer(to);
  if (source.length !== target.length || source.slice(0, -1).join('\u0000') !== target.slice(0, -1).join('\u0000')) return undefined;
  const root = parseTreeBounded(text);
  if (!root) return undefined;
  const node = findNodeAtLocation(root, toPath(text, from));
  const property = node?.parent;
  const key = property?.type === 'property' ? property.children?.[0] : undefined;
  if (!key || findNodeAtLocation(root, toPath(text, to))) return undefined;
  return `${text.slice(0, key.offset)}${JSON.stringify(target.at(-1))}${text.slice(key.offset + key.length)}`;
}
