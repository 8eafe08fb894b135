/**
 * JSON Pointers (RFC 6901). Every diagnostic and every quick-fix edit names its target with one,
 * e.g. `/modulesContent/$edgeAgent/properties.desired/modules/filter/settings/image`.
 * Keys with a dot such as `properties.desired` are single segments, exactly as in the document.
 */

export type PointerSegment = string | number;

export function encodeSegment(segment: PointerSegment): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Builds a pointer from segments: `toPointer(['a', 'b/c', 0])` is `/a/b~1c/0`; no segments is `""`. */
export function toPointer(segments: readonly PointerSegment[]): string {
  return segments.map((s) => `/${encodeSegment(s)}`).join('');
}

/** Splits a pointer into decoded segments; `""` is the root. Throws on a pointer without a leading `/`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(decodeSegment);
}

/** Appends segments to a pointer. */
export function childPointer(pointer: string, ...segments: PointerSegment[]): string {
  return pointer + toPointer(segments);
}

/** The pointer of the parent of `pointer` (the root's parent is the root). */
export function parentPointer(pointer: string): string {
  const index = pointer.lastIndexOf('/');
  return index <= 0 ? '' : pointer.slice(0, index);
}

/** The last decoded segment of a pointer, or undefined for the root. */
export function lastSegment(pointer: string): string | undefined {
  const segments = parsePointer(pointer);
  return segments[segments.length - 1];
}

/** Reads the value at a pointer inside a plain JSON value (undefined when the path does not exist). */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let current: unknown = root;
  for (const segment of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      const index = Number(segment);
      if (!Number.isInteger(index)) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
