/**
 * What can still be read from a route that does not compile, so the graph can draw it where it belongs: the
 * source path after FROM, the sink after INTO and the condition between WHERE and INTO. The pieces are handed
 * back to the real compiler (`compileRoute`, `classifySource`), so what is recognised means what edgeHub means.
 * Also: locating a column of a route statement in the manifest text, through JSON string escapes.
 */
import type { Node } from 'jsonc-parser';
import { classifySource, compileRoute, type RouteSink, type RouteSource } from '../../../../shared/routes';

export interface RecognisedRoute {
  readonly source?: RouteSource;
  readonly sink?: RouteSink;
  readonly condition?: string;
}

const FROM = /\bFROM\s+(\/[^\s]*)/i;
const WHERE = /\bWHERE\s+([\s\S]*?)(?:\s+INTO\b|$)/i;
const UPSTREAM = /\bINTO\s+\$upstream\b/i;
const BROKERED = /\bINTO\s+BrokeredEndpoint\s*\(\s*["']([^"']*)["']/i;

function recogniseSink(text: string): RouteSink | undefined {
  if (UPSTREAM.test(text)) return { kind: 'upstream' };
  const address = BROKERED.exec(text)?.[1];
  if (address === undefined) return undefined;
  const compiled = compileRoute(`FROM /* INTO BrokeredEndpoint("${address.replace(/"/g, '')}")`);
  return compiled.ok ? compiled.value.sink : undefined;
}

/**
 * Reads the parts of a route statement that are still recognisable. A statement that compiles (the entry was
 * broken elsewhere, e.g. a bad priority) is read exactly.
 */
export function recogniseRoute(text: string): RecognisedRoute {
  const compiled = compileRoute(text);
  if (compiled.ok) {
    const { source, sink, condition } = compiled.value;
    return { source, sink, ...(condition ? { condition: condition.text } : {}) };
  }
  const sourceText = FROM.exec(text)?.[1];
  const source = sourceText === undefined ? undefined : classifySource(sourceText.replace(/(WHERE|INTO)$/i, ''));
  const sink = recogniseSink(text);
  const condition = WHERE.exec(text)?.[1]?.trim();
  return {
    ...(source ? { source } : {}),
    ...(sink ? { sink } : {}),
    ...(condition ? { condition } : {}),
  };
}

/**
 * The manifest offset of character `index` of the decoded string in `node` (a JSON string literal in `text`).
 * Escapes (`\"`, `\\`, `\u0041`) take more raw characters than they decode to. Clamped to the literal.
 */
export function offsetInString(text: string, node: Node, index: number): number {
  if (node.type !== 'string') return node.offset;
  const end = node.offset + node.length - 1; // the closing quote
  let raw = node.offset + 1;
  for (let decoded = 0; decoded < index && raw < end; decoded++) {
    raw += text[raw] === '\\' ? (text[raw + 1] === 'u' ? 6 : 2) : 1;
  }
  return Math.min(raw, Math.max(node.offset, end));
}

/** Collapses whitespace and cuts long text with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
