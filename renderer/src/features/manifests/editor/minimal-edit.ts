/**
 * The smallest single replacement that turns `before` into `after` (common start and end kept), as offsets into
 * `before`: a quick fix offered as a Monaco code action edits only what it changes, so the cursor, folding and
 * undo stay where they were in the rest of the text.
 */
export interface TextReplacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export function minimalEdit(before: string, after: string): TextReplacement {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
