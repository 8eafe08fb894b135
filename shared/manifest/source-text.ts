/**
 * The text of a manifest as the editor shows it: a leading UTF-8 byte-order mark is removed, and
 * offsets (UTF-16 code units, as in JavaScript strings and Monaco) map to 1-based line/column pairs.
 * Line breaks are `\n`, `\r\n` or a lone `\r`, so CRLF files get the same line numbers as LF files.
 */

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Range {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

const BOM = '\uFEFF';

export class SourceText {
  /** The text without a leading byte-order mark. All offsets refer to this string. */
  readonly text: string;
  /** True when the input started with a byte-order mark (it was removed). */
  readonly hadBom: boolean;
  private readonly lineStarts: number[];

  constructor(input: string) {
    this.hadBom = input.startsWith(BOM);
    this.text = this.hadBom ? input.slice(1) : input;
    this.lineStarts = computeLineStarts(this.text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of an offset; offsets past the end clamp to the end of the text. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - (this.lineStarts[low] ?? 0) + 1 };
  }

  /** Offset of a 1-based line/column (the inverse of positionAt). */
  offsetAt(position: Position): number {
    const start = this.lineStarts[Math.max(0, Math.min(position.line - 1, this.lineStarts.length - 1))] ?? 0;
    return Math.min(this.text.length, start + Math.max(0, position.column - 1));
  }

  /** The range covering `length` code units from `offset` (an empty range when length is 0). */
  rangeAt(offset: number, length: number): Range {
    const start = this.positionAt(offset);
    const end = this.positionAt(offset + Math.max(0, length));
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }

  /** The text of one 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}
