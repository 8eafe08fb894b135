import type { Node } from 'jsonc-parser';

/**
 * Members of a jsonc-parser object node as [key, value node]. A duplicate key keeps its first position and its
 * last value, as every JSON reader IoT Edge uses keeps the last value.
 */
export function objectMembers(node: Node | undefined): [string, Node][] {
  if (node?.type !== 'object') return [];
  const result = new Map<string, Node>();
  for (const property of node.children ?? []) {
    const key = property.children?.[0]?.value;
    const value = property.children?.[1];
    if (typeof key === 'string' && value) result.set(key, value);
  }
  return [...result];
}

/** The value node of a member: an exact match, else (with ignoreCase) the last case-insensitive one. */
export function objectMember(node: Node | undefined, name: string, ignoreCase = false): Node | undefined {
  const all = objectMembers(node);
  const exact = all.find(([key]) => key === name);
  if (exact || !ignoreCase) return exact?.[1];
  const lower = name.toLowerCase();
  return all.filter(([key]) => key.toLowerCase() === lower).pop()?.[1];
}
