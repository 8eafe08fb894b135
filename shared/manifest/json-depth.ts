/**
 * A bound on JSON nesting, enforced before anything recursive sees the text. JSON.parse copes with deep
 * nesting, but jsonc-parser's parser, the tree walkers after it and the generated schema validators
 * recurse once per level, so a few thousand nested brackets would exhaust the stack (in the CLI and in
 * the editor alike). A real manifest nests about 15 levels: IoT Hub allows 10 below `properties.desired`,
 * and Newtonsoft.Json (edgeAgent's reader, version 13 on) stops at 64 by default. So 64 is the limit here.
 *
 * `limitNesting` scans the tokens once (iteratively) and blanks out the inside of every container that
 * opens deeper than the limit: its brackets stay, everything between becomes spaces (line breaks kept),
 * so offsets, line numbers and the container's type are unchanged and it reads as empty. A bracket pops
 * the stack only when it closes a container of its own kind; jsonc-parser's parser never goes deeper
 * than that count (it leaves a container only at its own closing bracket), so no parse of the result
 * nests more than MAX_JSON_DEPTH + 1 levels.
 */
import { createScanner, modify, parseTree, type Edit, type JSONPath, type ModificationOptions, type Node, type ParseError, type ParseOptions } from 'jsonc-parser';

export const MAX_JSON_DEPTH = 64;

export interface TooDeep {
  /** Offset of the opening bracket that goes past the limit. */
  readonly offset: number;
  readonly kind: 'object' | 'array';
}

export interface LimitedText {
  /** The text to parse: the input, with the inside of too-deep containers blanked out. Same length. */
  readonly text: string;
  /** Each container whose content was blanked out, in text order. */
  readonly tooDeep: readonly TooDeep[];
}

// jsonc-parser's SyntaxKind values (a const enum, which isolatedModules cannot import).
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

export function limitNesting(text: string, maxDepth = MAX_JSON_DEPTH): LimitedText {
  // Cheap exit: fewer brackets than the limit cannot nest past it.
  if (countBrackets(text, maxDepth) <= maxDepth) return { text, tooDeep: [] };
  const scanner = createScanner(text, false);
  const stack: number[] = [];
  const tooDeep: TooDeep[] = [];
  const pieces: string[] = [];
  let copied = 0;
  /** Depth at which the blanked region started, or -1 outside one. */
  let regionBase = -1;
  let regionStart = 0;
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      if (regionBase < 0 && stack.length >= maxDepth) {
        const offset = scanner.getTokenOffset();
        tooDeep.push({ offset, kind: kind === OPEN_BRACE ? 'object' : 'array' });
        regionBase = stack.length;
        regionStart = offset + 1;
      }
      stack.push(kind);
    } else if ((kind === CLOSE_BRACE || kind === CLOSE_BRACKET) && stack[stack.length - 1] === kind - 1) {
      stack.pop();
      if (regionBase >= 0 && stack.length === regionBase) {
        const end = scanner.getTokenOffset();
        pieces.push(text.slice(copied, regionStart), blank(text.slice(regionStart, end)));
        copied = end;
        regionBase = -1;
      }
    }
  }
  if (regionBase >= 0) {
    pieces.push(text.slice(copied, regionStart), blank(text.slice(regionStart)));
    copied = text.length;
  }
  pieces.push(text.slice(copied));
  return { text: pieces.join(''), tooDeep };
}

function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

/** Counts `{` and `[` (strings included), stopping once past `limit`. */
function countBrackets(text: string, limit: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count <= limit; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 123 /* { */ || ch === 91 /* [ */) count++;
  }
  return count;
}

/**
 * Offset of the first `{` or `[` of strict JSON text that opens deeper than `maxDepth`, or -1.
 * For text JSON.parse accepted (double-quoted strings, no comments): brackets inside strings are skipped.
 */
export function firstTooDeepOffset(text: string, maxDepth = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) i++;
        else if (c === 34) break;
      }
    } else if (ch === 123 || ch === 91) {
      if (++depth > maxDepth) return i;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      depth--;
    }
  }
  return -1;
}

/**
 * jsonc-parser's `parseTree` over the text with too-deep containers read as empty. Offsets in the tree are the
 * input's (the limited text has the same length), so edits computed from it apply to the original. Every
 * parse of editor text in the renderer goes through this, so a hostile file cannot exhaust the stack there.
 */
export function parseTreeBounded(text: string, errors?: ParseError[], options?: ParseOptions): Node | undefined {
  return parseTree(limitNesting(text).text, errors, options);
}

/** jsonc-parser's `modify` (which parses the whole text) with the same bound; the edits apply to the input. */
export function modifyBounded(text: string, path: JSONPath, value: unknown, options: ModificationOptions): Edit[] {
  return modify(limitNesting(text).text, path, value, options);
}
