/**
 * A parsed JSON document that remembers where everything is. jsonc-parser reads the text
 * error-tolerantly (so a broken file still yields what could be read); a second pass with its scanner
 * finds comments and trailing commas, which are errors in a manifest; duplicate keys are found by
 * walking the tree. Any JSON pointer can be turned back into a line/column range.
 *
 * Hostile input: containers nested deeper than MAX_JSON_DEPTH are read as empty (json-depth.ts) and
 * reported, so nothing recursive downstream sees more than that many levels. Locating is linear in the
 * number of diagnostics: each object's members are indexed once (on first lookup) and each string's
 * escape map is computed once.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { SourceText, type Range } from './source-text.js';
import { encodeSegment, parsePointer } from './json-pointer.js';
import { limitNesting, MAX_JSON_DEPTH } from './json-depth.js';
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

  /** Member index of each object node, built on first lookup (the last duplicate wins). */
  private readonly members = new WeakMap<Node, Map<string, Node>>();
  /** Raw offsets of each string node's decoded units; null when the string has no escapes. */
  private readonly stringMaps = new WeakMap<Node, number[] | null>();

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
    const limited = limitNesting(source.text);
    const root = parseTree(limited.text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    const hard: SyntaxProblem[] = errors.map((e) => ({
      kind: 'error',
      offset: e.offset,
      length: e.length,
      message: parseErrorMessage(e.error),
    }));
    const deep: SyntaxProblem[] = limited.tooDeep.map((d) => ({
      kind: 'too-deep',
      offset: d.offset,
      length: 1,
      message: `This ${d.kind} is nested more than ${MAX_JSON_DEPTH} levels deep, so Gatehouse does not read what is inside it. No deployment nests that deep: IoT Hub allows at most 10 levels below properties.desired, and edgeAgent's JSON reader (Newtonsoft.Json) stops at ${MAX_JSON_DEPTH}. Flatten it.`,
    }));
    const lexical = scanLexicalProblems(limited.text);
    const syntax = [...hard, ...deep, ...lexical].sort((a, b) => a.offset - b.offset);
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
      node = this.childNode(node, segment);
      if (!node) return undefined;
    }
    return node;
  }

  /** The value node of a member (the last one when a key is duplicated) or of an array element. */
  childNode(node: Node, segment: string): Node | undefined {
    if (node.type === 'object') {
      let index = this.members.get(node);
      if (!index) {
        index = new Map();
        for (const property of node.children ?? []) {
          const key = property.children?.[0]?.value;
          const value = property.children?.[1];
          if (typeof key === 'string' && value) index.set(key, value);
        }
        this.members.set(node, index);
      }
      return index.get(segment);
    }
    if (node.type === 'array') {
      const index = Number(segment);
      return Number.isInteger(index) ? node.children?.[index] : undefined;
    }
    return undefined;
  }

  /**
   * JSON pointer of the innermost node at an offset (for syntax errors): a property whose value has
   * not started yet at the offset yields the pointer of that property. Binary search per level.
   */
  pointerAt(offset: number): string {
    let node = this.root;
    let pointer = '';
    while (node && (node.type === 'object' || node.type === 'array')) {
      const children = node.children ?? [];
      const index = childIndexAt(children, offset);
      const child = index < 0 ? undefined : children[index];
      if (!child) break;
      if (child.type === 'property') {
        const key = child.children?.[0]?.value;
        const value = child.children?.[1];
        if (typeof key === 'string') pointer += `/${encodeSegment(key)}`;
        if (typeof key !== 'string' || !value || offset < value.offset) break;
        node = value;
      } else {
        pointer += `/${index}`;
        node = child;
      }
    }
    return pointer;
  }

  /** The nearest node that exists on the way to `pointer` (the root for a path that is absent). */
  nearestNode(pointer: string): Node | undefined {
    if (!this.root) return undefined;
    let node: Node = this.root;
    for (const segment of parsePointer(pointer)) {
      const next = this.childNode(node, segment);
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
    let map = this.stringMaps.get(node);
    if (map === undefined) {
      const raw = this.source.text.slice(node.offset, node.offset + node.length);
      map = raw.includes('\\') ? decodedToRawOffsets(raw) : null;
      this.stringMaps.set(node, map);
    }
    // Without escapes, decoded index i sits at raw offset i + 1 (after the opening quote).
    const closed = node.length > 1 && this.source.text.charCodeAt(node.offset + node.length - 1) === 34;
    const units = map ? map.length - 1 : Math.max(0, node.length - (closed ? 2 : 1));
    const rawAt = (i: number) => (map ? (map[i] ?? 1) : i + 1);
    const clampedStart = Math.max(0, Math.min(index, units));
    const clampedEnd = Math.max(clampedStart, Math.min(index + length, units));
    const start = node.offset + rawAt(clampedStart);
    const end = node.offset + rawAt(clampedEnd);
    return this.source.rangeAt(start, Math.max(0, end - start));
  }
}

/** Index of the child whose span holds `offset` (children are in text order), or -1. */
function childIndexAt(children: readonly Node[], offset: number): number {
  let low = 0;
  let high = children.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const child = children[mid] as Node;
    if (child.offset <= offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  // The first child that holds the offset (two adjacent children may share a boundary offset).
  while (found > 0) {
    const previous = children[found - 1] as Node;
    if (previous.offset + previous.length < offset) break;
    found--;
  }
  const child = found < 0 ? undefined : children[found];
  return child && offset <= child.offset + child.length ? found : -1;
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
