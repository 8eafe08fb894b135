/**
 * A parsed JSON document that remembers where everything is. jsonc-parser reads the text
 * error-tolerantly (so a broken file still yields what could be read); a second pass with its scanner
 * finds comments and trailing commas, which are errors in a manifest; duplicate keys are found by
 * walking the tree. Any JSON pointer can be turned back into a line/column range.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { SourceText, type Range } from './source-text.js';
import { parsePointer } from './json-pointer.js';
import { scanLexicalProblems, parseErrorMessage, type SyntaxProblem } from './json-syntax.js';

export type RangePart = 'auto' | 'value' | 'key' | 'property';

export interface DuplicateKey {
  /** Pointer of the object holding the key. */
  readonly objectPointer: string;
  readonly key: string;
  /** The occurrence whose value is ignored. */
  readonly ignored: Node;
  /** The occurrence that wins (the last one). */
  readonly winner: Node;
}

export class JsonDocument {
  readonly source: SourceText;
  readonly root: Node | undefined;
  /** The value as JSON.parse would build it (last duplicate wins); undefined when nothing could be read. */
  readonly value: unknown;
  /** Syntax problems in text order: hard parse errors, comments, trailing commas. */
  readonly syntax: readonly SyntaxProblem[];
  readonly duplicates: readonly DuplicateKey[];

  private constructor(source: SourceText, root: Node | undefined, syntax: SyntaxProblem[]) {
    this.source = source;
    this.root = root;
    this.value = root ? nodeToValue(root) : undefined;
    this.syntax = syntax;
    this.duplicates = root ? findDuplicates(root, '') : [];
  }

  static parse(input: string | SourceText): JsonDocument {
    const source = typeof input === 'string' ? new SourceText(input) : input;
    const errors: ParseError[] = [];
    const root = parseTree(source.text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    const hard: SyntaxProblem[] = errors.map((e) => ({
      kind: 'error',
      offset: e.offset,
      length: e.length,
      message: parseErrorMessage(e.error),
    }));
    const lexical = scanLexicalProblems(source.text);
    const syntax = [...hard, ...lexical].sort((a, b) => a.offset - b.offset);
    return new JsonDocument(source, root, syntax);
  }

  /** True when the text is not JSON even after forgiving comments and trailing commas. */
  get hasHardSyntaxErrors(): boolean {
    return this.syntax.some((s) => s.kind === 'error');
  }

  /** The value node at a pointer (the last one when a key is duplicated). */
  nodeAt(pointer: string): Node | undefined {
    if (!this.root) return undefined;
    let node: Node | undefined = this.root;
    for (const segment of parsePointer(pointer)) {
      node = childNode(node, segment);
      if (!node) return undefined;
    }
    return node;
  }

  /** The nearest node that exists on the way to `pointer` (the root for a path that is absent). */
  nearestNode(pointer: string): Node | undefined {
    if (!this.root) return undefined;
    let node: Node = this.root;
    for (const segment of parsePointer(pointer)) {
      const next = childNode(node, segment);
      if (!next) break;
      node = next;
    }
    return node;
  }

  /**
   * The source range of a pointer. `auto` marks the property name for objects and arrays that sit
   * in a property (a whole object would span many lines) and the value otherwise. A pointer that does
   * not exist maps to its nearest existing ancestor.
   */
  rangeOf(pointer: string, part: RangePart = 'auto'): Range {
    const node = this.nearestNode(pointer);
    if (!node) return this.source.rangeAt(0, 0);
    const property = node.parent?.type === 'property' ? node.parent : undefined;
    const keyNode = property?.children?.[0];
    const usesKey =
      part === 'key' || (part === 'auto' && (node.type === 'object' || node.type === 'array') && keyNode !== undefined);
    if (usesKey && keyNode) return this.source.rangeAt(keyNode.offset, keyNode.length);
    if (part === 'property' && property) return this.source.rangeAt(property.offset, property.length);
    return this.source.rangeAt(node.offset, node.length);
  }

  /**
   * The range of `length` characters starting at `index` inside the decoded string at `pointer`,
   * mapped through escape sequences to the exact source position. Falls back to the whole value.
   */
  rangeInString(pointer: string, index: number, length: number): Range {
    const node = this.nodeAt(pointer);
    if (!node || node.type !== 'string') return this.rangeOf(pointer, 'value');
    return this.rangeInStringNode(node, index, length);
  }

  /** Like rangeInString, for a string node (also a property-name node). */
  rangeInStringNode(node: Node, index: number, length: number): Range {
    const raw = this.source.text.slice(node.offset, node.offset + node.length);
    const map = decodedToRawOffsets(raw);
    const clampedStart = Math.max(0, Math.min(index, map.length - 1));
    const clampedEnd = Math.max(clampedStart, Math.min(index + length, map.length - 1));
    const start = node.offset + (map[clampedStart] ?? 1);
    const end = node.offset + (map[clampedEnd] ?? raw.length - 1);
    return this.source.rangeAt(start, Math.max(0, end - start));
  }
}

function childNode(node: Node, segment: string): Node | undefined {
  if (node.type === 'object') {
    let found: Node | undefined;
    for (const property of node.children ?? []) {
      if (property.children?.[0]?.value === segment) found = property.children[1];
    }
    return found;
  }
  if (node.type === 'array') {
    const index = Number(segment);
    return Number.isInteger(index) ? node.children?.[index] : undefined;
  }
  return undefined;
}

/** Builds the plain value of a node like JSON.parse does, keeping a `__proto__` key as data. */
export function nodeToValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const key = property.children?.[0]?.value;
        const valueNode = property.children?.[1];
        if (typeof key !== 'string' || !valueNode) continue;
        Object.defineProperty(result, key, { value: nodeToValue(valueNode), enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(nodeToValue);
    case 'property':
      return node.children?.[1] ? nodeToValue(node.children[1]) : undefined;
    default:
      return node.value;
  }
}

function findDuplicates(node: Node, pointer: string): DuplicateKey[] {
  const result: DuplicateKey[] = [];
  if (node.type === 'object') {
    const byKey = new Map<string, Node[]>();
    for (const property of node.children ?? []) {
      const keyNode = property.children?.[0];
      if (!keyNode || typeof keyNode.value !== 'string') continue;
      const list = byKey.get(keyNode.value) ?? [];
      list.push(keyNode);
      byKey.set(keyNode.value, list);
      const valueNode = property.children?.[1];
      if (valueNode) result.push(...findDuplicates(valueNode, `${pointer}/${escape(keyNode.value)}`));
    }
    for (const [key, keys] of byKey) {
      const winner = keys[keys.length - 1];
      if (!winner) continue;
      for (const ignored of keys.slice(0, -1)) result.push({ objectPointer: pointer, key, ignored, winner });
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, index) => result.push(...findDuplicates(child, `${pointer}/${index}`)));
  }
  return result;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * For a raw JSON string literal (with its quotes), the raw offset of each decoded UTF-16 unit;
 * one extra entry marks the position just after the last unit (before the closing quote).
 */
export function decodedToRawOffsets(raw: string): number[] {
  const offsets: number[] = [];
  let i = 1; // skip the opening quote
  const end = raw.endsWith('"') && raw.length > 1 ? raw.length - 1 : raw.length;
  while (i < end) {
    offsets.push(i);
    if (raw[i] === '\\') {
      i += raw[i + 1] === 'u' ? 6 : 2;
    } else {
      i += 1;
    }
  }
  offsets.push(Math.min(i, end));
  return offsets;
}
