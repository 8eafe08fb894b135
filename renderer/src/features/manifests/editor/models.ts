import type { Edit } from 'jsonc-parser';
import { languageOf } from '../file-kinds';
import { monaco } from './monaco-setup';

/**
 * Editor models of workspace files, one per file, keyed by a file: URI (so the deployment schema's fileMatch
 * applies). They outlive the editor widget: switching tabs, comparing and closing the area keep unsaved text.
 */
export function fileUri(root: string, path: string): monaco.Uri {
  return monaco.Uri.file(`${root.replace(/\\/g, '/').replace(/\/+$/, '')}/${path}`);
}

export function getModel(root: string, path: string): monaco.editor.ITextModel | null {
  return monaco.editor.getModel(fileUri(root, path));
}

export function createModel(root: string, path: string, text: string): monaco.editor.ITextModel {
  const model = monaco.editor.createModel(text, languageOf(path), fileUri(root, path));
  model.updateOptions({ tabSize: 2, insertSpaces: true });
  return model;
}

/**
 * Replaces the model's text with `text` as one undoable edit that touches only the part that differs, so the
 * cursor and scroll position survive a reload or a quick fix.
 */
export function replaceText(model: monaco.editor.ITextModel, text: string): void {
  const old = model.getValue();
  if (old === text) return;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = text.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  const from = model.getPositionAt(start);
  const to = model.getPositionAt(endOld);
  model.pushStackElement();
  model.pushEditOperations([], [{ range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text: text.slice(start, endNew) }], () => null);
  model.pushStackElement();
}

/**
 * Applies jsonc-parser edits (offsets into the model's current text) as one undoable step: the dirty dot and
 * Ctrl+Z work as for typing.
 */
export function applyJsonEdits(model: monaco.editor.ITextModel, edits: readonly Edit[]): void {
  if (edits.length === 0) return;
  const operations = edits.map((edit) => {
    const from = model.getPositionAt(edit.offset);
    const to = model.getPositionAt(edit.offset + edit.length);
    return { range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text: edit.content };
  });
  model.pushStackElement();
  model.pushEditOperations([], operations, () => null);
  model.pushStackElement();
  // Show where the text changed (without moving the cursor or taking focus from the form).
  const first = edits.reduce((a, b) => (b.offset < a.offset ? b : a));
  const start = model.getPositionAt(first.offset);
  const end = model.getPositionAt(first.offset + first.content.length);
  const changed = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
  for (const editor of monaco.editor.getEditors()) {
    if (editor.getModel() === model) editor.revealRangeInCenterIfOutsideViewport(changed, monaco.editor.ScrollType.Smooth);
  }
}

/** Disposes the models of this folder's files that are no longer open (and every model of other folders). */
export function disposeModelsExcept(root: string, openPaths: readonly string[]): void {
  const keep = new Set(openPaths.map((p) => fileUri(root, p).toString()));
  const going = monaco.editor.getModels().filter((model) => model.uri.scheme === 'file' && !keep.has(model.uri.toString()));
  if (going.length === 0) return;
  // A comparison still showing one of them (another folder opened while comparing) lets go of it first: Monaco
  // throws when a diff editor's model is disposed under it.
  for (const diff of monaco.editor.getDiffEditors()) {
    const models = diff.getModel();
    if (models && (going.includes(models.modified) || going.includes(models.original))) diff.setModel(null);
  }
  for (const model of going) model.dispose();
}
